//! The implicit label (隐式标识) of GB 45438-2025 in picture files: the
//! `AIGC` field in XMP (namespace `TC260`), found in uploads and written
//! into the variants of declared pictures. JPEG carries XMP in an APP1
//! segment, PNG in an `iTXt` chunk (`XML:com.adobe.xmp`), WebP in an `XMP `
//! chunk (with the VP8X flag); `img-parts` splits and joins the containers,
//! the packet itself is `domain::ai::Aigc::xmp_packet`.

use bytes::Bytes;
use img_parts::ImageICC;

use crate::domain::ai::Aigc;

const XMP_APP1: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PNG_XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";

/// The XMP packets a picture file carries (any of the three containers).
pub fn xmp_packets(bytes: &[u8]) -> Vec<String> {
    let b = Bytes::copy_from_slice(bytes);
    let mut out = Vec::new();
    match super::sniff(bytes).map(|s| s.0) {
        Some("jpg") => {
            if let Ok(j) = img_parts::jpeg::Jpeg::from_bytes(b) {
                for s in j.segments_by_marker(img_parts::jpeg::markers::APP1) {
                    if let Some(x) = s.contents().strip_prefix(XMP_APP1) {
                        out.push(String::from_utf8_lossy(x).into_owned());
                    }
                }
            }
        }
        Some("png") => {
            if let Ok(p) = img_parts::png::Png::from_bytes(b) {
                for c in p.chunks() {
                    let data = c.contents();
                    match &c.kind() {
                        // iTXt: keyword, flags, language and translation,
                        // then the (uncompressed) packet
                        b"iTXt" if data.starts_with(PNG_XMP_KEYWORD) => {
                            if let Some(at) =
                                data.windows(5).position(|w| w == b"<?xpa" || w == b"<x:xm")
                            {
                                out.push(String::from_utf8_lossy(&data[at..]).into_owned());
                            }
                        }
                        // tEXt `AIGC` with the JSON, as some generators write it
                        b"tEXt" if data.starts_with(b"AIGC\0") => {
                            out.push(format!(
                                "<TC260:AIGC>{}</TC260:AIGC>",
                                String::from_utf8_lossy(&data[5..])
                                    .replace('&', "&amp;")
                                    .replace('<', "&lt;")
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
        Some("webp") => {
            if let Ok(w) = img_parts::webp::WebP::from_bytes(b) {
                for c in w.chunks_by_id(img_parts::webp::CHUNK_XMP) {
                    if let Some(d) = c.content().data() {
                        out.push(String::from_utf8_lossy(d).into_owned());
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The `AIGC` label a picture file carries, if any.
pub fn find(bytes: &[u8]) -> Option<Aigc> {
    xmp_packets(bytes).iter().find_map(|x| Aigc::from_xmp(x))
}

/// A JPEG with `xmp` in its APP1 segment (after JFIF/EXIF).
pub fn label_jpeg(jpeg: Vec<u8>, xmp: &str) -> Option<Vec<u8>> {
    let mut j = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(jpeg)).ok()?;
    let mut contents = XMP_APP1.to_vec();
    contents.extend_from_slice(xmp.as_bytes());
    // a segment holds at most 65533 bytes of contents
    if contents.len() > 65_533 {
        return None;
    }
    let seg = img_parts::jpeg::JpegSegment::new_with_contents(
        img_parts::jpeg::markers::APP1,
        Bytes::from(contents),
    );
    let at = j
        .segments()
        .iter()
        .position(|s| {
            !matches!(
                s.marker(),
                img_parts::jpeg::markers::APP0 | img_parts::jpeg::markers::APP1
            )
        })
        .unwrap_or(0);
    j.segments_mut().insert(at, seg);
    let mut out = Vec::new();
    j.encoder().write_to(&mut out).ok()?;
    Some(out)
}

/// A WebP with `xmp` in an `XMP ` chunk; the file becomes the extended
/// format (VP8X) with its XMP flag set.
pub fn label_webp(webp: Vec<u8>, xmp: &str) -> Option<Vec<u8>> {
    let mut w = img_parts::webp::WebP::from_bytes(Bytes::from(webp)).ok()?;
    w.chunks_mut().push(img_parts::riff::RiffChunk::new(
        img_parts::webp::CHUNK_XMP,
        img_parts::riff::RiffContent::Data(Bytes::copy_from_slice(xmp.as_bytes())),
    ));
    // setting a chunk makes img-parts add VP8X and recompute its flags
    let icc = w.icc_profile();
    w.set_icc_profile(icc);
    let mut out = Vec::new();
    w.encoder().write_to(&mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(fmt: image::ImageFormat) -> Vec<u8> {
        let img =
            image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 90]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), fmt)
            .unwrap();
        out
    }

    fn label() -> Aigc {
        Aigc::for_files(None, "滨州网", "main/image/1")
    }

    #[test]
    fn labels_are_written_and_found_in_jpeg_and_webp() {
        let xmp = label().xmp_packet();
        let jpeg = label_jpeg(encoded(image::ImageFormat::Jpeg), &xmp).unwrap();
        assert_eq!(find(&jpeg), Some(label()));
        image::load_from_memory(&jpeg).expect("still a JPEG");
        let plain_webp = encoded(image::ImageFormat::WebP);
        assert_eq!(find(&plain_webp), None);
        let webp = label_webp(plain_webp, &xmp).unwrap();
        assert_eq!(&webp[12..16], b"VP8X");
        assert_eq!(webp[20] & 0x04, 0x04, "the XMP flag");
        assert_eq!(find(&webp), Some(label()));
        image::load_from_memory(&webp).expect("still a WebP");
        assert_eq!(find(&encoded(image::ImageFormat::Png)), None);
    }

    #[test]
    fn a_png_upload_label_is_found() {
        let png = encoded(image::ImageFormat::Png);
        let mut p = img_parts::png::Png::from_bytes(Bytes::from(png)).unwrap();
        let mut itxt = PNG_XMP_KEYWORD.to_vec();
        itxt.extend_from_slice(b"\0\0\0\0\0");
        itxt.extend_from_slice(label().xmp_packet().as_bytes());
        let at = p.chunks().len() - 1;
        p.chunks_mut().insert(
            at,
            img_parts::png::PngChunk::new(*b"iTXt", Bytes::from(itxt)),
        );
        let mut out = Vec::new();
        p.encoder().write_to(&mut out).unwrap();
        assert_eq!(find(&out), Some(label()));
    }
}
