//! The editor's autosave: every ~30 s and when the page is left, the form as
//! it stands goes to the server as the person's working copy of the story
//! (one per story and person, replaced each time, never a revision). The
//! editor offers it back next time; a real save, or 放弃, drops it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::Fields;
use super::SignedForm;
use super::stories::{load_visible, may_edit, parse_draft};
use crate::newsroom;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

async fn editable(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<newsroom::Story, AppError> {
    let story = load_visible(state, session, id).await?;
    if !may_edit(&story, &session.user) {
        return Err(AppError::Conflict(
            "这篇稿件现在不能修改(已进入后续审核或已定时签发),自动保存未进行".into(),
        ));
    }
    Ok(story)
}

/// `POST /admin/stories/{id}/autosave`: the editor's fields, as the save form
/// sends them; answers 204 (or the reason in Chinese, for the editor's status line).
pub async fn post_autosave(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let story = editable(&state, &session, id).await?;
    let base: i64 = f
        .get("version")
        .parse()
        .unwrap_or(story.state.article.version);
    // a half-written story is kept as it is; only what cannot be read at
    // all (no channel chosen yet) falls back to the story's
    let mut fields = f.0.clone();
    if f.get("channel_id").trim().parse::<i64>().is_err() {
        fields.retain(|(k, _)| k != "channel_id");
        fields.push(("channel_id".into(), story.draft.channel_id.to_string()));
    }
    let (draft, _) = parse_draft(&Fields(fields)).map_err(AppError::BadRequest)?;
    state
        .store
        .put_autosave(id, session.user.id, &draft, base, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// 放弃自动保存: back to the story as saved.
pub async fn post_discard(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, .. }: SignedForm,
) -> Result<Response, AppError> {
    load_visible(&state, &session, id).await?;
    state.store.drop_autosave(id, session.user.id).await?;
    Ok(Redirect::to(&format!("/admin/stories/{id}?done=discarded")).into_response())
}
