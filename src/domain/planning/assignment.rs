//! 派题: a coverage given to a person or a desk, and the states it moves
//! through (待接受 → 已接受 → 进行中 → 已交稿 → 已完成, or 已取消 / 退回). Pure,
//! like `workflow::decide`: who may take which step from which state, each
//! refusal with the reason a person reads. The story an assignment started
//! moves it itself (`Who::Story`): 交稿 when submitted, back to 进行中 when
//! returned, 完成 when published.

/// Where an assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// 待接受: given, not yet taken up.
    Offered,
    /// 已接受.
    Accepted,
    /// 进行中: its story is being written.
    InProgress,
    /// 已交稿: its story was submitted for review.
    Filed,
    /// 已完成: its story was published.
    Done,
    /// 已取消 by the desk.
    Cancelled,
    /// 退回: the assignee handed it back (with a reason).
    HandedBack,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Offered,
        State::Accepted,
        State::InProgress,
        State::Filed,
        State::Done,
        State::Cancelled,
        State::HandedBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Offered => "offered",
            State::Accepted => "accepted",
            State::InProgress => "in_progress",
            State::Filed => "filed",
            State::Done => "done",
            State::Cancelled => "cancelled",
            State::HandedBack => "handed_back",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Offered => "待接受",
            State::Accepted => "已接受",
            State::InProgress => "进行中",
            State::Filed => "已交稿",
            State::Done => "已完成",
            State::Cancelled => "已取消",
            State::HandedBack => "已退回",
        }
    }

    /// No step leads out of it.
    pub fn is_final(self) -> bool {
        matches!(self, State::Done | State::Cancelled)
    }
}

/// A step asked of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 接受.
    Accept,
    /// 开始写稿: its story is created (taking it up if not yet accepted).
    Start,
    /// 退回 to the desk, with a reason.
    HandBack,
    /// 改派: given to someone else (offered anew).
    Reassign,
    /// 取消, with a reason.
    Cancel,
    /// Its story was submitted (交稿).
    File,
    /// Its story was returned in review: writing again.
    Reopen,
    /// Its story was published (完成).
    Complete,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Accept,
        Action::Start,
        Action::HandBack,
        Action::Reassign,
        Action::Cancel,
        Action::File,
        Action::Reopen,
        Action::Complete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Action::Accept => "接受",
            Action::Start => "开始写稿",
            Action::HandBack => "退回",
            Action::Reassign => "改派",
            Action::Cancel => "取消",
            Action::File => "交稿",
            Action::Reopen => "重新写稿",
            Action::Complete => "完成",
        }
    }
}

/// The record's name of a step (`domain::record::ACTIONS`).
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::Accept => "plan_assign_accept",
        Action::Start => "plan_assign_start",
        Action::HandBack => "plan_assign_handback",
        Action::Reassign => "plan_assign_reassign",
        Action::Cancel => "plan_assign_cancel",
        Action::File => "plan_assign_file",
        Action::Reopen => "plan_assign_reopen",
        Action::Complete => "plan_assign_done",
    }
}

/// How far an assignment's story has gone, as the 报题单 and the board
/// show it: 写作中, 待初审 .., 已签发 (waiting for its time), 已发布, 已撤稿.
pub fn story_stage(
    status: crate::domain::Status,
    work: crate::domain::workflow::Work,
    levels: u8,
) -> String {
    use crate::domain::Status as St;
    use crate::domain::workflow::Work as W;
    match (status, work) {
        (_, W::Review { level }) => format!(
            "待{}",
            crate::domain::workflow::level_name(level, levels.max(level))
        ),
        (_, W::Scheduled { .. }) => "已签发".into(),
        (St::Published, _) => "已发布".into(),
        (St::Withdrawn, _) => "已撤稿".into(),
        _ => "写作中".into(),
    }
}

/// Who asks, as the assignment sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The person it is given to (or a member of the desk it is given to).
    Assignee,
    /// An editor of the desk that plans it (its site and channel).
    Desk,
    /// Anyone else.
    Other,
    /// Its story's workflow (submission, return, publication).
    Story,
}

impl Who {
    pub const ALL: [Who; 4] = [Who::Assignee, Who::Desk, Who::Other, Who::Story];
}

/// The state `action` by `who` leads to from `from`, or why not. `reason`
/// is what the person wrote (退回 and 取消 need one).
pub fn decide(from: State, action: Action, who: Who, reason: &str) -> Result<State, String> {
    use Action as A;
    use State as S;
    if from.is_final() {
        return Err(format!("派题{},不能再{}", from.label(), action.label()));
    }
    let story_step = matches!(action, A::File | A::Reopen | A::Complete);
    match (story_step, who) {
        (true, Who::Story) => {}
        (true, _) => {
            return Err(format!(
                "{}由稿件的审核流程自动完成,不能手动操作",
                action.label()
            ));
        }
        (false, Who::Story) => {
            return Err(format!("稿件流程不能{}派题", action.label()));
        }
        (false, Who::Other) => {
            return Err("只有接受派题的人或策划这个选题的编辑可以操作这条派题".into());
        }
        (false, _) => {}
    }
    let needs_reason = matches!(action, A::HandBack | A::Cancel);
    if needs_reason && reason.trim().is_empty() {
        return Err(format!("请写明{}的理由", action.label()));
    }
    let by_assignee = |to: State| {
        if who == Who::Assignee {
            Ok(to)
        } else {
            Err(format!("只有接受派题的人可以{}", action.label()))
        }
    };
    let by_desk = |to: State| {
        if who == Who::Desk {
            Ok(to)
        } else {
            Err(format!("只有策划这个选题的编辑可以{}", action.label()))
        }
    };
    match (action, from) {
        (A::Accept, S::Offered) => by_assignee(S::Accepted),
        (A::Start, S::Offered | S::Accepted) => by_assignee(S::InProgress),
        (A::HandBack, S::Offered | S::Accepted | S::InProgress) => by_assignee(S::HandedBack),
        (A::Reassign, S::Offered | S::Accepted | S::HandedBack) => by_desk(S::Offered),
        (A::Cancel, _) => by_desk(S::Cancelled),
        (A::File, S::InProgress) => Ok(S::Filed),
        (A::Reopen, S::Filed) => Ok(S::InProgress),
        (A::Complete, S::InProgress | S::Filed) => Ok(S::Done),
        (A::Accept, S::HandedBack) | (A::Start, S::HandedBack) => {
            Err("派题已退回,需编辑改派后才能接受".into())
        }
        (A::Reassign, S::InProgress | S::Filed) => {
            Err("稿件已在写作或审核中,不能改派;请先取消".into())
        }
        (a, s) => Err(format!("派题{},不能{}", s.label(), a.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (state, action, who) the rules allow, and where it leads; the
    /// test checks all 224 combinations against it: anything not listed is
    /// refused, with a reason.
    const ALLOWED: &[(State, Action, Who, State)] = {
        use Action as A;
        use State as S;
        use Who as W;
        &[
            (S::Offered, A::Accept, W::Assignee, S::Accepted),
            (S::Offered, A::Start, W::Assignee, S::InProgress),
            (S::Accepted, A::Start, W::Assignee, S::InProgress),
            (S::Offered, A::HandBack, W::Assignee, S::HandedBack),
            (S::Accepted, A::HandBack, W::Assignee, S::HandedBack),
            (S::InProgress, A::HandBack, W::Assignee, S::HandedBack),
            (S::Offered, A::Reassign, W::Desk, S::Offered),
            (S::Accepted, A::Reassign, W::Desk, S::Offered),
            (S::HandedBack, A::Reassign, W::Desk, S::Offered),
            (S::Offered, A::Cancel, W::Desk, S::Cancelled),
            (S::Accepted, A::Cancel, W::Desk, S::Cancelled),
            (S::InProgress, A::Cancel, W::Desk, S::Cancelled),
            (S::Filed, A::Cancel, W::Desk, S::Cancelled),
            (S::HandedBack, A::Cancel, W::Desk, S::Cancelled),
            (S::InProgress, A::File, W::Story, S::Filed),
            (S::Filed, A::Reopen, W::Story, S::InProgress),
            (S::InProgress, A::Complete, W::Story, S::Done),
            (S::Filed, A::Complete, W::Story, S::Done),
        ]
    };

    #[test]
    fn every_combination_is_allowed_exactly_as_the_table_says() {
        let mut checked = 0;
        for from in State::ALL {
            for action in Action::ALL {
                for who in Who::ALL {
                    let expected = ALLOWED
                        .iter()
                        .find(|(f, a, w, _)| *f == from && *a == action && *w == who)
                        .map(|(_, _, _, to)| *to);
                    let got = decide(from, action, who, "理由");
                    match expected {
                        Some(to) => assert_eq!(got, Ok(to), "{from:?} {action:?} {who:?}"),
                        None => {
                            let why = got.expect_err(&format!("{from:?} {action:?} {who:?}"));
                            assert!(!why.is_empty());
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 8 * 4);
    }

    #[test]
    fn hand_back_and_cancel_need_a_reason() {
        for (action, who) in [
            (Action::HandBack, Who::Assignee),
            (Action::Cancel, Who::Desk),
        ] {
            let why = decide(State::Accepted, action, who, "  ").unwrap_err();
            assert!(why.contains("理由"), "{why}");
        }
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert!(
            decide(State::HandedBack, Action::Accept, Who::Assignee, "")
                .unwrap_err()
                .contains("改派")
        );
        assert!(
            decide(State::Filed, Action::Complete, Who::Desk, "")
                .unwrap_err()
                .contains("自动")
        );
        assert!(
            decide(State::Done, Action::Cancel, Who::Desk, "x")
                .unwrap_err()
                .contains("已完成")
        );
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }
}
