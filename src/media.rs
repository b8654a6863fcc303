//! Uploaded images: type sniffed from the bytes (never the name or the
//! browser's word), size-limited, decoded to prove they are images, stored
//! under `DATA_DIR/media/YYYY/MM/` by content hash, with a 320-pixel-wide
//! JPEG variant for lists.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Largest upload accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Width of the list variant.
pub const THUMB_WIDTH: u32 = 320;
const MAX_SIDE: u32 = 12_000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MediaError {
    #[error("图片不能超过 5 MB")]
    TooLarge,
    #[error("只支持 JPEG、PNG、GIF 和 WebP 图片")]
    Unsupported,
    #[error("图片文件已损坏或无法识别")]
    Corrupt,
    #[error("图片尺寸过大(宽高不能超过 12000 像素)")]
    TooManyPixels,
    #[error("保存图片失败: {0}")]
    Io(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    /// Public URL of the original (`/media/2024/04/ab12....jpg`).
    pub url: String,
    /// Public URL of the list variant (the original when already narrow).
    pub thumb: String,
    pub width: u32,
    pub height: u32,
}

/// The image type from the first bytes: (extension, MIME type).
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(("gif", "image/gif"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("webp", "image/webp"))
    } else {
        None
    }
}

/// MIME type for a stored file name.
pub fn content_type(name: &str) -> Option<&'static str> {
    match name.rsplit('.').next()? {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), MediaError> {
    let dir = path
        .parent()
        .ok_or_else(|| MediaError::Io("no parent".into()))?;
    std::fs::create_dir_all(dir).map_err(|e| MediaError::Io(e.to_string()))?;
    let tmp = dir.join(format!(".{}.tmp", crate::accounts::random_token()));
    std::fs::write(&tmp, bytes).map_err(|e| MediaError::Io(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| MediaError::Io(e.to_string()))
}

/// Check and store an upload. Blocking (decodes the image): call from a blocking task.
pub fn store(data_dir: &Path, bytes: &[u8], now: i64) -> Result<Stored, MediaError> {
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    let (ext, _) = sniff(bytes).ok_or(MediaError::Unsupported)?;
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| MediaError::Corrupt)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooManyPixels,
        _ => MediaError::Corrupt,
    })?;
    let (width, height) = (img.width(), img.height());
    let hash: String = Sha256::digest(bytes)
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect();
    let month = crate::domain::text::to_cst(now).format("%Y/%m").to_string();
    let rel = format!("{month}/{hash}.{ext}");
    let root: PathBuf = data_dir.join("media");
    write_atomically(&root.join(&rel), bytes)?;
    let thumb = if width > THUMB_WIDTH {
        let small = img.thumbnail(THUMB_WIDTH, u32::MAX).to_rgb8();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
            .encode_image(&small)
            .map_err(|e| MediaError::Io(e.to_string()))?;
        let thumb_rel = format!("{month}/{hash}_{THUMB_WIDTH}.jpg");
        write_atomically(&root.join(&thumb_rel), &out)?;
        thumb_rel
    } else {
        rel.clone()
    };
    Ok(Stored {
        url: format!("/media/{rel}"),
        thumb: format!("/media/{thumb}"),
        width,
        height,
    })
}

/// A stored media path is `YYYY/MM/name.ext` of safe characters only.
pub fn safe_path(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        })
        && content_type(rel).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([180, 0, 0]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn stores_an_image_and_a_list_variant() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), &png(800, 600), 1_713_500_000).unwrap();
        assert_eq!((s.width, s.height), (800, 600));
        assert!(
            s.url.starts_with("/media/2024/04/") && s.url.ends_with(".png"),
            "{}",
            s.url
        );
        assert!(s.thumb.ends_with("_320.jpg"));
        let thumb = std::fs::read(
            dir.path()
                .join("media")
                .join(s.thumb.trim_start_matches("/media/")),
        )
        .unwrap();
        let thumb = image::load_from_memory(&thumb).unwrap();
        assert_eq!(thumb.width(), 320);
        // small images are their own variant
        let small = store(dir.path(), &png(100, 80), 1_713_500_000).unwrap();
        assert_eq!(small.thumb, small.url);
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            store(dir.path(), b"<script>alert(1)</script>", 0).unwrap_err(),
            MediaError::Unsupported
        );
        assert_eq!(
            store(dir.path(), &[0xFF, 0xD8, 0xFF, 0xFE, 0x80, 0x81], 0).unwrap_err(),
            MediaError::Corrupt
        );
        let invalid_utf8 = [0xC3u8, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1];
        assert_eq!(
            store(dir.path(), &invalid_utf8, 0).unwrap_err(),
            MediaError::Unsupported
        );
        assert_eq!(
            store(dir.path(), &vec![0u8; MAX_BYTES + 1], 0).unwrap_err(),
            MediaError::TooLarge
        );
    }

    #[test]
    fn media_paths_are_checked() {
        assert!(safe_path("2024/04/ab12.jpg"));
        assert!(!safe_path("../etc/passwd"));
        assert!(!safe_path("2024/04/.hidden.jpg"));
        assert!(!safe_path("2024/04/x.html"));
        assert!(!safe_path("2024/04/a/b.jpg"));
    }
}
