//! 热点排行: the most read stories of a site and of each of its channels,
//! over the last 24 hours and the last 7 days, from the counted views
//! (`domain::reach`). The same list for every reader (nothing personal), by
//! a rule published on the site (《互联网信息服务算法推荐管理规定》 asks for
//! the basic principles to be public and forbids manipulating a list): an
//! editor may take a story out, with a reason the record keeps, and never
//! put one in. Pure: the lists from the counts.

use std::collections::{BTreeMap, HashSet};

/// The directory of a site's ranking pages: `phb/` (the site),
/// `phb/{channel}/` (a channel and its sub-channels), `phb/rule.html`.
pub const DIR: &str = "phb";

/// Stories per list.
pub const LIST_SIZE: usize = 20;

/// Stories the home page's block shows (the 24 hours' list).
pub const HOME_SIZE: usize = 10;

/// How often the lists are computed again from the counts (seconds).
pub const REFRESH_SECS: i64 = 300;

/// The most characters of a removal's reason.
pub const MAX_REASON_CHARS: usize = 200;

/// A ranking's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// The last 24 hours, this hour included.
    Day,
    /// The last 7 days (168 hours), this hour included.
    Week,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Day, Period::Week];

    /// What the `rankings.period` column holds.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
        }
    }

    pub fn parse(s: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn hours(self) -> i64 {
        match self {
            Period::Day => 24,
            Period::Week => 24 * 7,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Day => "24小时排行",
            Period::Week => "7天排行",
        }
    }
}

/// The change-log key of a site's ranking lists (the job and a removal log
/// it when a list changed; every page showing a list reads it).
pub fn key(site_id: &str) -> String {
    format!("rank:{site_id}")
}

/// The site-relative path of the ranking of a channel (`""`: the site).
pub fn rank_path(channel: &str) -> String {
    if channel.is_empty() {
        format!("{DIR}/")
    } else {
        format!("{DIR}/{channel}/")
    }
}

/// The site-relative path of the page that publishes the rule.
pub fn rule_path() -> String {
    format!("{DIR}/rule.html")
}

/// A story with its views in the windows, as the job reads it: live, of a
/// kind that channels list, with its primary channel's path.
#[derive(Debug, Clone)]
pub struct Counted {
    pub article_id: i64,
    pub channel: String,
    pub signed_at: i64,
    pub day: i64,
    pub week: i64,
}

/// One place of one list: `channel` is `""` for the site's own list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub channel: String,
    pub period: Period,
    pub position: i64,
    pub article_id: i64,
    pub views: i64,
}

/// Every list of a site: the site's and each channel's (a story counts in
/// its primary channel and that channel's ancestors), for both windows,
/// each the `LIST_SIZE` most read, more views first, then the newer
/// sign-off, then the larger id; a story with no views in a window is not
/// in its list, nor is one an editor removed.
pub fn compute(counted: &[Counted], removed: &HashSet<i64>) -> Vec<Place> {
    let mut lists: BTreeMap<(String, Period), Vec<&Counted>> = BTreeMap::new();
    for c in counted.iter().filter(|c| !removed.contains(&c.article_id)) {
        let mut scopes = vec![String::new()];
        scopes.extend(
            super::channel::ancestry(&c.channel)
                .into_iter()
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
        for period in Period::ALL {
            if views(c, period) <= 0 {
                continue;
            }
            for scope in &scopes {
                lists.entry((scope.clone(), period)).or_default().push(c);
            }
        }
    }
    let mut out = Vec::new();
    for ((channel, period), mut list) in lists {
        list.sort_by(|a, b| {
            (views(b, period), b.signed_at, b.article_id).cmp(&(
                views(a, period),
                a.signed_at,
                a.article_id,
            ))
        });
        out.extend(
            list.into_iter()
                .take(LIST_SIZE)
                .enumerate()
                .map(|(i, c)| Place {
                    channel: channel.clone(),
                    period,
                    position: i as i64 + 1,
                    article_id: c.article_id,
                    views: views(c, period),
                }),
        );
    }
    out
}

fn views(c: &Counted, period: Period) -> i64 {
    match period {
        Period::Day => c.day,
        Period::Week => c.week,
    }
}

/// A removal's reason, trimmed: `Err` with what to fix when empty or too long.
pub fn check_reason(reason: &str) -> Result<String, String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err("请写明移出排行的理由(会记入操作记录)".into());
    }
    if r.chars().count() > MAX_REASON_CHARS {
        return Err(format!("理由最多 {MAX_REASON_CHARS} 个字"));
    }
    Ok(r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, channel: &str, signed_at: i64, day: i64, week: i64) -> Counted {
        Counted {
            article_id: id,
            channel: channel.into(),
            signed_at,
            day,
            week,
        }
    }

    fn list(places: &[Place], channel: &str, period: Period) -> Vec<i64> {
        places
            .iter()
            .filter(|p| p.channel == channel && p.period == period)
            .map(|p| p.article_id)
            .collect()
    }

    #[test]
    fn most_read_first_in_the_site_and_each_ancestor_channel() {
        let counted = [
            c(1, "zw/yw", 100, 5, 50),
            c(2, "zw", 200, 9, 9),
            c(3, "shms", 300, 0, 70),
            c(4, "zw/yw", 400, 5, 5),
        ];
        let places = compute(&counted, &HashSet::new());
        // ties: the newer sign-off first
        assert_eq!(list(&places, "", Period::Day), [2, 4, 1]);
        assert_eq!(list(&places, "", Period::Week), [3, 1, 2, 4]);
        assert_eq!(list(&places, "zw", Period::Day), [2, 4, 1]);
        assert_eq!(list(&places, "zw/yw", Period::Day), [4, 1]);
        assert_eq!(list(&places, "shms", Period::Day), Vec::<i64>::new());
        assert_eq!(list(&places, "shms", Period::Week), [3]);
        let first = places
            .iter()
            .find(|p| p.channel.is_empty() && p.period == Period::Week)
            .unwrap();
        assert_eq!((first.position, first.views), (1, 70));
    }

    #[test]
    fn a_removed_story_leaves_every_list_and_the_next_moves_up() {
        let counted = [c(1, "zw", 1, 10, 10), c(2, "zw", 2, 5, 5)];
        let places = compute(&counted, &HashSet::from([1]));
        assert_eq!(list(&places, "", Period::Day), [2]);
        assert_eq!(list(&places, "zw", Period::Week), [2]);
        assert!(places.iter().all(|p| p.position == 1));
    }

    #[test]
    fn lists_are_cut_at_their_size() {
        let counted: Vec<Counted> = (1..=30).map(|i| c(i, "zw", i, i, i)).collect();
        let places = compute(&counted, &HashSet::new());
        let day = list(&places, "", Period::Day);
        assert_eq!(day.len(), LIST_SIZE);
        assert_eq!(day[0], 30);
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert!(check_reason("  ").is_err());
        assert_eq!(
            check_reason(" 涉及未成年人隐私 ").unwrap(),
            "涉及未成年人隐私"
        );
        assert!(check_reason(&"长".repeat(MAX_REASON_CHARS + 1)).is_err());
    }

    #[test]
    fn paths_and_periods() {
        assert_eq!(rank_path(""), "phb/");
        assert_eq!(rank_path("zw/yw"), "phb/zw/yw/");
        assert_eq!(rule_path(), "phb/rule.html");
        for p in Period::ALL {
            assert_eq!(Period::parse(p.as_str()), Some(p));
        }
    }
}
