//! The variants made of an upload: widths, focal-point crops in each
//! ratio, their formats and keys.

use serde::{Deserialize, Serialize};

use super::{MAX_WIDTH, WIDTHS};

/// An aspect ratio the pages crop to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ratio {
    /// 16:9, the 焦点图 carousel and share cards.
    #[serde(rename = "16x9")]
    Wide,
    /// 4:3, list thumbnails.
    #[serde(rename = "4x3")]
    Standard,
    /// 1:1, for search engines that ask for a square.
    #[serde(rename = "1x1")]
    Square,
}

impl Ratio {
    pub const ALL: [Ratio; 3] = [Ratio::Wide, Ratio::Standard, Ratio::Square];

    pub fn name(self) -> &'static str {
        match self {
            Ratio::Wide => "16x9",
            Ratio::Standard => "4x3",
            Ratio::Square => "1x1",
        }
    }

    fn parts(self) -> (u32, u32) {
        match self {
            Ratio::Wide => (16, 9),
            Ratio::Standard => (4, 3),
            Ratio::Square => (1, 1),
        }
    }

    /// The widths this crop is made at (when the original is wide enough).
    pub fn widths(self) -> &'static [u32] {
        match self {
            Ratio::Wide => &[640, 1280],
            Ratio::Standard => &[160, 320, 640],
            Ratio::Square => &[640],
        }
    }

    /// Height of this ratio at `width`, rounded.
    pub fn height_at(self, width: u32) -> u32 {
        let (a, b) = self.parts();
        ((u64::from(width) * u64::from(b) + u64::from(a) / 2) / u64::from(a)).max(1) as u32
    }
}

/// Where the subject is, in percent of the width and height from the top
/// left (50, 50 is the centre, the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focal {
    pub x: u8,
    pub y: u8,
}

impl Default for Focal {
    fn default() -> Self {
        Focal { x: 50, y: 50 }
    }
}

impl Focal {
    /// A focal point from percentages, each clamped to 0..=100.
    pub fn new(x: i64, y: i64) -> Self {
        Focal {
            x: x.clamp(0, 100) as u8,
            y: y.clamp(0, 100) as u8,
        }
    }
}

/// The largest rectangle of `ratio` inside a `w` x `h` picture, placed so
/// the focal point is as near its centre as the edges allow:
/// `(left, top, width, height)` in source pixels.
pub fn crop_rect(w: u32, h: u32, ratio: Ratio, focal: Focal) -> (u32, u32, u32, u32) {
    let (a, b) = ratio.parts();
    let (w64, h64) = (u64::from(w), u64::from(h));
    // widest that fits: w x (w*b/a) when that is not taller than h
    let (cw, ch) = if w64 * u64::from(b) <= h64 * u64::from(a) {
        (w64, (w64 * u64::from(b) / u64::from(a)).max(1))
    } else {
        ((h64 * u64::from(a) / u64::from(b)).max(1), h64)
    };
    let place = |size: u64, crop: u64, at: u8| -> u64 {
        let centre = size * u64::from(at) / 100;
        centre.saturating_sub(crop / 2).min(size - crop)
    };
    let left = place(w64, cw, focal.x);
    let top = place(h64, ch, focal.y);
    (left as u32, top as u32, cw as u32, ch as u32)
}

/// One made variant: uncropped (`ratio` none) or a crop, in both formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
    pub width: u32,
    pub height: u32,
}

/// The file formats every variant is made in: (extension, MIME type).
pub const FORMATS: [(&str, &str); 2] = [("webp", "image/webp"), ("jpg", "image/jpeg")];

/// What the variant job made: the variants, and the focal point the crops
/// were cut around.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Made {
    pub variants: Vec<Variant>,
    pub focal: Focal,
    /// Size in bytes of each variant's JPEG, in `variants` order (feeds
    /// give an enclosure's length); empty in a plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jpeg_bytes: Vec<u64>,
    /// The GB 45438 `AIGC` label (JSON) written into every file, for a
    /// picture declared or found AI-generated (`domain::ai`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aigc: Option<String>,
}

impl Made {
    /// Whether these are the files `plan` asks for.
    pub fn fulfils(&self, plan: &Made) -> bool {
        self.variants == plan.variants && self.focal == plan.focal && self.aigc == plan.aigc
    }

    /// The key the variants' names start from: the original's, with a tag
    /// of the label when the files carry one (a file's content never
    /// changes under its name, so labelled files get new names).
    pub fn base_key(&self, key: &str) -> String {
        match &self.aigc {
            None => key.to_string(),
            Some(label) => {
                let tag = crate::domain::ai::label_tag(label);
                match key.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}_ai{tag}.{ext}"),
                    None => format!("{key}_ai{tag}"),
                }
            }
        }
    }
}

/// The variants a `w` x `h` original gets with its focal point at `focal`.
/// Never wider than the original (an upscaled picture is blurred and larger).
pub fn plan(w: u32, h: u32, focal: Focal) -> Made {
    let mut variants = Vec::new();
    let top = w.min(MAX_WIDTH);
    for width in WIDTHS.iter().copied().filter(|x| *x < top).chain([top]) {
        let height = ((u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w)).max(1);
        variants.push(Variant {
            ratio: None,
            width,
            height: height as u32,
        });
    }
    for ratio in Ratio::ALL {
        let (_, _, cw, _) = crop_rect(w, h, ratio, focal);
        let mut widths: Vec<u32> = ratio.widths().iter().map(|x| (*x).min(cw)).collect();
        widths.dedup();
        for width in widths {
            variants.push(Variant {
                ratio: Some(ratio),
                width,
                height: ratio.height_at(width),
            });
        }
    }
    Made {
        variants,
        focal,
        jpeg_bytes: Vec::new(),
        aigc: None,
    }
}

/// The file key of a variant of the original `key` (`2024/04/ab12.png`).
pub fn variant_key(key: &str, v: &Variant, focal: Focal, ext: &str) -> String {
    let stem = key.rsplit_once('.').map_or(key, |(s, _)| s);
    match v.ratio {
        None => format!("{stem}_{}.{ext}", v.width),
        Some(r) => format!(
            "{stem}_{}_f{}x{}_{}.{ext}",
            r.name(),
            focal.x,
            focal.y,
            v.width
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_keep_the_focal_point_inside_and_stop_at_the_edges() {
        // a 4000 x 3000 photo, subject near the right edge
        let (l, t, w, h) = crop_rect(4000, 3000, Ratio::Square, Focal::new(90, 50));
        assert_eq!((w, h), (3000, 3000));
        assert_eq!((l, t), (1000, 0), "pushed against the right edge");
        let (l, _, w, _) = crop_rect(4000, 3000, Ratio::Square, Focal::new(50, 50));
        assert_eq!(l, 500);
        assert_eq!(w, 3000);
        // 16:9 of a 4:3 photo: full width, 2250 high, moved to the face at the top
        let (l, t, w, h) = crop_rect(4000, 3000, Ratio::Wide, Focal::new(50, 10));
        assert_eq!((l, t, w, h), (0, 0, 4000, 2250));
        let (_, t, _, h) = crop_rect(4000, 3000, Ratio::Wide, Focal::new(50, 60));
        assert_eq!(h, 2250);
        assert_eq!(t, 1800 - 1125);
        // a portrait photo cropped wide
        let (l, t, w, h) = crop_rect(1000, 2000, Ratio::Wide, Focal::new(0, 100));
        assert_eq!((l, w, h), (0, 1000, 562));
        assert_eq!(t, 2000 - 562);
        // the focal point is inside every crop
        for (x, y) in [(0, 0), (100, 100), (33, 77), (50, 50)] {
            for r in Ratio::ALL {
                let (l, t, w, h) = crop_rect(1234, 777, r, Focal::new(x, y));
                let (fx, fy) = (
                    1234 * u32::from(x as u8) / 100,
                    777 * u32::from(y as u8) / 100,
                );
                assert!(l + w <= 1234 && t + h <= 777);
                assert!(
                    fx >= l && fx <= l + w && fy >= t && fy <= t + h,
                    "{r:?} {x} {y}"
                );
            }
        }
    }

    #[test]
    fn the_plan_never_upscales() {
        let m = plan(4000, 3000, Focal::default());
        let full: Vec<u32> = m
            .variants
            .iter()
            .filter(|v| v.ratio.is_none())
            .map(|v| v.width)
            .collect();
        assert_eq!(full, WIDTHS);
        assert!(m.variants.contains(&Variant {
            ratio: Some(Ratio::Wide),
            width: 1280,
            height: 720
        }));
        assert_eq!(m.variants.len(), 4 + 2 + 3 + 1);
        // a 700-wide picture: 320, 640 and itself; crops no wider than it
        let m = plan(700, 500, Focal::default());
        let widths: Vec<(Option<Ratio>, u32)> =
            m.variants.iter().map(|v| (v.ratio, v.width)).collect();
        assert_eq!(
            widths,
            [
                (None, 320),
                (None, 640),
                (None, 700),
                (Some(Ratio::Wide), 640),
                (Some(Ratio::Wide), 700),
                (Some(Ratio::Standard), 160),
                (Some(Ratio::Standard), 320),
                (Some(Ratio::Standard), 640),
                (Some(Ratio::Square), 500),
            ]
        );
        // tiny: one of each
        let m = plan(200, 100, Focal::default());
        assert_eq!(m.variants.len(), 4);
        assert!(m.variants.iter().all(|v| v.width <= 200 && v.height <= 100));
    }
}
