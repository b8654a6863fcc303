//! Writing a new story.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::editor::{EditPage, edit_page, refused_page};
use super::form::{check_draft, draft_from, parse_draft};
use super::saved_url;
use crate::domain::draft::Draft;
use crate::domain::html::sanitize_html;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::SignedForm;

pub async fn get_new(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    // the 编辑 (责任编辑) is left to the editor who takes the 初审
    let draft = Draft::default();
    edit_page(
        &state,
        &session,
        EditPage {
            story: None,
            draft: &draft,
            error: None,
            conflict: None,
            flash: None,
            act: None,
            restored: None,
        },
        StatusCode::OK,
    )
    .await
}

pub async fn post_new(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let (draft, removed_images) = match draft_from(&f) {
        Ok(d) => d,
        Err(msg) => {
            // everything typed stays in the form, with the reason
            let typed = parse_draft(&f).map(|(d, _)| d).unwrap_or_else(|_| Draft {
                title: f.get("title").to_string(),
                body_html: sanitize_html(f.get("body")),
                ..Default::default()
            });
            return refused_page(&state, &session, None, &typed, AppError::BadRequest(msg)).await;
        }
    };
    let (site, draft) = match check_draft(&state, &session.user, None, draft.clone()).await {
        Ok(checked) => checked,
        Err(e) => return refused_page(&state, &session, None, &draft, e).await,
    };
    let id = state
        .store
        .create_story(&site, &draft, &session.user, state.now())
        .await?;
    super::adopt_words(&state, &session, &draft).await;
    crate::follow::after_write(&state).await;
    tracing::info!(story = id, user = %session.user.username, "story created");
    Ok(Redirect::to(&saved_url(id, removed_images)).into_response())
}
