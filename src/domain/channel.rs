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
