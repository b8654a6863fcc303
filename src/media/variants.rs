//! Making a picture's variants (`domain::picture::plan`): the pixels are
//! decoded once, oriented, flattened onto white, shrunk once to the working
//! size the largest variant needs, and every variant is cut and resized from
//! that, then encoded as JPEG and WebP.
//!
//! Chosen for speed (figures in docs/benchmarks.md, "Picture variants"):
//! - JPEG is decoded by `jpeg-decoder` at the smallest DCT scale (1/8 ..
//!   1/1) that still covers the working size, as libjpeg's shrink-on-load
//!   does: a 4000x3000 photo whose widest variant is 1600 is decoded at
//!   2000x1500, a quarter of the pixels and of the memory. Other formats
//!   (and CMYK JPEGs, which it leaves as CMYK) go through `image`.
//! - `fast_image_resize` (SIMD convolution, Lanczos3) does every resize and
//!   crop; `image`'s own resize is ~10x slower.
//! - `jpeg-encoder` (SIMD, 4:2:0) encodes JPEG ~4x faster than `image`'s
//!   encoder, which only does 4:4:4; `webp` (libwebp) encodes lossy WebP at
//!   effort 4, as libvips does by default. AVIF is left out: the only
//!   well-kept Rust encoder (ravif/rav1e) takes seconds per picture.
//!
//! Metadata: the variants carry none of the original's EXIF except
//! Copyright and Artist (so GPS positions, camera serials and the rest are
//! gone); the orientation is applied to the pixels and written as 1.

use std::io::Cursor;

use bytes::Bytes;
use fast_image_resize as fr;

use super::{MAX_DECODE_BYTES, MAX_PIXELS, MAX_SIDE, MediaError, Object};
use crate::domain::picture::{FORMATS, Made, crop_rect, variant_key};

pub const JPEG_QUALITY: u8 = 82;
pub const WEBP_QUALITY: f32 = 80.0;

/// What a picture's EXIF says that Gazette keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// EXIF orientation (1..=8; 1 when absent).
    pub orientation: u16,
    pub copyright: Option<String>,
    pub artist: Option<String>,
}

fn ascii_field(exif: &exif::Exif, tag: exif::Tag) -> Option<String> {
    let f = exif.get_field(tag, exif::In::PRIMARY)?;
    match &f.value {
        exif::Value::Ascii(parts) => {
            let s: Vec<String> = parts
                .iter()
                .map(|p| String::from_utf8_lossy(p).trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            Some(s.join(" ")).filter(|s| !s.is_empty())
        }
        _ => None,
    }
}

/// The metadata of an image file (any container `kamadak-exif` reads);
/// a file without EXIF, or with EXIF it cannot read, has none.
pub fn read_meta(bytes: &[u8]) -> Meta {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return Meta {
            orientation: 1,
            ..Meta::default()
        };
    };
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1) as u16;
    Meta {
        orientation,
        copyright: ascii_field(&exif, exif::Tag::Copyright),
        artist: ascii_field(&exif, exif::Tag::Artist),
    }
}

/// A minimal EXIF block (TIFF bytes, no `Exif\0\0` header): the orientation
/// given, and the copyright and artist when there are any.
pub fn minimal_exif(meta: &Meta, orientation: u16) -> Option<Vec<u8>> {
    let mut fields = vec![exif::Field {
        tag: exif::Tag::Orientation,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Short(vec![orientation]),
    }];
    for (tag, v) in [
        (exif::Tag::Copyright, &meta.copyright),
        (exif::Tag::Artist, &meta.artist),
    ] {
        if let Some(v) = v {
            fields.push(exif::Field {
                tag,
                ifd_num: exif::In::PRIMARY,
                value: exif::Value::Ascii(vec![v.as_bytes().to_vec()]),
            });
        }
    }
    let mut w = exif::experimental::Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut out = Cursor::new(Vec::new());
    w.write(&mut out, false).ok()?;
    Some(out.into_inner())
}

/// The original as stored: the upload with its EXIF replaced by the
/// minimal block (its orientation as it was: the pixels are untouched).
/// A file `img-parts` cannot rewrite (GIF, or damaged metadata) is kept as
/// it came only when it has no EXIF to leak.
pub fn clean_original(bytes: Bytes, ext: &str) -> Result<Bytes, MediaError> {
    use img_parts::ImageEXIF;
    let meta = read_meta(&bytes);
    let exif = minimal_exif(&meta, meta.orientation).map(Bytes::from);
    let rewrite = |r: Result<Bytes, img_parts::Error>| r.map_err(|_| MediaError::Corrupt);
    match ext {
        "jpg" => {
            let mut j =
                img_parts::jpeg::Jpeg::from_bytes(bytes).map_err(|_| MediaError::Corrupt)?;
            j.set_exif(exif);
            rewrite(Ok(j.encoder().bytes()))
        }
        "png" => {
            let mut p = img_parts::png::Png::from_bytes(bytes).map_err(|_| MediaError::Corrupt)?;
            if p.exif().is_some() {
                p.set_exif(exif);
            }
            rewrite(Ok(p.encoder().bytes()))
        }
        "webp" => {
            let mut w =
                img_parts::webp::WebP::from_bytes(bytes).map_err(|_| MediaError::Corrupt)?;
            if w.exif().is_some() {
                w.set_exif(exif);
            }
            rewrite(Ok(w.encoder().bytes()))
        }
        // GIF has no EXIF
        _ => Ok(bytes),
    }
}

/// Decoded pixels, 8-bit RGB, upright.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// Decode for variants at least `need_w` x `need_h` (upright size). The
/// header's size was checked before (`super::check`); the decoders are held
/// to the same limits anyway.
pub fn decode(bytes: &[u8], ext: &str, need_w: u32, need_h: u32) -> Result<Pixels, MediaError> {
    let meta = read_meta(bytes);
    let turned = meta.orientation >= 5;
    let (req_w, req_h) = if turned {
        (need_h, need_w)
    } else {
        (need_w, need_h)
    };
    let pixels = match ext {
        "jpg" => match decode_jpeg_scaled(bytes, req_w, req_h)? {
            Some(p) => p,
            None => decode_any(bytes)?,
        },
        _ => decode_any(bytes)?,
    };
    Ok(orient(pixels, meta.orientation))
}

/// JPEG through `jpeg-decoder` at a DCT scale; `None` for CMYK (left to `image`).
fn decode_jpeg_scaled(bytes: &[u8], req_w: u32, req_h: u32) -> Result<Option<Pixels>, MediaError> {
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    d.set_max_decoding_buffer_size(MAX_DECODE_BYTES as usize);
    d.read_info().map_err(|_| MediaError::Corrupt)?;
    let info = d.info().ok_or(MediaError::Corrupt)?;
    if u32::from(info.width) > MAX_SIDE
        || u32::from(info.height) > MAX_SIDE
        || u64::from(info.width) * u64::from(info.height) > MAX_PIXELS
    {
        return Err(MediaError::TooManyPixels);
    }
    let (w, h) = d
        .scale(
            req_w.clamp(1, u32::from(u16::MAX)) as u16,
            req_h.clamp(1, u32::from(u16::MAX)) as u16,
        )
        .map_err(|_| MediaError::Corrupt)?;
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => d.decode().map_err(|_| MediaError::Corrupt)?,
        jpeg_decoder::PixelFormat::L8 => d
            .decode()
            .map_err(|_| MediaError::Corrupt)?
            .into_iter()
            .flat_map(|l| [l, l, l])
            .collect(),
        // 16-bit lossless JPEG and CMYK: `image` converts them
        _ => return Ok(None),
    };
    let (width, height) = (u32::from(w), u32::from(h));
    if rgb.len() != (width * height * 3) as usize {
        return Err(MediaError::Corrupt);
    }
    Ok(Some(Pixels { width, height, rgb }))
}

/// Any supported format through `image`, within the decode limits; alpha is
/// flattened onto white (a transparent logo must not turn black in a JPEG).
fn decode_any(bytes: &[u8]) -> Result<Pixels, MediaError> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| MediaError::Corrupt)?;
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
    let rgb = if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        rgba.pixels()
            .flat_map(|p| {
                let a = u16::from(p[3]);
                let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
                [mix(p[0]), mix(p[1]), mix(p[2])]
            })
            .collect()
    } else {
        img.to_rgb8().into_raw()
    };
    Ok(Pixels { width, height, rgb })
}

/// Turn pixels stored in EXIF `orientation` upright.
fn orient(p: Pixels, orientation: u16) -> Pixels {
    if orientation <= 1 {
        return p;
    }
    let Some(buf) = image::RgbImage::from_raw(p.width, p.height, p.rgb) else {
        return Pixels {
            width: 0,
            height: 0,
            rgb: Vec::new(),
        };
    };
    let mut img = image::DynamicImage::ImageRgb8(buf);
    let o = image::metadata::Orientation::from_exif(orientation as u8)
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    img.apply_orientation(o);
    let rgb = img.into_rgb8();
    Pixels {
        width: rgb.width(),
        height: rgb.height(),
        rgb: rgb.into_raw(),
    }
}

/// Resize (and crop) RGB pixels. Through the typed API: only the 8-bit RGB
/// kernels are compiled in (the untyped `resize` dispatches over every pixel
/// type and would add megabytes of SIMD code to the binary).
fn resize(
    r: &mut fr::Resizer,
    src: &Pixels,
    crop: (f64, f64, f64, f64),
    w: u32,
    h: u32,
) -> Result<Pixels, MediaError> {
    use fr::images::{TypedImage, TypedImageRef};
    use fr::pixels::U8x3;
    let io = |e: String| MediaError::Io(e);
    let src_img = TypedImageRef::<U8x3>::from_buffer(src.width, src.height, &src.rgb)
        .map_err(|e| io(e.to_string()))?;
    let mut out = vec![0u8; w as usize * h as usize * 3];
    let mut dst = TypedImage::<U8x3>::from_buffer(w, h, &mut out).map_err(|e| io(e.to_string()))?;
    let opts = fr::ResizeOptions::new()
        .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3))
        .crop(crop.0, crop.1, crop.2, crop.3);
    r.resize_typed(&src_img, &mut dst, &opts)
        .map_err(|e| io(e.to_string()))?;
    Ok(Pixels {
        width: w,
        height: h,
        rgb: out,
    })
}

pub fn encode_jpeg(p: &Pixels, exif: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    e.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    if let Some(exif) = exif {
        let mut seg = b"Exif\0\0".to_vec();
        seg.extend_from_slice(exif);
        e.add_app_segment(1, seg)
            .map_err(|e| MediaError::Io(e.to_string()))?;
    }
    e.encode(
        &p.rgb,
        p.width as u16,
        p.height as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .map_err(|e| MediaError::Io(e.to_string()))?;
    Ok(out)
}

pub fn encode_webp(p: &Pixels, exif: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let mut config = webp::WebPConfig::new().map_err(|_| MediaError::Io("webp config".into()))?;
    config.quality = WEBP_QUALITY;
    config.method = 4;
    let encoded = webp::Encoder::from_rgb(&p.rgb, p.width, p.height)
        .encode_advanced(&config)
        .map_err(|e| MediaError::Io(format!("webp: {e:?}")))?;
    let plain = Bytes::copy_from_slice(&encoded);
    let Some(exif) = exif else {
        return Ok(plain.to_vec());
    };
    use img_parts::ImageEXIF;
    let mut w = img_parts::webp::WebP::from_bytes(plain)
        .map_err(|e| MediaError::Io(format!("webp container: {e}")))?;
    w.set_exif(Some(Bytes::copy_from_slice(exif)));
    Ok(w.encoder().bytes().to_vec())
}

/// Make every variant of `made` from the original `bytes` stored under
/// `key` (`2024/04/ab12.jpg`), `width` x `height` upright. Blocking: call
/// on the decoding pool.
pub fn make(
    bytes: &[u8],
    key: &str,
    width: u32,
    height: u32,
    made: &Made,
) -> Result<Vec<Object>, MediaError> {
    let ext = key.rsplit('.').next().unwrap_or_default();
    // the working size: the smallest that still gives every variant its pixels
    let mut scale: f64 = 0.0;
    for v in &made.variants {
        let region_w = match v.ratio {
            None => width,
            Some(r) => crop_rect(width, height, r, made.focal).2,
        };
        scale = scale.max(f64::from(v.width) / f64::from(region_w.max(1)));
    }
    let scale = scale.clamp(0.0, 1.0);
    let need_w = ((f64::from(width) * scale).ceil() as u32).clamp(1, width);
    let need_h = ((f64::from(height) * scale).ceil() as u32).clamp(1, height);
    let decoded = decode(bytes, ext, need_w, need_h)?;
    if decoded.width == 0 || decoded.height == 0 {
        return Err(MediaError::Corrupt);
    }
    let mut resizer = fr::Resizer::new();
    // one shrink to the working size when the decoder gave far more (a big
    // PNG); a JPEG decoded at its DCT scale is at most twice it and is cut
    // from as it is (one buffer less per worker)
    let work = if decoded.width > need_w * 2 {
        let full = (
            0.0,
            0.0,
            f64::from(decoded.width),
            f64::from(decoded.height),
        );
        let shrunk = resize(&mut resizer, &decoded, full, need_w, need_h)?;
        // the decoded pixels go before any variant is made (memory per worker)
        drop(decoded);
        shrunk
    } else {
        decoded
    };
    // source rectangles are in the original's pixels: map them onto `work`
    let (sx, sy) = (
        f64::from(work.width) / f64::from(width),
        f64::from(work.height) / f64::from(height),
    );
    let meta = read_meta(bytes);
    let exif = minimal_exif(&meta, 1);
    // the implicit AI label (GB 45438) in every file, when the plan has one
    let xmp = made
        .aigc
        .as_deref()
        .and_then(crate::domain::ai::Aigc::parse)
        .map(|a| a.xmp_packet());
    let base = made.base_key(key);
    let mut objects = Vec::with_capacity(made.variants.len() * FORMATS.len());
    for v in &made.variants {
        let (l, t, w, h) = match v.ratio {
            None => (0, 0, width, height),
            Some(r) => crop_rect(width, height, r, made.focal),
        };
        let crop = (
            f64::from(l) * sx,
            f64::from(t) * sy,
            (f64::from(w) * sx).min(f64::from(work.width)),
            (f64::from(h) * sy).min(f64::from(work.height)),
        );
        let px = resize(&mut resizer, &work, crop, v.width, v.height)?;
        for (fmt, mime) in FORMATS {
            let mut data = match fmt {
                "webp" => encode_webp(&px, exif.as_deref())?,
                _ => encode_jpeg(&px, exif.as_deref())?,
            };
            if let Some(xmp) = &xmp {
                data = match fmt {
                    "webp" => super::aigc::label_webp(data, xmp),
                    _ => super::aigc::label_jpeg(data, xmp),
                }
                .ok_or_else(|| MediaError::Io("writing the AIGC label failed".into()))?;
            }
            objects.push(Object {
                key: variant_key(&base, v, made.focal, fmt),
                bytes: Bytes::from(data),
                content_type: mime,
            });
        }
    }
    Ok(objects)
}
