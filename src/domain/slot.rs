//! 推荐位 (curated slots): ordered lists an editor arranges, separate from the
//! stories they hold (DESIGN.md: curation separate from content). Pure: the
//! operations on one slot's list and the rules of a slot's definition.
//!
//! A list is kept in display order. A pinned item keeps its position while
//! others are placed, moved or removed around it; the others float, newest
//! placement on top.

use serde::Serialize;

/// Items a slot keeps at most; placing more drops the lowest floating one.
pub const MAX_ITEMS: usize = 50;
/// The largest number of items a slot may show.
pub const MAX_SIZE: i64 = 30;

/// One item of a slot's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub article_id: i64,
    pub pinned: bool,
    pub expires_at: Option<i64>,
    pub placed_at: i64,
    pub placed_by: String,
}

/// What an editor does to a slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Put a story on top (below items pinned above it), optionally until a time.
    Place {
        article_id: i64,
        expires_at: Option<i64>,
    },
    Remove {
        article_id: i64,
    },
    /// The whole list in a new order (drag and drop).
    Reorder {
        order: Vec<i64>,
    },
    /// Move one item to a 0-based position (the keyboard's 上移/下移, or 移到第 N 位).
    Move {
        article_id: i64,
        to: usize,
    },
    /// Pin (or unpin) an item where it stands.
    Pin {
        article_id: i64,
        pinned: bool,
    },
    SetExpiry {
        article_id: i64,
        expires_at: Option<i64>,
    },
}

impl Op {
    /// The audit action name.
    pub fn action(&self) -> &'static str {
        match self {
            Op::Place { .. } => "slot_place",
            Op::Remove { .. } => "slot_remove",
            Op::Reorder { .. } | Op::Move { .. } => "slot_reorder",
            Op::Pin { pinned: true, .. } => "slot_pin",
            Op::Pin { pinned: false, .. } => "slot_unpin",
            Op::SetExpiry { .. } => "slot_expiry",
        }
    }

    /// The story the operation is about, if one.
    pub fn article_id(&self) -> Option<i64> {
        match self {
            Op::Reorder { .. } => None,
            Op::Place { article_id, .. }
            | Op::Remove { article_id }
            | Op::Move { article_id, .. }
            | Op::Pin { article_id, .. }
            | Op::SetExpiry { article_id, .. } => Some(*article_id),
        }
    }
}

/// Apply `op` to `list` (display order). Errors are for the editor, in Chinese.
pub fn apply(list: &[Entry], op: &Op, now: i64, actor: &str) -> Result<Vec<Entry>, String> {
    let find = |id: i64| {
        list.iter()
            .position(|e| e.article_id == id)
            .ok_or_else(|| format!("稿件 {id} 不在这个推荐位中"))
    };
    let check_expiry = |at: &Option<i64>| match at {
        Some(t) if *t <= now => Err("下线时间须晚于现在".to_string()),
        _ => Ok(()),
    };
    match op {
        Op::Place {
            article_id,
            expires_at,
        } => {
            if list.iter().any(|e| e.article_id == *article_id) {
                return Err(format!("稿件 {article_id} 已在这个推荐位中"));
            }
            check_expiry(expires_at)?;
            let (pinned, mut floating) = split(list);
            if floating.is_empty() && pinned.len() >= MAX_ITEMS {
                return Err(format!(
                    "推荐位最多 {MAX_ITEMS} 条且都已固定,请先移出或取消固定一条"
                ));
            }
            floating.insert(
                0,
                Entry {
                    article_id: *article_id,
                    pinned: false,
                    expires_at: *expires_at,
                    placed_at: now,
                    placed_by: actor.to_string(),
                },
            );
            if pinned.len() + floating.len() > MAX_ITEMS {
                floating.pop();
            }
            Ok(layout(pinned, floating))
        }
        Op::Remove { article_id } => {
            find(*article_id)?;
            // the pinned items below it keep their place
            let (mut pinned, floating) = split(list);
            pinned.retain(|(_, e)| e.article_id != *article_id);
            let floating: Vec<Entry> = floating
                .into_iter()
                .filter(|e| e.article_id != *article_id)
                .collect();
            Ok(layout(pinned, floating))
        }
        Op::Reorder { order } => {
            let mut seen = std::collections::BTreeSet::new();
            if order.len() != list.len()
                || !order.iter().all(|id| seen.insert(*id))
                || !order
                    .iter()
                    .all(|id| list.iter().any(|e| e.article_id == *id))
            {
                return Err("推荐位的内容已被他人修改,请刷新页面后再调整顺序".into());
            }
            Ok(order
                .iter()
                .filter_map(|id| list.iter().find(|e| e.article_id == *id).cloned())
                .collect())
        }
        Op::Move { article_id, to } => {
            let i = find(*article_id)?;
            let mut out = list.to_vec();
            let e = out.remove(i);
            out.insert((*to).min(out.len()), e);
            Ok(out)
        }
        Op::Pin { article_id, pinned } => {
            let i = find(*article_id)?;
            let mut out = list.to_vec();
            out[i].pinned = *pinned;
            Ok(out)
        }
        Op::SetExpiry {
            article_id,
            expires_at,
        } => {
            let i = find(*article_id)?;
            check_expiry(expires_at)?;
            let mut out = list.to_vec();
            out[i].expires_at = *expires_at;
            Ok(out)
        }
    }
}

/// Drop the items whose time is up (at `now`); their pinned neighbours keep their places.
pub fn expire(list: &[Entry], now: i64) -> Vec<Entry> {
    let (mut pinned, mut floating) = split(list);
    let live = |e: &Entry| e.expires_at.is_none_or(|t| t > now);
    pinned.retain(|(_, e)| live(e));
    floating.retain(live);
    layout(pinned, floating)
}

fn split(list: &[Entry]) -> (Vec<(usize, Entry)>, Vec<Entry>) {
    let mut pinned = Vec::new();
    let mut floating = Vec::new();
    for (i, e) in list.iter().enumerate() {
        if e.pinned {
            pinned.push((i, e.clone()));
        } else {
            floating.push(e.clone());
        }
    }
    (pinned, floating)
}

/// Pinned items at their positions (as near as the list's length allows),
/// floating ones filling the rest in order.
fn layout(pinned: Vec<(usize, Entry)>, floating: Vec<Entry>) -> Vec<Entry> {
    let n = pinned.len() + floating.len();
    let mut out = Vec::with_capacity(n);
    let mut pinned = pinned.into_iter().peekable();
    let mut floating = floating.into_iter();
    for i in 0..n {
        if pinned.peek().is_some_and(|(at, _)| *at <= i) {
            out.push(
                pinned
                    .next()
                    .map(|(_, e)| e)
                    .unwrap_or_else(|| unreachable!()),
            );
        } else if let Some(e) = floating.next() {
            out.push(e);
        } else if let Some((_, e)) = pinned.next() {
            out.push(e);
        }
    }
    out
}

/// Check a slot's definition; the key names it in templates and URLs.
/// Whether a slot of `slot_site` that takes `kinds` (empty: every listed
/// kind) and the stories of `sites` besides its own may hold a story of
/// `kind` from `story_site`, whose settings say whether it shares its
/// stories (`shares`); the refusal says what to do. A 单页 is no news item
/// and is never placed.
pub fn accepts(
    (slot_site, kinds, sites): (&str, &[crate::domain::kind::Kind], &[String]),
    kind: crate::domain::kind::Kind,
    story_site: &str,
    shares: bool,
) -> Result<(), String> {
    if !kind.listed() {
        return Err(format!("{}不是新闻稿件,不能放入推荐位", kind.label()));
    }
    if !kinds.is_empty() && !kinds.contains(&kind) {
        let names: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
        return Err(format!(
            "这个推荐位只放{}稿件,这篇是{}",
            names.join("、"),
            kind.label()
        ));
    }
    if story_site != slot_site {
        if !sites.iter().any(|s| s == story_site) {
            return Err("这篇稿件属于其他站点:这个推荐位只放本站稿件(管理员可在推荐位设置里允许采用其他站点的稿件)".into());
        }
        if !shares {
            return Err("这篇稿件所属站点没有开放共享:其他站点的推荐位不能采用它(可在该站点设置中开启“稿件供其他站点推荐位采用”)".into());
        }
    }
    Ok(())
}

pub fn check_definition(key: &str, name: &str, size: i64) -> Result<(), String> {
    if key.is_empty()
        || key.len() > 32
        || !key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("推荐位标识须为 1 到 32 个小写英文字母、数字或连字符,例如 xianqu".into());
    }
    let n = name.trim().chars().count();
    if n == 0 || n > 20 {
        return Err("推荐位名称须为 1 到 20 个字".into());
    }
    if !(1..=MAX_SIZE).contains(&size) {
        return Err(format!("显示条数须在 1 到 {MAX_SIZE} 之间"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_takes_its_kinds_and_sites_and_never_a_site_page() {
        use crate::domain::kind::Kind;
        // by name: the shared pipeline names no kind (tests/it/kinds.rs)
        let kind = |name: &str| Kind::parse(name).unwrap();
        let county = ("zouping", &[][..], &["main".to_string()][..]);
        assert!(accepts(county, kind("text"), "zouping", false).is_ok());
        assert!(
            accepts(county, kind("page"), "zouping", true)
                .unwrap_err()
                .contains("不是新闻稿件")
        );
        // the main site's story: only if the slot takes it and the main site shares
        assert!(
            accepts(county, kind("text"), "main", false)
                .unwrap_err()
                .contains("没有开放共享")
        );
        assert!(accepts(county, kind("text"), "main", true).is_ok());
        assert!(
            accepts(county, kind("text"), "bincheng", true)
                .unwrap_err()
                .contains("只放本站稿件")
        );
        let video_only = [kind("video")];
        let videos = ("main", &video_only[..], &[][..]);
        assert!(accepts(videos, kind("video"), "main", false).is_ok());
        assert!(
            accepts(videos, kind("gallery"), "main", false)
                .unwrap_err()
                .contains("只放视频")
        );
    }

    fn list(items: &[(i64, bool)]) -> Vec<Entry> {
        items
            .iter()
            .map(|&(id, pinned)| Entry {
                article_id: id,
                pinned,
                expires_at: None,
                placed_at: 0,
                placed_by: String::new(),
            })
            .collect()
    }

    fn ids(l: &[Entry]) -> Vec<i64> {
        l.iter().map(|e| e.article_id).collect()
    }

    fn place(id: i64) -> Op {
        Op::Place {
            article_id: id,
            expires_at: None,
        }
    }

    #[test]
    fn placing_goes_on_top_and_pinned_items_keep_their_position() {
        let l = list(&[(1, false), (2, true), (3, false)]);
        let l = apply(&l, &place(4), 10, "编辑").unwrap();
        assert_eq!(ids(&l), [4, 2, 1, 3]);
        assert_eq!(l[0].placed_by, "编辑");
        // pinned on top stays on top
        let l = list(&[(1, true), (2, false)]);
        assert_eq!(ids(&apply(&l, &place(3), 10, "").unwrap()), [1, 3, 2]);
    }

    #[test]
    fn removing_keeps_pinned_items_in_place() {
        let l = list(&[(1, false), (2, false), (3, true), (4, false)]);
        let l = apply(&l, &Op::Remove { article_id: 1 }, 0, "").unwrap();
        assert_eq!(ids(&l), [2, 4, 3]);
        assert!(apply(&l, &Op::Remove { article_id: 9 }, 0, "").is_err());
    }

    #[test]
    fn reorder_must_be_a_permutation_of_the_list() {
        let l = list(&[(1, false), (2, false), (3, false)]);
        let r = apply(
            &l,
            &Op::Reorder {
                order: vec![3, 1, 2],
            },
            0,
            "",
        )
        .unwrap();
        assert_eq!(ids(&r), [3, 1, 2]);
        for bad in [vec![3, 1], vec![3, 1, 1], vec![3, 1, 9], vec![1, 2, 3, 4]] {
            assert!(apply(&l, &Op::Reorder { order: bad }, 0, "").is_err());
        }
    }

    #[test]
    fn moving_and_pinning() {
        let l = list(&[(1, false), (2, false), (3, false)]);
        let l = apply(
            &l,
            &Op::Move {
                article_id: 3,
                to: 0,
            },
            0,
            "",
        )
        .unwrap();
        assert_eq!(ids(&l), [3, 1, 2]);
        let l = apply(
            &l,
            &Op::Move {
                article_id: 3,
                to: 99,
            },
            0,
            "",
        )
        .unwrap();
        assert_eq!(ids(&l), [1, 2, 3]);
        let l = apply(
            &l,
            &Op::Pin {
                article_id: 2,
                pinned: true,
            },
            0,
            "",
        )
        .unwrap();
        let l = apply(&l, &place(7), 0, "").unwrap();
        assert_eq!(ids(&l), [7, 2, 1, 3]);
    }

    #[test]
    fn expiry_must_be_in_the_future_and_expired_items_go() {
        let l = list(&[(1, false)]);
        let past = Op::Place {
            article_id: 2,
            expires_at: Some(5),
        };
        assert!(apply(&l, &past, 5, "").is_err());
        let l = apply(
            &l,
            &Op::Place {
                article_id: 2,
                expires_at: Some(50),
            },
            5,
            "",
        )
        .unwrap();
        let l = apply(
            &l,
            &Op::Pin {
                article_id: 1,
                pinned: true,
            },
            5,
            "",
        )
        .unwrap();
        assert_eq!(ids(&l), [2, 1]);
        assert_eq!(ids(&expire(&l, 49)), [2, 1]);
        assert_eq!(ids(&expire(&l, 50)), [1]);
    }

    #[test]
    fn a_full_list_drops_its_lowest_floating_item() {
        let l: Vec<Entry> = list(
            &(0..MAX_ITEMS as i64)
                .map(|i| (i, false))
                .collect::<Vec<_>>(),
        );
        let l = apply(&l, &place(1000), 0, "").unwrap();
        assert_eq!(l.len(), MAX_ITEMS);
        assert_eq!(l[0].article_id, 1000);
        assert!(!ids(&l).contains(&(MAX_ITEMS as i64 - 1)));
        let all_pinned = list(&(0..MAX_ITEMS as i64).map(|i| (i, true)).collect::<Vec<_>>());
        assert!(apply(&all_pinned, &place(1000), 0, "").is_err());
    }

    #[test]
    fn definitions() {
        assert!(check_definition("xianqu", "县区动态", 8).is_ok());
        assert!(check_definition("Xian qu", "县区动态", 8).is_err());
        assert!(check_definition("xianqu", " ", 8).is_err());
        assert!(check_definition("xianqu", "县区动态", 0).is_err());
        assert!(check_definition("xianqu", "县区动态", MAX_SIZE + 1).is_err());
    }
}
