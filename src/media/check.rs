//! Checking an upload before anything is stored: its type from the bytes,
//! its size limits from the header, one decode within a memory limit, and
//! the original cleaned of what must not be published (GPS, serials).

use std::io::Cursor;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::{MAX_BYTES, MAX_DECODE_BYTES, MAX_PIXELS, MAX_SIDE, MediaError, aigc, sniff, variants};

/// An upload that passed every check, as it will be stored.
#[derive(Debug, Clone)]
pub struct Checked {
    /// `YYYY/MM/<hash>.<ext>`, the hash of the bytes as uploaded.
    pub key: String,
    pub mime: &'static str,
    /// Upright size (after the EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub animated: bool,
    /// The original to store: the upload with its EXIF cut to orientation,
    /// copyright and artist (no GPS position, no camera serial).
    pub original: Bytes,
    /// The EXIF copyright or artist, for the credit field when the uploader left it empty.
    pub credit: Option<String>,
    /// The GB 45438 `AIGC` label the file carries (its XMP), if any.
    pub aigc: Option<crate::domain::ai::Aigc>,
}

/// A JPEG ends with its EOI marker; a cut-off upload does not (the decoder
/// would fill the missing rows with grey and call it a picture).
fn jpeg_complete(bytes: &[u8]) -> bool {
    // cameras may append data after EOI: look in the last 64 KiB
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Whether a GIF has more than one frame (decoding at most two).
fn gif_animated(bytes: &[u8]) -> bool {
    use image::AnimationDecoder;
    match image::codecs::gif::GifDecoder::new(Cursor::new(bytes)) {
        Ok(d) => d.into_frames().take(2).filter(Result::is_ok).count() > 1,
        Err(_) => false,
    }
}

/// Check an upload: type from its bytes, size limits from its header before
/// anything is decoded, then one full decode within the memory limit (a
/// damaged file is refused now, not when the variants are made). Blocking:
/// call from the decoding pool. Nothing is stored.
pub fn check(bytes: Bytes, now: i64) -> Result<Checked, MediaError> {
    check_with(bytes, now, true)
}

/// `check` for a file shipped in the binary (the demo's photographs): the
/// header is read, the pixels are not (they were checked when committed).
pub fn check_embedded(bytes: Bytes, now: i64) -> Result<Checked, MediaError> {
    check_with(bytes, now, false)
}

fn check_with(bytes: Bytes, now: i64, decode: bool) -> Result<Checked, MediaError> {
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooLarge);
    }
    let (ext, mime) = sniff(&bytes).ok_or(MediaError::Unsupported)?;
    if ext == "jpg" && !jpeg_complete(&bytes) {
        return Err(MediaError::Truncated);
    }
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
    if decode {
        let mut reader = reader()?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        reader.decode().map_err(|e| match e {
            image::ImageError::Limits(_) => MediaError::TooManyPixels,
            image::ImageError::Decoding(_) | image::ImageError::IoError(_) => MediaError::Truncated,
            _ => MediaError::Corrupt,
        })?;
    }
    let meta = variants::read_meta(&bytes);
    let (width, height) = if meta.orientation >= 5 {
        (h, w)
    } else {
        (w, h)
    };
    let hash = hex::encode(&Sha256::digest(&bytes)[..10]);
    let month = crate::domain::text::to_cst(now).format("%Y/%m").to_string();
    let animated = ext == "gif" && gif_animated(&bytes);
    let credit = meta.copyright.clone().or(meta.artist.clone());
    Ok(Checked {
        key: format!("{month}/{hash}.{ext}"),
        mime,
        width,
        height,
        animated,
        aigc: aigc::find(&bytes),
        original: variants::clean_original(bytes, ext)?,
        credit,
    })
}
