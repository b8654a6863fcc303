//! 视频: the player (`render::video`), a `VideoObject` and `og:video`.

use super::{Added, StoryInput, StoryPage};
use crate::domain::picture::Ratio;

pub(super) struct VideoPage;

#[async_trait::async_trait]
impl StoryPage for VideoPage {
    fn template(&self) -> &'static str {
        "portal/video.html"
    }

    async fn add(&self, s: &mut StoryInput<'_>) -> anyhow::Result<Added> {
        let mut added = Added::default();
        let a = s.article;
        let video = match &a.parts.video {
            Some(u) => {
                s.deps.insert(format!("video:{}", u.video_id));
                match s.env.store.video(u.video_id).await? {
                    Some(v) if v.site_id == a.site_id => {
                        let poster = s.lead().and_then(|p| {
                            p.largest_as(Some(Ratio::Wide), "webp")
                                .map(|(url, _, _)| url)
                        });
                        let mut view = crate::render::video::view(&v, poster);
                        // the story's own subtitles, as signed with it
                        match u.subtitles.as_deref() {
                            Some(crate::domain::video::NO_SUBTITLES) => view.subtitles = None,
                            Some(k) => view.subtitles = Some(format!("/media/{k}")),
                            None => {}
                        }
                        Some(view)
                    }
                    _ => None,
                }
            }
            None => None,
        };
        if let Some(v) = &video {
            let origin = s.origin.to_string();
            if let Some(mut ld) = crate::render::video::structured(
                v,
                &a.title,
                s.description,
                a.signed_at.map(crate::domain::text::datetime_rfc3339),
                |path: &str| format!("{origin}{path}"),
            ) {
                ld["@context"] = serde_json::json!("https://schema.org");
                added.structured.push(ld);
            }
            if v.ready {
                added.og_video = Some((s.absolute(&v.mp4), v.width, v.height));
            }
        }
        added.field("video", video)?;
        Ok(added)
    }
}
