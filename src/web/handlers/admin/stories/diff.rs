//! Two revisions of a story compared field by field.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::load_visible;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::render;

#[derive(Deserialize)]
pub struct DiffQuery {
    a: Option<i64>,
    b: Option<i64>,
}

pub async fn get_diff(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, AppError> {
    load_visible(&state, &session, id).await?;
    let (Some(a), Some(b)) = (q.a, q.b) else {
        return Err(AppError::BadRequest("请选择要比较的两稿".into()));
    };
    let ra = state
        .store
        .revision(id, a)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有第 {a} 稿")))?;
    let rb = state
        .store
        .revision(id, b)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有第 {b} 稿")))?;
    let mut names = std::collections::HashMap::new();
    for site in state.store.sites().await? {
        for c in state.store.channels(&site.id).await? {
            names.insert(c.id, format!("{}·{}", site.name, c.name));
        }
    }
    let name = move |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("栏目 {id}"))
    };
    // compared on the CPU pool: two large revisions take real time
    let changed = state
        .work
        .cpu
        .run(move || {
            crate::domain::diff::draft_lines(&ra.draft, &name)
                .into_iter()
                .zip(crate::domain::diff::draft_lines(&rb.draft, &name))
                .filter(|((_, la), (_, lb))| la != lb)
                .map(|((name, la), (_, lb))| (name, crate::domain::diff::lines(&la, &lb)))
                .collect::<Vec<_>>()
        })
        .await?;
    let fields: Vec<_> = changed
        .into_iter()
        .map(|(name, lines)| minijinja::context! { name, lines })
        .collect();
    let ctx = minijinja::context! { title => "比较修改", story_id => id, a, b, fields };
    Ok(render(&state, Some(&session), "admin/diff.html", ctx)?.into_response())
}
