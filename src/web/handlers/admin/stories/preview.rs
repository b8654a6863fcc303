//! The public page of a story not (yet) live, as readers will see it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::load_visible;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// The story as the public page will show it, from the working draft.
pub async fn get_preview(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let story = load_visible(&state, &session, id).await?;
    let mut article = story.state.article.clone();
    story.draft.apply_to(&mut article);
    let page = crate::render::preview(&state, &article).await?;
    Ok((
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, page.content_type)],
        page.body,
    )
        .into_response())
}
