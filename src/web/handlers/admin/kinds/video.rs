//! 视频: the `video_id` field (a library number, filled by the upload or
//! the chooser), the check that it is a video of the story's site (its
//! length is copied into the story for lists), and what the fieldset shows
//! of it (state, poster frames, subtitles) and of the recent videos.

use super::{EditorPanel, Fields, Saving};
use crate::domain::draft::Draft;
use crate::domain::kind::Parts;
use crate::domain::user::User;
use crate::domain::video::VideoUse;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;

pub(super) struct VideoPanel;

#[async_trait::async_trait]
impl EditorPanel for VideoPanel {
    fn template(&self) -> Option<&'static str> {
        Some("admin/kinds/video.html")
    }

    fn parse(&self, f: &Fields, parts: &mut Parts) -> Result<(), String> {
        parts.video = parse_video(f)?;
        Ok(())
    }

    /// The story's video is in the library, of the story's site; its length
    /// goes into the story (lists show it).
    async fn check(&self, s: &Saving<'_>, draft: &mut Draft) -> Result<(), AppError> {
        let (state, site_id, parts) = (s.state, s.site_id, &mut draft.parts);
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
                // subtitles the upload made for this video (a file of it)
                if let Some(k) = u
                    .subtitles
                    .as_ref()
                    .filter(|k| *k != crate::domain::video::NO_SUBTITLES)
                {
                    let own = crate::domain::video::stem(&v.key)
                        .rsplit_once('/')
                        .is_some_and(|(month, _)| k.starts_with(&format!("{month}/")));
                    if !own || !k.ends_with(".vtt") || !crate::domain::media_key::is_safe(k) {
                        return Err(AppError::BadRequest(
                            "视频字幕文件不对:请重新上传字幕".into(),
                        ));
                    }
                }
                Ok(())
            }
        }
    }

    /// The story's video, and the person's recent videos to choose from.
    async fn context(
        &self,
        state: &AppState,
        user: &User,
        _story: Option<&Story>,
        d: &Draft,
    ) -> Result<minijinja::Value, AppError> {
        let current = match &d.parts.video {
            Some(u) => state
                .store
                .video(u.video_id)
                .await?
                .map(|v| super::super::videos::video_json(&v)),
            None => None,
        };
        let sites = user.library_sites();
        let recent: Vec<serde_json::Value> = state
            .store
            .recent_videos(sites.as_deref(), 20)
            .await?
            .iter()
            .map(super::super::videos::video_json)
            .collect();
        Ok(minijinja::context! { video => current, recent })
    }
}

fn parse_video(f: &Fields) -> Result<Option<VideoUse>, String> {
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
                    subtitles: Some(f.get("video_subtitles").trim().to_string())
                        .filter(|k| !k.is_empty()),
                })
            })
            .ok_or_else(|| format!("视频编号“{t}”不对,应为视频库里的编号")),
    }
}
