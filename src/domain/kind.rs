//! Story kinds (DESIGN.md: story kinds share one pipeline). A text story, a
//! gallery (图集), and the kinds to come (video, live coverage) are one
//! `Article` with one workflow, URL scheme, listing, slots, search, cache and
//! export; a kind adds only its parts ([`Parts`]) and the rules for them.
//!
//! A 视频 story's video is a row of the video library (`domain::video`),
//! shared like pictures; its poster is the story's 题图.
//!
//! Adding a kind: a variant here with its name and its rules in
//! [`Kind::missing`]; its parts as fields of [`Parts`] (stored with the
//! story as JSON, so no new table unless the parts are shared); its page
//! template in `templates/portal/` chosen in `render::portal`; its editor
//! fields in `templates/admin/edit.html` read by `admin::stories`.

use serde::{Deserialize, Serialize};

use super::live::LivePart;
use super::page::PagePart;
use super::picture::PictureUse;
use super::video::VideoUse;

/// Pictures a gallery may hold.
pub const MAX_GALLERY: usize = 200;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 文字稿: text with body pictures and an optional 题图.
    #[default]
    Text,
    /// 图集: an ordered set of pictures with captions, and an optional lead text.
    Gallery,
    /// 视频: a library video (its 题图 is the poster), with a text beneath.
    Video,
    /// 直播: live coverage; its entries come after sign-off (`domain::live`).
    Live,
    /// 单页: a site page (关于我们, 隐私保护 ...) at `{prefix}{slug}/`, in no
    /// channel's list (`domain::page`).
    Page,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Text,
        Kind::Gallery,
        Kind::Video,
        Kind::Live,
        Kind::Page,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Gallery => "gallery",
            Kind::Video => "video",
            Kind::Live => "live",
            Kind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// 文字 / 图集, as the newsroom says it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Text => "文字",
            Kind::Gallery => "图集",
            Kind::Video => "视频",
            Kind::Live => "直播",
            Kind::Page => "单页",
        }
    }

    /// Whether a story of this kind needs body text to be complete.
    pub fn needs_body(self) -> bool {
        matches!(self, Kind::Text | Kind::Page)
    }

    /// What keeps `parts` from being complete for this kind (submission).
    pub fn missing(self, parts: &Parts) -> Option<String> {
        match self {
            Kind::Text => None,
            Kind::Gallery if parts.gallery.is_empty() => Some("图集至少要有一张图片".into()),
            Kind::Gallery => None,
            Kind::Video if parts.video.is_none() => Some("视频稿须上传或选择一个视频".into()),
            Kind::Video => None,
            Kind::Live if parts.live.as_ref().is_none_or(|l| l.starts_at <= 0) => {
                Some("直播稿须填写直播开始时间".into())
            }
            Kind::Live => None,
            Kind::Page => match &parts.page {
                None => Some("单页须填写网址(如 about)".into()),
                Some(p) => super::page::valid_slug(&p.slug).err(),
            },
        }
    }

    /// Whether stories of this kind appear in channel lists, feeds and
    /// 相关新闻 (a site page does not: the footer links it).
    pub fn listed(self) -> bool {
        self != Kind::Page
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
}

impl Parts {
    pub fn is_empty(&self) -> bool {
        self.lead.is_none()
            && self.gallery.is_empty()
            && self.video.is_none()
            && self.live.is_none()
            && self.page.is_none()
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
        });
        assert_eq!(Kind::Video.missing(&p), None);
    }
}
