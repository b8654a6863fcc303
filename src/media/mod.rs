//! Uploaded images: type sniffed from the bytes (never the name or the
//! browser's word), size-limited, decoded to prove they are images, stored by
//! content hash under the key `YYYY/MM/<hash>.<ext>`; a job makes the
//! variants the pages name (`make_variants`). Where the keys live is the [`MediaStore`]'s
//! business: `DATA_DIR/media/` by default, or an S3-compatible bucket.

pub mod aigc;
mod check;
mod local;
mod s3;
mod store;
pub mod upload;
pub mod variants;
pub mod video;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;

use bytes::Bytes;

pub use check::{Checked, check, check_embedded};
pub use local::LocalMedia;
pub use s3::S3Media;
pub use store::{ByteStream, DynMedia, MediaStore, MediaStoreError, copy_to_file};

/// Open the configured media store: `DATA_DIR/media`, or an S3-compatible
/// bucket set up from the `AWS_*` variables in `env` (the process
/// environment in `serve`: [`process_env`]).
pub fn open(
    location: &crate::config::MediaLocation,
    data_dir: &Path,
    env: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<DynMedia> {
    Ok(match location {
        crate::config::MediaLocation::Local => Arc::new(LocalMedia::new(data_dir.join("media"))),
        crate::config::MediaLocation::S3 { bucket, prefix } => Arc::new(
            S3Media::open(bucket, prefix, env)
                .with_context(|| format!("cannot set up the media store {location}"))?,
        ),
    })
}

/// The process environment's variables that are valid UTF-8 (others are
/// not ours and are skipped rather than panicking like `std::env::vars`).
pub fn process_env() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
}

/// Largest upload accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_SIDE: u32 = 12_000;
/// Pixels at most (50 MP: more than any news camera's frame that fits in
/// `MAX_BYTES`); read from the header before anything is decoded.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Memory one decode may allocate (50 MP at 4 bytes, plus the variant).
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

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

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MediaError {
    #[error("图片不能超过 5 MB")]
    TooLarge,
    #[error("只支持 JPEG、PNG、GIF 和 WebP 图片")]
    Unsupported,
    #[error("图片文件已损坏或无法识别")]
    Corrupt,
    #[error("图片文件不完整(可能上传时中断了),请重新上传")]
    Truncated,
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

/// One file to store: its key (`YYYY/MM/name.ext`), bytes and MIME type.
#[derive(Debug, Clone)]
pub struct Object {
    pub key: String,
    pub bytes: Bytes,
    pub content_type: &'static str,
}

/// Run blocking picture work on the decoding pool (`Busy` when every slot is taken).
async fn on_pool<T: Send + 'static>(
    decode: &crate::work::Pool,
    f: impl FnOnce() -> Result<T, MediaError> + Send + 'static,
) -> Result<T, MediaError> {
    decode.run(f).await.map_err(|e| match e {
        crate::work::WorkError::Busy(_) => MediaError::Busy,
        e => MediaError::Io(e.to_string()),
    })?
}

/// Check an upload on the decoding pool, then put its original into
/// `media`. Nothing is stored unless the upload passes every check; the
/// answer comes once the file is stored. The variants are a job's
/// (`make_variants`).
pub async fn save(
    media: &dyn MediaStore,
    decode: &crate::work::Pool,
    bytes: Bytes,
    now: i64,
) -> Result<Checked, MediaError> {
    let checked = on_pool(decode, move || check(bytes, now)).await?;
    media
        .put(&checked.key, checked.original.clone(), checked.mime)
        .await?;
    Ok(checked)
}

/// Make and store every variant `made` lists for the picture whose
/// original is under `key` (upright `width` x `height`). Idempotent: a file
/// made again is the same file.
pub async fn make_variants(
    media: &dyn MediaStore,
    decode: &crate::work::Pool,
    key: &str,
    width: u32,
    height: u32,
    made: &crate::domain::picture::Made,
) -> Result<Vec<(String, u64)>, MediaError> {
    let original = media
        .get(key)
        .await?
        .ok_or_else(|| MediaError::Io(format!("original {key} is missing from the media store")))?;
    let (key_owned, made_owned) = (key.to_string(), made.clone());
    let objects = on_pool(decode, move || {
        variants::make(&original, &key_owned, width, height, &made_owned)
    })
    .await?;
    let mut sizes = Vec::with_capacity(objects.len());
    for o in objects {
        sizes.push((o.key.clone(), o.bytes.len() as u64));
        media.put(&o.key, o.bytes, o.content_type).await?;
    }
    Ok(sizes)
}

/// Check a private upload (a 举报 screenshot) as any picture upload, and
/// store its cleaned original under `private/YYYYMM/<hash>.<ext>`.
/// The longest side of a stored 举报 screenshot.
pub const SHOT_SIDE: u32 = 1600;

/// A reader's screenshot as it is kept: checked like any upload, then
/// decoded and encoded again as a JPEG of at most `SHOT_SIDE` pixels a
/// side. What the reader's file carried besides its pixels (EXIF with GPS,
/// XMP, comments, other chunks) is not in the new file, and a 14 MB upload
/// becomes a few hundred KB. Blocking: call from the decoding pool.
pub fn screenshot(bytes: Bytes, now: i64) -> Result<(String, Bytes), MediaError> {
    let checked = check(bytes.clone(), now)?;
    // decoded within the limits `check` just held it to
    let mut img = image::load_from_memory(&bytes).map_err(|_| MediaError::Corrupt)?;
    let orientation = variants::read_meta(&bytes).orientation;
    img.apply_orientation(
        image::metadata::Orientation::from_exif(orientation as u8)
            .unwrap_or(image::metadata::Orientation::NoTransforms),
    );
    let img = if img.width().max(img.height()) > SHOT_SIDE {
        img.resize(SHOT_SIDE, SHOT_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&img.to_rgb8())
        .map_err(|e| MediaError::Io(e.to_string()))?;
    let stem = checked
        .key
        .rsplit_once('.')
        .map_or(checked.key.as_str(), |(s, _)| s);
    Ok((
        format!("private/{}.jpg", stem.replacen('/', "", 1)),
        Bytes::from(out),
    ))
}

/// `screenshot` on the decoding pool.
pub async fn prepare_screenshot(
    decode: &crate::work::Pool,
    bytes: Bytes,
    now: i64,
) -> Result<(String, Bytes), MediaError> {
    on_pool(decode, move || screenshot(bytes, now)).await
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::domain::picture::{Focal, Ratio, plan};

    fn png(w: u32, h: u32) -> Bytes {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        Bytes::from(out)
    }

    /// A JPEG with EXIF: orientation 6 (turned right), a copyright, an artist and a GPS position.
    fn camera_jpeg(w: u32, h: u32) -> Bytes {
        let rgb: Vec<u8> = (0..w * h)
            .flat_map(|i| [((i % w) * 255 / w) as u8, ((i / w) * 255 / h) as u8, 128])
            .collect();
        let mut fields = vec![
            exif::Field {
                tag: exif::Tag::Orientation,
                ifd_num: exif::In::PRIMARY,
                value: exif::Value::Short(vec![6]),
            },
            exif::Field {
                tag: exif::Tag::Copyright,
                ifd_num: exif::In::PRIMARY,
                value: exif::Value::Ascii(vec![b"Binzhou Daily".to_vec()]),
            },
            exif::Field {
                tag: exif::Tag::Artist,
                ifd_num: exif::In::PRIMARY,
                value: exif::Value::Ascii(vec![b"Zhang San".to_vec()]),
            },
            exif::Field {
                tag: exif::Tag::GPSLatitudeRef,
                ifd_num: exif::In::PRIMARY,
                value: exif::Value::Ascii(vec![b"N".to_vec()]),
            },
        ];
        fields.push(exif::Field {
            tag: exif::Tag::GPSLatitude,
            ifd_num: exif::In::PRIMARY,
            value: exif::Value::Rational(vec![(37, 1).into(), (22, 1).into(), (1, 1).into()]),
        });
        let mut w_ = exif::experimental::Writer::new();
        for f in &fields {
            w_.push_field(f);
        }
        let mut tiff = Cursor::new(Vec::new());
        w_.write(&mut tiff, false).unwrap();
        let mut seg = b"Exif\0\0".to_vec();
        seg.extend_from_slice(&tiff.into_inner());
        let mut out = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut out, 85);
        e.add_app_segment(1, seg).unwrap();
        e.encode(&rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        Bytes::from(out)
    }

    fn has_gps(bytes: &[u8]) -> bool {
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .map(|e| {
                e.fields()
                    .any(|f| f.ifd_num == exif::In::PRIMARY && f.tag.to_string().starts_with("GPS"))
            })
            .unwrap_or(false)
    }

    #[test]
    fn a_screenshot_is_kept_upright_small_and_without_what_the_file_carried() {
        let upload = camera_jpeg(3200, 1800);
        assert!(has_gps(&upload));
        let (key, kept) = screenshot(upload.clone(), 1_700_000_000).unwrap();
        assert!(
            key.starts_with("private/") && key.ends_with(".jpg"),
            "{key}"
        );
        assert!(!has_gps(&kept));
        // no EXIF at all: no position, no camera, no orientation to misread
        assert!(
            exif::Reader::new()
                .read_from_container(&mut Cursor::new(&kept[..]))
                .is_err()
        );
        let img = image::load_from_memory(&kept).unwrap();
        // orientation 6 turned it upright, then the long side came to 1600
        assert_eq!((img.width(), img.height()), (900, SHOT_SIDE));
        assert!(kept.len() < upload.len());
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
            check(Bytes::from(out), 0).unwrap_err(),
            MediaError::TooManyPixels
        );
    }

    #[tokio::test]
    async fn stores_the_original_then_makes_every_planned_variant() {
        let dir = tempfile::tempdir().unwrap();
        let media = LocalMedia::new(dir.path().join("media"));
        let original = png(1000, 750);
        let c = save(&media, &pool(), original.clone(), 1_713_500_000)
            .await
            .unwrap();
        assert_eq!((c.width, c.height), (1000, 750));
        assert!(
            c.key.starts_with("2024/04/") && c.key.ends_with(".png"),
            "{}",
            c.key
        );
        // the original as it came (a PNG without EXIF), and nothing else yet
        assert_eq!(media.get(&c.key).await.unwrap(), Some(original));
        assert_eq!(media.keys().await.unwrap().len(), 1);
        let made = plan(1000, 750, Focal::new(20, 50));
        let n = make_variants(&media, &pool(), &c.key, 1000, 750, &made)
            .await
            .unwrap();
        assert_eq!(n.len(), made.variants.len() * 2);
        for v in &made.variants {
            for (ext, _) in crate::domain::picture::FORMATS {
                let key = crate::domain::picture::variant_key(&c.key, v, made.focal, ext);
                let bytes = media
                    .get(&key)
                    .await
                    .unwrap()
                    .unwrap_or_else(|| panic!("{key} missing"));
                let img = image::load_from_memory(&bytes).unwrap();
                assert_eq!((img.width(), img.height()), (v.width, v.height), "{key}");
                assert_eq!(sniff(&bytes).unwrap().0, ext);
            }
        }
        // the 4:3 crop of a 4:3 picture is the picture: its left edge is dark red like the original's
        let crop = made
            .variants
            .iter()
            .find(|v| v.ratio == Some(Ratio::Standard))
            .unwrap();
        let key = crate::domain::picture::variant_key(&c.key, crop, made.focal, "jpg");
        let img = image::load_from_memory(&media.get(&key).await.unwrap().unwrap())
            .unwrap()
            .to_rgb8();
        assert!(img.get_pixel(0, 0)[0] < 40, "{:?}", img.get_pixel(0, 0));
        // no temporary files left behind
        let month = dir.path().join("media/2024/04");
        assert!(
            std::fs::read_dir(&month).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.'))
        );
    }

    #[tokio::test]
    async fn gps_is_cut_copyright_kept_and_the_picture_turned_upright() {
        let dir = tempfile::tempdir().unwrap();
        let media = LocalMedia::new(dir.path().join("media"));
        let upload = camera_jpeg(400, 300);
        assert!(has_gps(&upload));
        let c = save(&media, &pool(), upload, 0).await.unwrap();
        // stored 400x300 turned right: upright it is 300 wide, 400 high
        assert_eq!((c.width, c.height), (300, 400));
        assert_eq!(c.credit.as_deref(), Some("Binzhou Daily"));
        let stored = media.get(&c.key).await.unwrap().unwrap();
        assert!(
            !has_gps(&stored),
            "the stored original keeps no GPS position"
        );
        let meta = variants::read_meta(&stored);
        assert_eq!(meta.orientation, 6);
        assert_eq!(meta.copyright.as_deref(), Some("Binzhou Daily"));
        assert_eq!(meta.artist.as_deref(), Some("Zhang San"));
        let made = plan(300, 400, Focal::default());
        make_variants(&media, &pool(), &c.key, 300, 400, &made)
            .await
            .unwrap();
        let v = &made.variants[0];
        for ext in ["jpg", "webp"] {
            let key = crate::domain::picture::variant_key(&c.key, v, made.focal, ext);
            let bytes = media.get(&key).await.unwrap().unwrap();
            assert!(!has_gps(&bytes), "{key}");
            let meta = variants::read_meta(&bytes);
            assert_eq!(
                (meta.orientation, meta.copyright.as_deref()),
                (1, Some("Binzhou Daily")),
                "{key}"
            );
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!((img.width(), img.height()), (v.width, v.height));
            assert!(img.height() > img.width(), "upright");
        }
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        let refuse = |bytes: &[u8]| check(Bytes::copy_from_slice(bytes), 0).unwrap_err();
        assert_eq!(
            refuse(b"<script>alert(1)</script>"),
            MediaError::Unsupported
        );
        assert_eq!(
            refuse(&[0xFF, 0xD8, 0xFF, 0xFE, 0x80, 0x81, 0xFF, 0xD9]),
            MediaError::Corrupt
        );
        let invalid_utf8 = [0xC3u8, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1];
        assert_eq!(refuse(&invalid_utf8), MediaError::Unsupported);
        assert_eq!(refuse(&vec![0u8; MAX_BYTES + 1]), MediaError::TooLarge);
        // a PNG header on a GIF body; a file cut off mid-way
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(b"GIF89a....");
        assert_eq!(refuse(&fake), MediaError::Corrupt);
        let jpeg = camera_jpeg(640, 480);
        assert_eq!(refuse(&jpeg[..jpeg.len() / 2]), MediaError::Truncated);
        let p = png(640, 480);
        assert!(matches!(
            refuse(&p[..p.len() * 2 / 3]),
            MediaError::Truncated | MediaError::Corrupt
        ));
    }

    #[tokio::test]
    async fn cmyk_jpegs_16_bit_pngs_and_animated_gifs_make_variants() {
        let dir = tempfile::tempdir().unwrap();
        let media = LocalMedia::new(dir.path().join("media"));
        // CMYK, as print desks send them
        let (w, h) = (500u32, 300u32);
        let cmyk: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % 200) as u8, 40, 200, 10])
            .collect();
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 85)
            .encode(&cmyk, w as u16, h as u16, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
        // 16 bits a channel
        let deep = image::ImageBuffer::<image::Rgb<u16>, Vec<u16>>::from_pixel(
            700,
            400,
            image::Rgb([60000, 1000, 30000]),
        );
        let mut png16 = Vec::new();
        image::DynamicImage::ImageRgb16(deep)
            .write_to(&mut Cursor::new(&mut png16), image::ImageFormat::Png)
            .unwrap();
        // two frames
        let mut gif = Vec::new();
        {
            let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
            for shade in [0u8, 255] {
                let frame = image::Frame::new(image::RgbaImage::from_pixel(
                    360,
                    200,
                    image::Rgba([shade, 0, 0, 255]),
                ));
                enc.encode_frame(frame).unwrap();
            }
        }
        for (bytes, size, animated) in [
            (jpeg, (500, 300), false),
            (png16, (700, 400), false),
            (gif, (360, 200), true),
        ] {
            let c = save(&media, &pool(), Bytes::from(bytes), 0).await.unwrap();
            assert_eq!((c.width, c.height), size, "{}", c.key);
            assert_eq!(c.animated, animated, "{}", c.key);
            let made = plan(c.width, c.height, Focal::default());
            let n = make_variants(&media, &pool(), &c.key, c.width, c.height, &made)
                .await
                .unwrap();
            assert_eq!(n.len(), made.variants.len() * 2, "{}", c.key);
        }
    }

    #[tokio::test]
    async fn nothing_is_stored_for_a_refused_upload() {
        let dir = tempfile::tempdir().unwrap();
        let media = LocalMedia::new(dir.path().join("media"));
        let err = save(
            &media,
            &pool(),
            Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xFE, 0x80, 0x81, 0xFF, 0xD9]),
            0,
        )
        .await
        .unwrap_err();
        assert_eq!(err, MediaError::Corrupt);
        assert!(!dir.path().join("media").exists());
    }
}
