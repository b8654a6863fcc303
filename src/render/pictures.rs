//! Pictures on public pages: a library picture as a `<picture>` (WebP and
//! JPEG `srcset`, `sizes`, width and height so nothing shifts while it
//! loads), a story body's own `<img>`s given the same, and the absolute
//! URLs share cards and structured data name.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::domain::picture::{Picture, PictureUse, Ratio};

/// What a template needs to show one picture.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PictureView {
    pub id: i64,
    pub webp: String,
    pub jpeg: String,
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub sizes: &'static str,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// The largest uncropped JPEG (the lightbox and a gallery's full view).
    pub full: String,
    pub full_width: u32,
    pub full_height: u32,
    /// The focal point, for `object-position` where a box crops again.
    pub focal: String,
    /// A small 4:3 crop (a gallery's thumbnail strip): its JPEG `src`
    /// (the smallest made at least 160 wide: an 80 px slot on a 2x screen),
    /// and the `srcset`s its `<picture>` offers the browser, WebP first.
    pub thumb: String,
    pub thumb_webp: String,
    pub thumb_jpeg: String,
    /// The visible AI label of the caption (empty: not AI-generated).
    pub ai: &'static str,
}

/// The width a gallery's thumbnail strip asks for (80 px slots at 2x).
const THUMB_WIDTH: u32 = 160;

/// `sizes` for a picture as wide as the story column (up to 760 px).
pub const SIZES_COLUMN: &str = "(max-width: 800px) 100vw, 760px";
/// `sizes` for a list thumbnail (160 px, 33vw on phones).
pub const SIZES_THUMB: &str = "(max-width: 600px) 33vw, 160px";
/// `sizes` for the 焦点图 carousel (the left two thirds of the top on desktop).
pub const SIZES_LEAD: &str = "(max-width: 800px) 100vw, 720px";

/// A picture as `ratio` (none: uncropped), with the words of its use when
/// a story gives them, else the library's.
pub fn view(
    p: &Picture,
    with: Option<&PictureUse>,
    ratio: Option<Ratio>,
    sizes: &'static str,
    prefer_width: u32,
) -> PictureView {
    let s = p.sources(ratio, prefer_width);
    let word = |own: Option<&String>, lib: &String| match own.filter(|w| !w.is_empty()) {
        Some(w) => w.clone(),
        None => lib.clone(),
    };
    let (full, full_width, full_height) = p
        .largest(None)
        .unwrap_or_else(|| (p.url(), p.width, p.height));
    let thumb = p.sources(Some(Ratio::Standard), THUMB_WIDTH);
    PictureView {
        id: p.id,
        webp: s.webp,
        jpeg: s.jpeg,
        src: s.src,
        width: s.width,
        height: s.height,
        sizes,
        alt: word(with.map(|u| &u.alt), &p.alt),
        caption: word(with.map(|u| &u.caption), &p.caption),
        credit: word(with.map(|u| &u.credit), &p.credit),
        full,
        full_width,
        full_height,
        focal: format!("{}% {}%", p.focal.x, p.focal.y),
        thumb: thumb.src,
        thumb_webp: thumb.webp,
        thumb_jpeg: thumb.jpeg,
        ai: if p.is_ai() { "人工智能生成" } else { "" },
    }
}

/// Escape for an attribute value.
fn attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The value of attribute `name` in one serialized tag (`name="..."`).
fn attr_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    let end = tag[at..].find('"')?;
    Some(&tag[at..at + end])
}

/// A body `<img>` of a library picture, as `<picture>`: both formats'
/// `srcset`, its size, lazy loading, and the full-size JPEG the lightbox opens.
fn body_picture(tag: &str, p: &Picture) -> String {
    let v = view(p, None, None, SIZES_COLUMN, 960);
    // the editor's alt text in the body, else the library's
    let alt = attr_value(tag, "alt")
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| attr(&v.alt));
    let mut out = String::from("<picture>");
    if !v.webp.is_empty() {
        out.push_str(&format!(
            "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">",
            v.webp, v.sizes
        ));
    }
    out.push_str(&format!("<img src=\"{}\"", v.src));
    if !v.jpeg.is_empty() {
        out.push_str(&format!(" srcset=\"{}\" sizes=\"{}\"", v.jpeg, v.sizes));
    }
    out.push_str(&format!(
        " width=\"{}\" height=\"{}\" alt=\"{alt}\" loading=\"lazy\" decoding=\"async\" data-full=\"{}\"></picture>",
        v.width, v.height, v.full
    ));
    out
}

/// A story body with its library pictures given `srcset`, size and lazy
/// loading; other `<img>`s (files from before the library) are kept and
/// loaded lazily. The body is the sanitizer's output: every `<img>` tag
/// ends at its first '>' (no '<' or '>' in its attributes).
pub fn body_with_pictures(html: &str, by_key: &HashMap<String, Arc<Picture>>) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = rest.find("<img ") {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..=start + len];
        out.push_str(&rest[..start]);
        let key = attr_value(tag, "src").and_then(|s| s.strip_prefix("/media/"));
        match key.and_then(|k| by_key.get(k)) {
            Some(p) => out.push_str(&body_picture(tag, p)),
            None if !tag.contains(" loading=") => {
                out.push_str(&tag[..tag.len() - 1]);
                out.push_str(" loading=\"lazy\">");
            }
            None => out.push_str(tag),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::picture::{Focal, plan};

    fn picture() -> Picture {
        Picture {
            id: 3,
            site_id: "main".into(),
            key: "2024/04/ab.jpg".into(),
            width: 2000,
            height: 1500,
            bytes: 1,
            mime: "image/jpeg".into(),
            caption: "黄河大桥".into(),
            credit: "张三".into(),
            alt: "大桥全景".into(),
            focal: Focal::default(),
            animated: false,
            made: Some(plan(2000, 1500, Focal::default())),
            uploader: "x".into(),
            uploader_id: None,
            created_at: 0,
            ai: Default::default(),
            aigc: None,
        }
    }

    #[test]
    fn body_images_of_the_library_get_sources_and_sizes() {
        let mut by_key = HashMap::new();
        by_key.insert("2024/04/ab.jpg".to_string(), Arc::new(picture()));
        let html = r#"<p>甲</p><figure><img src="/media/2024/04/ab.jpg" alt="桥"><figcaption>说明</figcaption></figure><p><img src="/media/2023/01/old.png" alt=""></p>"#;
        let out = body_with_pictures(html, &by_key);
        assert!(out.contains(r#"<source type="image/webp" srcset="/media/2024/04/ab_320.webp 320w, /media/2024/04/ab_640.webp 640w, /media/2024/04/ab_960.webp 960w, /media/2024/04/ab_1600.webp 1600w""#), "{out}");
        assert!(
            out.contains(r#"<img src="/media/2024/04/ab_960.jpg" srcset="#),
            "{out}"
        );
        assert!(
            out.contains(r#"width="960" height="720" alt="桥" loading="lazy""#),
            "{out}"
        );
        assert!(
            out.contains(
                r#"data-full="/media/2024/04/ab_1600.jpg"></picture><figcaption>说明</figcaption>"#
            ),
            "{out}"
        );
        // a file from before the library: kept, loaded lazily
        assert!(
            out.contains(r#"<img src="/media/2023/01/old.png" alt="" loading="lazy">"#),
            "{out}"
        );
    }

    #[test]
    fn a_use_says_more_than_the_library() {
        let p = picture();
        let u = PictureUse {
            image_id: 3,
            caption: "新说明".into(),
            ..Default::default()
        };
        let v = view(&p, Some(&u), Some(Ratio::Standard), SIZES_THUMB, 320);
        assert_eq!(v.caption, "新说明");
        assert_eq!(v.alt, "大桥全景");
        assert_eq!(v.src, "/media/2024/04/ab_4x3_f50x50_320.jpg");
        assert_eq!((v.width, v.height), (320, 240));
    }
}
