//! The video library's storage: one row per uploaded video (its original,
//! what ffprobe found, the processing job's state and progress, what it
//! made, its subtitles) and the `video_process` job that makes its files.
//! A change a page can show (files made, new subtitles) logs `video:ID`.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::video::{Probe, Video, VideoMade, VideoState};

/// An upload that passed the probe, before it has an id.
#[derive(Debug, Clone, Default)]
pub struct NewVideo {
    pub site_id: String,
    pub key: String,
    pub name: String,
    pub bytes: i64,
    pub probe: Probe,
}

/// The video library's filters and page.
#[derive(Debug, Clone, Default)]
pub struct VideoQuery {
    pub sites: Option<Vec<String>>,
    pub q: String,
    pub state: Option<VideoState>,
    pub before: Option<(i64, i64)>,
    pub limit: i64,
}

#[async_trait]
pub trait Videos: Send + Sync {
    /// Add an upload to the library with its `video_process` job, in one
    /// transaction. The same file uploaded for the same site again answers
    /// the video it already is (`false`: not new).
    async fn add_video(&self, v: &NewVideo, actor: &Actor, now: i64) -> StoreResult<(Video, bool)>;
    async fn video(&self, id: i64) -> StoreResult<Option<Video>>;
    /// The video library: newest first, of `sites` (`None`: all), whose
    /// name holds `q`, in `state`, before the (created_at, id) cursor.
    async fn video_library(&self, q: &VideoQuery) -> StoreResult<Vec<Video>>;
    /// Every 视频 story with the video it shows: (video id, the story).
    async fn video_stories(&self) -> StoreResult<Vec<(i64, super::PictureUseOf)>>;
    /// The videos whose processing job is due and unclaimed (at most 200,
    /// oldest first), each with how many of its uploader's videos were
    /// processed since `since` or are being processed: the fair queue's
    /// input (`domain::video::fair_next`).
    async fn video_queue(
        &self,
        now: i64,
        since: i64,
    ) -> StoreResult<Vec<crate::domain::video::Queued>>;
    /// The stories whose content shows video `id` (newest first, at most
    /// 200), with their status.
    async fn video_uses(&self, id: i64) -> StoreResult<Vec<super::PictureUseOf>>;
    /// Whether a live 视频 story declared AI-generated plays the video.
    async fn video_declared(&self, id: i64) -> StoreResult<bool>;
    /// Videos by id, in no particular order; ids not found are left out.
    async fn videos(&self, ids: &[i64]) -> StoreResult<Vec<Video>>;
    /// The newest videos of these sites (the editor's chooser).
    async fn recent_videos(&self, sites: Option<&[String]>, limit: i64) -> StoreResult<Vec<Video>>;
    /// Where processing is (the editor polls it; pages do not show it, so
    /// nothing is logged). `error` only with `Failed`.
    async fn video_progress(
        &self,
        id: i64,
        state: VideoState,
        progress: u8,
        error: &str,
    ) -> StoreResult<()>;
    /// Every file is stored: the video is ready; logs `video:ID`.
    async fn set_video_made(&self, id: i64, made: &VideoMade, now: i64) -> StoreResult<()>;
    /// New WebVTT subtitles (or none); logs `video:ID` and a record row.
    async fn set_video_subtitles(
        &self,
        id: i64,
        key: Option<&str>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Video>;
}
