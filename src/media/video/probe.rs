//! What a file is, read by ffprobe: container, streams, length, rotation;
//! and the codecs string of an MP4 we made.

use std::path::Path;
use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use tokio::process::Command;

use crate::config::VideoConfig;
use crate::domain::video::Probe;

use super::run::run;
use super::{PROBE_SECS, VideoError};

/// What the file at `path` is; `NotVideo` unless it is an MP4, MOV or WebM
/// with a video stream and a length.
pub async fn probe(cfg: &VideoConfig, path: &Path) -> Result<Probe, VideoError> {
    let mut head = [0u8; 12];
    let n = match tokio::fs::File::open(path).await {
        Ok(mut f) => f.read(&mut head).await.unwrap_or(0),
        Err(_) => 0,
    };
    // the demuxer from the first bytes, forced, and only local files: no
    // playlist, concat or network demuxer opens an upload, whatever this
    // ffmpeg's defaults are
    let Some(demuxer) = demuxer_of(&head[..n]) else {
        return Err(VideoError::NotVideo);
    };
    let mut cmd = Command::new(cfg.ffprobe());
    cmd.args([
        "-v",
        "error",
        "-protocol_whitelist",
        "file",
        "-f",
        demuxer,
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
    ])
    .arg(path);
    let out = run(cmd, Duration::from_secs(PROBE_SECS), None).await?;
    if out.success
        && let Some(mut p) = parse_probe(&out.stdout)
    {
        p.demuxer = demuxer.to_string();
        return Ok(p);
    }
    // a video's container by its first bytes in which ffprobe finds no
    // stream at all (or cannot read it): cut off before its index
    let no_streams = !out.success || streamless(&out.stdout);
    Err(if container_magic(&head[..n]) && no_streams {
        VideoError::Incomplete
    } else {
        VideoError::NotVideo
    })
}

/// Whether ffprobe's JSON names no decodable stream: a cut-off MP4's index
/// leaves only "data" tracks without a codec (an audio-only file has one).
fn streamless(json: &str) -> bool {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let streams = v.get("streams").and_then(|s| s.as_array());
    !streams.is_some_and(|s| {
        s.iter().any(|st| {
            matches!(
                st.get("codec_type").and_then(|t| t.as_str()),
                Some("video" | "audio")
            ) && st.get("codec_name").is_some()
        })
    })
}

/// Whether a file starts as an MP4/MOV (an ISO box: `ftyp`, or a QuickTime
/// `moov`/`mdat`/`wide`/`free` first) or a WebM/Matroska (EBML) does.
pub fn container_magic(head: &[u8]) -> bool {
    let iso =
        head.len() >= 8 && matches!(&head[4..8], b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free");
    iso || head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
}

/// The ffmpeg demuxer of a file by its first bytes: `mov` for MP4/MOV,
/// `matroska` for WebM/Matroska; none for anything else.
pub fn demuxer_of(head: &[u8]) -> Option<&'static str> {
    let iso =
        head.len() >= 8 && matches!(&head[4..8], b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free");
    if iso {
        Some("mov")
    } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("matroska")
    } else {
        None
    }
}

/// ffprobe's `-print_format json -show_format -show_streams` as a [`Probe`].
pub fn parse_probe(json: &str) -> Option<Probe> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let format = v.get("format")?;
    let container = format.get("format_name")?.as_str()?;
    if !container
        .split(',')
        .any(|c| matches!(c, "mov" | "mp4" | "matroska" | "webm"))
    {
        return None;
    }
    let streams = v.get("streams")?.as_array()?;
    let of = |kind: &str| {
        streams
            .iter()
            .find(|s| s.get("codec_type").and_then(|t| t.as_str()) == Some(kind))
    };
    let video = of("video")?;
    let codec = video.get("codec_name")?.as_str()?.to_string();
    // a cover picture inside an audio file is a "video" stream of one frame
    if matches!(codec.as_str(), "mjpeg" | "png" | "bmp" | "gif" | "webp") {
        return None;
    }
    let num = |x: Option<&serde_json::Value>| -> Option<f64> {
        match x? {
            serde_json::Value::String(s) => s.parse().ok(),
            n => n.as_f64(),
        }
    };
    let width = video.get("width")?.as_u64()? as u32;
    let height = video.get("height")?.as_u64()? as u32;
    if width < 2 || height < 2 || width > 8192 || height > 8192 {
        return None;
    }
    let seconds = num(format.get("duration")).or_else(|| num(video.get("duration")))?;
    if !(seconds.is_finite() && seconds > 0.0) {
        return None;
    }
    // a phone's portrait clip is stored landscape with a rotation
    let rotation = video
        .get("side_data_list")
        .and_then(|l| l.as_array())
        .and_then(|l| l.iter().find_map(|d| num(d.get("rotation"))))
        .or_else(|| num(video.get("tags").and_then(|t| t.get("rotate"))))
        .unwrap_or(0.0);
    let quarter = (rotation / 90.0).round() as i64;
    let (width, height) = if quarter % 2 != 0 {
        (height, width)
    } else {
        (width, height)
    };
    let fps = video
        .get("avg_frame_rate")
        .and_then(|r| r.as_str())
        .and_then(|r| {
            let (a, b) = r.split_once('/')?;
            let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
            (b > 0.0).then_some(a / b)
        })
        .unwrap_or(0.0);
    // an AI service's label (GB 45438), as a container tag
    let aigc = format
        .get("tags")
        .and_then(|t| t.as_object())
        .and_then(|t| t.iter().find(|(k, _)| k.eq_ignore_ascii_case("aigc")))
        .and_then(|(_, v)| v.as_str())
        .and_then(crate::domain::ai::Aigc::parse)
        .map(|a| a.to_json());
    Some(Probe {
        aigc,
        duration_ms: (seconds * 1000.0).round() as u64,
        width,
        height,
        video_codec: codec,
        audio_codec: of("audio")
            .and_then(|a| a.get("codec_name"))
            .and_then(|c| c.as_str())
            .map(str::to_string),
        fps,
        demuxer: String::new(),
    })
}

/// The RFC 6381 codecs string of an MP4 we made (H.264 profile and level,
/// AAC-LC when it has sound), and its length in milliseconds.
pub(super) async fn codecs(cfg: &VideoConfig, mp4: &Path) -> Result<(String, u64), VideoError> {
    let mut cmd = Command::new(cfg.ffprobe());
    cmd.args([
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_streams",
        "-show_format",
    ])
    .arg(mp4);
    let out = run(cmd, Duration::from_secs(PROBE_SECS), None).await?;
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_default();
    let streams = v["streams"].as_array().cloned().unwrap_or_default();
    let mut list = Vec::new();
    for s in &streams {
        match s["codec_type"].as_str() {
            Some("video") => {
                let profile = match s["profile"].as_str() {
                    Some("Baseline" | "Constrained Baseline") => 0x42,
                    Some("Main") => 0x4d,
                    _ => 0x64,
                };
                let level = s["level"].as_u64().unwrap_or(40);
                list.insert(0, format!("avc1.{profile:02x}00{level:02x}"));
            }
            Some("audio") => list.push("mp4a.40.2".to_string()),
            _ => {}
        }
    }
    let ms = v["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse::<f64>().ok())
        .map_or(0, |d| (d * 1000.0) as u64);
    Ok((list.join(","), ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_clip_is_upright_and_a_picture_is_not_a_video() {
        let phone = r#"{"streams":[{"codec_type":"video","codec_name":"h264","width":1920,"height":1080,
            "avg_frame_rate":"30000/1001","side_data_list":[{"rotation":-90}]},
            {"codec_type":"audio","codec_name":"aac"}],
            "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"12.480000"}}"#;
        let p = parse_probe(phone).unwrap();
        assert_eq!((p.width, p.height), (1080, 1920));
        assert_eq!(p.duration_ms, 12480);
        assert_eq!(p.audio_codec.as_deref(), Some("aac"));
        assert!((p.fps - 29.97).abs() < 0.01);
        let jpeg = r#"{"streams":[{"codec_type":"video","codec_name":"mjpeg","width":640,"height":480}],
            "format":{"format_name":"image2","duration":"0.04"}}"#;
        assert_eq!(parse_probe(jpeg), None);
        let avi = r#"{"streams":[{"codec_type":"video","codec_name":"mpeg4","width":640,"height":480}],
            "format":{"format_name":"avi","duration":"3"}}"#;
        assert_eq!(parse_probe(avi), None);
        assert_eq!(parse_probe("not json"), None);
    }

    #[test]
    fn a_cut_off_index_leaves_no_decodable_stream() {
        // what ffprobe says of the first 200 bytes of a fast-start MP4
        let cut = r#"{"streams":[{"index":0,"codec_type":"data","duration":"1.0"}],
            "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"1.0"}}"#;
        assert!(streamless(cut));
        let audio = r#"{"streams":[{"codec_type":"audio","codec_name":"aac"}],"format":{}}"#;
        assert!(!streamless(audio));
        assert!(streamless("not json"));
    }

    #[test]
    fn a_video_container_is_known_by_its_first_bytes() {
        assert!(container_magic(b"\0\0\0\x18ftypmp42"));
        assert!(container_magic(b"\0\0\0\x08wide\0\0"));
        assert!(container_magic(&[0x1A, 0x45, 0xDF, 0xA3, 1, 0]));
        assert!(!container_magic(b"<html>not a"));
        assert!(!container_magic(b"\0\0"));
    }
}
