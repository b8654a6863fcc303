//! 举报: readers' reports of harmful content and their handling
//! (《网络信息内容生态治理规定》第十六条: a convenient entry, prompt handling,
//! feedback of the result). The categories, states and acts, the form's
//! checks, the receipt number, deadlines, the arithmetic challenge and the
//! CSV of a period. No I/O.

mod challenge;
mod form;
mod receipt;

pub use challenge::{Challenge, challenge, verify};
pub use form::{Filed, check, site_relative, valid_contact};
pub use receipt::{numbered, receipt, valid_number, valid_receipt};

use serde::{Deserialize, Serialize};

/// The description's limits, in characters.
pub const MIN_DESCRIPTION: usize = 5;

pub const MAX_DESCRIPTION: usize = 2000;

/// Screenshots a report may carry.
pub const MAX_SHOTS: usize = 3;

/// How long a challenge may be answered, in seconds.
pub const CHALLENGE_SECS: i64 = 2 * 3600;

/// The categories of 12377 (中央网信办违法和不良信息举报中心).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Political,
    Terror,
    Fraud,
    Porn,
    Vulgar,
    Gambling,
    Infringement,
    Rumor,
    /// 内容差错/纠错: a wrong fact, name, date or figure (not harmful, but
    /// the story needs a correction).
    Error,
    Other,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Political,
        Category::Terror,
        Category::Fraud,
        Category::Porn,
        Category::Vulgar,
        Category::Gambling,
        Category::Infringement,
        Category::Rumor,
        Category::Error,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Political => "political",
            Category::Terror => "terror",
            Category::Fraud => "fraud",
            Category::Porn => "porn",
            Category::Vulgar => "vulgar",
            Category::Gambling => "gambling",
            Category::Infringement => "infringement",
            Category::Rumor => "rumor",
            Category::Error => "error",
            Category::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Political => "政治有害",
            Category::Terror => "暴恐",
            Category::Fraud => "诈骗",
            Category::Porn => "色情",
            Category::Vulgar => "低俗",
            Category::Gambling => "赌博",
            Category::Infringement => "侵权(隐私/名誉)",
            Category::Rumor => "谣言",
            Category::Error => "内容差错/纠错",
            Category::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 待受理: filed, nobody has taken it.
    New,
    /// 核实中: a handler is checking it.
    Checking,
    /// 已转交: handed on to another handler (a 签发人, the legal desk).
    Escalated,
    /// 处理中: closed by its handler as 更正 or 撤稿, the act not yet live
    /// (the correction waits for 签发); it closes itself when it is.
    Awaiting,
    /// 已处理: closed with an outcome and a result for the reader.
    Done,
}

impl State {
    pub const ALL: [State; 5] = [
        State::New,
        State::Checking,
        State::Escalated,
        State::Awaiting,
        State::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Checking => "checking",
            State::Escalated => "escalated",
            State::Awaiting => "awaiting",
            State::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::New => "待受理",
            State::Checking => "核实中",
            State::Escalated => "已转交",
            State::Awaiting => "处理中",
            State::Done => "已处理",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn is_open(self) -> bool {
        self != State::Done
    }
}

/// How a handled report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 撤稿: the story was withdrawn.
    Withdrawn,
    /// 更正: the story was corrected.
    Corrected,
    /// 不予处理: nothing wrong was found (with the reason).
    Rejected,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Withdrawn, Outcome::Corrected, Outcome::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Withdrawn => "withdrawn",
            Outcome::Corrected => "corrected",
            Outcome::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Withdrawn => "撤稿",
            Outcome::Corrected => "更正",
            Outcome::Rejected => "不予处理",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A report as the store holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: i64,
    /// 受理编号, what the reader looks it up by.
    pub receipt: String,
    pub site_id: String,
    pub url: String,
    /// The story the URL names, if it names one.
    pub article_id: Option<i64>,
    pub category: Category,
    pub description: String,
    /// Media keys of the screenshots (private: served only to handlers).
    pub shots: Vec<String>,
    /// Phone or e-mail for feedback; `None` once the retention passed.
    pub contact: Option<String>,
    pub contact_until: Option<i64>,
    pub created_at: i64,
    pub due_at: i64,
    pub state: State,
    pub outcome: Option<Outcome>,
    pub assignee_id: Option<i64>,
    pub assignee: String,
    /// The result text the reader sees.
    pub result: String,
    pub handled_at: Option<i64>,
    pub updated_at: i64,
}

impl Report {
    /// Whole days left before the deadline (negative: overdue by that many).
    pub fn days_left(&self, now: i64) -> i64 {
        days_left(self.due_at, now)
    }

    pub fn overdue(&self, now: i64) -> bool {
        self.state.is_open() && now >= self.due_at
    }

    /// Where it stands in the reader's words: 处理中(更正待签发) while the
    /// act it was closed with is not yet live.
    pub fn state_label(&self) -> String {
        match (self.state, self.outcome) {
            (State::Awaiting, Some(Outcome::Corrected)) => "处理中(更正待签发)".into(),
            (State::Awaiting, Some(Outcome::Withdrawn)) => "处理中(撤稿待签发人执行)".into(),
            (s, _) => s.label().into(),
        }
    }
}

/// Days left until `due` (rounded up; 0 on the last day is "today").
pub fn days_left(due: i64, now: i64) -> i64 {
    let d = due - now;
    if d >= 0 {
        (d + 86_399) / 86_400
    } else {
        -((-d + 86_399) / 86_400)
    }
}

/// The most a report's screenshots may take once re-encoded.
pub const MAX_SHOT_BYTES: i64 = 4 * 1024 * 1024;

/// One act on a report by a handler.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// 分派: give it to a handler (oneself or another).
    Assign { to: i64, name: String },
    /// 核实中.
    Check,
    /// 转交: hand it on, with a note.
    Escalate { to: i64, name: String, note: String },
    /// 已处理: close it, with the result the reader reads. `live`: the act
    /// it names (the correction signed, the withdrawal) is on the site;
    /// until it is the report waits (处理中) and closes itself then.
    Resolve {
        outcome: Outcome,
        result: String,
        live: bool,
    },
}

impl Act {
    /// The record's action name.
    pub fn action(&self) -> &'static str {
        match self {
            Act::Assign { .. } => "report_assign",
            Act::Check => "report_check",
            Act::Escalate { .. } => "report_escalate",
            Act::Resolve { .. } => "report_resolve",
        }
    }
}

/// The report after `act`, or why it may not be taken. Pure.
pub fn apply(r: &Report, act: &Act, now: i64) -> Result<Report, String> {
    if r.state == State::Awaiting {
        return Err(format!(
            "举报 {} 已按{}办结,等{}生效后自动完成",
            r.receipt,
            r.outcome.map_or("", Outcome::label),
            r.outcome.map_or("", Outcome::label)
        ));
    }
    if r.state == State::Done {
        return Err(format!(
            "举报 {} 已处理完毕({}),不能再更改",
            r.receipt,
            r.outcome.map_or("", Outcome::label)
        ));
    }
    let mut n = r.clone();
    n.updated_at = now;
    match act {
        Act::Assign { to, name } => {
            n.assignee_id = Some(*to);
            n.assignee = name.clone();
        }
        Act::Check => n.state = State::Checking,
        Act::Escalate { to, name, note } => {
            if note.trim().is_empty() {
                return Err("转交须写明原因(如:涉及稿件撤稿,请签发人处理)".into());
            }
            n.state = State::Escalated;
            n.assignee_id = Some(*to);
            n.assignee = name.clone();
        }
        Act::Resolve {
            outcome,
            result,
            live,
        } => {
            let len = result.trim().chars().count();
            if len == 0 {
                return Err(match outcome {
                    Outcome::Rejected => "不予处理须写明理由,举报人查询时可以看到".into(),
                    _ => "请填写处理结果,举报人查询时可以看到".into(),
                });
            }
            if len > MAX_DESCRIPTION {
                return Err(format!("处理结果最多 {MAX_DESCRIPTION} 个字"));
            }
            // 不予处理 and an act already live close it now; otherwise it
            // waits for the act (linked by its story and outcome)
            let waits = *outcome != Outcome::Rejected && !live;
            n.state = if waits { State::Awaiting } else { State::Done };
            n.outcome = Some(*outcome);
            n.result = result.trim().to_string();
            n.handled_at = (!waits).then_some(now);
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(state: State) -> Report {
        Report {
            id: 1,
            receipt: receipt(1_733_000_000, &[7; 8]),
            site_id: "main".into(),
            url: "/zw/1.html".into(),
            article_id: Some(1),
            category: Category::Rumor,
            description: "标题与事实不符".into(),
            shots: vec![],
            contact: None,
            contact_until: None,
            created_at: 0,
            due_at: 10 * 86_400,
            state,
            outcome: None,
            assignee_id: None,
            assignee: String::new(),
            result: String::new(),
            handled_at: None,
            updated_at: 0,
        }
    }
    #[test]
    fn acts_and_deadlines() {
        let r = report(State::New);
        assert_eq!(r.days_left(0), 10);
        assert_eq!(r.days_left(9 * 86_400 + 1), 1);
        assert!(!r.overdue(10 * 86_400 - 1));
        assert!(r.overdue(10 * 86_400));
        assert_eq!(r.days_left(11 * 86_400 + 5), -2);
        let e = Act::Escalate {
            to: 2,
            name: "签发人".into(),
            note: String::new(),
        };
        assert!(apply(&r, &e, 1).unwrap_err().contains("原因"));
        let done = apply(
            &r,
            &Act::Resolve {
                outcome: Outcome::Rejected,
                result: "经核实,报道属实".into(),
                live: false,
            },
            5,
        )
        .unwrap();
        assert_eq!(done.state, State::Done);
        assert!(!done.overdue(100 * 86_400));
        assert!(apply(&done, &Act::Check, 6).unwrap_err().contains("已处理"));
        assert!(
            apply(
                &r,
                &Act::Resolve {
                    outcome: Outcome::Rejected,
                    result: " ".into(),
                    live: false,
                },
                5
            )
            .unwrap_err()
            .contains("理由")
        );
    }

    #[test]
    fn a_correction_not_yet_signed_keeps_the_report_waiting() {
        let r = report(State::Checking);
        let fix = |live| Act::Resolve {
            outcome: Outcome::Corrected,
            result: "已更正标题".into(),
            live,
        };
        let waiting = apply(&r, &fix(false), 5).unwrap();
        assert_eq!(waiting.state, State::Awaiting);
        assert!(waiting.state.is_open());
        assert_eq!(waiting.handled_at, None);
        assert_eq!(waiting.state_label(), "处理中(更正待签发)");
        assert!(
            apply(&waiting, &Act::Check, 6)
                .unwrap_err()
                .contains("自动完成")
        );
        let done = apply(&r, &fix(true), 5).unwrap();
        assert_eq!(done.state, State::Done);
        assert_eq!(done.handled_at, Some(5));
        assert_eq!(done.state_label(), "已处理");
    }
}
