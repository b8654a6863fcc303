//! 线索 (tips): anything that may become a story. A reader's 报料 through
//! the public form (numbered like a 举报, its contact seen only by the
//! desk, kept `RETENTION_DAYS`), an editor's note, or an upcoming 活动/会议
//! with its time and place. Pure: the kinds, the states and the checks.

use crate::domain::text::{clean_block, clean_line};

pub const MAX_TITLE_CHARS: usize = 60;
pub const MIN_BODY_CHARS: usize = 5;
pub const MAX_BODY_CHARS: usize = 2000;
pub const MAX_PLACE_CHARS: usize = 100;
/// A reader's 报料 is kept this long, then goes (its contact at least,
/// when it became a plan).
pub const RETENTION_DAYS: i64 = 180;
/// The receipt number's prefix (报料).
pub const RECEIPT_PREFIX: &str = "BL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipKind {
    /// 读者报料, through the public form.
    Reader,
    /// 编辑记录.
    Note,
    /// 活动/会议 (with a time and a place).
    Event,
}

impl TipKind {
    pub const ALL: [TipKind; 3] = [TipKind::Reader, TipKind::Note, TipKind::Event];

    pub fn as_str(self) -> &'static str {
        match self {
            TipKind::Reader => "reader",
            TipKind::Note => "note",
            TipKind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<TipKind> {
        TipKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TipKind::Reader => "读者报料",
            TipKind::Note => "编辑记录",
            TipKind::Event => "活动/会议",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipState {
    /// 新线索.
    New,
    /// 已立项: a plan was made of it.
    Planned,
    /// 已搁置 (with a reason).
    Dismissed,
}

impl TipState {
    pub const ALL: [TipState; 3] = [TipState::New, TipState::Planned, TipState::Dismissed];

    pub fn as_str(self) -> &'static str {
        match self {
            TipState::New => "new",
            TipState::Planned => "planned",
            TipState::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<TipState> {
        TipState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TipState::New => "新线索",
            TipState::Planned => "已立项",
            TipState::Dismissed => "已搁置",
        }
    }
}

/// A tip as entered, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipInput {
    pub kind: TipKind,
    pub title: String,
    pub body: String,
    pub place: String,
    /// When the 活动 happens (epoch seconds), for events.
    pub starts_at: Option<i64>,
    pub contact: Option<String>,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Check a tip. `starts_at` is the parsed time field (the caller parses the
/// datetime-local input); an event needs one. The title may be left empty
/// for a reader's 报料: its first words stand for it.
pub fn check_tip(
    kind: TipKind,
    title: &str,
    body: &str,
    place: &str,
    starts_at: Option<i64>,
    contact: &str,
) -> Result<TipInput, String> {
    let body = clean_block(body).trim().to_string();
    let n = chars(&body);
    if n < MIN_BODY_CHARS {
        return Err(format!(
            "请把线索说清楚(至少 {MIN_BODY_CHARS} 个字):发生了什么、在哪里、什么时候"
        ));
    }
    if n > MAX_BODY_CHARS {
        return Err(format!(
            "线索内容最多 {MAX_BODY_CHARS} 个字,现在有 {n} 个字"
        ));
    }
    let mut title = clean_line(title).trim().to_string();
    if title.is_empty() {
        if kind != TipKind::Reader {
            return Err("请填写线索标题".into());
        }
        title = body.lines().next().unwrap_or("").chars().take(30).collect();
    }
    if chars(&title) > MAX_TITLE_CHARS {
        return Err(format!("标题最多 {MAX_TITLE_CHARS} 个字"));
    }
    let place = clean_line(place).trim().to_string();
    if chars(&place) > MAX_PLACE_CHARS {
        return Err(format!("地点最多 {MAX_PLACE_CHARS} 个字"));
    }
    if kind == TipKind::Event && starts_at.is_none() {
        return Err("活动/会议请填写开始时间".into());
    }
    let contact = clean_line(contact).trim().to_string();
    let contact = if contact.is_empty() {
        None
    } else {
        crate::domain::report::valid_contact(&contact)?;
        Some(contact)
    };
    Ok(TipInput {
        kind,
        title,
        body,
        place,
        starts_at: if kind == TipKind::Event {
            starts_at
        } else {
            None
        },
        contact,
    })
}

/// The words a tip is looked up by among published stories (to see what
/// already covers it): its title, else the start of its text.
pub fn search_words(title: &str, body: &str) -> String {
    let t = title.trim();
    if !t.is_empty() {
        return t.chars().take(30).collect();
    }
    body.trim().chars().take(30).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tip_is_checked_as_its_kind_needs() {
        let t = check_tip(
            TipKind::Reader,
            "",
            "渤海七路井盖缺失,夜里很危险\n请尽快处理",
            "渤海七路",
            Some(5),
            "13800000000",
        )
        .unwrap();
        assert_eq!(
            t.title, "渤海七路井盖缺失,夜里很危险",
            "the first line stands for it"
        );
        assert_eq!(t.starts_at, None, "only an event keeps a time");
        assert_eq!(t.contact.as_deref(), Some("13800000000"));
        let why =
            check_tip(TipKind::Event, "市两会开幕", "第一次全体会议", "", None, "").unwrap_err();
        assert!(why.contains("开始时间"), "{why}");
        let ev = check_tip(
            TipKind::Event,
            "市两会开幕",
            "第一次全体会议",
            "市会堂",
            Some(9),
            "",
        )
        .unwrap();
        assert_eq!(ev.starts_at, Some(9));
        assert!(check_tip(TipKind::Note, "", "一些事情要跟进", "", None, "").is_err());
        assert!(check_tip(TipKind::Reader, "", "短", "", None, "").is_err());
        assert!(
            check_tip(TipKind::Reader, "", "足够长的线索内容", "", None, "找我")
                .unwrap_err()
                .contains("联系方式")
        );
        let long = "字".repeat(MAX_BODY_CHARS + 1);
        assert!(check_tip(TipKind::Note, "x", &long, "", None, "").is_err());
        for k in TipKind::ALL {
            assert_eq!(TipKind::parse(k.as_str()), Some(k));
        }
        for s in TipState::ALL {
            assert_eq!(TipState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_tip_is_looked_up_by_its_title_or_first_words() {
        assert_eq!(search_words(" 黄河大集 ", "x"), "黄河大集");
        assert_eq!(
            search_words("", "  惠民县的黄河大集今天开集"),
            "惠民县的黄河大集今天开集"
        );
    }
}
