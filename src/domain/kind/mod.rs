//! Story kinds (DESIGN.md §9: story kinds share one pipeline). A text story,
//! a gallery (图集), a video, live coverage and a site page are one
//! `Article` with one workflow, URL scheme, listing, slots, search, cache and
//! export; a kind adds only its parts ([`Parts`]) and the rules for them,
//! described once in its [`KindSpec`] (`domain::kind::NAME::SPEC`, a file each).
//!
//! The workflow, listings, cache and search never name a kind; what differs
//! by kind is read from its spec (its parts, completeness, sign-off gates,
//! URL rule, list mark, extra public files), from its render module
//! (`render::kinds`) and from its editor panel
//! (`web::handlers::admin::kinds`). Adding a kind: a variant here and its
//! line in [`Kind::spec`]; its file in `domain/kind/`; its parts as fields
//! of [`Parts`] (stored with the story as JSON, so no new table unless the
//! parts are shared) and a [`Part`]; its render module, editor panel and
//! templates, each registered by one line (`tests/it/kinds.rs` lists them).

pub mod gallery;
pub mod live;
pub mod page;
pub mod text;
pub mod topic;
pub mod video;

use serde::{Deserialize, Serialize};

use crate::domain::live::LivePart;
use crate::domain::page::PagePart;
use crate::domain::picture::PictureUse;
use crate::domain::topic::TopicPart;
use crate::domain::video::VideoUse;

/// Pictures a gallery may hold.
pub const MAX_GALLERY: usize = 200;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Text,
    Gallery,
    Video,
    Live,
    Page,
    Topic,
}

/// What the pipeline asks of one kind.
pub struct KindSpec {
    /// The stored name (`text`, `gallery` ...), also the templates' names.
    pub name: &'static str,
    /// 文字 / 图集, as the newsroom says it.
    pub label: &'static str,
    /// The parts a story of this kind keeps; the others are dropped on save.
    pub parts: &'static [Part],
    /// Whether the story needs body text to be complete.
    pub needs_body: bool,
    /// Whether stories of this kind appear in channel lists, feeds and
    /// 相关新闻, and their pages in the channel's chrome (a site page does
    /// not: the footer links it).
    pub listed: bool,
    /// What keeps the parts from being complete (refused at submission).
    pub missing: fn(&Parts) -> Option<String>,
    /// The checks against the store that must pass before sign-off.
    pub gates: &'static [Gate],
    /// How the story's address is made at its first sign-off.
    pub url: UrlRule,
    /// The mark beside the title in lists (a gallery's count, a video's length).
    pub list_mark: fn(&ListFacts) -> Option<ListMark>,
    /// Site-relative files the story publishes besides its page (the
    /// static export writes them).
    pub public_files: fn(i64) -> Vec<String>,
    /// Whether its parts gather other stories (a 专题): a story's write
    /// names the gathering stories it enters or leaves, and a gathering
    /// story's own write names its site's list of them.
    pub gathers: bool,
}

/// A story's parts beyond its text, one per field of [`Parts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Lead,
    Gallery,
    Video,
    Live,
    Page,
    Topic,
}

/// A check at sign-off that reads the store (the pipeline runs it; the kind
/// names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The story's video is processed.
    VideoReady,
}

/// How a story's address is made, once, at its first sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRule {
    /// `{channel}/{YYYY-MM}/{DD}/{id}.html` (DESIGN.md §4).
    Dated,
    /// `{slug}/`, from the story's page part.
    Slug,
    /// `zt/{slug}/`, from the story's topic part.
    Topic,
}

/// What a list knows of a story that a kind's mark may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListFacts {
    /// Pictures in a gallery.
    pub pictures: i64,
    /// A video's length in seconds.
    pub seconds: u32,
    /// A 直播 running now.
    pub on_air: bool,
}

/// The mark a list shows beside a story's title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListMark {
    /// The CSS class (`mark-gallery`).
    pub class: &'static str,
    pub text: String,
    /// The longer words a pointer shows.
    pub title: Option<String>,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Text,
        Kind::Gallery,
        Kind::Video,
        Kind::Live,
        Kind::Page,
        Kind::Topic,
    ];

    /// The kind's description: the one place a kind is registered in the domain.
    pub fn spec(self) -> &'static KindSpec {
        match self {
            Kind::Text => &text::SPEC,
            Kind::Gallery => &gallery::SPEC,
            Kind::Video => &video::SPEC,
            Kind::Live => &live::SPEC,
            Kind::Page => &page::SPEC,
            Kind::Topic => &topic::SPEC,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// 文字 / 图集, as the newsroom says it.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// Whether a story of this kind needs body text to be complete.
    pub fn needs_body(self) -> bool {
        self.spec().needs_body
    }

    /// What keeps `parts` from being complete for this kind (submission).
    pub fn missing(self, parts: &Parts) -> Option<String> {
        (self.spec().missing)(parts)
    }

    /// Whether stories of this kind appear in channel lists, feeds and
    /// 相关新闻 (a site page does not: the footer links it).
    pub fn listed(self) -> bool {
        self.spec().listed
    }

    /// The address a story of this kind gets at its first sign-off: the
    /// dated path under its primary channel, or its page's name.
    pub fn first_url(self, channel_path: &str, signed_at: i64, id: i64, parts: &Parts) -> String {
        match (self.spec().url, &parts.page, &parts.topic) {
            (UrlRule::Slug, Some(p), _) => crate::domain::page::page_path(&p.slug),
            (UrlRule::Topic, _, Some(t)) => crate::domain::topic::topic_path(&t.slug),
            _ => crate::domain::url::story_path(channel_path, signed_at, id),
        }
    }
}

/// The parts of a story beyond its text: what each kind carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Parts {
    /// 题图: shown at the top of the story, in lists, share cards and feeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<PictureUse>,
    /// A gallery's pictures in order (empty for other kinds).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gallery: Vec<PictureUse>,
    /// A 视频 story's video.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoUse>,
    /// A 直播 story's planned start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LivePart>,
    /// A 单页's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<PagePart>,
    /// A 专题's address, lead and sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<TopicPart>,
}

impl Parts {
    pub fn is_empty(&self) -> bool {
        self.lead.is_none()
            && self.gallery.is_empty()
            && self.video.is_none()
            && self.live.is_none()
            && self.page.is_none()
            && self.topic.is_none()
    }

    /// The picture lists and thumbnails show: the 题图, else a gallery's first.
    pub fn cover(&self) -> Option<&PictureUse> {
        self.lead.as_ref().or(self.gallery.first())
    }

    /// Every picture the parts use, in order, each once.
    pub fn image_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = Vec::new();
        for u in self.lead.iter().chain(&self.gallery) {
            if !ids.contains(&u.image_id) {
                ids.push(u.image_id);
            }
        }
        ids
    }

    /// The parts `kind` keeps, and nothing of another kind's.
    pub fn for_kind(mut self, kind: Kind) -> Self {
        let keeps = |p: Part| kind.spec().parts.contains(&p);
        if !keeps(Part::Lead) {
            self.lead = None;
        }
        if !keeps(Part::Gallery) {
            self.gallery.clear();
        }
        if !keeps(Part::Video) {
            self.video = None;
        }
        if !keeps(Part::Live) {
            self.live = None;
        }
        if !keeps(Part::Page) {
            self.page = None;
        }
        if !keeps(Part::Topic) {
            self.topic = None;
        }
        self
    }

    pub fn clean(self) -> Self {
        Parts {
            lead: self.lead.map(PictureUse::clean).filter(|u| u.image_id > 0),
            gallery: self
                .gallery
                .into_iter()
                .map(PictureUse::clean)
                .filter(|u| u.image_id > 0)
                .collect(),
            video: self.video.filter(|v| v.video_id > 0),
            live: self.live,
            page: self.page.map(|p| PagePart {
                slug: p.slug.trim().to_ascii_lowercase(),
            }),
            topic: self.topic.map(TopicPart::clean),
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if let Some(l) = &self.lead {
            l.validate("题图")?;
        }
        if self.gallery.len() > MAX_GALLERY {
            return Err(format!(
                "图集最多 {MAX_GALLERY} 张图片,现在有 {} 张",
                self.gallery.len()
            ));
        }
        for (i, u) in self.gallery.iter().enumerate() {
            u.validate(&format!("第 {} 张图片", i + 1))?;
        }
        Ok(())
    }

    /// What keeps the pictures from publication: each needs its 替代文字
    /// (a screen reader reads it instead of the picture).
    pub fn unpublishable(&self) -> Option<String> {
        if self.lead.as_ref().is_some_and(|l| l.alt.is_empty()) {
            return Some("题图须填写替代文字(供读屏软件朗读)后才能签发".into());
        }
        let missing: Vec<String> = self
            .gallery
            .iter()
            .enumerate()
            .filter(|(_, u)| u.alt.is_empty())
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if !missing.is_empty() {
            return Some(format!(
                "图集第 {} 张图片须填写替代文字后才能签发",
                missing.join("、")
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pic(id: i64, alt: &str) -> PictureUse {
        PictureUse {
            image_id: id,
            alt: alt.into(),
            ..Default::default()
        }
    }

    #[test]
    fn pictures_need_alt_text_to_be_signed_off() {
        let mut p = Parts {
            lead: Some(pic(1, "")),
            ..Default::default()
        };
        assert!(p.unpublishable().unwrap().contains("题图"));
        p.lead = Some(pic(1, "黄河大桥"));
        assert_eq!(p.unpublishable(), None);
        p.gallery = vec![pic(2, "甲"), pic(3, ""), pic(4, "")];
        assert_eq!(
            p.unpublishable().as_deref(),
            Some("图集第 2、3 张图片须填写替代文字后才能签发")
        );
    }

    #[test]
    fn a_gallery_needs_a_picture_and_its_cover_is_the_lead_or_the_first() {
        let mut p = Parts::default();
        assert!(Kind::Gallery.missing(&p).is_some());
        assert_eq!(Kind::Text.missing(&p), None);
        p.gallery = vec![pic(5, "a"), pic(6, "b"), pic(5, "c")];
        assert_eq!(p.cover().unwrap().image_id, 5);
        assert_eq!(p.image_ids(), [5, 6]);
        p.lead = Some(pic(9, "x"));
        assert_eq!(p.cover().unwrap().image_id, 9);
        assert_eq!(Kind::parse("gallery"), Some(Kind::Gallery));
        assert_eq!(Kind::parse("video"), Some(Kind::Video));
        assert_eq!(Kind::parse("live"), Some(Kind::Live));
        assert_eq!(Kind::parse("audio"), None);
        assert!(Kind::Live.missing(&p).unwrap().contains("开始时间"));
        assert!(Kind::Video.missing(&p).unwrap().contains("视频"));
        p.video = Some(VideoUse {
            video_id: 3,
            seconds: 12,
            subtitles: None,
        });
        assert_eq!(Kind::Video.missing(&p), None);
    }
}
