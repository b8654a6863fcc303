//! URLs are data and never change (DESIGN.md §4).
//!
//! Inside a site, public paths are:
//! - `` (home), `index.html`
//! - `{channel}/`, `{channel}/index.html`, `{channel}/index_{N}.html` (N >= 2)
//! - `{channel}/{YYYY-MM}/{DD}/{id}.html` (a story, fixed at first publication)

use super::text::to_cst;

/// What a site-relative path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    /// A channel list page (1-based page number).
    Channel {
        path: String,
        page: u32,
    },
    /// A channel path without its trailing slash: redirect to the list.
    ChannelNoSlash {
        path: String,
    },
    Story {
        id: i64,
    },
    /// A tag's or a person's list of the site's stories (`tag/{tag}/`,
    /// `author/{name}/`, percent-encoded).
    Facet {
        facet: Facet,
        value: String,
        page: u32,
    },
    /// The site's list of 专题 (`zt/`, `zt/index_{N}.html`).
    TopicList {
        page: u32,
    },
    /// A 专题 (`zt/{slug}/`; its page is its story's).
    Topic {
        slug: String,
    },
    /// Page `page` of section `n` (1-based) of a 专题 (`zt/{slug}/{n}/`).
    TopicSection {
        slug: String,
        n: usize,
        page: u32,
    },
    /// The RSS feed of a 专题 (`zt/{slug}/rss.xml`).
    TopicFeed {
        slug: String,
    },
    /// 热点排行 of the site (`phb/`, channel empty) or of a channel
    /// (`phb/{channel}/`).
    Ranking {
        channel: String,
    },
    /// The published rule of the rankings (`phb/rule.html`).
    RankingRule,
    /// RSS 2.0 (`rss.xml`) or Atom (`atom.xml`) of the site or of a channel.
    Feed {
        channel: Option<String>,
        atom: bool,
    },
    /// `sitemap.xml`: the index of the sitemaps.
    SitemapIndex,
    /// `sitemap-sections.xml`: home and channel pages of every site.
    SitemapSections,
    /// `sitemap-{n}.xml`: stories with ids in the n-th block of 50,000.
    Sitemap {
        n: u32,
    },
    /// `sitemap-news.xml`: the Google News sitemap of the last two days.
    NewsSitemap,
    Robots,
    /// `_inc/more/{channel}.html`: the "更多..." blocks under the stories of a
    /// channel (its own first) as a fragment, which the static export includes
    /// by SSI so that one sign-off rewrites one file per channel instead of
    /// every story page.
    MoreBlocks {
        channel: String,
    },
    /// `live/{id}/entries.json`: a 直播 story's public entries (what a
    /// reader's poll reads; served also at time-bucketed names).
    LiveEntries {
        id: i64,
    },
    NotFound,
}

/// Site-relative path of a live story's entries snapshot.
pub fn live_entries_path(id: i64) -> String {
    format!("live/{id}/entries.json")
}

/// A poll of a live story at a time bucket (`live/{id}/{bucket}.json`):
/// the story and the bucket; the answer is the snapshot's.
pub fn live_poll(rel: &str) -> Option<(i64, i64)> {
    let rest = rel.strip_prefix("live/")?;
    let (id, file) = rest.split_once('/')?;
    let bucket = file.strip_suffix(".json")?;
    if !bucket.bytes().all(|b| b.is_ascii_digit()) || bucket.is_empty() || bucket.len() > 12 {
        return None;
    }
    Some((parse_id(id)?, bucket.parse().ok()?))
}

/// Story ids per story sitemap (`sitemap-{n}.xml` holds ids
/// `(n-1)*SITEMAP_BLOCK+1 ..= n*SITEMAP_BLOCK`; the protocol allows 50,000 URLs).
pub const SITEMAP_BLOCK: i64 = 50_000;

/// The story sitemap a story id belongs to.
pub fn sitemap_block_of(id: i64) -> i64 {
    (id - 1).max(0) / SITEMAP_BLOCK + 1
}

/// Site-relative path of the "更多..." fragment under the stories of channel
/// `channel_path`.
pub fn more_blocks_path(channel_path: &str) -> String {
    format!("_inc/more/{channel_path}.html")
}

/// The path a story gets at first publication: primary channel, sign-off date, id.
pub fn story_path(channel_path: &str, signed_at: i64, id: i64) -> String {
    let t = to_cst(signed_at);
    format!(
        "{channel_path}/{}/{}/{id}.html",
        t.format("%Y-%m"),
        t.format("%d")
    )
}

/// Site-relative path of page `page` of a channel list.
pub fn channel_page_path(channel_path: &str, page: u32) -> String {
    if page <= 1 {
        format!("{channel_path}/")
    } else {
        format!("{channel_path}/index_{page}.html")
    }
}

/// Classify a site-relative path (no leading slash). Pure: it does not check
/// that the channel or story exists.
pub fn route(rel: &str) -> Route {
    if rel.is_empty() || rel == "index.html" {
        return Route::Home;
    }
    match rel {
        "rss.xml" => {
            return Route::Feed {
                channel: None,
                atom: false,
            };
        }
        "atom.xml" => {
            return Route::Feed {
                channel: None,
                atom: true,
            };
        }
        "sitemap.xml" => return Route::SitemapIndex,
        "sitemap-sections.xml" => return Route::SitemapSections,
        "sitemap-news.xml" => return Route::NewsSitemap,
        "robots.txt" => return Route::Robots,
        _ => {}
    }
    if let Some(dir) = rel
        .strip_prefix("_inc/more/")
        .and_then(|r| r.strip_suffix(".html"))
    {
        return if super::channel::valid_path(dir) {
            Route::MoreBlocks {
                channel: dir.to_string(),
            }
        } else {
            Route::NotFound
        };
    }
    if let Some(rest) = rel
        .strip_prefix(super::topic::DIR)
        .and_then(|r| r.strip_prefix('/'))
    {
        return topic_route(rest).unwrap_or(Route::NotFound);
    }
    if let Some(rest) = rel
        .strip_prefix(super::rank::DIR)
        .and_then(|r| r.strip_prefix('/'))
    {
        return match rest {
            "" | "index.html" => Route::Ranking {
                channel: String::new(),
            },
            "rule.html" => Route::RankingRule,
            r => match r.strip_suffix('/') {
                Some(c) if super::channel::valid_path(c) => Route::Ranking {
                    channel: c.to_string(),
                },
                _ => Route::NotFound,
            },
        };
    }
    for facet in Facet::ALL {
        if let Some(rest) = rel
            .strip_prefix(facet.dir())
            .and_then(|r| r.strip_prefix('/'))
        {
            return facet_route(facet, rest).unwrap_or(Route::NotFound);
        }
    }
    if let Some(id) = rel
        .strip_prefix("live/")
        .and_then(|r| r.strip_suffix("/entries.json"))
    {
        return match parse_id(id) {
            Some(id) => Route::LiveEntries { id },
            None => Route::NotFound,
        };
    }
    if let Some(n) = rel
        .strip_prefix("sitemap-")
        .and_then(|r| r.strip_suffix(".xml"))
    {
        return match parse_page_number(n) {
            Some(n) => Route::Sitemap { n },
            None => Route::NotFound,
        };
    }
    for (file, atom) in [("/rss.xml", false), ("/atom.xml", true)] {
        if let Some(dir) = rel.strip_suffix(file) {
            return if super::channel::valid_path(dir) {
                Route::Feed {
                    channel: Some(dir.to_string()),
                    atom,
                }
            } else {
                Route::NotFound
            };
        }
    }
    if let Some(dir) = rel.strip_suffix('/') {
        return if super::channel::valid_path(dir) {
            Route::Channel {
                path: dir.to_string(),
                page: 1,
            }
        } else {
            Route::NotFound
        };
    }
    let (dir, file) = match rel.rsplit_once('/') {
        Some(parts) => parts,
        None => {
            return if super::channel::valid_path(rel) {
                Route::ChannelNoSlash {
                    path: rel.to_string(),
                }
            } else {
                Route::NotFound
            };
        }
    };
    if file == "index.html" {
        return if super::channel::valid_path(dir) {
            Route::Channel {
                path: dir.to_string(),
                page: 1,
            }
        } else {
            Route::NotFound
        };
    }
    if let Some(n) = file
        .strip_prefix("index_")
        .and_then(|f| f.strip_suffix(".html"))
    {
        return match parse_page_number(n) {
            Some(page) if page >= 2 && super::channel::valid_path(dir) => Route::Channel {
                path: dir.to_string(),
                page,
            },
            _ => Route::NotFound,
        };
    }
    if let Some(id) = file.strip_suffix(".html") {
        if let Some(id) = parse_id(id) {
            if is_story_dir(dir) {
                return Route::Story { id };
            }
        }
        return Route::NotFound;
    }
    if super::channel::valid_path(rel) {
        return Route::ChannelNoSlash {
            path: rel.to_string(),
        };
    }
    Route::NotFound
}

/// The longest tag a story may carry, in characters.
pub const MAX_TAG_CHARS: usize = 50;

/// What a story is listed under besides its channels: its tags, and the
/// people of its byline (any role: 记者, 通讯员, 摄影, 编辑).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Tag,
    Author,
}

impl Facet {
    pub const ALL: [Facet; 2] = [Facet::Tag, Facet::Author];

    /// Its pages' directory, and the change-log key's prefix.
    pub fn dir(self) -> &'static str {
        match self {
            Facet::Tag => "tag",
            Facet::Author => "author",
        }
    }

    /// The change-log key of a value's pages on a site.
    pub fn key(self, site_id: &str, value: &str) -> String {
        format!("{}:{site_id}/{value}", self.dir())
    }
}

/// `{value}/` or `{value}/index_{n}.html` under a facet's directory.
/// `zt/` paths: the list, a topic, a section's page, a topic's feed.
fn topic_route(rest: &str) -> Option<Route> {
    let list_page = |f: &str| -> Option<u32> {
        match f {
            "" | "index.html" => Some(1),
            f => parse_page_number(f.strip_prefix("index_")?.strip_suffix(".html")?)
                .filter(|n| *n >= 2),
        }
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [file] => list_page(file).map(|page| Route::TopicList { page }),
        [slug, file] if super::topic::valid_slug(slug).is_ok() => match *file {
            "" | "index.html" => Some(Route::Topic {
                slug: slug.to_string(),
            }),
            "rss.xml" => Some(Route::TopicFeed {
                slug: slug.to_string(),
            }),
            _ => None,
        },
        [slug, n, file] if super::topic::valid_slug(slug).is_ok() => {
            let n = parse_page_number(n)? as usize;
            (1..=super::topic::MAX_SECTIONS)
                .contains(&n)
                .then_some(())?;
            Some(Route::TopicSection {
                slug: slug.to_string(),
                n,
                page: list_page(file)?,
            })
        }
        _ => None,
    }
}

fn facet_route(facet: Facet, rest: &str) -> Option<Route> {
    let (tag, file) = rest.split_once('/')?;
    let page = match file {
        "" | "index.html" => 1,
        f => parse_page_number(f.strip_prefix("index_")?.strip_suffix(".html")?)
            .filter(|n| *n >= 2)?,
    };
    let tag = percent_encoding::percent_decode_str(tag)
        .decode_utf8()
        .ok()?;
    let tag = tag.trim();
    if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.contains('/') {
        return None;
    }
    Some(Route::Facet {
        facet,
        value: tag.to_string(),
        page,
    })
}

/// The site-relative path of a tag's or a person's list page (the value
/// percent-encoded).
pub fn facet_page_path(facet: Facet, value: &str, page: u32) -> String {
    let enc = percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC);
    let dir = facet.dir();
    if page <= 1 {
        format!("{dir}/{enc}/")
    } else {
        format!("{dir}/{enc}/index_{page}.html")
    }
}

/// The site-relative path of a tag's list page.
pub fn tag_page_path(tag: &str, page: u32) -> String {
    facet_page_path(Facet::Tag, tag, page)
}

/// `{channel}/{YYYY-MM}/{DD}`
fn is_story_dir(dir: &str) -> bool {
    let mut parts = dir.rsplitn(3, '/');
    let (Some(day), Some(month), Some(channel)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let month_ok = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month[..4].bytes().all(|b| b.is_ascii_digit())
        && month[5..].bytes().all(|b| b.is_ascii_digit());
    let day_ok = day.len() == 2 && day.bytes().all(|b| b.is_ascii_digit());
    month_ok && day_ok && super::channel::valid_path(channel)
}

/// Digits only, no sign, no leading zero, fits comfortably.
fn parse_page_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 6 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_id(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 15 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::parse_rfc3339;

    #[test]
    fn topic_paths_route_to_their_pages() {
        assert_eq!(route("zt/"), Route::TopicList { page: 1 });
        assert_eq!(
            route("phb/"),
            Route::Ranking {
                channel: String::new()
            }
        );
        assert_eq!(
            route("phb/zw/yw/"),
            Route::Ranking {
                channel: "zw/yw".into()
            }
        );
        assert_eq!(route("phb/rule.html"), Route::RankingRule);
        for bad in ["phb/zw", "phb/../", "phb/ZW/", "phb/rule", "phb//"] {
            assert_eq!(route(bad), Route::NotFound, "{bad}");
        }
        assert_eq!(route("zt/index_3.html"), Route::TopicList { page: 3 });
        assert_eq!(route("zt/index_1.html"), Route::NotFound);
        assert_eq!(
            route("zt/2024sxj/"),
            Route::Topic {
                slug: "2024sxj".into()
            }
        );
        assert_eq!(
            route("zt/2024sxj/2/index_2.html"),
            Route::TopicSection {
                slug: "2024sxj".into(),
                n: 2,
                page: 2
            }
        );
        assert_eq!(
            route("zt/2024sxj/rss.xml"),
            Route::TopicFeed {
                slug: "2024sxj".into()
            }
        );
        for bad in [
            "zt/2024sxj",
            "zt/Bad/",
            "zt/a/0/",
            "zt/a/99/",
            "zt/a/1/x.html",
            "zt/a/b/c/d",
        ] {
            assert_eq!(route(bad), Route::NotFound, "{bad}");
        }
    }

    #[test]
    fn story_paths_use_beijing_date() {
        let ts = parse_rfc3339("2023-05-31T18:00:00Z").unwrap(); // 06-01 02:00 in Beijing
        assert_eq!(story_path("zw/yw", ts, 123), "zw/yw/2023-06/01/123.html");
    }

    #[test]
    fn routes() {
        assert_eq!(route(""), Route::Home);
        assert_eq!(route("index.html"), Route::Home);
        assert_eq!(
            route("zw/yw/"),
            Route::Channel {
                path: "zw/yw".into(),
                page: 1
            }
        );
        assert_eq!(
            route("zw/yw/index.html"),
            Route::Channel {
                path: "zw/yw".into(),
                page: 1
            }
        );
        assert_eq!(
            route("zw/yw/index_2.html"),
            Route::Channel {
                path: "zw/yw".into(),
                page: 2
            }
        );
        assert_eq!(
            route("zw/yw"),
            Route::ChannelNoSlash {
                path: "zw/yw".into()
            }
        );
        assert_eq!(route("zw/yw/2023-06/01/123.html"), Route::Story { id: 123 });
    }

    #[test]
    fn bad_page_numbers_are_not_found() {
        for p in [
            "zw/index_1.html",
            "zw/index_0.html",
            "zw/index_-1.html",
            "zw/index_01.html",
            "zw/index_abc.html",
            "zw/index_.html",
            "zw/index_99999999999999999999.html",
            "zw/index_2.htm",
        ] {
            assert_eq!(route(p), Route::NotFound, "{p}");
        }
    }

    #[test]
    fn bad_story_paths_are_not_found() {
        for p in [
            "zw/yw/2023-06/01/0123.html",
            "zw/yw/2023-06/01/abc.html",
            "zw/yw/2023-6/01/1.html",
            "zw/yw/2023-06/1/1.html",
            "2023-06/01/1.html",
            "zw/yw/2023-06/01/99999999999999999999.html",
            "../../etc/passwd",
            "zw/%2e%2e/",
            "ZW/",
            "zw/yw/x.php",
        ] {
            assert_eq!(route(p), Route::NotFound, "{p}");
        }
    }

    #[test]
    fn feeds_and_sitemaps() {
        assert_eq!(
            route("rss.xml"),
            Route::Feed {
                channel: None,
                atom: false
            }
        );
        assert_eq!(
            route("zw/yw/atom.xml"),
            Route::Feed {
                channel: Some("zw/yw".into()),
                atom: true
            }
        );
        assert_eq!(route("sitemap.xml"), Route::SitemapIndex);
        assert_eq!(route("sitemap-3.xml"), Route::Sitemap { n: 3 });
        assert_eq!(route("sitemap-0.xml"), Route::NotFound);
        assert_eq!(route("sitemap-news.xml"), Route::NewsSitemap);
        assert_eq!(route("robots.txt"), Route::Robots);
        assert_eq!(route("ZW/rss.xml"), Route::NotFound);
    }

    #[test]
    fn tag_pages_route_by_their_decoded_tag() {
        assert_eq!(
            tag_page_path("职业教育", 1),
            "tag/%E8%81%8C%E4%B8%9A%E6%95%99%E8%82%B2/"
        );
        for page in [1, 2, 7] {
            assert_eq!(
                route(&tag_page_path("职业 教育", page)),
                Route::Facet {
                    facet: Facet::Tag,
                    value: "职业 教育".into(),
                    page
                }
            );
        }
        // a browser may send it raw; an empty or over-long tag is no page
        assert_eq!(
            route("tag/招商/"),
            Route::Facet {
                facet: Facet::Tag,
                value: "招商".into(),
                page: 1
            }
        );
        assert_eq!(
            route(&facet_page_path(Facet::Author, "丁春贵", 1)),
            Route::Facet {
                facet: Facet::Author,
                value: "丁春贵".into(),
                page: 1
            }
        );
        assert_eq!(route("tag//"), Route::NotFound);
        assert_eq!(route("tag/x/index_1.html"), Route::NotFound);
        assert_eq!(route(&format!("tag/{}/", "长".repeat(51))), Route::NotFound);
    }

    #[test]
    fn channel_page_paths() {
        assert_eq!(channel_page_path("zw/yw", 1), "zw/yw/");
        assert_eq!(channel_page_path("zw/yw", 3), "zw/yw/index_3.html");
        for page in 1..5 {
            assert_eq!(
                route(&channel_page_path("zw", page)),
                Route::Channel {
                    path: "zw".into(),
                    page
                }
            );
        }
    }
}
