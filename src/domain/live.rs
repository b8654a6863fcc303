//! Live coverage (现场直播 / 图文直播): a 直播 story is signed off like any
//! other; its entries (直播条目) are written on site and each is approved
//! by a live-desk editor before readers see it (先审后发). Entries may be
//! pinned (置顶), marked as key events (要点), corrected (with a visible
//! 更正 mark) and removed (audited, never silently). No I/O here: the store
//! keeps entries (`db::Live`), `live::Hub` fans them out, `render::live`
//! shows them.

use serde::{Deserialize, Serialize};

use super::user::User;

/// Longest entry text, in characters.
pub const MAX_ENTRY: usize = 5000;
/// How often a reader without server-sent events polls (seconds); also the
/// width of a poll URL's time bucket, so that one cached answer serves
/// every reader polling within it.
pub const POLL_SECS: i64 = 10;

/// What a reader sees of a live story's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveStatus {
    /// 未开始: shown with the planned start.
    Upcoming,
    /// 直播中.
    Live,
    /// 已结束.
    Ended,
}

impl LiveStatus {
    pub fn label(self) -> &'static str {
        match self {
            LiveStatus::Upcoming => "未开始",
            LiveStatus::Live => "直播中",
            LiveStatus::Ended => "已结束",
        }
    }
}

/// The live desk's clock of a live story: the planned start (part of the
/// reviewed story, `Parts::live`), and when the desk opened and closed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveClock {
    pub planned_at: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
}

impl LiveClock {
    pub fn status(&self) -> LiveStatus {
        match (self.started_at, self.ended_at) {
            (_, Some(_)) => LiveStatus::Ended,
            (Some(_), None) => LiveStatus::Live,
            (None, None) => LiveStatus::Upcoming,
        }
    }
}

/// A 直播 story's part: when the coverage is planned to start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LivePart {
    pub starts_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Written, waiting for the live desk.
    Pending,
    /// Public.
    Approved,
    /// Taken down (the record says who and why).
    Removed,
}

impl EntryState {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Approved => "approved",
            EntryState::Removed => "removed",
        }
    }

    pub fn parse(s: &str) -> Option<EntryState> {
        [
            EntryState::Pending,
            EntryState::Approved,
            EntryState::Removed,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EntryState::Pending => "待审",
            EntryState::Approved => "已发布",
            EntryState::Removed => "已删除",
        }
    }
}

/// One 直播条目.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub article_id: i64,
    /// Sanitized HTML (paragraphs, links, emphasis).
    pub body_html: String,
    /// A library picture shown with the entry.
    pub image_id: Option<i64>,
    /// A library video clip shown with the entry.
    pub video_id: Option<i64>,
    pub author_id: Option<i64>,
    pub author: String,
    pub created_at: i64,
    pub state: EntryState,
    pub approved_by: Option<String>,
    /// When it became public (its time on the page).
    pub approved_at: Option<i64>,
    pub pinned: bool,
    pub key_event: bool,
    /// 更正: when the public text was last corrected, and the note shown.
    pub corrected_at: Option<i64>,
    pub correction: String,
    /// The change-log position of its last public change (readers ask for
    /// what changed after the one they have).
    pub seq: i64,
    /// 人工智能生成 declaration of the entry.
    pub ai: super::ai::Ai,
    /// A correction waiting for another editor's approval.
    pub proposed: Option<Proposal>,
}

/// A proposed 更正 of a public entry: readers keep the approved text until
/// an editor other than its proposer approves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub body_html: String,
    pub note: String,
    pub by_id: Option<i64>,
    pub by: String,
    pub at: i64,
}

impl Entry {
    pub fn public(&self) -> bool {
        self.state == EntryState::Approved
    }
}

/// What a live-desk act is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryAct {
    Approve,
    Pin(bool),
    KeyEvent(bool),
    /// Propose new text for a public entry, with the 更正 note readers
    /// will see once it is approved.
    Correct {
        body_html: String,
        note: String,
    },
    /// Approve the proposed correction: readers see it now.
    ApproveCorrection,
    /// Withdraw or turn down the proposed correction.
    DropCorrection,
    /// Take it down, with the reason for the record.
    Remove {
        reason: String,
    },
}

impl EntryAct {
    /// The record's action name.
    pub fn action(&self) -> &'static str {
        match self {
            EntryAct::Approve => "live_entry_approve",
            EntryAct::Pin(_) => "live_entry_pin",
            EntryAct::KeyEvent(_) => "live_entry_key",
            EntryAct::Correct { .. } => "live_entry_correct_propose",
            EntryAct::ApproveCorrection => "live_entry_correct",
            EntryAct::DropCorrection => "live_entry_correct_drop",
            EntryAct::Remove { .. } => "live_entry_remove",
        }
    }
}

/// Why an act is refused, in words for the live desk.
pub fn refuse(entry: &Entry, act: &EntryAct, user: &User) -> Option<String> {
    if !user.is_editor() {
        return Some("只有编辑(直播审核)才能审核、置顶、更正或删除直播条目".into());
    }
    match act {
        EntryAct::Approve if entry.state != EntryState::Pending => {
            Some("这条内容已经审核过了".into())
        }
        // 先审后发: a second pair of eyes, not the writer's own
        EntryAct::Approve if entry.author_id == Some(user.id) => {
            Some("不能审核自己写的直播条目,请另一位编辑审核".into())
        }
        EntryAct::Pin(_) | EntryAct::KeyEvent(_) | EntryAct::Correct { .. }
            if entry.state != EntryState::Approved =>
        {
            Some("只有已发布的条目才能置顶、标为要点或更正".into())
        }
        EntryAct::Correct { note, .. } if note.trim().is_empty() => {
            Some("请写明更正说明(读者会看到)".into())
        }
        EntryAct::Correct { .. } if entry.proposed.is_some() => {
            Some("这条已有一条待审的更正,请先审核或撤回它".into())
        }
        EntryAct::ApproveCorrection | EntryAct::DropCorrection if entry.proposed.is_none() => {
            Some("这条没有待审的更正".into())
        }
        // the same second pair of eyes as for the first version
        EntryAct::ApproveCorrection
            if entry.proposed.as_ref().and_then(|p| p.by_id) == Some(user.id) =>
        {
            Some("不能审核自己提出的更正,请另一位编辑审核".into())
        }
        EntryAct::Remove { .. } if entry.state == EntryState::Removed => {
            Some("这条内容已经删除".into())
        }
        EntryAct::Remove { reason } if reason.trim().is_empty() => {
            Some("请写明删除原因(记入发布记录)".into())
        }
        _ => None,
    }
}

/// The order readers see: pinned entries first (newest pinned first), then
/// the rest newest first (or oldest first when the reader asks).
pub fn order(entries: &mut [Entry], newest_first: bool) {
    entries.sort_by(|a, b| {
        b.pinned.cmp(&a.pinned).then_with(|| {
            let (x, y) = (
                (a.approved_at.unwrap_or(a.created_at), a.id),
                (b.approved_at.unwrap_or(b.created_at), b.id),
            );
            if newest_first || a.pinned {
                y.cmp(&x)
            } else {
                x.cmp(&y)
            }
        })
    });
}

/// The time bucket a poll at `now` asks for: every reader polling within
/// the same `POLL_SECS` asks the same URL, which a CDN may cache.
pub fn bucket(now: i64) -> i64 {
    now.div_euclid(POLL_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::user::Role;

    fn entry(id: i64, at: i64, pinned: bool) -> Entry {
        Entry {
            id,
            article_id: 1,
            body_html: String::new(),
            image_id: None,
            video_id: None,
            author_id: Some(7),
            author: "记者".into(),
            created_at: at,
            state: EntryState::Approved,
            approved_by: None,
            approved_at: Some(at),
            pinned,
            key_event: false,
            corrected_at: None,
            correction: String::new(),
            seq: 0,
            ai: Default::default(),
            proposed: None,
        }
    }

    fn user(id: i64, roles: &[Role]) -> User {
        User {
            id,
            username: format!("u{id}"),
            display_name: format!("用户{id}"),
            roles: roles.to_vec(),
            scopes: vec![],
            active: true,
        }
    }

    #[test]
    fn pinned_entries_lead_and_readers_choose_the_order() {
        let mut e = vec![
            entry(1, 100, false),
            entry(2, 200, true),
            entry(3, 300, false),
        ];
        order(&mut e, true);
        assert_eq!(e.iter().map(|x| x.id).collect::<Vec<_>>(), [2, 3, 1]);
        order(&mut e, false);
        assert_eq!(e.iter().map(|x| x.id).collect::<Vec<_>>(), [2, 1, 3]);
    }

    #[test]
    fn an_entry_is_approved_once_by_another_editor() {
        let mut e = entry(1, 100, false);
        e.state = EntryState::Pending;
        let reporter = user(7, &[Role::Reporter]);
        let writer_editor = user(7, &[Role::Editor]);
        let desk = user(8, &[Role::Editor]);
        assert!(refuse(&e, &EntryAct::Approve, &reporter).is_some());
        assert!(
            refuse(&e, &EntryAct::Approve, &writer_editor)
                .unwrap()
                .contains("自己")
        );
        assert_eq!(refuse(&e, &EntryAct::Approve, &desk), None);
        assert!(refuse(&e, &EntryAct::Pin(true), &desk).is_some());
        e.state = EntryState::Approved;
        assert!(refuse(&e, &EntryAct::Approve, &desk).is_some());
        assert!(
            refuse(
                &e,
                &EntryAct::Correct {
                    body_html: "x".into(),
                    note: " ".into()
                },
                &desk
            )
            .is_some()
        );
        assert!(
            refuse(
                &e,
                &EntryAct::Remove {
                    reason: String::new()
                },
                &desk
            )
            .is_some()
        );
        assert_eq!(
            refuse(
                &e,
                &EntryAct::Remove {
                    reason: "重复".into()
                },
                &desk
            ),
            None
        );
    }

    /// A correction is a new version: proposed by one editor, approved by
    /// another (never its proposer), one at a time.
    #[test]
    fn a_correction_is_approved_by_another_editor() {
        let e = entry(1, 100, false);
        let proposer = user(8, &[Role::Editor]);
        let other = user(9, &[Role::Editor]);
        let propose = EntryAct::Correct {
            body_html: "<p>新</p>".into(),
            note: "地名有误".into(),
        };
        assert_eq!(refuse(&e, &propose, &proposer), None);
        // nothing to approve yet
        assert!(refuse(&e, &EntryAct::ApproveCorrection, &other).is_some());
        let mut e = e;
        e.proposed = Some(Proposal {
            body_html: "<p>新</p>".into(),
            note: "地名有误".into(),
            by_id: Some(8),
            by: "用户8".into(),
            at: 200,
        });
        assert!(
            refuse(&e, &EntryAct::ApproveCorrection, &proposer)
                .unwrap()
                .contains("自己")
        );
        assert_eq!(refuse(&e, &EntryAct::ApproveCorrection, &other), None);
        assert!(refuse(&e, &propose, &other).unwrap().contains("待审的更正"));
        // the proposer may take his own back
        assert_eq!(refuse(&e, &EntryAct::DropCorrection, &proposer), None);
    }

    #[test]
    fn status_follows_the_desk_and_polls_share_buckets() {
        let mut c = LiveClock {
            planned_at: 1000,
            ..Default::default()
        };
        assert_eq!(c.status(), LiveStatus::Upcoming);
        c.started_at = Some(1100);
        assert_eq!(c.status(), LiveStatus::Live);
        c.ended_at = Some(1200);
        assert_eq!(c.status(), LiveStatus::Ended);
        assert_eq!(bucket(1_000_009), bucket(1_000_000));
        assert_ne!(bucket(1_000_010), bucket(1_000_000));
    }
}
