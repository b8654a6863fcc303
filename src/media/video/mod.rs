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

use tokio::process::Command;

use crate::config::VideoConfig;
use crate::domain::video::{Probe, Rendition, Target, VideoMade, ladder, poster_times};

mod hls;
mod probe;
mod run;

pub use hls::{master_playlist, segments};
use probe::codecs;
pub use probe::{parse_probe, probe};
use run::{io, run};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VideoError {
    #[error("服务器未安装 ffmpeg,暂时无法上传和处理视频(管理员请运行 apt install ffmpeg)")]
    NoFfmpeg,
    #[error("无法识别的视频文件:请上传 MP4、MOV 或 WebM 格式的视频")]
    NotVideo,
    /// An MP4, MOV or WebM by its first bytes that ffprobe cannot read: cut
    /// off before its index.
    #[error("视频文件不完整(可能上传时中断,或文件没有保存完),请重新上传完整的文件")]
    Incomplete,
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
    // the length a file claims is bounded by `Probe::within_limits`; the
    // deadline too, whatever it claims
    Duration::from_secs((probe.duration_ms / 1000 * 8).clamp(300, 4 * 3600))
}

/// Whether ffmpeg's complaint is the disk's, not the file's: a full disk
/// (or quota) fails the job for now, to be tried again, never the video.
fn disk_full(stderr: &str) -> bool {
    stderr.contains("No space left on device") || stderr.contains("Disk quota exceeded")
}

/// A failed ffmpeg run: the disk's fault (retried later) or the file's.
fn failed(stderr: &str, what: &str) -> VideoError {
    if disk_full(stderr) {
        tracing::warn!(stderr = %stderr, "ffmpeg stopped: the disk is full");
        VideoError::Io("服务器存储空间已满,视频处理暂停;清理磁盘后会自动重试".into())
    } else {
        tracing::warn!(stderr = %stderr, "ffmpeg could not {what} the video");
        VideoError::Undecodable
    }
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
        // only local files, through the demuxer the probe chose
        .args(["-protocol_whitelist", "file"]);
    if !probe.demuxer.is_empty() {
        cmd.args(["-f", &probe.demuxer]);
    }
    cmd.arg("-i").arg(src);
    // the work scaled down first: every rung's filters run on at most the
    // largest rung's frame, not on the source's
    let largest = targets
        .iter()
        .max_by_key(|t| u64::from(t.width) * u64::from(t.height))
        .copied();
    let (mut graph, input) = match largest {
        Some(t)
            if u64::from(probe.width) * u64::from(probe.height)
                > u64::from(t.width) * u64::from(t.height) =>
        {
            (
                format!("[0:v]scale={}:{}:flags=bicubic[pre];", t.width, t.height),
                "[pre]",
            )
        }
        _ => (String::new(), "[0:v]"),
    };
    if targets.len() == 1 {
        graph.push_str(&format!("{input}null[s0]"));
    } else {
        let outs: String = (0..targets.len()).map(|i| format!("[s{i}]")).collect();
        graph.push_str(&format!("{input}split={}{outs}", targets.len()));
    }
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
        return Err(failed(&out.stderr, "encode"));
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
            return Err(failed(&out.stderr, "segment"));
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
        return Err(failed(&out.stderr, "cut the posters of"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_the_machines_fault_and_retried_not_the_files() {
        let full = failed(
            "[out#0/mp4 @ 0x55] Error writing trailer: No space left on device",
            "encode",
        );
        assert!(full.retryable(), "{full:?}");
        assert!(full.to_string().contains("存储空间已满"));
        let bad = failed("Invalid data found when processing input", "encode");
        assert_eq!(bad, VideoError::Undecodable);
        assert!(!bad.retryable());
    }

    #[test]
    fn the_deadline_is_bounded_whatever_the_file_claims() {
        let p = |secs: u64| Probe {
            duration_ms: secs * 1000,
            ..Default::default()
        };
        assert_eq!(deadline(&p(5)), Duration::from_secs(300));
        assert_eq!(deadline(&p(600)), Duration::from_secs(4800));
        assert_eq!(deadline(&p(1_000_000)), Duration::from_secs(4 * 3600));
    }
}
