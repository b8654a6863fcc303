//! The editor's video: the `video_id` field (a library number, filled by
//! the upload or the chooser), the check that it is a video of the story's
//! site (its length is copied into the story for lists), and what the form
//! shows of it (state, poster frames, subtitles) and of the recent videos.

use super::Fields;
use crate::domain::draft::Draft;
use crate::domain::kind::Parts;
use crate::domain::user::User;
use crate::domain::video::VideoUse;
use crate::state::AppState;
use crate::web::error::AppError;

pub(super) fn parse_video(f: &Fields) -> Result<Option<VideoUse>, String> {
    match f.get("video_id").trim() {
        "" => Ok(None),
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(|video_id| {
                Some(VideoUse {
                    video_id,
                    seconds: 0,
                })
            })
            .ok_or_else(|| format!("视频编号“{t}”不对,应为视频库里的编号")),
    }
}

/// The story's video is in the library, of the story's site; its length
/// goes into the story (lists show it).
pub(super) async fn check_video(
    state: &AppState,
    site_id: &str,
    parts: &mut Parts,
) -> Result<(), AppError> {
    let Some(u) = parts.video.as_mut() else {
        return Ok(());
    };
    match state.store.video(u.video_id).await? {
        None => Err(AppError::BadRequest(format!(
            "视频库里没有编号为 {} 的视频,请检查视频编号",
            u.video_id
        ))),
        Some(v) if v.site_id != site_id => Err(AppError::BadRequest(format!(
            "视频 {} 属于其他站点的视频库,不能用在这个站点的稿件里",
            u.video_id
        ))),
        Some(v) => {
            u.seconds = v.probe.seconds();
            Ok(())
        }
    }
}

/// The story's video as the editor shows it, and the person's recent
/// videos to choose from.
pub(super) async fn editor_video(
    state: &AppState,
    d: &Draft,
    user: &User,
) -> Result<(Option<serde_json::Value>, Vec<serde_json::Value>), AppError> {
    let current = match &d.parts.video {
        Some(u) => state
            .store
            .video(u.video_id)
            .await?
            .map(|v| super::videos::video_json(&v)),
        None => None,
    };
    let sites = user.library_sites();
    let recent = state
        .store
        .recent_videos(sites.as_deref(), 20)
        .await?
        .iter()
        .map(super::videos::video_json)
        .collect();
    Ok((current, recent))
}
