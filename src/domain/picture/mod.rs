//! Pictures: an image in the library (the original upload and the variants
//! made from it), a story's use of one (题图, a gallery's item), focal-point
//! crops, and the `srcset` the pages list. Pure: the pixels are `media`'s.
//!
//! Every upload gets, made once by a job, the widths the templates ask for
//! ([`WIDTHS`], never wider than the original) and three crops around the
//! focal point ([`Ratio`]), each in JPEG and WebP. The keys say what they
//! are, so a page can name them without asking the store:
//! `2024/04/ab12cd_640.webp`, `2024/04/ab12cd_16x9_f50x40_1280.jpg` (the
//! focal point is in a crop's key, so moving it makes new URLs and no cache
//! anywhere keeps the old crop under the new point).

use serde::{Deserialize, Serialize};

mod variants;

pub use variants::{FORMATS, Focal, Made, Ratio, Variant, crop_rect, plan, variant_key};

/// Widths of the uncropped variants, narrowest first.
pub const WIDTHS: [u32; 4] = [320, 640, 960, 1600];
/// The widest variant: wider originals are not served to readers.
pub const MAX_WIDTH: u32 = 1600;
pub const MAX_CAPTION: usize = 500;
pub const MAX_CREDIT: usize = 100;
pub const MAX_ALT: usize = 300;

/// The media keys of a sanitized body's `<img src="/media/...">`, in order,
/// each once. (The sanitizer serializes every attribute in double quotes.)
pub fn body_keys(html: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("src=\"/media/") {
        rest = &rest[at + 12..];
        let Some(end) = rest.find('"') else { break };
        let key = &rest[..end];
        if crate::domain::media_key::is_safe(key) && !keys.iter().any(|k| k == key) {
            keys.push(key.to_string());
        }
        rest = &rest[end..];
    }
    keys
}

/// A picture in the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Picture {
    pub id: i64,
    /// The site whose stories may use it (its scope).
    pub site_id: String,
    /// The original's media key (`2024/04/ab12cd.jpg`).
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: i64,
    pub mime: String,
    /// 图片说明, as given at upload (a story's use may say more).
    pub caption: String,
    /// 摄影/来源.
    pub credit: String,
    /// Text a screen reader reads instead of the picture.
    pub alt: String,
    /// Where the subject is; the crops follow it once the job has made them.
    pub focal: Focal,
    /// An animated GIF: its variants are the first frame; the body shows the original.
    pub animated: bool,
    /// What the variant job made (none until it ran).
    pub made: Option<Made>,
    pub uploader: String,
    /// Who uploaded it (none for imported pictures).
    pub uploader_id: Option<i64>,
    pub created_at: i64,
    /// Declared AI-generated in the library (`domain::ai`).
    pub ai: super::ai::Ai,
    /// The `AIGC` label the uploaded file carried, if any.
    pub aigc: Option<super::ai::Aigc>,
}

/// One `srcset` candidate list per format, and the fallback `src`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sources {
    /// `a_320.webp 320w, a_640.webp 640w` (empty before the variants exist).
    pub webp: String,
    pub jpeg: String,
    /// The `src` of the `<img>`: a middle-sized JPEG variant, else the original.
    pub src: String,
    pub width: u32,
    pub height: u32,
}

impl Picture {
    /// Public URL of the original.
    pub fn url(&self) -> String {
        format!("/media/{}", self.key)
    }

    /// The variants of `ratio` (none: uncropped), narrowest first.
    /// The key the variants' names start from (`Made::base_key`).
    fn base(&self) -> String {
        self.made
            .as_ref()
            .map_or_else(|| self.key.clone(), |m| m.base_key(&self.key))
    }

    /// Whether the picture is to be labelled AI-generated (declared, or
    /// its file said so).
    pub fn is_ai(&self) -> bool {
        self.ai.is_declared() || self.aigc.is_some()
    }

    fn made_of(&self, ratio: Option<Ratio>) -> (Vec<Variant>, Focal) {
        match &self.made {
            Some(m) => (
                m.variants
                    .iter()
                    .filter(|v| v.ratio == ratio)
                    .copied()
                    .collect(),
                m.focal,
            ),
            None => (Vec::new(), self.focal),
        }
    }

    /// What a `<picture>` of this image lists: the uncropped variants, or
    /// those of a crop. Before the job has run (or for a crop it did not
    /// make) the original alone, with its own size.
    pub fn sources(&self, ratio: Option<Ratio>, prefer_width: u32) -> Sources {
        let (variants, focal) = self.made_of(ratio);
        if variants.is_empty() || (self.animated && ratio.is_none()) {
            return Sources {
                src: self.url(),
                width: self.width,
                height: self.height,
                ..Sources::default()
            };
        }
        let list = |ext: &str| {
            variants
                .iter()
                .map(|v| {
                    format!(
                        "/media/{} {}w",
                        variant_key(&self.base(), v, focal, ext),
                        v.width
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fallback = variants
            .iter()
            .find(|v| v.width >= prefer_width)
            .or(variants.last())
            .copied()
            .unwrap_or(variants[0]);
        Sources {
            webp: list("webp"),
            jpeg: list("jpg"),
            src: format!(
                "/media/{}",
                variant_key(&self.base(), &fallback, focal, "jpg")
            ),
            width: fallback.width,
            height: fallback.height,
        }
    }

    /// The widest made variant of `ratio` as an absolute-path URL with its
    /// size (share cards, structured data), if made.
    pub fn largest(&self, ratio: Option<Ratio>) -> Option<(String, u32, u32)> {
        self.largest_as(ratio, "jpg")
    }

    /// `largest` in another of the made formats (`variants::FORMATS`: a
    /// video's poster is the WebP, which every browser that plays the
    /// video shows).
    pub fn largest_as(&self, ratio: Option<Ratio>, ext: &str) -> Option<(String, u32, u32)> {
        let (variants, focal) = self.made_of(ratio);
        let v = variants.last()?;
        Some((
            format!("/media/{}", variant_key(&self.base(), v, focal, ext)),
            v.width,
            v.height,
        ))
    }

    /// The JPEG a feed encloses: a middle-sized uncropped variant (URL, bytes), if made.
    pub fn enclosure(&self) -> Option<(String, u64)> {
        let m = self.made.as_ref()?;
        let (i, v) = m
            .variants
            .iter()
            .enumerate()
            .filter(|(_, v)| v.ratio.is_none())
            .find(|(_, v)| v.width >= 960)
            .or_else(|| {
                m.variants
                    .iter()
                    .enumerate()
                    .find(|(_, v)| v.ratio.is_none())
            })?;
        let bytes = *m.jpeg_bytes.get(i)?;
        Some((
            format!("/media/{}", variant_key(&self.base(), v, m.focal, "jpg")),
            bytes,
        ))
    }

    /// Every media key this picture has: the original and each variant.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = vec![self.key.clone()];
        if let Some(m) = &self.made {
            for v in &m.variants {
                for (ext, _) in FORMATS {
                    keys.push(variant_key(&m.base_key(&self.key), v, m.focal, ext));
                }
            }
        }
        keys
    }
}

/// A story's use of a library picture: as its 题图 or a gallery's item, with
/// the words this story gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PictureUse {
    pub image_id: i64,
    pub caption: String,
    pub credit: String,
    pub alt: String,
}

impl PictureUse {
    pub fn clean(mut self) -> Self {
        use super::text::{clean_block, clean_line};
        self.caption = clean_block(&self.caption).trim().to_string();
        self.credit = clean_line(&self.credit).trim().to_string();
        self.alt = clean_line(&self.alt).trim().to_string();
        self
    }

    /// Limits; `what` names the picture in the message (题图, 第 3 张图片).
    pub fn validate(&self, what: &str) -> Result<(), String> {
        use super::text::too_long;
        too_long(&format!("{what}的图片说明"), &self.caption, MAX_CAPTION)?;
        too_long(&format!("{what}的摄影/来源"), &self.credit, MAX_CREDIT)?;
        too_long(&format!("{what}的替代文字"), &self.alt, MAX_ALT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_keys_are_the_bodys_own_images() {
        let html = r#"<p>甲</p><figure><img src="/media/2024/04/ab.jpg" alt="x"><figcaption>说明</figcaption></figure><img src="/media/2024/04/ab.jpg"><img src="/media/../x.jpg"><img src="/static/a.png"><img src="/media/2025/01/cd_e.png" alt="">"#;
        assert_eq!(body_keys(html), ["2024/04/ab.jpg", "2025/01/cd_e.png"]);
    }

    #[test]
    fn sources_name_the_made_files() {
        let mut p = Picture {
            id: 7,
            site_id: "main".into(),
            key: "2024/04/ab12.png".into(),
            width: 800,
            height: 600,
            bytes: 1,
            mime: "image/png".into(),
            caption: String::new(),
            credit: String::new(),
            alt: String::new(),
            focal: Focal::new(30, 40),
            animated: false,
            made: None,
            uploader: "x".into(),
            uploader_id: None,
            created_at: 0,
            ai: Default::default(),
            aigc: None,
        };
        let before = p.sources(None, 640);
        assert_eq!(before.src, "/media/2024/04/ab12.png");
        assert!(before.webp.is_empty());
        p.made = Some(plan(800, 600, Focal::new(30, 40)));
        let s = p.sources(None, 640);
        assert_eq!(s.src, "/media/2024/04/ab12_640.jpg");
        // labelled files have names of their own (a name never changes content)
        let mut labelled = plan(800, 600, Focal::new(30, 40));
        labelled.aigc = Some("{\"Label\":\"1\"}".into());
        assert!(!labelled.fulfils(&plan(800, 600, Focal::new(30, 40))));
        let q = Picture {
            made: Some(labelled),
            ..p.clone()
        };
        assert!(
            q.sources(None, 640)
                .src
                .starts_with("/media/2024/04/ab12_ai"),
            "{}",
            q.sources(None, 640).src
        );
        assert_eq!((s.width, s.height), (640, 480));
        assert_eq!(
            s.webp,
            "/media/2024/04/ab12_320.webp 320w, /media/2024/04/ab12_640.webp 640w, /media/2024/04/ab12_800.webp 800w"
        );
        let c = p.sources(Some(Ratio::Wide), 640);
        assert_eq!(c.src, "/media/2024/04/ab12_16x9_f30x40_640.jpg");
        assert_eq!(
            p.keys().len(),
            1 + 2 * p.made.as_ref().unwrap().variants.len()
        );
        assert!(
            p.keys()
                .iter()
                .all(|k| crate::domain::media_key::is_safe(k)),
            "{:?}",
            p.keys()
        );
    }
}
