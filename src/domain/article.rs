//! Articles (stories): the content model a newsroom files, reviews and publishes.

use serde::{Deserialize, Serialize};

/// One byline entry, in the order printed (`记者 丁春贵`, `通讯员 张月月`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Byline {
    /// 记者, 通讯员, 实习生, 摄影 ...
    pub role: String,
    pub name: String,
}

/// Origin of a reprinted story (转载).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reprint {
    /// Original publication (新华社, 大众日报 ...).
    pub source: String,
    pub author: String,
    pub title: String,
    pub url: String,
}

impl Reprint {
    /// Whether every field a regulator expects of a reprint is filled in.
    pub fn is_complete(&self) -> bool {
        [&self.source, &self.author, &self.title, &self.url]
            .iter()
            .all(|f| !f.trim().is_empty())
    }
}

/// Where a story is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    /// In review at a level (1-based) of its channel's review chain.
    InReview,
    /// Signed off, waiting for its scheduled time.
    Scheduled,
    Published,
    /// 撤稿: withdrawn after publication; its URL answers 410.
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "in_review",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "draft" => Status::Draft,
            "in_review" => Status::InReview,
            "scheduled" => Status::Scheduled,
            "published" => Status::Published,
            "withdrawn" => Status::Withdrawn,
            _ => return None,
        })
    }

    /// Chinese label for the newsroom.
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::InReview => "审核中",
            Status::Scheduled => "待发布",
            Status::Published => "已发布",
            Status::Withdrawn => "已撤稿",
        }
    }
}

/// A story with every field the pages and the newsroom use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: i64,
    pub site_id: String,
    /// Primary channel (its path builds the URL).
    pub channel_id: i64,
    /// Other channels the story is also listed in.
    pub extra_channel_ids: Vec<i64>,
    pub title: String,
    /// Title for lists, shown as written when set.
    pub short_title: Option<String>,
    pub subtitle: Option<String>,
    pub byline: Vec<Byline>,
    /// Dateline source (`滨州日报/滨州网讯`).
    pub source: String,
    pub reprint: Option<Reprint>,
    /// 编辑.
    pub editor: String,
    /// Sanitized HTML, stored once on the way in.
    pub body_html: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub status: Status,
    /// 签发时间 (epoch seconds).
    pub signed_at: Option<i64>,
    /// Who signed it off (a user name, or the legacy system's editor).
    pub signed_by: Option<String>,
    pub published_at: Option<i64>,
    /// The public path inside its site (`zw/yw/2023-06/01/123.html`),
    /// fixed at first publication and never changed after.
    pub url_path: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Optimistic-locking version, bumped on every save.
    pub version: i64,
    /// 更正 notices shown on the page, oldest first.
    pub corrections: Vec<Correction>,
    /// When the latest later revision went live (更新); the first sign-off
    /// stays in `signed_at`.
    pub revised_at: Option<i64>,
    /// 文字, 图集 ... (`domain::kind`).
    #[serde(default)]
    pub kind: super::kind::Kind,
    /// The 题图 and a gallery's pictures.
    #[serde(default)]
    pub parts: super::kind::Parts,
    /// 人工智能生成 declaration (`domain::ai`), part of the revision.
    #[serde(default)]
    pub ai: super::ai::Ai,
}

/// A dated correction notice (更正).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub at: i64,
    pub text: String,
}

/// What a list line needs (home blocks, channel pages, "更多..." blocks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub site_id: String,
    pub title: String,
    pub short_title: Option<String>,
    pub summary: String,
    pub url_path: String,
    pub signed_at: i64,
    /// When its text last changed on the public side: a later revision's
    /// sign-off (更新), else `signed_at`.
    pub modified_at: i64,
    #[serde(default)]
    pub kind: super::kind::Kind,
    /// The library picture lists show for it (its 题图, else a gallery's first).
    #[serde(default)]
    pub cover: Option<i64>,
    /// Pictures in a gallery (0 for other kinds).
    #[serde(default)]
    pub pictures: i64,
    /// A video's length in seconds (0 for other kinds).
    #[serde(default)]
    pub duration: u32,
    /// 人工智能生成 declaration, labelled beside the title in lists.
    #[serde(default)]
    pub ai: super::ai::Ai,
    /// A 直播 the desk has opened and not closed (直播中 in every list).
    #[serde(default)]
    pub on_air: bool,
}

impl ArticleSummary {
    /// The mark its kind shows beside its title in lists.
    pub fn list_mark(&self) -> Option<super::kind::ListMark> {
        (self.kind.spec().list_mark)(&super::kind::ListFacts {
            pictures: self.pictures,
            seconds: self.duration,
            on_air: self.on_air,
        })
    }

    /// The title for a list line: the editor's short title as written, else
    /// the whole title (the list cuts it where there is no room).
    pub fn list_title(&self) -> String {
        match self.short_title.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => self.title.clone(),
        }
    }
}

/// Items of the 相关新闻 block (what `rank_related` keeps, and how deep the
/// store looks under each tag).
pub const RELATED_ITEMS: usize = 6;

/// 相关新闻 from the earlier stories found under each of a story's tags
/// (`per_tag`, each newest first): those of `site` first, then those sharing
/// more tags, then the newest; at most `limit`, each once.
pub fn rank_related(
    site: &str,
    per_tag: Vec<Vec<ArticleSummary>>,
    limit: usize,
) -> Vec<ArticleSummary> {
    let mut found: Vec<(ArticleSummary, usize)> = Vec::new();
    for s in per_tag.into_iter().flatten() {
        match found.iter_mut().find(|(f, _)| f.id == s.id) {
            Some((_, shared)) => *shared += 1,
            None => found.push((s, 1)),
        }
    }
    found.sort_by(|(a, sa), (b, sb)| {
        (b.site_id == site, sb, b.signed_at, b.id).cmp(&(a.site_id == site, sa, a.signed_at, a.id))
    });
    found.into_iter().take(limit).map(|(s, _)| s).collect()
}

/// The stories either side of one in its channel's list: signed just
/// before (上一篇) and just after (下一篇).
pub type Neighbours = (Option<ArticleSummary>, Option<ArticleSummary>);

/// Every live story's place under its tags, in memory: the answers of
/// `Store::tagged_before` for a full static build, which asks for every
/// story (two queries for the whole archive instead of one per 64 stories).
/// Same rule as the store: under each tag, the stories before
/// `(signed_at, id)` in newest-first order. With the channels' lists, the
/// answers of `Listings::neighbours` too.
#[derive(Debug, Default)]
pub struct TagIndex {
    /// (sort_at, id) under each tag, newest first.
    by_tag: std::collections::HashMap<String, Vec<(i64, i64)>>,
    /// (sort_at, id) in each channel's list, oldest first (上一篇/下一篇).
    by_channel: std::collections::HashMap<i64, Vec<(i64, i64)>>,
    summaries: std::collections::HashMap<i64, ArticleSummary>,
}

impl TagIndex {
    /// From `(tag, article_id, sort_at)` listings and the live stories.
    pub fn new(
        listings: impl IntoIterator<Item = (String, i64, i64)>,
        live: impl IntoIterator<Item = ArticleSummary>,
    ) -> Self {
        let mut by_tag: std::collections::HashMap<String, Vec<(i64, i64)>> = Default::default();
        for (tag, id, sort_at) in listings {
            by_tag.entry(tag).or_default().push((sort_at, id));
        }
        for list in by_tag.values_mut() {
            list.sort_unstable_by(|a, b| b.cmp(a));
        }
        let summaries = live.into_iter().map(|s| (s.id, s)).collect();
        Self {
            by_tag,
            by_channel: Default::default(),
            summaries,
        }
    }

    /// With the channels' lists, from `(channel_id, article_id, sort_at)`
    /// listings: a full build answers 上一篇/下一篇 from memory.
    pub fn with_channels(mut self, listings: impl IntoIterator<Item = (i64, i64, i64)>) -> Self {
        for (channel, id, sort_at) in listings {
            self.by_channel
                .entry(channel)
                .or_default()
                .push((sort_at, id));
        }
        for list in self.by_channel.values_mut() {
            list.sort_unstable();
        }
        self
    }

    /// The stories just before and just after (sort_at, id) in a channel's
    /// list (`Listings::neighbours` from memory); `None` without the
    /// channels' lists.
    pub fn neighbours(&self, channel: i64, at: (i64, i64)) -> Option<Neighbours> {
        if self.by_channel.is_empty() {
            return None;
        }
        let Some(list) = self.by_channel.get(&channel) else {
            return Some((None, None));
        };
        let i = list.partition_point(|x| *x < at);
        let older = i.checked_sub(1).and_then(|j| list.get(j));
        let j = if list.get(i) == Some(&at) { i + 1 } else { i };
        let newer = list.get(j);
        let get = |x: Option<&(i64, i64)>| x.and_then(|(_, id)| self.summaries.get(id).cloned());
        Some((get(older), get(newer)))
    }

    /// Under each of `tags` (as given: one list per tag), at most `limit`
    /// stories before `before` = (signed_at, id), newest first.
    pub fn tagged_before(
        &self,
        tags: &[String],
        before: (i64, i64),
        limit: usize,
    ) -> Vec<Vec<ArticleSummary>> {
        tags.iter()
            .map(|tag| {
                let Some(list) = self.by_tag.get(tag) else {
                    return Vec::new();
                };
                let start = list.partition_point(|e| *e >= before);
                list[start..]
                    .iter()
                    .filter_map(|(_, id)| self.summaries.get(id).cloned())
                    .take(limit)
                    .collect()
            })
            .collect()
    }
}

/// The byline line as printed: `记者 丁春贵 通讯员 张月月`.
pub fn byline_text(byline: &[Byline]) -> String {
    byline
        .iter()
        .map(|b| format!("{} {}", b.role.trim(), b.name.trim()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(id: i64, signed_at: i64) -> ArticleSummary {
        ArticleSummary {
            id,
            site_id: "main".into(),
            title: format!("稿件{id}"),
            short_title: None,
            summary: String::new(),
            url_path: format!("zw/{id}.html"),
            signed_at,
            modified_at: signed_at,
            kind: Default::default(),
            ai: Default::default(),
            cover: None,
            pictures: 0,
            duration: 0,
            on_air: false,
        }
    }

    #[test]
    fn tag_index_lists_earlier_stories_newest_first() {
        let live = [story(1, 100), story(2, 200), story(3, 200), story(4, 300)];
        let listings = [
            ("会议".to_string(), 1, 100),
            ("会议".to_string(), 2, 200),
            ("会议".to_string(), 3, 200),
            ("会议".to_string(), 4, 300),
            ("招商".to_string(), 2, 200),
        ];
        let index = TagIndex::new(listings, live.clone()).with_channels([
            (7, 1, 100),
            (7, 2, 200),
            (7, 4, 300),
            (8, 3, 200),
        ]);
        // the channel's neighbours, as the store answers them
        let n = |at| {
            let (a, b) = index.neighbours(7, at).unwrap();
            (a.map(|s| s.id), b.map(|s| s.id))
        };
        assert_eq!(n((200, 2)), (Some(1), Some(4)));
        assert_eq!(n((100, 1)), (None, Some(2)));
        assert_eq!(n((300, 4)), (Some(2), None));
        assert_eq!(n((i64::MAX, 9)), (Some(4), None));
        assert_eq!(index.neighbours(99, (1, 1)), Some((None, None)));
        assert_eq!(TagIndex::new([], live).neighbours(7, (1, 1)), None);
        let ids = |lists: Vec<Vec<ArticleSummary>>| -> Vec<Vec<i64>> {
            lists
                .into_iter()
                .map(|l| l.into_iter().map(|s| s.id).collect())
                .collect()
        };
        let tags = ["会议".to_string(), "招商".to_string(), "未知".to_string()];
        // story 4: everything signed earlier, newest first; the same second by id
        assert_eq!(
            ids(index.tagged_before(&tags, (300, 4), 6)),
            vec![vec![3, 2, 1], vec![2], vec![]]
        );
        // story 3 signed the same second as 2: 2 has the lower id, so it comes before 3
        assert_eq!(
            ids(index.tagged_before(&tags[..1], (200, 3), 6)),
            vec![vec![2, 1]]
        );
        // the limit counts per tag
        assert_eq!(
            ids(index.tagged_before(&tags[..1], (300, 4), 2)),
            vec![vec![3, 2]]
        );
    }

    #[test]
    fn byline_prints_roles_in_order() {
        let b = vec![
            Byline {
                role: "记者".into(),
                name: "丁春贵".into(),
            },
            Byline {
                role: "通讯员".into(),
                name: " 张月月 ".into(),
            },
        ];
        assert_eq!(byline_text(&b), "记者 丁春贵 通讯员 张月月");
        assert_eq!(byline_text(&[]), "");
    }

    fn summary(id: i64, site: &str, signed_at: i64) -> ArticleSummary {
        ArticleSummary {
            id,
            site_id: site.into(),
            title: format!("稿件{id}"),
            short_title: None,
            summary: String::new(),
            url_path: format!("sh/{id}.html"),
            signed_at,
            modified_at: signed_at,
            kind: Default::default(),
            ai: Default::default(),
            cover: None,
            pictures: 0,
            duration: 0,
            on_air: false,
        }
    }

    #[test]
    fn related_prefers_the_site_then_shared_tags_then_the_newest() {
        let per_tag = vec![
            // under 职业教育
            vec![
                summary(5, "main", 50),
                summary(4, "zouping", 40),
                summary(2, "main", 20),
            ],
            // under 产教融合
            vec![
                summary(3, "main", 30),
                summary(2, "main", 20),
                summary(1, "zouping", 10),
            ],
        ];
        let ids: Vec<i64> = rank_related("main", per_tag.clone(), 10)
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, vec![2, 5, 3, 4, 1]);
        let ids: Vec<i64> = rank_related("main", per_tag, 2)
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, vec![2, 5]);
        assert!(rank_related("main", vec![], 6).is_empty());
    }

    #[test]
    fn status_round_trips() {
        for s in [
            Status::Draft,
            Status::InReview,
            Status::Scheduled,
            Status::Published,
            Status::Withdrawn,
        ] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("live"), None);
    }

    #[test]
    fn reprint_needs_every_field() {
        let mut r = Reprint {
            source: "新华社".into(),
            author: "王明".into(),
            title: "标题".into(),
            url: "https://x.cn/1".into(),
        };
        assert!(r.is_complete());
        r.url = "  ".into();
        assert!(!r.is_complete());
    }
}

/// The largest story id an archive may bring (old CMS ids are far below it).
/// Ids above it would push the newsroom's own ids (the next after the
/// largest) into ranges no sitemap or URL rule was made for.
pub const MAX_STORY_ID: i64 = 999_999_999;

/// The earliest 签发 time an archive story may have (1990-01-01 CST).
pub const EARLIEST_SIGNED_AT: i64 = 631_123_200;

/// How far past the import an archive's 签发 time may lie: old systems hold
/// stories scheduled ahead, and clocks are wrong; a date beyond this is a
/// typo (a time in 9999 would pin the story at the top of every list).
pub const MAX_FUTURE_SECS: i64 = 5 * 365 * 86_400;

/// Whether a 签发 time is plausible for a story imported at `now`: not
/// before 1990, not more than `MAX_FUTURE_SECS` ahead. The error says what
/// to fix.
pub fn plausible_signed_at(at: i64, now: i64) -> Result<(), String> {
    if at < EARLIEST_SIGNED_AT {
        return Err("签发时间早于 1990 年,请检查日期".into());
    }
    if at > now + MAX_FUTURE_SECS {
        return Err("签发时间在五年之后,不像真实日期,请检查".into());
    }
    Ok(())
}

#[cfg(test)]
mod plausible_tests {
    use super::*;

    #[test]
    fn signed_times_must_be_plausible() {
        let now = 1_713_600_000;
        assert!(plausible_signed_at(now - 86_400 * 365 * 20, now).is_ok());
        assert!(plausible_signed_at(now + 86_400 * 300, now).is_ok());
        assert!(
            plausible_signed_at(253_402_300_799, now)
                .unwrap_err()
                .contains("五年之后")
        );
        assert!(plausible_signed_at(0, now).unwrap_err().contains("1990"));
    }
}
