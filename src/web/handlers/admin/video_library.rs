//! 视频库: every uploaded video of the person's sites, newest first, found
//! by name and state, with its poster, length, state (and why it failed),
//! subtitles and the stories that show it; like the 图片库.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{datetime, render};
use crate::db::VideoQuery;
use crate::domain::video::VideoState;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

const PAGE: i64 = 30;

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct LibraryParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    site: String,
    /// `AT.ID` of the last video of the previous page.
    #[serde(default)]
    before: String,
}

pub async fn get_videos(
    State(state): State<AppState>,
    session: Session,
    Query(p): Query<LibraryParams>,
) -> Result<Response, AppError> {
    let allowed = session.user.library_sites();
    if allowed.as_ref().is_some_and(|s| s.is_empty()) {
        return Err(AppError::Forbidden(
            "视频库供记者、编辑和图片编辑使用;您的账号没有这些角色".into(),
        ));
    }
    let sites = state.store.sites().await?;
    let visible: Vec<_> = sites
        .iter()
        .filter(|s| allowed.as_ref().is_none_or(|a| a.contains(&s.id)))
        .collect();
    let chosen = match p.site.trim() {
        "" => allowed.clone(),
        s if visible.iter().any(|v| v.id == s) => Some(vec![s.to_string()]),
        _ => return Err(AppError::BadRequest("没有这个站点,或不在您的范围内".into())),
    };
    let vstate = match p.state.trim() {
        "" => None,
        s => Some(
            VideoState::parse(s).ok_or_else(|| AppError::BadRequest("没有这种视频状态".into()))?,
        ),
    };
    let before = match p.before.split_once('.') {
        Some((a, b)) => Some((
            a.parse()
                .map_err(|_| AppError::BadRequest("翻页位置无效".into()))?,
            b.parse()
                .map_err(|_| AppError::BadRequest("翻页位置无效".into()))?,
        )),
        None if p.before.is_empty() => None,
        None => return Err(AppError::BadRequest("翻页位置无效".into())),
    };
    if p.q.chars().count() > 100 {
        return Err(AppError::BadRequest("查找的文字最多 100 个字".into()));
    }
    let mut found = state
        .store
        .video_library(&VideoQuery {
            sites: chosen,
            q: p.q.clone(),
            state: vstate,
            before,
            limit: PAGE + 1,
        })
        .await?;
    let more = found.len() as i64 > PAGE;
    found.truncate(PAGE as usize);
    let stories = state.store.video_stories().await?;
    let rows: Vec<minijinja::Value> = found
        .iter()
        .map(|v| {
            let j = super::videos::video_json(v);
            let used: Vec<minijinja::Value> = stories
                .iter()
                .filter(|(vid, _)| *vid == v.id)
                .map(|(_, s)| {
                    minijinja::context! {
                        id => s.article_id, title => s.title.clone(),
                        status => crate::domain::Status::parse(&s.status).map(|x| x.label()).unwrap_or_default(),
                    }
                })
                .collect();
            minijinja::context! {
                v => j, uploader => v.uploader.clone(), at => datetime(v.created_at),
                mb => format!("{:.1}", v.bytes as f64 / 1_048_576.0), used,
                site => sites.iter().find(|s| s.id == v.site_id).map_or(v.site_id.clone(), |s| s.name.clone()),
            }
        })
        .collect();
    let next = more
        .then(|| found.last().map(|v| (v.created_at, v.id)))
        .flatten()
        .map(|(at, id)| {
            let mut q = p.clone();
            q.before = format!("{at}.{id}");
            format!(
                "/admin/videos?{}",
                serde_urlencoded::to_string(&q).unwrap_or_default()
            )
        });
    let ctx = minijinja::context! {
        title => "视频库",
        rows, next, p => p.clone(), paged => before.is_some(),
        states => VideoState::ALL.iter().map(|s| (s.as_str(), s.label())).collect::<Vec<_>>(),
        sites => visible.iter().map(|s| minijinja::context! { id => s.id.clone(), name => s.name.clone() }).collect::<Vec<_>>(),
    };
    Ok(render(&state, Some(&session), "admin/videos.html", ctx)?.into_response())
}
