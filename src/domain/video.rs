//! A video of the library (视听): what its upload is (the probe), what the
//! processing job makes of it (the rendition ladder, HLS, poster frames),
//! the keys of those files, and how its length is written. No I/O here:
//! `media::video` runs ffmpeg, `jobs::video_process` records what it made.

use serde::{Deserialize, Serialize};

/// What ffprobe found in an upload. Width and height are as the video
/// plays (a phone clip recorded on its side with a rotation is upright).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Probe {
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
    pub video_codec: String,
    /// None: the video has no sound.
    pub audio_codec: Option<String>,
    pub fps: f64,
    /// The demuxer ffmpeg reads it with (`mov` or `matroska`): given to
    /// every run, so no other demuxer ever opens the file.
    #[serde(default)]
    pub demuxer: String,
    /// The GB 45438 `AIGC` label the uploaded file carried (JSON), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aigc: Option<String>,
}

impl Probe {
    pub fn seconds(&self) -> u32 {
        (self.duration_ms.div_ceil(1000)).min(u64::from(u32::MAX)) as u32
    }

    /// Whether the source is within what the newsroom processes (issue 24
    /// §4): at most 4096 pixels a side and a 4K frame's area, 60 frames a
    /// second, two hours, and 4K at 60 fps worth of pixels a second. The
    /// refusal says what to do. What passes encodes in bounded time on a
    /// small machine; an 8192 x 8192 source would hold the queue for hours.
    pub fn within_limits(&self) -> Result<(), String> {
        let (w, h) = (u64::from(self.width), u64::from(self.height));
        if w.max(h) > MAX_SIDE || w * h > MAX_PIXELS {
            return Err(format!(
                "视频画面太大({}×{}):最大支持 4K(3840×2160),请先压缩为 1080p 或 4K 后重新上传",
                self.width, self.height
            ));
        }
        if self.fps > MAX_FPS {
            return Err(format!(
                "视频帧率太高({:.0} 帧/秒):最高支持 60 帧/秒,请转为 25、30 或 60 帧后重新上传",
                self.fps
            ));
        }
        if self.duration_ms > MAX_SECONDS * 1000 {
            return Err(format!(
                "视频太长({}):最长支持 2 小时,请剪短或分段上传",
                clock(self.seconds())
            ));
        }
        if (w * h) as f64 * self.fps.max(1.0) > MAX_PIXELS as f64 * 60.0 {
            return Err(
                "视频的画面尺寸和帧率合起来超出处理能力,请降低分辨率或帧率后重新上传".into(),
            );
        }
        Ok(())
    }
}

/// A video waiting for its processing job, as the fair queue weighs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub job_id: i64,
    pub run_at: i64,
    pub uploader_id: Option<i64>,
    pub probe: Probe,
    /// The uploader's videos processed (or being processed) in the last
    /// hour.
    pub uploader_recent: i64,
}

impl Queued {
    /// The work it takes, in seconds of 1080p.
    fn cost(&self) -> f64 {
        let frame =
            (f64::from(self.probe.width) * f64::from(self.probe.height)) / (1920.0 * 1080.0);
        self.probe.duration_ms as f64 / 1000.0 * frame.max(0.05)
    }
}

/// Which queued video to process next (issue 24 §4): the uploader who has
/// had the fewest videos processed in the last hour first (one person's
/// twenty uploads do not hold everyone else's), then the least work, a
/// waiting job's work shrinking with its wait (a long clip is not starved
/// by a stream of short ones; a short clip is not stuck behind a long one).
pub fn fair_next(queue: &[Queued], now: i64) -> Option<usize> {
    let score = |q: &Queued| q.cost() - (now - q.run_at).max(0) as f64 / 2.0;
    (0..queue.len()).min_by(|&a, &b| {
        let (qa, qb) = (&queue[a], &queue[b]);
        qa.uploader_recent
            .cmp(&qb.uploader_recent)
            .then(score(qa).total_cmp(&score(qb)))
            .then(qa.run_at.cmp(&qb.run_at))
            .then(qa.job_id.cmp(&qb.job_id))
    })
}

/// The longest side of a source video.
pub const MAX_SIDE: u64 = 4096;
/// The largest frame: 4096 x 2304 (4K DCI and UHD fit).
pub const MAX_PIXELS: u64 = 4096 * 2304;
/// The highest frame rate (a little over 60 for rounding, 59.94).
pub const MAX_FPS: f64 = 60.5;
/// The longest source: two hours.
pub const MAX_SECONDS: u64 = 2 * 3600;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoState {
    /// Uploaded, its job not yet started.
    #[default]
    Queued,
    Processing,
    Ready,
    /// The job gave up: `Video::error` says why in words for the editor.
    Failed,
}

impl VideoState {
    pub const ALL: [VideoState; 4] = [
        VideoState::Queued,
        VideoState::Processing,
        VideoState::Ready,
        VideoState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VideoState::Queued => "queued",
            VideoState::Processing => "processing",
            VideoState::Ready => "ready",
            VideoState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<VideoState> {
        VideoState::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            VideoState::Queued => "等待处理",
            VideoState::Processing => "处理中",
            VideoState::Ready => "可播放",
            VideoState::Failed => "处理失败",
        }
    }
}

/// One rung of the ladder the job makes: the short side (1080, 720, 480)
/// and the size and bitrate cap that follow from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The rung's name in keys and the player: `720p`.
    pub short_side: u32,
    pub width: u32,
    pub height: u32,
    /// `-maxrate` for the encoder (kbit/s), so a segment never bursts far
    /// past what the master playlist promises.
    pub maxrate_kbps: u32,
}

const RUNGS: [(u32, u32); 3] = [(1080, 5000), (720, 2800), (480, 1400)];

/// The renditions to make of a `width` x `height` video: each rung of
/// 1080p, 720p, 480p the source reaches (never upscaled); a source smaller
/// than 480p gets one rendition at its own size. Portrait clips are laddered
/// by their short side too.
pub fn ladder(width: u32, height: u32) -> Vec<Target> {
    let short = width.min(height).max(2);
    let long = width.max(height).max(2);
    let mut rungs: Vec<(u32, u32)> = RUNGS.into_iter().filter(|(r, _)| *r <= short).collect();
    if rungs.is_empty() {
        rungs.push((even(short), 1000));
    }
    rungs
        .into_iter()
        .map(|(side, maxrate)| {
            let other = even((u64::from(long) * u64::from(side) / u64::from(short)) as u32);
            let (w, h) = if width >= height {
                (other, side)
            } else {
                (side, other)
            };
            Target {
                short_side: side,
                width: w,
                height: h,
                maxrate_kbps: maxrate,
            }
        })
        .collect()
}

fn even(n: u32) -> u32 {
    (n / 2 * 2).max(2)
}

/// Seconds into a video of `duration_ms` at which poster candidates are cut.
pub fn poster_times(duration_ms: u64) -> Vec<f64> {
    let secs = duration_ms as f64 / 1000.0;
    if secs < 1.0 {
        return vec![0.0];
    }
    [0.1, 0.35, 0.6, 0.85]
        .iter()
        .map(|f| (secs * f * 10.0).round() / 10.0)
        .collect()
}

/// One made rendition: an MP4 to play or download, and its HLS playlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendition {
    pub short_side: u32,
    pub width: u32,
    pub height: u32,
    /// The MP4 (`+faststart`: plays before it has all arrived).
    pub key: String,
    pub bytes: u64,
    /// Its HLS media playlist.
    pub playlist: String,
    /// Bits per second the master playlist announces (the peak of its segments).
    pub bandwidth: u64,
    /// RFC 6381 codecs (`avc1.64001f,mp4a.40.2`).
    pub codecs: String,
}

/// What the processing job made, recorded once every file is stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VideoMade {
    /// Largest first.
    pub renditions: Vec<Rendition>,
    /// The HLS master playlist.
    pub hls: String,
    /// Poster candidates (JPEG frames), in time order.
    pub posters: Vec<String>,
    /// The `AIGC` label (JSON) every MP4 rendition carries, if labelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aigc: Option<String>,
}

impl VideoMade {
    /// The rendition pages name first: 720p when made, else the nearest.
    pub fn default_rendition(&self) -> Option<&Rendition> {
        self.renditions
            .iter()
            .min_by_key(|r| (i64::from(r.short_side) - 720).abs())
    }

    /// Every file the job made (renditions, playlists, posters; segments
    /// are named in the playlists), for the export's and the tests' checks.
    pub fn keys(&self) -> Vec<&str> {
        let mut k: Vec<&str> = vec![self.hls.as_str()];
        for r in &self.renditions {
            k.push(&r.key);
            k.push(&r.playlist);
        }
        k.extend(self.posters.iter().map(String::as_str));
        k
    }
}

/// A video of the library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Video {
    pub id: i64,
    pub site_id: String,
    /// The original upload.
    pub key: String,
    /// The uploaded file's name, for the newsroom.
    pub name: String,
    pub bytes: i64,
    pub probe: Probe,
    pub state: VideoState,
    /// Percent done while processing.
    pub progress: u8,
    /// Why processing failed, in words for the editor.
    pub error: String,
    pub made: Option<VideoMade>,
    /// WebVTT subtitles (字幕), when an editor gave them.
    pub subtitles: Option<String>,
    pub uploader: String,
    pub created_at: i64,
}

impl Video {
    pub fn ready(&self) -> Option<&VideoMade> {
        self.made
            .as_ref()
            .filter(|_| self.state == VideoState::Ready)
    }
}

/// The media key stem of a video's files: the original's key without its
/// extension (`2026/12/ab12cd`).
pub fn stem(key: &str) -> &str {
    key.rsplit_once('.').map_or(key, |(s, _)| s)
}

/// `2026/12/ab12cd_720p.mp4` and the like: what a file of the video is.
pub fn file_key(original: &str, suffix: &str, ext: &str) -> String {
    format!("{}_{suffix}.{ext}", stem(original))
}

/// `VideoUse::subtitles` of a story that removed the library's subtitles.
pub const NO_SUBTITLES: &str = "none";

/// A story's use of a library video (a part of a 视频 story).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VideoUse {
    pub video_id: i64,
    /// Its length in seconds, copied from the library when the story is
    /// saved, for lists (▶ 03:12) without reading the video.
    pub seconds: u32,
    /// The story's WebVTT subtitles (字幕), a media key: part of the story's
    /// revision, so new subtitles on a published video are reviewed and
    /// signed like its text (issue 24 §2). `None`: the library's, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitles: Option<String>,
}

/// `03:12`, or `1:02:03` past an hour: the length lists show.
pub fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

/// ISO 8601 duration for structured data: `PT3M12S`.
pub fn iso_duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_never_upscales_and_keeps_portrait_upright() {
        let l = ladder(1920, 1080);
        assert_eq!(
            l.iter().map(|t| (t.width, t.height)).collect::<Vec<_>>(),
            [(1920, 1080), (1280, 720), (852, 480)]
        );
        let l = ladder(1280, 720);
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].short_side, 720);
        // a phone held upright
        let l = ladder(1080, 1920);
        assert_eq!((l[1].width, l[1].height), (720, 1280));
        // smaller than 480p: one rendition at its own size, even sides
        let l = ladder(427, 241);
        assert_eq!(l.len(), 1);
        assert_eq!((l[0].width, l[0].height), (424, 240));
    }

    #[test]
    fn lengths_as_lists_and_search_engines_write_them() {
        assert_eq!(clock(192), "03:12");
        assert_eq!(clock(3723), "1:02:03");
        assert_eq!(iso_duration(192), "PT3M12S");
        assert_eq!(iso_duration(3600), "PT1H");
        assert_eq!(iso_duration(0), "PT0S");
        assert_eq!(
            Probe {
                duration_ms: 6001,
                ..Default::default()
            }
            .seconds(),
            7
        );
    }

    #[test]
    fn the_queue_serves_people_in_turn_and_short_clips_first() {
        let q = |job_id, uploader, seconds: u64, run_at, recent| Queued {
            job_id,
            run_at,
            uploader_id: Some(uploader),
            probe: Probe {
                duration_ms: seconds * 1000,
                width: 1920,
                height: 1080,
                ..Default::default()
            },
            uploader_recent: recent,
        };
        let now = 10_000;
        // A uploaded a long clip first; B's 6-second clip goes before it
        let long_then_short = [q(1, 1, 3600, now - 60, 0), q(2, 2, 6, now - 5, 0)];
        assert_eq!(fair_next(&long_then_short, now), Some(1));
        // A has had three processed this hour: B's next one goes first even if longer
        let turns = [q(1, 1, 6, now - 100, 3), q(2, 2, 600, now - 10, 0)];
        assert_eq!(fair_next(&turns, now), Some(1));
        // a long clip that waited long enough comes before fresh short ones
        let aged = [q(1, 1, 600, now - 3000, 0), q(2, 2, 30, now, 0)];
        assert_eq!(fair_next(&aged, now), Some(0));
        assert_eq!(fair_next(&[], now), None);
    }

    #[test]
    fn sources_past_4k_60_fps_or_two_hours_are_refused_with_what_to_do() {
        let p = |width, height, fps, seconds: u64| Probe {
            width,
            height,
            fps,
            duration_ms: seconds * 1000,
            ..Default::default()
        };
        assert!(p(1920, 1080, 30.0, 600).within_limits().is_ok());
        assert!(p(3840, 2160, 59.94, 7200).within_limits().is_ok());
        assert!(p(1080, 1920, 30.0, 60).within_limits().is_ok());
        assert!(
            p(8192, 8192, 30.0, 10)
                .within_limits()
                .unwrap_err()
                .contains("画面太大")
        );
        assert!(
            p(7680, 1080, 30.0, 10)
                .within_limits()
                .unwrap_err()
                .contains("画面太大")
        );
        assert!(
            p(1280, 720, 120.0, 10)
                .within_limits()
                .unwrap_err()
                .contains("帧率太高")
        );
        assert!(
            p(1280, 720, 30.0, 7201)
                .within_limits()
                .unwrap_err()
                .contains("太长")
        );
    }

    #[test]
    fn file_keys_sit_beside_the_original() {
        assert_eq!(
            file_key("2026/12/ab12.mov", "720p", "mp4"),
            "2026/12/ab12_720p.mp4"
        );
        assert_eq!(poster_times(60_000), [6.0, 21.0, 36.0, 51.0]);
        assert_eq!(poster_times(500), [0.0]);
    }
}
