//! `video_process`: make a video's renditions, HLS playlists and poster
//! candidates with ffmpeg (`media::video`), store them, then record them,
//! which logs `video:ID` so the pages showing the video re-render with its
//! player. The job renews its claim while it runs (a transcode outlasts the
//! lease), so no second node takes it up; if this node dies, the claim runs
//! out and another node starts it again from the original (idempotent:
//! the same keys, the same files).
//!
//! A file ffmpeg cannot decode fails the video with a message for the
//! editor and ends the job (no retry loop); a missing ffmpeg or a storage
//! failure is retried later.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;

use crate::db::Job;
use crate::domain::video::VideoState;
use crate::media::video::VideoError;
use crate::state::AppState;

/// The prefix of a video job's working directory under `DATA_DIR/tmp`.
const SCRATCH_PREFIX: &str = "video-";

/// Remove every video job's working directory left under `data_dir/tmp`
/// (a job killed mid-way, by a crash or kill -9, leaves its copy of the
/// source and its partial renditions). Called at start-up and before each
/// video job: long jobs run one at a time in a process (`jobs::run_long`),
/// so none of them is in use then. Answers how many were removed.
pub fn sweep_scratch(data_dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(data_dir.join("tmp")) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        if name.to_string_lossy().starts_with(SCRATCH_PREFIX)
            && e.file_type().is_ok_and(|t| t.is_dir())
        {
            match std::fs::remove_dir_all(e.path()) {
                Ok(()) => removed += 1,
                Err(err) => {
                    tracing::warn!(dir = %e.path().display(), error = %err, "cannot remove a stale video scratch directory")
                }
            }
        }
    }
    if removed > 0 {
        tracing::info!(removed, "stale video scratch directories removed");
    }
    removed
}

/// A working directory removed however the job ends.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) async fn run(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id: i64 = job.key.parse().context("video job key is not an id")?;
    let Some(v) = state.store.video(id).await? else {
        return Ok(());
    };
    // what an earlier run of this or another video left (killed mid-way)
    let data_dir = state.config.data_dir.clone();
    tokio::task::spawn_blocking(move || sweep_scratch(&data_dir)).await?;
    // a source queued before the limits were held to them is refused now
    if v.ready().is_none()
        && let Err(why) = v.probe.within_limits()
    {
        state
            .store
            .video_progress(id, VideoState::Failed, 0, &why)
            .await?;
        return Ok(());
    }
    // the implicit label its renditions must carry: the upload's own, or
    // the one Gazette writes for a video a declared story publishes
    let wanted = if v.probe.aigc.is_some() || state.store.video_declared(id).await? {
        let site = state
            .store
            .sites()
            .await?
            .into_iter()
            .find(|s| s.id == v.site_id);
        let propagator = site
            .map(|s| s.organisation().to_string())
            .unwrap_or_default();
        let found = v
            .probe
            .aigc
            .as_deref()
            .and_then(crate::domain::ai::Aigc::parse);
        Some(
            crate::domain::ai::Aigc::for_files(
                found.as_ref(),
                &propagator,
                &format!("{}:video:{id}", v.site_id),
            )
            .to_json(),
        )
    } else {
        None
    };
    // a ready video whose files carry the wanted label is done; one made
    // before its story was declared is made again with the label, staying
    // playable (its state untouched) until the new files are recorded
    let relabel = match v.ready() {
        Some(m) if m.aigc == wanted => return Ok(()),
        Some(_) => true,
        None => false,
    };
    let cfg = &state.config.video;
    if !crate::media::video::available(cfg).await {
        let why = VideoError::NoFfmpeg.to_string();
        state
            .store
            .video_progress(id, VideoState::Queued, 0, &why)
            .await?;
        anyhow::bail!("ffmpeg is not installed ({})", cfg.ffmpeg.display());
    }
    if !relabel {
        state
            .store
            .video_progress(id, VideoState::Processing, 0, "")
            .await?;
    }
    let started = std::time::Instant::now();
    let scratch = Scratch(state.config.data_dir.join("tmp").join(format!(
        "{SCRATCH_PREFIX}{id}-{}",
        crate::token::random_token()
    )));
    tokio::fs::create_dir_all(&scratch.0)
        .await
        .with_context(|| format!("cannot create {}", scratch.0.display()))?;
    let ext = v.key.rsplit('.').next().unwrap_or("mp4");
    let src = scratch.0.join(format!("source.{ext}"));
    if !crate::media::copy_to_file(state.media.as_ref(), &v.key, &src).await? {
        state
            .store
            .video_progress(id, VideoState::Failed, 0, "原始视频文件缺失,请重新上传")
            .await?;
        return Ok(());
    }
    let out = scratch.0.join("out");
    tokio::fs::create_dir_all(&out).await?;

    // the heartbeat: progress for the editor, and the claim renewed
    let (progress, mut heard) = tokio::sync::watch::channel(0u8);
    let beat = super::AbortOnDrop({
        let state = state.clone();
        let job_id = job.id;
        tokio::spawn(async move {
            let every = Duration::from_secs((state.config.job_lease / 3).clamp(1, 10) as u64);
            loop {
                tokio::time::sleep(every).await;
                let pct = *heard.borrow_and_update();
                let until = state.now() + state.config.job_lease;
                match state
                    .store
                    .extend_claim(job_id, &state.config.node_id, until)
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(job = job_id, "video job claim was lost"),
                    Err(e) => {
                        tracing::warn!(job = job_id, error = %e, "cannot renew the video job claim")
                    }
                }
                if relabel {
                    continue;
                }
                let _ = state
                    .store
                    .video_progress(id, VideoState::Processing, pct, "")
                    .await;
            }
        })
    });
    let result = make(
        state,
        &v.key,
        &v.probe,
        &src,
        &out,
        wanted.as_deref(),
        &progress,
    )
    .await;
    drop(beat);
    match result {
        Ok(made) => {
            state.store.set_video_made(id, &made, state.now()).await?;
            crate::follow::after_write(state).await;
            tracing::info!(
                video = id,
                renditions = made.renditions.len(),
                secs = started.elapsed().as_secs_f64(),
                "video processed"
            );
            Ok(())
        }
        Err(e) if e.retryable() => {
            state
                .store
                .video_progress(id, VideoState::Queued, 0, &e.to_string())
                .await?;
            Err(anyhow::anyhow!(e)).context(format!("processing video {id}"))
        }
        Err(e) => {
            tracing::warn!(video = id, error = %e, "video cannot be processed");
            state
                .store
                .video_progress(id, VideoState::Failed, 0, &e.to_string())
                .await?;
            Ok(())
        }
    }
}

/// Make the files and put each into the media store.
async fn make(
    state: &AppState,
    key: &str,
    probe: &crate::domain::video::Probe,
    src: &Path,
    out: &Path,
    label: Option<&str>,
    progress: &tokio::sync::watch::Sender<u8>,
) -> Result<crate::domain::video::VideoMade, VideoError> {
    let (made, files) =
        crate::media::video::process(&state.config.video, src, key, probe, out, label, progress)
            .await?;
    let total = files.len().max(1);
    for (i, f) in files.iter().enumerate() {
        let ct =
            crate::domain::media_key::content_type(&f.key).unwrap_or("application/octet-stream");
        state
            .media
            .put_file(&f.key, &f.path, ct)
            .await
            .map_err(|e| VideoError::Io(e.to_string()))?;
        progress.send_replace((96 + i * 4 / total) as u8);
    }
    Ok(made)
}
