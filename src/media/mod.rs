//! Uploaded images: type sniffed from the bytes (never the name or the
//! browser's word), size-limited, decoded to prove they are images, stored by
//! content hash under the key `YYYY/MM/<hash>.<ext>` with a 320-pixel-wide
//! JPEG variant for lists. Where the keys live is the [`MediaStore`]'s
//! business: `DATA_DIR/media/` by default, or an S3-compatible bucket.

mod local;
mod s3;
mod store;

use std::io::Cursor;

use bytes::Bytes;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use local::LocalMedia;
pub use s3::S3Media;
pub use store::{DynMedia, MediaStore, MediaStoreError, open, process_env};

/// Largest upload accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Width of the list variant.
pub const THUMB_WIDTH: u32 = 320;
const MAX_SIDE: u32 = 12_000;
/// Pixels at most (50 MP: more than any news camera's frame that fits in
/// `MAX_BYTES`); read from the header before anything is decoded.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Memory one decode may allocate (50 MP at 4 bytes, plus the variant).
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MediaError {
    #[error("图片不能超过 5 MB")]
    TooLarge,
    #[error("只支持 JPEG、PNG、GIF 和 WebP 图片")]
    Unsupported,
    #[error("图片文件已损坏或无法识别")]
    Corrupt,
    #[error("图片尺寸过大(宽高不能超过 12000 像素,总像素不能超过 5000 万)")]
    TooManyPixels,
    /// Every decoding slot is taken.
    #[error("服务器正忙于处理其他图片,请稍后重试")]
    Busy,
    /// Making the list variant failed (an internal error).
    #[error("保存图片失败: {0}")]
    Io(String),
    /// The media store did not take the files.
    #[error("保存图片失败: {0}")]
    Storage(#[from] MediaStoreError),
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

/// One file to store: its key (`YYYY/MM/name.ext`), bytes and MIME type.
#[derive(Debug, Clone)]
pub struct Object {
    pub key: String,
    pub bytes: Bytes,
    pub content_type: &'static str,
}

/// A checked upload: the files to store and what the editor is told.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub objects: Vec<Object>,
    pub stored: Stored,
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

/// Check an upload and make its list variant. Blocking (decodes the image):
/// call from a blocking task. Nothing is stored.
pub fn prepare(bytes: Bytes, now: i64) -> Result<Prepared, MediaError> {
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    let (ext, mime) = sniff(&bytes).ok_or(MediaError::Unsupported)?;
    let reader = || {
        image::ImageReader::new(Cursor::new(&bytes[..]))
            .with_guessed_format()
            .map_err(|_| MediaError::Corrupt)
    };
    // the header's claim first: a 5 MB file may say 12000 x 12000
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|_| MediaError::Corrupt)?;
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(MediaError::TooManyPixels);
    }
    let mut reader = reader()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooManyPixels,
        _ => MediaError::Corrupt,
    })?;
    let (width, height) = (img.width(), img.height());
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect();
    let month = crate::domain::text::to_cst(now).format("%Y/%m").to_string();
    let key = format!("{month}/{hash}.{ext}");
    let mut objects = vec![Object {
        key: key.clone(),
        bytes,
        content_type: mime,
    }];
    let thumb = if width > THUMB_WIDTH {
        let small = img.thumbnail(THUMB_WIDTH, u32::MAX).to_rgb8();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
            .encode_image(&small)
            .map_err(|e| MediaError::Io(e.to_string()))?;
        let thumb_key = format!("{month}/{hash}_{THUMB_WIDTH}.jpg");
        objects.push(Object {
            key: thumb_key.clone(),
            bytes: Bytes::from(out),
            content_type: "image/jpeg",
        });
        thumb_key
    } else {
        key.clone()
    };
    Ok(Prepared {
        objects,
        stored: Stored {
            url: format!("/media/{key}"),
            thumb: format!("/media/{thumb}"),
            width,
            height,
        },
    })
}

/// Check an upload on the decoding pool (`Busy` when every slot is taken),
/// then put its files into `media`. Nothing is stored unless the upload
/// passes every check; the answer comes only once every file is stored.
pub async fn save(
    media: &dyn MediaStore,
    decode: &crate::work::Pool,
    bytes: Bytes,
    now: i64,
) -> Result<Stored, MediaError> {
    let prepared = decode
        .run(move || prepare(bytes, now))
        .await
        .map_err(|e| match e {
            crate::work::WorkError::Busy(_) => MediaError::Busy,
            e => MediaError::Io(e.to_string()),
        })??;
    for object in prepared.objects {
        media
            .put(&object.key, object.bytes, object.content_type)
            .await?;
    }
    Ok(prepared.stored)
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

    fn png(w: u32, h: u32) -> Bytes {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([180, 0, 0]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        Bytes::from(out)
    }

    fn pool() -> crate::work::Pool {
        crate::work::Pool::new("decode", 1, std::time::Duration::ZERO)
    }

    #[test]
    fn a_huge_image_is_refused_from_its_header_before_decoding() {
        // 10000 x 6000 = 60 MP, a few kB of PNG
        let img = image::GrayImage::new(10_000, 6_000);
        let mut out = Vec::new();
        image::DynamicImage::ImageLuma8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        assert!(out.len() < MAX_BYTES);
        assert_eq!(
            prepare(Bytes::from(out), 0).unwrap_err(),
            MediaError::TooManyPixels
        );
    }

    #[tokio::test]
    async fn stores_an_image_and_a_list_variant_in_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let media = LocalMedia::new(dir.path().join("media"));
        let original = png(800, 600);
        let s = save(&media, &pool(), original.clone(), 1_713_500_000)
            .await
            .unwrap();
        assert_eq!((s.width, s.height), (800, 600));
        assert!(
            s.url.starts_with("/media/2024/04/") && s.url.ends_with(".png"),
            "{}",
            s.url
        );
        assert!(s.thumb.ends_with("_320.jpg"));
        let on_disk = |url: &str| {
            std::fs::read(
                dir.path()
                    .join("media")
                    .join(url.trim_start_matches("/media/")),
            )
            .unwrap()
        };
        assert_eq!(on_disk(&s.url), original);
        let thumb = image::load_from_memory(&on_disk(&s.thumb)).unwrap();
        assert_eq!(thumb.width(), 320);
        // read back through the store; no temporary files left behind
        let key = s.url.trim_start_matches("/media/");
        assert_eq!(media.get(key).await.unwrap(), Some(original));
        let month = dir.path().join("media/2024/04");
        let names: Vec<String> = std::fs::read_dir(&month)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
        // small images are their own variant
        let small = save(&media, &pool(), png(100, 80), 1_713_500_000)
            .await
            .unwrap();
        assert_eq!(small.thumb, small.url);
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        let check = |bytes: &[u8]| prepare(Bytes::copy_from_slice(bytes), 0).unwrap_err();
        assert_eq!(check(b"<script>alert(1)</script>"), MediaError::Unsupported);
        assert_eq!(
            check(&[0xFF, 0xD8, 0xFF, 0xFE, 0x80, 0x81]),
            MediaError::Corrupt
        );
        let invalid_utf8 = [0xC3u8, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1];
        assert_eq!(check(&invalid_utf8), MediaError::Unsupported);
        assert_eq!(check(&vec![0u8; MAX_BYTES + 1]), MediaError::TooLarge);
    }

    #[tokio::test]
    async fn nothing_is_stored_for_a_refused_upload() {
        let dir = tempfile::tempdir().unwrap();
        let media = LocalMedia::new(dir.path().join("media"));
        let err = save(
            &media,
            &pool(),
            Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xFE, 0x80, 0x81]),
            0,
        )
        .await
        .unwrap_err();
        assert_eq!(err, MediaError::Corrupt);
        assert!(!dir.path().join("media").exists());
    }

    #[test]
    fn media_paths_are_checked() {
        assert!(safe_path("2024/04/ab12.jpg"));
        assert!(!safe_path("../etc/passwd"));
        assert!(!safe_path("2024/04/.hidden.jpg"));
        assert!(!safe_path("2024/04/x.html"));
        assert!(!safe_path("2024/04/a/b.jpg"));
        assert!(!safe_path("2024/../ab12.jpg"));
        assert!(!safe_path("/2024/04/ab12.jpg"));
    }
}
