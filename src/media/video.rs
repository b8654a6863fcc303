//! Video processing through ffmpeg (Debian's `ffmpeg`), the program every
//! video platform uses; nothing in Rust decodes H.264/HEVC/VP9 and encodes
//! H.264/AAC as well. Each step is a subprocess with a deadline, bounded
//! threads and `kill_on_drop`, so a hostile file can stall nothing but
//! its own job:
//!
//! 1. `probe`: ffprobe's JSON: container, streams, length, rotation.
//! 2. `process`: one ffmpeg run decodes the source once and encodes every
//!    rung of `domain::video::ladder` (H.264 High, AAC, `+faststart`,
//!    key frames every 2 s in every rung so a player can switch between
//!    them at segment boundaries); then each MP4 is cut into an HLS
//!    playlist without re-encoding (`-c copy`); then the poster candidates.
//!    The master playlist is written here from what was made.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _};
use tokio::process::Command;

use crate::config::VideoConfig;
use crate::domain::video::{Probe, Rendition, Target, VideoMade, ladder, poster_times};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VideoError {
    #[error("服务器未安装 ffmpeg,暂时无法上传和处理视频(管理员请运行 apt install ffmpeg)")]
    NoFfmpeg,
    #[error("无法识别的视频文件:请上传 MP4、MOV 或 WebM 格式的视频")]
    NotVideo,
    #[error("视频无法解码:文件可能已损坏,或使用了不支持的编码")]
    Undecodable,
    #[error("视频文件不完整(只有 {0} 秒能播放,可能上传时中断或文件已损坏),请重新上传")]
    Truncated(u32),
    #[error("视频处理超时(超过 {0} 秒),请剪短后重新上传")]
    Timeout(u64),
    /// Anything else (a full disk, a missing program mid-run): worth a retry.
    #[error("处理视频失败: {0}")]
    Io(String),
}

impl VideoError {
    /// Whether trying again later may succeed (the file is not at fault).
    pub fn retryable(&self) -> bool {
        matches!(self, VideoError::NoFfmpeg | VideoError::Io(_))
    }
}

/// How long ffprobe may take to read a file's header.
const PROBE_SECS: u64 = 30;
/// Segment length of the HLS playlists (Apple's recommendation).
const HLS_SECS: u32 = 6;
/// Key frame interval in every rendition: segments cut at the same times
/// in every rung.
const GOP_SECS: u32 = 2;

/// The deadline of one video's encoding: generous (a 2-core machine encodes
/// 1080p at about real time), and never unbounded.
pub fn deadline(probe: &Probe) -> Duration {
    Duration::from_secs((probe.duration_ms / 1000 * 8).max(300))
}

/// Whether the configured ffmpeg (and ffprobe) can be started.
pub async fn available(cfg: &VideoConfig) -> bool {
    let runs = |p: PathBuf| async move {
        Command::new(p)
            .arg("-version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .status()
            .await
            .is_ok_and(|s| s.success())
    };
    runs(cfg.ffmpeg.clone()).await && runs(cfg.ffprobe()).await
}

/// What the file at `path` is; `NotVideo` unless it is an MP4, MOV or WebM
/// with a video stream and a length.
pub async fn probe(cfg: &VideoConfig, path: &Path) -> Result<Probe, VideoError> {
    let mut cmd = Command::new(cfg.ffprobe());
    cmd.args([
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
    ])
    .arg(path);
    let out = run(cmd, Duration::from_secs(PROBE_SECS), None).await?;
    if !out.success {
        return Err(VideoError::NotVideo);
    }
    parse_probe(&out.stdout).ok_or(VideoError::NotVideo)
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
    })
}

/// A file `process` made, to be stored under `key`.
#[derive(Debug, Clone)]
pub struct Made {
    pub key: String,
    pub path: PathBuf,
}

/// Make every file of the video whose original (key `original`, upright
/// size and length in `probe`) is at `src`, in the empty directory `dir`.
/// `progress` hears the percent done as it moves.
pub async fn process(
    cfg: &VideoConfig,
    src: &Path,
    original: &str,
    probe: &Probe,
    dir: &Path,
    label: Option<&str>,
    progress: &tokio::sync::watch::Sender<u8>,
) -> Result<(VideoMade, Vec<Made>), VideoError> {
    let (month, stem) = match crate::domain::video::stem(original).rsplit_once('/') {
        // labelled renditions have names of their own
        Some((m, s)) => (
            m.to_string(),
            match label {
                Some(l) => format!("{s}_ai{}", crate::domain::ai::label_tag(l)),
                None => s.to_string(),
            },
        ),
        None => return Err(VideoError::Io(format!("not a media key: {original}"))),
    };
    let targets = ladder(probe.width, probe.height);
    let name = |t: &Target| format!("{stem}_{}p", t.short_side);
    let key = |file: &str| format!("{month}/{file}");
    let threads = cfg.threads.max(1).to_string();

    // 1. every rung in one decode
    let mut cmd = Command::new(&cfg.ffmpeg);
    cmd.args(["-hide_banner", "-nostdin", "-y", "-loglevel", "error"])
        .args(["-progress", "pipe:1", "-nostats"])
        .args(["-threads", &threads])
        .arg("-i")
        .arg(src);
    let mut graph = if targets.len() == 1 {
        String::from("[0:v]null[s0]")
    } else {
        let outs: String = (0..targets.len()).map(|i| format!("[s{i}]")).collect();
        format!("[0:v]split={}{outs}", targets.len())
    };
    for (i, t) in targets.iter().enumerate() {
        graph.push_str(&format!(
            ";[s{i}]scale={}:{}:flags=lanczos,format=yuv420p[v{i}]",
            t.width, t.height
        ));
    }
    cmd.args(["-filter_complex", &graph]);
    for (i, t) in targets.iter().enumerate() {
        cmd.args(["-map", &format!("[v{i}]"), "-map", "0:a:0?"])
            .args(encode_args(t, &threads));
        // the implicit label (GB 45438) as an MP4 metadata key (moov/udta/meta)
        if let Some(l) = label {
            cmd.args([
                "-metadata",
                &format!("AIGC={l}"),
                "-movflags",
                "+faststart+use_metadata_tags",
            ]);
        }
        cmd.arg(dir.join(format!("{}.mp4", name(t))));
    }
    let total_us = probe.duration_ms.max(1) * 1000;
    let out = run(
        cmd,
        deadline(probe),
        Some(Box::new(|line: &str| {
            // `out_time_us=` (microseconds of output written)
            if let Some(us) = line
                .strip_prefix("out_time_us=")
                .and_then(|v| v.trim().parse::<u64>().ok())
            {
                let pct = (us.min(total_us) * 90 / total_us) as u8;
                progress.send_if_modified(|p| {
                    let moved = pct > *p;
                    if moved {
                        *p = pct;
                    }
                    moved
                });
            }
        })),
    )
    .await?;
    if !out.success {
        tracing::warn!(stderr = %out.stderr, "ffmpeg could not encode the video");
        return Err(VideoError::Undecodable);
    }

    // 2. HLS: each MP4 cut into segments, no re-encoding
    let mut renditions = Vec::new();
    let mut files = Vec::new();
    for t in &targets {
        let n = name(t);
        let mp4 = dir.join(format!("{n}.mp4"));
        let mut cmd = Command::new(&cfg.ffmpeg);
        cmd.args(["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i"])
            .arg(&mp4)
            .args([
                "-c",
                "copy",
                "-f",
                "hls",
                "-hls_time",
                &HLS_SECS.to_string(),
            ])
            .args(["-hls_playlist_type", "vod", "-hls_segment_filename"])
            .arg(dir.join(format!("{n}_%05d.ts")))
            .arg(dir.join(format!("{n}.m3u8")));
        let out = run(cmd, deadline(probe), None).await?;
        if !out.success {
            tracing::warn!(stderr = %out.stderr, "ffmpeg could not segment the video");
            return Err(VideoError::Undecodable);
        }
        let playlist = tokio::fs::read_to_string(dir.join(format!("{n}.m3u8")))
            .await
            .map_err(io)?;
        let mut peak = 0u64;
        for (seg, secs) in segments(&playlist) {
            let len = tokio::fs::metadata(dir.join(&seg)).await.map_err(io)?.len();
            if secs > 0.0 {
                peak = peak.max((len as f64 * 8.0 / secs) as u64);
            }
            files.push(Made {
                key: key(&seg),
                path: dir.join(&seg),
            });
        }
        let bytes = tokio::fs::metadata(&mp4).await.map_err(io)?.len();
        let (codecs, made_ms) = codecs(cfg, &mp4).await?;
        // ffmpeg ends well on a cut-off file, having decoded what was there
        let whole = probe.duration_ms;
        if made_ms + 1000 < whole && made_ms * 10 < whole * 9 {
            return Err(VideoError::Truncated((made_ms / 1000) as u32));
        }
        renditions.push(Rendition {
            short_side: t.short_side,
            width: t.width,
            height: t.height,
            key: key(&format!("{n}.mp4")),
            bytes,
            playlist: key(&format!("{n}.m3u8")),
            bandwidth: peak.max(1),
            codecs,
        });
        files.push(Made {
            key: key(&format!("{n}.mp4")),
            path: mp4,
        });
        files.push(Made {
            key: key(&format!("{n}.m3u8")),
            path: dir.join(format!("{n}.m3u8")),
        });
    }
    progress.send_replace(94);

    // 3. poster candidates, from the rendition nearest 720p (already upright)
    let made = VideoMade {
        renditions,
        hls: key(&format!("{stem}.m3u8")),
        posters: Vec::new(),
        aigc: label.map(str::to_string),
    };
    let from = made
        .default_rendition()
        .map(|r| dir.join(r.key.rsplit('/').next().unwrap_or_default()))
        .ok_or_else(|| VideoError::Io("no rendition was made".into()))?;
    let mut cmd = Command::new(&cfg.ffmpeg);
    cmd.args(["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]);
    let times = poster_times(probe.duration_ms);
    for t in &times {
        cmd.args(["-ss", &format!("{t:.1}"), "-i"]).arg(&from);
    }
    let mut posters = Vec::new();
    for (i, _) in times.iter().enumerate() {
        let file = format!("{stem}_poster{}.jpg", i + 1);
        cmd.args(["-map", &format!("{i}:v:0"), "-frames:v", "1", "-q:v", "3"])
            .arg(dir.join(&file));
        posters.push(file);
    }
    let out = run(cmd, Duration::from_secs(120), None).await?;
    if !out.success {
        tracing::warn!(stderr = %out.stderr, "ffmpeg could not cut the posters");
        return Err(VideoError::Undecodable);
    }
    let mut made = made;
    for file in posters {
        // a time past the last frame makes no file: fewer candidates
        if tokio::fs::try_exists(dir.join(&file))
            .await
            .unwrap_or(false)
        {
            made.posters.push(key(&file));
            files.push(Made {
                key: key(&file),
                path: dir.join(&file),
            });
        }
    }

    // 4. the master playlist: the default rung first (where a player starts)
    let master = master_playlist(&made);
    let master_path = dir.join(format!("{stem}.m3u8"));
    tokio::fs::write(&master_path, master).await.map_err(io)?;
    files.push(Made {
        key: made.hls.clone(),
        path: master_path,
    });
    progress.send_replace(96);
    Ok((made, files))
}

fn encode_args(t: &Target, threads: &str) -> Vec<String> {
    let max = t.maxrate_kbps;
    [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "23",
        "-profile:v",
        "high",
        "-maxrate",
        &format!("{max}k"),
        "-bufsize",
        &format!("{}k", max * 2),
        "-force_key_frames",
        &format!("expr:gte(t,n_forced*{GOP_SECS})"),
        "-threads",
        threads,
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ac",
        "2",
        "-movflags",
        "+faststart",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Every segment of an HLS media playlist with its length in seconds.
pub fn segments(playlist: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let mut secs = 0.0;
    for line in playlist.lines().map(str::trim) {
        if let Some(d) = line.strip_prefix("#EXTINF:") {
            secs = d
                .split(',')
                .next()
                .and_then(|d| d.parse().ok())
                .unwrap_or(0.0);
        } else if !line.is_empty() && !line.starts_with('#') {
            out.push((line.to_string(), secs));
        }
    }
    out
}

/// The HLS master playlist naming each rendition's playlist (relative: they
/// sit in the same directory).
pub fn master_playlist(made: &VideoMade) -> String {
    let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    let first = made.default_rendition().map(|r| r.key.clone());
    let mut order: Vec<&Rendition> = made.renditions.iter().collect();
    order.sort_by_key(|r| {
        (
            Some(&r.key) != first.as_ref(),
            std::cmp::Reverse(r.short_side),
        )
    });
    for r in order {
        out.push_str(&format!(
            "#EXT-X-STREAM-INF:BANDWIDTH={},RESOLUTION={}x{},CODECS=\"{}\"\n{}\n",
            r.bandwidth,
            r.width,
            r.height,
            r.codecs,
            r.playlist.rsplit('/').next().unwrap_or_default()
        ));
    }
    out
}

/// The RFC 6381 codecs string of an MP4 we made (H.264 profile and level,
/// AAC-LC when it has sound), and its length in milliseconds.
async fn codecs(cfg: &VideoConfig, mp4: &Path) -> Result<(String, u64), VideoError> {
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

fn io(e: std::io::Error) -> VideoError {
    VideoError::Io(e.to_string())
}

struct Ran {
    success: bool,
    stdout: String,
    /// The end of what the program said on stderr, for the log.
    stderr: String,
}

type LineFn<'a> = Box<dyn FnMut(&str) + Send + 'a>;

/// Run `cmd` to its end within `limit` (killed when it is passed, or when
/// the job is dropped), each stdout line to `on_line` if given (else kept).
async fn run(
    mut cmd: Command,
    limit: Duration,
    mut on_line: Option<LineFn<'_>>,
) -> Result<Ran, VideoError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(VideoError::NoFfmpeg),
        Err(e) => return Err(io(e)),
    };
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().expect("piped"));
    let mut stderr = child.stderr.take().expect("piped");
    let work = async {
        let mut kept = String::new();
        let mut err = Vec::new();
        let read_err = async {
            // at most the last 64 KiB of complaints
            let mut buf = [0u8; 8192];
            loop {
                match stderr.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        err.extend_from_slice(&buf[..n]);
                        if err.len() > 64 * 1024 {
                            err.drain(..err.len() - 64 * 1024);
                        }
                    }
                }
            }
        };
        let read_out = async {
            let mut line = String::new();
            loop {
                line.clear();
                match stdout.read_line(&mut line).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => match on_line.as_mut() {
                        Some(f) => f(line.trim_end()),
                        None if kept.len() < 4 * 1024 * 1024 => kept.push_str(&line),
                        None => {}
                    },
                }
            }
        };
        tokio::join!(read_err, read_out);
        let status = child.wait().await.map_err(io)?;
        Ok::<_, VideoError>(Ran {
            success: status.success(),
            stdout: kept,
            stderr: String::from_utf8_lossy(&err)
                .chars()
                .rev()
                .take(2000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect(),
        })
    };
    match tokio::time::timeout(limit, work).await {
        Ok(r) => r,
        // the child is killed as it is dropped
        Err(_) => Err(VideoError::Timeout(limit.as_secs())),
    }
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
    fn the_master_playlist_starts_at_720p() {
        let r = |side: u32, w: u32| Rendition {
            short_side: side,
            width: w,
            height: side,
            key: format!("2026/12/x_{side}p.mp4"),
            bytes: 1,
            playlist: format!("2026/12/x_{side}p.m3u8"),
            bandwidth: u64::from(side) * 1000,
            codecs: "avc1.64001f,mp4a.40.2".into(),
        };
        let made = VideoMade {
            renditions: vec![r(1080, 1920), r(720, 1280), r(480, 852)],
            hls: "2026/12/x.m3u8".into(),
            posters: vec![],
            aigc: None,
        };
        let m = master_playlist(&made);
        let lists: Vec<&str> = m.lines().filter(|l| l.ends_with(".m3u8")).collect();
        assert_eq!(lists, ["x_720p.m3u8", "x_1080p.m3u8", "x_480p.m3u8"]);
        assert!(m.contains("BANDWIDTH=720000,RESOLUTION=1280x720"));
        let segs = segments(
            "#EXTM3U\n#EXTINF:6.000000,\nx_720p_00000.ts\n#EXTINF:2.5,\nx_720p_00001.ts\n#EXT-X-ENDLIST\n",
        );
        assert_eq!(
            segs,
            [
                ("x_720p_00000.ts".to_string(), 6.0),
                ("x_720p_00001.ts".to_string(), 2.5)
            ]
        );
    }
}
