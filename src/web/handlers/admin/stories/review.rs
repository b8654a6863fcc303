//! The review view: the whole story as the reviewer after 初审 and the
//! 签发人 sign it, not only its title and body: 题图 and gallery pictures
//! with their captions, credits and 替代文字, the video with its poster and
//! subtitles, byline, 编辑, channels, summary, tags, the AI declaration and a
//! reprint's origin. Whoever signs is responsible for all of it.

use serde::Serialize;

use crate::domain::article::Byline;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::handlers::admin::story_pictures::{EditorPicture, editor_pictures};

#[derive(Serialize)]
pub(super) struct ReviewView {
    lead: Option<EditorPicture>,
    gallery: Vec<EditorPicture>,
    video: Option<serde_json::Value>,
    byline: String,
    /// 责任编辑; empty until an editor names one or 初审 approves.
    editor: String,
    channels: Vec<String>,
    kind: &'static str,
    ai: &'static str,
}

pub(super) async fn view(state: &AppState, story: &Story) -> Result<ReviewView, AppError> {
    let d = &story.draft;
    let lead = editor_pictures(state, &d.parts.lead.iter().collect::<Vec<_>>())
        .await?
        .pop();
    let gallery = editor_pictures(state, &d.parts.gallery.iter().collect::<Vec<_>>()).await?;
    let video = match &d.parts.video {
        Some(u) => state
            .store
            .video(u.video_id)
            .await?
            .map(|v| crate::web::handlers::admin::videos::video_json(&v)),
        None => None,
    };
    let tree =
        crate::domain::ChannelTree::new(state.store.channels(&story.state.article.site_id).await?);
    let channels = std::iter::once(d.channel_id)
        .chain(d.extra_channel_ids.iter().copied())
        .filter_map(|id| tree.by_id(id))
        .map(|c| {
            tree.chain(&c.path)
                .iter()
                .map(|x| x.name.clone())
                .collect::<Vec<_>>()
                .join(" > ")
        })
        .collect();
    Ok(ReviewView {
        lead,
        gallery,
        video,
        byline: byline(&d.byline),
        editor: d.editor.clone(),
        channels,
        kind: d.kind.label(),
        ai: d.ai.choice(),
    })
}

/// 记者 张三 李四 通讯员 王五: roles in order, names under each.
fn byline(rows: &[Byline]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut last_role = "";
    for b in rows {
        if b.role != last_role && !b.role.is_empty() {
            out.push(b.role.clone());
            last_role = &b.role;
        }
        out.push(b.name.clone());
    }
    out.join(" ")
}
