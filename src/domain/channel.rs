//! Channels: a tree per site, addressed by slash-separated paths (`zw/yw`).

use serde::{Deserialize, Serialize};

/// Default number of stories per channel list page.
pub const DEFAULT_PAGE_SIZE: i64 = 20;
/// Default number of review levels (三审: 初审, 复审, 终审).
pub const DEFAULT_REVIEW_LEVELS: i64 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: i64,
    pub site_id: String,
    /// Full path inside the site, e.g. `zw/yw`; unique per site.
    pub path: String,
    /// Display name (`政务要闻`).
    pub name: String,
    pub sort: i64,
    pub page_size: i64,
    pub review_levels: i64,
    /// How its pages and its home block list stories.
    #[serde(default)]
    pub list_style: ListStyle,
    /// Its feeds carry summaries only (by default they carry the full text).
    #[serde(default)]
    pub feed_summary: bool,
}

/// How a list shows its stories: titles (with dates), or 图文 (a
/// thumbnail, the title and the summary).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListStyle {
    #[default]
    Text,
    Pictures,
}

impl ListStyle {
    pub const ALL: [ListStyle; 2] = [ListStyle::Text, ListStyle::Pictures];

    pub fn as_str(self) -> &'static str {
        match self {
            ListStyle::Text => "text",
            ListStyle::Pictures => "pictures",
        }
    }

    /// Anything unknown reads as the text list.
    pub fn parse(s: &str) -> ListStyle {
        ListStyle::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            ListStyle::Text => "文字列表",
            ListStyle::Pictures => "图文列表",
        }
    }
}

impl Channel {
    /// Path of the parent channel, if any (`zw` for `zw/yw`).
    pub fn parent_path(&self) -> Option<&str> {
        parent_of(&self.path)
    }

    /// Last path segment (`yw`).
    pub fn slug(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    pub fn depth(&self) -> usize {
        self.path.matches('/').count()
    }
}

/// Parent path of a channel path.
pub fn parent_of(path: &str) -> Option<&str> {
    path.rfind('/').map(|i| &path[..i])
}

/// A channel path is one or more segments of `[a-z0-9-]`, separated by `/`.
pub fn valid_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 200
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !seg.starts_with("index")
        })
}

/// The chain from the root channel down to `path` (`[zw, zw/yw]`), as paths.
pub fn ancestry(path: &str) -> Vec<&str> {
    let mut out: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
    out.push(path);
    out
}

/// Channels of one site, in tree order, with lookups by path.
#[derive(Debug, Clone, Default)]
pub struct ChannelTree {
    channels: Vec<Channel>,
}

impl ChannelTree {
    /// Build from any order; siblings are kept sorted by (sort, path).
    pub fn new(mut channels: Vec<Channel>) -> Self {
        channels.sort_by(|a, b| (a.sort, &a.path).cmp(&(b.sort, &b.path)));
        Self { channels }
    }

    pub fn get(&self, path: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.path == path)
    }

    pub fn by_id(&self, id: i64) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// Top-level channels, in order.
    pub fn roots(&self) -> impl Iterator<Item = &Channel> {
        self.channels.iter().filter(|c| c.depth() == 0)
    }

    /// Direct children of `path`, in order.
    pub fn children<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Channel> + 'a {
        self.channels
            .iter()
            .filter(move |c| c.parent_path() == Some(path))
    }

    /// The breadcrumb chain from the root channel down to `path`.
    pub fn chain(&self, path: &str) -> Vec<&Channel> {
        ancestry(path)
            .into_iter()
            .filter_map(|p| self.get(p))
            .collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Channel> {
        self.channels.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(id: i64, path: &str, sort: i64) -> Channel {
        Channel {
            id,
            site_id: "main".into(),
            path: path.into(),
            name: path.into(),
            sort,
            page_size: DEFAULT_PAGE_SIZE,
            review_levels: DEFAULT_REVIEW_LEVELS,
            list_style: ListStyle::Text,
            feed_summary: false,
        }
    }

    #[test]
    fn paths_are_validated() {
        assert!(valid_path("zw"));
        assert!(valid_path("zw/yw"));
        assert!(valid_path("a-1/b2"));
        assert!(!valid_path(""));
        assert!(!valid_path("/zw"));
        assert!(!valid_path("zw/"));
        assert!(!valid_path("zw//yw"));
        assert!(!valid_path("ZW"));
        assert!(!valid_path("政务"));
        assert!(!valid_path("zw/index_2"));
        assert!(!valid_path("../etc"));
    }

    #[test]
    fn ancestry_walks_from_root() {
        assert_eq!(ancestry("zw/yw/x"), vec!["zw", "zw/yw", "zw/yw/x"]);
        assert_eq!(ancestry("tt"), vec!["tt"]);
        assert_eq!(parent_of("zw/yw"), Some("zw"));
        assert_eq!(parent_of("zw"), None);
    }

    #[test]
    fn tree_orders_roots_and_children() {
        let tree = ChannelTree::new(vec![
            ch(3, "zw/yw", 1),
            ch(1, "tt", 2),
            ch(2, "zw", 1),
            ch(4, "zw/bm", 2),
        ]);
        let roots: Vec<_> = tree.roots().map(|c| c.path.as_str()).collect();
        assert_eq!(roots, vec!["zw", "tt"]);
        let kids: Vec<_> = tree.children("zw").map(|c| c.path.as_str()).collect();
        assert_eq!(kids, vec!["zw/yw", "zw/bm"]);
        let chain: Vec<_> = tree.chain("zw/yw").iter().map(|c| c.id).collect();
        assert_eq!(chain, vec![2, 3]);
    }
}

/// List pages, newest first, whose older pages stay put: page 1 holds the
/// newest `size + total % size` stories (between `size` and `2 * size - 1`),
/// every other page exactly `size`, counted in fixed blocks from the oldest.
/// A new story therefore changes page 1 alone until `size` of them have
/// arrived; then one block moves from page 1 to page 2 and the page numbers
/// shift. Static files and CDN copies of the archive pages stay valid.
pub mod paging {
    /// How many pages a list of `total` stories has (at least 1).
    pub fn pages(total: i64, size: i64) -> i64 {
        (total / size.max(1)).max(1)
    }

    /// How many stories page 1 shows.
    pub fn first_len(total: i64, size: i64) -> i64 {
        let size = size.max(1);
        if total < size {
            size
        } else {
            size + total % size
        }
    }

    /// (offset from the newest, limit) of page `page` (1-based), if it exists.
    pub fn window(total: i64, size: i64, page: i64) -> Option<(i64, i64)> {
        let size = size.max(1);
        if page < 1 || page > pages(total, size) {
            return None;
        }
        if page == 1 {
            return Some((0, first_len(total, size)));
        }
        Some((first_len(total, size) + (page - 2) * size, size))
    }

    /// Whether a change to one story's place in a list alters any page but
    /// the first: `newer_before`/`newer_after` count the stories newer than
    /// it in the list before/after the change (`None`: not listed then).
    pub fn older_pages_change(
        size: i64,
        total_before: i64,
        total_after: i64,
        newer_before: Option<i64>,
        newer_after: Option<i64>,
    ) -> bool {
        let size = size.max(1);
        if pages(total_before, size) != pages(total_after, size) {
            return true;
        }
        let beyond_first =
            |total: i64, newer: i64| pages(total, size) > 1 && newer >= first_len(total, size);
        newer_before.is_some_and(|n| beyond_first(total_before, n))
            || newer_after.is_some_and(|n| beyond_first(total_after, n))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn pages_are_fixed_blocks_behind_a_longer_first_page() {
            // 45 stories, 20 a page: page 1 the newest 25, page 2 the oldest 20
            assert_eq!(pages(45, 20), 2);
            assert_eq!(window(45, 20, 1), Some((0, 25)));
            assert_eq!(window(45, 20, 2), Some((25, 20)));
            assert_eq!(window(45, 20, 3), None);
            assert_eq!(window(45, 20, 0), None);
            // fewer than a page, and none at all: one page
            assert_eq!(window(7, 20, 1), Some((0, 20)));
            assert_eq!(window(0, 20, 1), Some((0, 20)));
            assert_eq!(pages(0, 20), 1);
            // every story on exactly one page
            for total in 0..130 {
                let mut seen = 0;
                for p in 1..=pages(total, 20) {
                    let (offset, limit) = window(total, 20, p).unwrap();
                    assert_eq!(offset, seen.min(total), "total {total} page {p}");
                    seen += limit.min(total - offset.min(total));
                }
                assert_eq!(seen, total, "total {total}");
            }
        }

        #[test]
        fn only_a_change_behind_page_one_or_a_new_block_moves_older_pages() {
            // a new newest story: page 1 only, until a block fills
            assert!(!older_pages_change(20, 45, 46, None, Some(0)));
            assert!(older_pages_change(20, 59, 60, None, Some(0)));
            // a story edited in place on page 1, and on page 2
            assert!(!older_pages_change(20, 45, 45, Some(3), Some(3)));
            assert!(older_pages_change(20, 45, 45, Some(30), Some(30)));
            // withdrawn from page 2 (the blocks behind it move), or from page 1
            assert!(older_pages_change(20, 45, 44, Some(30), None));
            assert!(!older_pages_change(20, 45, 44, Some(2), None));
            // a backdated story lands on page 2
            assert!(older_pages_change(20, 45, 46, None, Some(40)));
            // a one-page list never has older pages
            assert!(!older_pages_change(20, 10, 11, None, Some(5)));
        }
    }
}
