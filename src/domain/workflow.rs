//! The editorial workflow (三审 and 签发) as a pure function (DESIGN.md §5):
//! `(state, actor, action, policy) -> Result<(new state, audit record), Refusal>`.
//!
//! A story has a public side (never published, live, withdrawn) and a working
//! side (the revision being written or reviewed). A never-published story is
//! written, submitted, reviewed at levels 1..N (N per channel; default 3:
//! 初审, 复审, 终审), and approving the last level is the sign-off (签发), which
//! only a 签发人 may do. Editing a live story opens a new working revision that
//! goes through the same review while the live page stays as it was.
//! Any level may reject back to draft with a reason. Separation of duties: no
//! one acts at two levels of the same story in one review cycle, and an
//! author never reviews their own story.

use serde::{Deserialize, Serialize};

use super::article::Status;
use super::user::User;

/// The public side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Public {
    Never,
    Live,
    Withdrawn,
}

/// The working side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Work {
    /// Nothing pending (only for a live or withdrawn story).
    Idle,
    Draft,
    Review {
        level: u8,
    },
    /// Signed off; goes live at `at` (epoch seconds).
    Scheduled {
        at: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub public: Public,
    pub work: Work,
}

impl Flow {
    /// Where a story stands: its public side from the status it shows, and
    /// its working side.
    pub fn of(status: Status, work: Work) -> Self {
        let public = match status {
            Status::Published => Public::Live,
            Status::Withdrawn => Public::Withdrawn,
            _ => Public::Never,
        };
        Flow { public, work }
    }

    pub fn new_draft() -> Self {
        Flow {
            public: Public::Never,
            work: Work::Draft,
        }
    }

    /// Short machine name, for audit records and filters.
    pub fn name(&self) -> String {
        let w = match self.work {
            Work::Idle => "idle".to_string(),
            Work::Draft => "draft".into(),
            Work::Review { level } => format!("review{level}"),
            Work::Scheduled { .. } => "scheduled".into(),
        };
        let p = match self.public {
            Public::Never => "unpublished",
            Public::Live => "live",
            Public::Withdrawn => "withdrawn",
        };
        format!("{p}/{w}")
    }

    /// Chinese label for the newsroom.
    pub fn label(&self, levels: u8) -> String {
        let w = match self.work {
            Work::Idle => String::new(),
            Work::Draft => "草稿".into(),
            Work::Review { level } => format!("待{}", level_name(level, levels)),
            Work::Scheduled { at } => format!(
                "已签发,定时 {} 发布",
                super::text::to_cst(at).format("%Y-%m-%d %H:%M")
            ),
        };
        match (self.public, w.is_empty()) {
            (Public::Never, _) => w,
            (Public::Live, true) => "已发布".into(),
            (Public::Live, false) => format!("已发布(修改稿{w})"),
            (Public::Withdrawn, true) => "已撤稿".into(),
            (Public::Withdrawn, false) => format!("已撤稿(修改稿{w})"),
        }
    }
}

/// 初审, 复审, 终审 (and 二审.. for longer chains).
pub fn level_name(level: u8, levels: u8) -> String {
    if level == levels {
        return if levels == 1 {
            "签发".into()
        } else {
            "终审(签发)".into()
        };
    }
    match level {
        1 => "初审".into(),
        2 => "复审".into(),
        n => format!("第{n}审"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Open a working revision on a live or withdrawn story (an edit).
    Revise,
    /// Save new text into the working revision. Approval is of a text: once
    /// a level has approved it, it is not changed under the later levels
    /// (they reject it back to draft instead), so 签发 publishes only text
    /// every level saw.
    Edit,
    Submit,
    Approve {
        opinion: String,
        /// Sign-off only: publish at this time instead of now.
        publish_at: Option<i64>,
        /// Sign-off only: why blocking sensitive words are acceptable.
        override_reason: Option<String>,
    },
    Reject {
        reason: String,
    },
    /// 撤稿.
    Withdraw {
        reason: String,
    },
    /// The scheduler: a signed-off story's time has come.
    PublishDue,
    /// Take a scheduled story back to draft before it goes live.
    Unschedule {
        reason: String,
    },
    /// 撤回: the author takes a submitted story back to draft before 初审
    /// has acted on it.
    Recall,
    /// 恢复: a 签发人 brings a withdrawn story back as it was, with a reason.
    Restore {
        reason: String,
    },
    /// A 签发人 moves a signed-off story's publication time (the sign-off
    /// stands: no new review).
    Reschedule {
        at: i64,
    },
    /// A 签发人 publishes a signed-off, scheduled story now.
    PublishNow,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Revise => "revise",
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::Approve { .. } => "approve",
            Action::Reject { .. } => "reject",
            Action::Withdraw { .. } => "withdraw",
            Action::PublishDue => "publish",
            Action::Unschedule { .. } => "unschedule",
            Action::Recall => "recall",
            Action::Restore { .. } => "restore",
            Action::Reschedule { .. } => "reschedule",
            Action::PublishNow => "publish_now",
        }
    }
}

/// Who acts: a person, or the scheduler.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Person(&'a User),
    System,
}

/// Everything the decision needs besides the state.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub flow: Flow,
    /// Review levels of the story's channel (1..=9).
    pub levels: u8,
    pub author_id: i64,
    /// Who acted at which level in the current review cycle (approvals and
    /// rejections since the story was last published).
    pub acts: &'a [(u8, i64)],
    /// Who saved the text under review (they do not review or sign it off).
    pub editors: &'a [i64],
    /// Whether the actor may work in the story's channel.
    pub in_scope: bool,
    /// Whether the actor is a named 代签 deputy for the story's desk: he
    /// may sign off there without the 签发人 role (separation of duties
    /// still binds him).
    pub deputy: bool,
    /// A reprint (转载) whose origin is not filled in completely.
    pub reprint_incomplete: bool,
    /// What keeps the story's media from publication (a 题图 without its
    /// 替代文字, a video not processed, an AI label not declared ...).
    pub media_unpublishable: Vec<String>,
    /// Number of "block" sensitive-word hits in the working revision.
    pub blocking_hits: usize,
    /// What is missing for the story to be submitted (empty title, body ...).
    pub incomplete: Option<String>,
    pub now: i64,
}

/// What the storage applies, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub flow: Flow,
    /// The working revision becomes the live page now (sign-off or due).
    pub goes_live: bool,
    /// This action is the sign-off: record 签发 time and signer.
    pub signed: bool,
    /// The review cycle ends (acts before this do not bind later reviews).
    pub cycle_ends: bool,
    /// The level acted at, if a review.
    pub level: Option<u8>,
    /// The written opinion or reason, for the audit record.
    pub opinion: String,
    /// A sign-off by a deputy without the 签发人 role: the record says 代签.
    pub deputy: bool,
    /// The 初审 approval: the editor who took it is the story's 责任编辑
    /// (编辑) unless an editor named one.
    pub names_editor: bool,
}

/// Why an action is refused; `Display` is the message for the newsroom.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("您没有权限:{0}")]
    NotPermitted(String),
    #[error("当前状态不能这样操作:{0}")]
    WrongState(String),
    #[error("请填写意见或理由")]
    OpinionRequired,
    #[error("按三审制度,{0}")]
    SeparationOfDuties(String),
    #[error("转载稿须填写原出处、原作者、原标题和原文链接后才能签发")]
    ReprintIncomplete,
    #[error("{0}")]
    Pictures(String),
    #[error("稿件含有 {0} 处须拦截的敏感词,签发人须填写放行理由后才能签发")]
    SensitiveWords(usize),
    #[error("稿件还不完整:{0}")]
    Incomplete(String),
    #[error("定时发布时间必须晚于现在")]
    ScheduleInPast,
    #[error("定时发布时间不能晚于一年之后,请检查日期")]
    ScheduleTooFar,
}

const MAX_OPINION_CHARS: usize = 2000;
/// How far ahead a sign-off may schedule publication (a year).
pub const MAX_SCHEDULE_SECS: i64 = 366 * 86_400;

fn opinion(text: &str) -> Result<String, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Refusal::OpinionRequired);
    }
    Ok(t.chars().take(MAX_OPINION_CHARS).collect())
}

/// Decide an action. Pure: no I/O, no clock but `ctx.now`.
pub fn decide(ctx: &Context<'_>, actor: Actor<'_>, action: &Action) -> Result<Outcome, Refusal> {
    let flow = ctx.flow;
    let levels = ctx.levels.clamp(1, 9);
    let keep = |flow: Flow, opinion: String| Outcome {
        flow,
        goes_live: false,
        signed: false,
        cycle_ends: false,
        level: None,
        opinion,
        deputy: false,
        names_editor: false,
    };
    let person = match actor {
        Actor::Person(u) => {
            if !u.active {
                return Err(Refusal::NotPermitted("账号已停用".into()));
            }
            if !ctx.in_scope {
                return Err(Refusal::NotPermitted("这个栏目不在您的负责范围内".into()));
            }
            Some(u)
        }
        Actor::System => None,
    };
    match (action, flow.work) {
        (Action::PublishDue, Work::Scheduled { at }) => {
            if person.is_some() {
                return Err(Refusal::NotPermitted("定时发布由系统执行".into()));
            }
            if at > ctx.now {
                return Err(Refusal::WrongState("还没到定时发布时间".into()));
            }
            Ok(Outcome {
                goes_live: true,
                cycle_ends: true,
                ..keep(
                    Flow {
                        public: Public::Live,
                        work: Work::Idle,
                    },
                    String::new(),
                )
            })
        }
        (Action::PublishDue, _) => Err(Refusal::WrongState("稿件没有在等待定时发布".into())),
        (_, _) if person.is_none() => Err(Refusal::NotPermitted("系统只执行定时发布".into())),

        (Action::Revise, Work::Idle) => {
            let u = person.expect("checked");
            if !u.is_editor() && u.id != ctx.author_id {
                return Err(Refusal::NotPermitted("记者只能修改自己的稿件".into()));
            }
            Ok(keep(
                Flow {
                    public: flow.public,
                    work: Work::Draft,
                },
                String::new(),
            ))
        }
        (Action::Revise, _) => Err(Refusal::WrongState("稿件已有正在处理的修改稿".into())),

        (Action::Edit, Work::Draft) => {
            let u = person.expect("checked");
            if !u.is_editor() && u.id != ctx.author_id {
                return Err(Refusal::NotPermitted("记者只能修改自己的稿件".into()));
            }
            Ok(keep(flow, String::new()))
        }
        (Action::Edit, Work::Review { level: 1 }) => {
            let u = person.expect("checked");
            if !u.is_editor() {
                return Err(Refusal::NotPermitted("稿件在审核中,记者不能修改".into()));
            }
            Ok(keep(flow, String::new()))
        }
        (Action::Edit, Work::Review { level }) => Err(Refusal::WrongState(format!(
            "这一稿已通过{},通过审核的文字不能再直接修改:请退回并写明要改的地方,改后重新送审",
            level_name(level - 1, levels)
        ))),
        (Action::Edit, Work::Scheduled { .. }) => Err(Refusal::WrongState(
            "稿件已签发待发布,请先取消定时发布再修改".into(),
        )),
        (Action::Edit, Work::Idle) => Err(Refusal::WrongState("请先打开修改稿".into())),

        (Action::Recall, Work::Review { level: 1 }) => {
            let u = person.expect("checked");
            if u.id != ctx.author_id {
                return Err(Refusal::NotPermitted(
                    "只有作者可以撤回自己提交的稿件".into(),
                ));
            }
            Ok(keep(
                Flow {
                    public: flow.public,
                    work: Work::Draft,
                },
                String::new(),
            ))
        }
        (Action::Restore { reason }, Work::Idle) => {
            let u = person.expect("checked");
            signer_only(u, "只有签发人可以恢复已撤稿件")?;
            if flow.public != Public::Withdrawn {
                return Err(Refusal::WrongState("只有已撤稿的稿件可以恢复".into()));
            }
            let reason = opinion(reason)?;
            Ok(Outcome {
                goes_live: true,
                cycle_ends: true,
                ..keep(
                    Flow {
                        public: Public::Live,
                        work: Work::Idle,
                    },
                    reason,
                )
            })
        }
        (Action::Reschedule { at }, Work::Scheduled { .. }) => {
            let u = person.expect("checked");
            signer_only(u, "只有签发人可以修改定时发布时间")?;
            if *at <= ctx.now {
                return Err(Refusal::ScheduleInPast);
            }
            if *at > ctx.now + MAX_SCHEDULE_SECS {
                return Err(Refusal::ScheduleTooFar);
            }
            Ok(keep(
                Flow {
                    public: flow.public,
                    work: Work::Scheduled { at: *at },
                },
                format!(
                    "定时发布改为 {}",
                    super::text::to_cst(*at).format("%Y-%m-%d %H:%M")
                ),
            ))
        }
        (Action::PublishNow, Work::Scheduled { .. }) => {
            let u = person.expect("checked");
            signer_only(u, "只有签发人可以立即发布")?;
            Ok(Outcome {
                goes_live: true,
                cycle_ends: true,
                ..keep(
                    Flow {
                        public: Public::Live,
                        work: Work::Idle,
                    },
                    "取消定时,立即发布".into(),
                )
            })
        }
        (Action::Reschedule { .. } | Action::PublishNow, _) => {
            Err(Refusal::WrongState("稿件没有在等待定时发布".into()))
        }
        (Action::Restore { .. }, _) => Err(Refusal::WrongState(
            "稿件有正在处理的修改稿,请先处理完再恢复".into(),
        )),
        (Action::Recall, _) => Err(Refusal::WrongState(
            "稿件已进入审核,不能撤回;请联系审核人员退回".into(),
        )),

        (Action::Submit, Work::Draft) => {
            let u = person.expect("checked");
            if !u.is_editor() && u.id != ctx.author_id {
                return Err(Refusal::NotPermitted("记者只能提交自己的稿件".into()));
            }
            if let Some(what) = &ctx.incomplete {
                return Err(Refusal::Incomplete(what.clone()));
            }
            Ok(keep(
                Flow {
                    public: flow.public,
                    work: Work::Review { level: 1 },
                },
                String::new(),
            ))
        }
        (Action::Submit, _) => Err(Refusal::WrongState("只有草稿可以提交审核".into())),

        (
            Action::Approve {
                opinion: text,
                publish_at,
                override_reason,
            },
            Work::Review { level },
        ) => {
            let u = person.expect("checked");
            let opinion = opinion(text)?;
            check_reviewer(ctx, u, level, levels)?;
            let names_editor = level == 1;
            if level < levels {
                return Ok(Outcome {
                    level: Some(level),
                    names_editor,
                    ..keep(
                        Flow {
                            public: flow.public,
                            work: Work::Review { level: level + 1 },
                        },
                        opinion,
                    )
                });
            }
            // The sign-off.
            if let Some(r) = signoff_refusals(ctx)
                .into_iter()
                .find(|r| !matches!(r, Refusal::SensitiveWords(_)))
            {
                return Err(r);
            }
            let deputy = !u.has(super::user::Role::Signer);
            let mut opinion = opinion;
            if ctx.blocking_hits > 0 {
                match override_reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                {
                    Some(reason) => opinion = format!("{opinion}(敏感词放行理由:{reason})"),
                    None => return Err(Refusal::SensitiveWords(ctx.blocking_hits)),
                }
            }
            match publish_at {
                Some(at) if *at > ctx.now + MAX_SCHEDULE_SECS => Err(Refusal::ScheduleTooFar),
                Some(at) if *at > ctx.now => Ok(Outcome {
                    signed: true,
                    level: Some(level),
                    deputy,
                    names_editor,
                    ..keep(
                        Flow {
                            public: flow.public,
                            work: Work::Scheduled { at: *at },
                        },
                        opinion,
                    )
                }),
                Some(_) => Err(Refusal::ScheduleInPast),
                None => Ok(Outcome {
                    goes_live: true,
                    signed: true,
                    cycle_ends: true,
                    level: Some(level),
                    deputy,
                    names_editor,
                    ..keep(
                        Flow {
                            public: Public::Live,
                            work: Work::Idle,
                        },
                        opinion,
                    )
                }),
            }
        }
        (Action::Approve { .. }, _) => Err(Refusal::WrongState("稿件不在审核中".into())),

        (Action::Reject { reason }, Work::Review { level }) => {
            let u = person.expect("checked");
            let reason = opinion(reason)?;
            check_reviewer(ctx, u, level, levels)?;
            Ok(Outcome {
                level: Some(level),
                ..keep(
                    Flow {
                        public: flow.public,
                        work: Work::Draft,
                    },
                    reason,
                )
            })
        }
        (Action::Reject { .. }, _) => Err(Refusal::WrongState("稿件不在审核中".into())),

        (Action::Withdraw { reason }, _) => {
            let u = person.expect("checked");
            signer_only(u, "只有签发人可以撤稿")?;
            if flow.public != Public::Live {
                return Err(Refusal::WrongState("只有已发布的稿件可以撤稿".into()));
            }
            let reason = opinion(reason)?;
            // A pending revision stays (it may be fixed and signed off again);
            // a scheduled one is taken back so it cannot bring the story back.
            let work = match flow.work {
                Work::Scheduled { .. } => Work::Draft,
                w => w,
            };
            Ok(keep(
                Flow {
                    public: Public::Withdrawn,
                    work,
                },
                reason,
            ))
        }

        (Action::Unschedule { reason }, Work::Scheduled { .. }) => {
            let u = person.expect("checked");
            signer_only(u, "只有签发人可以取消定时发布")?;
            let reason = opinion(reason)?;
            Ok(Outcome {
                cycle_ends: true,
                ..keep(
                    Flow {
                        public: flow.public,
                        work: Work::Draft,
                    },
                    reason,
                )
            })
        }
        (Action::Unschedule { .. }, _) => Err(Refusal::WrongState("稿件没有在等待定时发布".into())),
    }
}

/// Only a 签发人 takes this action; `what` is the refusal's message.
fn signer_only(u: &User, what: &str) -> Result<(), Refusal> {
    if u.has(super::user::Role::Signer) {
        Ok(())
    } else {
        Err(Refusal::NotPermitted(what.into()))
    }
}

/// What will refuse the sign-off of the story as it stands (a 转载 without
/// its origin, pictures without 替代文字, a video not ready, an AI label
/// undeclared, blocking sensitive words without a reason): the same checks
/// 签发 makes, shown as warnings to the writer and at every level before
/// anyone approves.
pub fn signoff_refusals(ctx: &Context<'_>) -> Vec<Refusal> {
    let mut out = Vec::new();
    if ctx.reprint_incomplete {
        out.push(Refusal::ReprintIncomplete);
    }
    out.extend(
        ctx.media_unpublishable
            .iter()
            .cloned()
            .map(Refusal::Pictures),
    );
    if ctx.blocking_hits > 0 {
        out.push(Refusal::SensitiveWords(ctx.blocking_hits));
    }
    out
}

fn check_reviewer(ctx: &Context<'_>, u: &User, level: u8, levels: u8) -> Result<(), Refusal> {
    let deputy_signs = level == levels && ctx.deputy;
    if !u.may_review(level, levels) && !deputy_signs {
        return Err(Refusal::NotPermitted(format!(
            "{}须由相应审核人员进行",
            level_name(level, levels)
        )));
    }
    if u.id == ctx.author_id {
        return Err(Refusal::SeparationOfDuties("作者不能审核自己的稿件".into()));
    }
    if ctx.editors.contains(&u.id) {
        return Err(Refusal::SeparationOfDuties(
            "修改过这一稿文字的人不能再审核或签发它,请由其他人审核".into(),
        ));
    }
    if ctx.acts.iter().any(|(l, who)| *who == u.id && *l != level) {
        return Err(Refusal::SeparationOfDuties(
            "同一人不能在同一稿件的两个审级上审核".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::user::{Role, Scope};

    const NOW: i64 = 1_700_000_000;

    fn user(id: i64, roles: &[Role]) -> User {
        User {
            id,
            username: format!("u{id}"),
            display_name: format!("U{id}"),
            roles: roles.to_vec(),
            scopes: vec![Scope {
                site_id: "main".into(),
                channel_path: None,
            }],
            active: true,
        }
    }

    const AUTHOR: i64 = 1;

    fn ctx<'a>(flow: Flow, acts: &'a [(u8, i64)]) -> Context<'a> {
        Context {
            flow,
            levels: 3,
            author_id: AUTHOR,
            acts,
            editors: &[],
            in_scope: true,
            reprint_incomplete: false,
            media_unpublishable: Vec::new(),
            deputy: false,
            blocking_hits: 0,
            incomplete: None,
            now: NOW,
        }
    }

    fn review(level: u8) -> Flow {
        Flow {
            public: Public::Never,
            work: Work::Review { level },
        }
    }

    fn approve() -> Action {
        Action::Approve {
            opinion: "同意".into(),
            publish_at: None,
            override_reason: None,
        }
    }

    fn reject() -> Action {
        Action::Reject {
            reason: "导语需要改写".into(),
        }
    }

    /// A story's public side follows the status it shows: only a published
    /// story is live and only a withdrawn one withdrawn; the rest never were.
    #[test]
    fn flow_of_status_and_work() {
        use crate::domain::Status;
        let review = Work::Review { level: 2 };
        for (status, public) in [
            (Status::Published, Public::Live),
            (Status::Withdrawn, Public::Withdrawn),
            (Status::Draft, Public::Never),
            (Status::InReview, Public::Never),
            (Status::Scheduled, Public::Never),
        ] {
            assert_eq!(
                Flow::of(status, review),
                Flow {
                    public,
                    work: review
                }
            );
        }
    }

    /// Every role, every action, every state: what is allowed is exactly the
    /// table below; everything else is refused.
    #[test]
    fn exhaustive_transition_table() {
        let reporter = user(AUTHOR, &[Role::Reporter]);
        let other_reporter = user(9, &[Role::Reporter]);
        let editor = user(2, &[Role::Editor]);
        let second = user(3, &[Role::Reviewer(2)]);
        let signer = user(4, &[Role::Signer]);
        let admin = user(5, &[Role::Admin]);
        let people = [
            &reporter,
            &other_reporter,
            &editor,
            &second,
            &signer,
            &admin,
        ];
        let states = [
            Flow::new_draft(),
            review(1),
            review(2),
            review(3),
            Flow {
                public: Public::Never,
                work: Work::Scheduled { at: NOW + 60 },
            },
            Flow {
                public: Public::Live,
                work: Work::Idle,
            },
            Flow {
                public: Public::Live,
                work: Work::Draft,
            },
            Flow {
                public: Public::Live,
                work: Work::Review { level: 3 },
            },
            Flow {
                public: Public::Withdrawn,
                work: Work::Idle,
            },
        ];
        let actions = [
            Action::Edit,
            Action::Revise,
            Action::Submit,
            approve(),
            reject(),
            Action::Withdraw {
                reason: "失实".into(),
            },
            Action::Unschedule {
                reason: "推迟".into(),
            },
            Action::Recall,
            Action::Restore {
                reason: "核实无误".into(),
            },
            Action::Reschedule { at: NOW + 7200 },
            Action::PublishNow,
        ];
        let mut allowed = Vec::new();
        for s in states {
            for p in people {
                for a in &actions {
                    if let Ok(o) = decide(&ctx(s, &[]), Actor::Person(p), a) {
                        allowed.push((s.name(), p.username.clone(), a.name(), o.flow.name()));
                    }
                }
            }
        }
        let expected: Vec<(String, String, &str, String)> = [
            ("unpublished/draft", "u1", "edit", "unpublished/draft"),
            ("unpublished/draft", "u1", "submit", "unpublished/review1"),
            ("unpublished/draft", "u2", "edit", "unpublished/draft"),
            ("unpublished/draft", "u2", "submit", "unpublished/review1"),
            ("unpublished/draft", "u3", "edit", "unpublished/draft"),
            ("unpublished/draft", "u3", "submit", "unpublished/review1"),
            ("unpublished/draft", "u4", "edit", "unpublished/draft"),
            ("unpublished/draft", "u4", "submit", "unpublished/review1"),
            ("unpublished/draft", "u5", "edit", "unpublished/draft"),
            ("unpublished/draft", "u5", "submit", "unpublished/review1"),
            // the author may take it back before 初审 acts
            ("unpublished/review1", "u1", "recall", "unpublished/draft"),
            // at 初审 an editor may still correct the text: no level approved it yet
            ("unpublished/review1", "u2", "edit", "unpublished/review1"),
            (
                "unpublished/review1",
                "u2",
                "approve",
                "unpublished/review2",
            ),
            ("unpublished/review1", "u2", "reject", "unpublished/draft"),
            ("unpublished/review1", "u3", "edit", "unpublished/review1"),
            ("unpublished/review1", "u4", "edit", "unpublished/review1"),
            ("unpublished/review1", "u5", "edit", "unpublished/review1"),
            // from 复审 on, the approved text is not edited (no "edit" rows)
            (
                "unpublished/review2",
                "u3",
                "approve",
                "unpublished/review3",
            ),
            ("unpublished/review2", "u3", "reject", "unpublished/draft"),
            ("unpublished/review3", "u4", "approve", "live/idle"),
            ("unpublished/review3", "u4", "reject", "unpublished/draft"),
            (
                "unpublished/scheduled",
                "u4",
                "unschedule",
                "unpublished/draft",
            ),
            // the sign-off stands: only the time moves, or it goes out now
            (
                "unpublished/scheduled",
                "u4",
                "reschedule",
                "unpublished/scheduled",
            ),
            ("unpublished/scheduled", "u4", "publish_now", "live/idle"),
            ("live/idle", "u1", "revise", "live/draft"),
            ("live/idle", "u2", "revise", "live/draft"),
            ("live/idle", "u3", "revise", "live/draft"),
            ("live/idle", "u4", "revise", "live/draft"),
            ("live/idle", "u4", "withdraw", "withdrawn/idle"),
            ("live/idle", "u5", "revise", "live/draft"),
            ("live/draft", "u1", "edit", "live/draft"),
            ("live/draft", "u1", "submit", "live/review1"),
            ("live/draft", "u2", "edit", "live/draft"),
            ("live/draft", "u2", "submit", "live/review1"),
            ("live/draft", "u3", "edit", "live/draft"),
            ("live/draft", "u3", "submit", "live/review1"),
            ("live/draft", "u4", "edit", "live/draft"),
            ("live/draft", "u4", "submit", "live/review1"),
            ("live/draft", "u4", "withdraw", "withdrawn/draft"),
            ("live/draft", "u5", "edit", "live/draft"),
            ("live/draft", "u5", "submit", "live/review1"),
            ("live/review3", "u4", "approve", "live/idle"),
            ("live/review3", "u4", "reject", "live/draft"),
            ("live/review3", "u4", "withdraw", "withdrawn/review3"),
            ("withdrawn/idle", "u1", "revise", "withdrawn/draft"),
            ("withdrawn/idle", "u2", "revise", "withdrawn/draft"),
            ("withdrawn/idle", "u3", "revise", "withdrawn/draft"),
            ("withdrawn/idle", "u4", "revise", "withdrawn/draft"),
            ("withdrawn/idle", "u4", "restore", "live/idle"),
            ("withdrawn/idle", "u5", "revise", "withdrawn/draft"),
        ]
        .into_iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c, d.to_string()))
        .collect();
        assert_eq!(allowed, expected);
    }

    #[test]
    fn whoever_changed_the_text_does_not_review_or_sign_it() {
        let editor = user(2, &[Role::Editor]);
        let signer = user(4, &[Role::Signer]);
        for (level, who) in [(1, &editor), (3, &signer)] {
            let c = Context {
                editors: &[who.id],
                ..ctx(review(level), &[])
            };
            let refused = decide(&c, Actor::Person(who), &approve()).unwrap_err();
            assert!(
                matches!(refused, Refusal::SeparationOfDuties(_)),
                "{refused}"
            );
            assert!(decide(&c, Actor::Person(who), &reject()).is_err());
            // someone who did not touch the text may
            let clean = ctx(review(level), &[]);
            assert!(decide(&clean, Actor::Person(who), &approve()).is_ok());
        }
    }

    #[test]
    fn withdraw_while_a_revision_is_pending_keeps_the_revision() {
        let signer = user(4, &[Role::Signer]);
        let o = decide(
            &ctx(
                Flow {
                    public: Public::Live,
                    work: Work::Draft,
                },
                &[],
            ),
            Actor::Person(&signer),
            &Action::Withdraw {
                reason: "失实".into(),
            },
        )
        .unwrap();
        assert_eq!(
            o.flow,
            Flow {
                public: Public::Withdrawn,
                work: Work::Draft
            }
        );
    }

    #[test]
    fn the_full_three_level_path_signs_off() {
        let editor = user(2, &[Role::Editor]);
        let second = user(3, &[Role::Reviewer(2)]);
        let signer = user(4, &[Role::Signer]);
        let o1 = decide(&ctx(review(1), &[]), Actor::Person(&editor), &approve()).unwrap();
        assert_eq!((o1.flow, o1.level, o1.signed), (review(2), Some(1), false));
        let o2 = decide(
            &ctx(review(2), &[(1, 2)]),
            Actor::Person(&second),
            &approve(),
        )
        .unwrap();
        assert_eq!(o2.flow, review(3));
        let o3 = decide(
            &ctx(review(3), &[(1, 2), (2, 3)]),
            Actor::Person(&signer),
            &approve(),
        )
        .unwrap();
        assert!(o3.signed && o3.goes_live && o3.cycle_ends);
        assert_eq!(
            o3.flow,
            Flow {
                public: Public::Live,
                work: Work::Idle
            }
        );
        assert_eq!(o3.opinion, "同意");
    }

    #[test]
    fn one_person_never_acts_at_two_levels() {
        // someone who is both editor and second-level reviewer approved level 1
        let both = user(2, &[Role::Editor, Role::Reviewer(2)]);
        let err = decide(&ctx(review(2), &[(1, 2)]), Actor::Person(&both), &approve()).unwrap_err();
        assert!(matches!(err, Refusal::SeparationOfDuties(_)), "{err}");
        // rejecting counts as acting too
        let err = decide(&ctx(review(2), &[(1, 2)]), Actor::Person(&both), &reject()).unwrap_err();
        assert!(matches!(err, Refusal::SeparationOfDuties(_)));
        // acting again at the same level (after a rejection round) is fine
        assert!(decide(&ctx(review(1), &[(1, 2)]), Actor::Person(&both), &approve()).is_ok());
        // a signer who was also 初审 cannot sign off
        let editor_signer = user(6, &[Role::Editor, Role::Signer]);
        let err = decide(
            &ctx(review(3), &[(1, 6), (2, 3)]),
            Actor::Person(&editor_signer),
            &approve(),
        )
        .unwrap_err();
        assert!(matches!(err, Refusal::SeparationOfDuties(_)));
    }

    #[test]
    fn authors_never_review_their_own_story() {
        let author_editor = user(AUTHOR, &[Role::Editor, Role::Signer]);
        for level in 1..=3 {
            let err = decide(
                &ctx(review(level), &[]),
                Actor::Person(&author_editor),
                &approve(),
            )
            .unwrap_err();
            assert!(
                matches!(
                    err,
                    Refusal::SeparationOfDuties(_) | Refusal::NotPermitted(_)
                ),
                "{level}: {err}"
            );
        }
    }

    #[test]
    fn opinions_are_required() {
        let editor = user(2, &[Role::Editor]);
        let blank = Action::Approve {
            opinion: "  ".into(),
            publish_at: None,
            override_reason: None,
        };
        assert_eq!(
            decide(&ctx(review(1), &[]), Actor::Person(&editor), &blank),
            Err(Refusal::OpinionRequired)
        );
        let blank = Action::Reject { reason: "".into() };
        assert_eq!(
            decide(&ctx(review(1), &[]), Actor::Person(&editor), &blank),
            Err(Refusal::OpinionRequired)
        );
        let signer = user(4, &[Role::Signer]);
        let w = Action::Withdraw { reason: " ".into() };
        let live = Flow {
            public: Public::Live,
            work: Work::Idle,
        };
        assert_eq!(
            decide(&ctx(live, &[]), Actor::Person(&signer), &w),
            Err(Refusal::OpinionRequired)
        );
    }

    #[test]
    fn pictures_without_alt_text_are_not_signed_off() {
        let signer = user(4, &[Role::Signer]);
        let mut c = ctx(review(3), &[]);
        c.media_unpublishable = vec!["题图须填写替代文字".into()];
        assert_eq!(
            decide(&c, Actor::Person(&signer), &approve()),
            Err(Refusal::Pictures("题图须填写替代文字".into()))
        );
        let editor = user(2, &[Role::Editor]);
        let mut c1 = ctx(review(1), &[]);
        c1.media_unpublishable = vec!["x".into()];
        assert!(decide(&c1, Actor::Person(&editor), &approve()).is_ok());
    }

    #[test]
    fn every_check_the_sign_off_makes_is_known_before_it() {
        let mut c = ctx(review(1), &[]);
        assert!(signoff_refusals(&c).is_empty());
        c.reprint_incomplete = true;
        c.media_unpublishable = vec!["题图须填写替代文字".into(), "视频尚在处理".into()];
        c.blocking_hits = 1;
        let all = signoff_refusals(&c);
        assert_eq!(all.len(), 4, "{all:?}");
        assert_eq!(all[0], Refusal::ReprintIncomplete);
        assert_eq!(all[3], Refusal::SensitiveWords(1));
    }

    #[test]
    fn a_deputy_signs_for_his_desk_and_the_record_says_so() {
        // the county desk's only 签发人 wrote the correction himself
        let signer = user(4, &[Role::Signer]);
        let deputy = user(6, &[Role::Editor]);
        let c = Context {
            editors: &[signer.id],
            ..ctx(review(3), &[(1, 2), (2, 3)])
        };
        assert!(matches!(
            decide(&c, Actor::Person(&signer), &approve()),
            Err(Refusal::SeparationOfDuties(_))
        ));
        // an editor who is not named a deputy may not sign
        assert!(matches!(
            decide(&c, Actor::Person(&deputy), &approve()),
            Err(Refusal::NotPermitted(_))
        ));
        let named = Context {
            deputy: true,
            ..c.clone()
        };
        let o = decide(&named, Actor::Person(&deputy), &approve()).unwrap();
        assert!(o.signed && o.deputy);
        // a deputy is named for the sign-off only, not the earlier levels
        let early = Context {
            deputy: true,
            ..ctx(review(2), &[(1, 2)])
        };
        assert!(decide(&early, Actor::Person(&deputy), &approve()).is_err());
        // separation of duties binds him too
        let his_own = Context {
            editors: &[deputy.id],
            ..named
        };
        assert!(matches!(
            decide(&his_own, Actor::Person(&deputy), &approve()),
            Err(Refusal::SeparationOfDuties(_))
        ));
        // a 签发人's own sign-off is no 代签
        let plain = ctx(review(3), &[(1, 2), (2, 3)]);
        assert!(
            !decide(&plain, Actor::Person(&signer), &approve())
                .unwrap()
                .deputy
        );
    }

    #[test]
    fn the_first_review_names_the_responsible_editor() {
        let editor = user(2, &[Role::Editor]);
        let o = decide(&ctx(review(1), &[]), Actor::Person(&editor), &approve()).unwrap();
        assert!(o.names_editor);
        let second = user(3, &[Role::Reviewer(2)]);
        let o = decide(
            &ctx(review(2), &[(1, 2)]),
            Actor::Person(&second),
            &approve(),
        )
        .unwrap();
        assert!(!o.names_editor);
    }

    #[test]
    fn reprints_need_their_origin_before_sign_off() {
        let signer = user(4, &[Role::Signer]);
        let mut c = ctx(review(3), &[]);
        c.reprint_incomplete = true;
        assert_eq!(
            decide(&c, Actor::Person(&signer), &approve()),
            Err(Refusal::ReprintIncomplete)
        );
        // earlier levels are not blocked
        let editor = user(2, &[Role::Editor]);
        let mut c1 = ctx(review(1), &[]);
        c1.reprint_incomplete = true;
        assert!(decide(&c1, Actor::Person(&editor), &approve()).is_ok());
    }

    #[test]
    fn blocking_words_need_a_written_override_at_sign_off() {
        let signer = user(4, &[Role::Signer]);
        let mut c = ctx(review(3), &[]);
        c.blocking_hits = 2;
        assert_eq!(
            decide(&c, Actor::Person(&signer), &approve()),
            Err(Refusal::SensitiveWords(2))
        );
        let with_reason = Action::Approve {
            opinion: "同意".into(),
            publish_at: None,
            override_reason: Some("引用的是官方文件原文".into()),
        };
        let o = decide(&c, Actor::Person(&signer), &with_reason).unwrap();
        assert!(o.signed);
        assert!(
            o.opinion.contains("引用的是官方文件原文"),
            "the override is audited"
        );
    }

    #[test]
    fn scheduled_sign_off_goes_live_when_due() {
        let signer = user(4, &[Role::Signer]);
        let later = Action::Approve {
            opinion: "同意".into(),
            publish_at: Some(NOW + 3600),
            override_reason: None,
        };
        let o = decide(&ctx(review(3), &[]), Actor::Person(&signer), &later).unwrap();
        assert_eq!(o.flow.work, Work::Scheduled { at: NOW + 3600 });
        assert!(o.signed && !o.goes_live);
        let past = Action::Approve {
            opinion: "同意".into(),
            publish_at: Some(NOW - 1),
            override_reason: None,
        };
        assert_eq!(
            decide(&ctx(review(3), &[]), Actor::Person(&signer), &past),
            Err(Refusal::ScheduleInPast)
        );
        // the scheduler publishes only when due, and only the scheduler does
        let mut c = ctx(o.flow, &[]);
        assert!(decide(&c, Actor::System, &Action::PublishDue).is_err());
        c.now = NOW + 3600;
        let due = decide(&c, Actor::System, &Action::PublishDue).unwrap();
        assert!(due.goes_live);
        assert_eq!(
            due.flow,
            Flow {
                public: Public::Live,
                work: Work::Idle
            }
        );
        assert!(decide(&c, Actor::Person(&signer), &Action::PublishDue).is_err());
        assert!(decide(&ctx(review(1), &[]), Actor::System, &approve()).is_err());
    }

    #[test]
    fn out_of_scope_and_inactive_people_are_refused() {
        let editor = user(2, &[Role::Editor]);
        let mut c = ctx(review(1), &[]);
        c.in_scope = false;
        assert!(matches!(
            decide(&c, Actor::Person(&editor), &approve()),
            Err(Refusal::NotPermitted(_))
        ));
        let mut gone = user(2, &[Role::Editor]);
        gone.active = false;
        assert!(matches!(
            decide(&ctx(review(1), &[]), Actor::Person(&gone), &approve()),
            Err(Refusal::NotPermitted(_))
        ));
    }

    #[test]
    fn incomplete_drafts_cannot_be_submitted() {
        let reporter = user(AUTHOR, &[Role::Reporter]);
        let mut c = ctx(Flow::new_draft(), &[]);
        c.incomplete = Some("标题不能为空".into());
        assert_eq!(
            decide(&c, Actor::Person(&reporter), &Action::Submit),
            Err(Refusal::Incomplete("标题不能为空".into()))
        );
    }

    #[test]
    fn one_level_channels_sign_off_at_once() {
        let signer = user(4, &[Role::Signer]);
        let mut c = ctx(review(1), &[]);
        c.levels = 1;
        let o = decide(&c, Actor::Person(&signer), &approve()).unwrap();
        assert!(o.signed && o.goes_live);
        let editor = user(2, &[Role::Editor]);
        assert!(decide(&c, Actor::Person(&editor), &approve()).is_err());
    }

    #[test]
    fn labels() {
        assert_eq!(level_name(1, 3), "初审");
        assert_eq!(level_name(2, 3), "复审");
        assert_eq!(level_name(3, 3), "终审(签发)");
        assert_eq!(review(2).label(3), "待复审");
        assert_eq!(
            Flow {
                public: Public::Live,
                work: Work::Review { level: 1 }
            }
            .label(3),
            "已发布(修改稿待初审)"
        );
    }
}
