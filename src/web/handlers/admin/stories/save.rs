//! Saving what the form holds: the one path the 保存 button and every
//! workflow button of the editor take (a button pressed with unsaved edits
//! saves them first, so what is submitted is what was on the screen).

use axum::http::StatusCode;
use axum::response::Response;

use super::editor::{EditPage, conflict_page, edit_page, refused_page};
use super::form::{check_draft, draft_from, parse_draft};
use super::load_visible;
use crate::domain::draft::Draft;
use crate::domain::html::sanitize_html;
use crate::domain::workflow::{Action, Actor, Work};
use crate::newsroom::{self, Story};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::Fields;

/// The draft the form describes, checked against the store, and how many
/// images from elsewhere its body lost; or the form shown again with what
/// was typed and the reason beside its field.
pub(super) async fn typed_draft(
    state: &AppState,
    session: &Session,
    story: &Story,
    f: &Fields,
) -> Result<Result<(Draft, usize), Response>, AppError> {
    let (draft, removed_images) = match draft_from(f) {
        Ok(d) => d,
        Err(msg) => {
            let typed = parse_draft(f).map(|(d, _)| d).unwrap_or_else(|_| Draft {
                title: f.get("title").to_string(),
                body_html: sanitize_html(f.get("body")),
                ..story.draft.clone()
            });
            let err = AppError::BadRequest(msg);
            return Ok(Err(
                refused_page(state, session, Some(story), &typed, err).await?
            ));
        }
    };
    match check_draft(state, &session.user, Some(story), draft.clone()).await {
        Ok((_, checked)) => Ok(Ok((checked, removed_images))),
        Err(e) => Ok(Err(
            refused_page(state, session, Some(story), &draft, e).await?
        )),
    }
}

/// Save `draft` as the story's working revision at `version` (opening a
/// revision of a live story first). Answers the story as saved, or the page
/// to show instead: the conflict page (someone saved meanwhile) or the form
/// with the reason (the state allows no edit).
pub(super) async fn save(
    state: &AppState,
    session: &Session,
    mut story: Story,
    version: i64,
    draft: &Draft,
) -> Result<Result<Story, Response>, AppError> {
    let id = story.state.article.id;
    if version != story.state.article.version {
        let theirs = story.draft.clone();
        let msg = format!(
            "保存冲突:别人在您之后保存了这篇稿件(您编辑的是第 {version} 版,现在是第 {} 版)",
            story.state.article.version
        );
        return Ok(Err(conflict_page(
            state, session, &story, draft, msg, theirs,
        )
        .await?));
    }
    let mut version = version;
    if story.state.work == Work::Idle {
        // editing a published (or withdrawn) story opens a revision under review
        newsroom::act(
            state,
            Actor::Person(&session.user),
            &story,
            version,
            &Action::Revise,
        )
        .await?;
        story = load_visible(state, session, id).await?;
        version = story.state.article.version;
    }
    if let Err(e) = newsroom::check(state, &session.user, &story, &Action::Edit) {
        let err = AppError::from(e);
        if err.status() != StatusCode::BAD_REQUEST {
            return Err(err);
        }
        // a refusal of the state (approved text, scheduled): the form keeps
        // what was typed, with the reason
        let page = EditPage {
            story: Some(&story),
            draft,
            error: Some(err.to_string()),
            conflict: None,
            flash: None,
            act: None,
            restored: None,
        };
        return Ok(Err(
            edit_page(state, session, page, StatusCode::CONFLICT).await?
        ));
    }
    match state
        .store
        .save_draft(id, version, draft, &session.user, state.now())
        .await
    {
        Ok(_) => {
            super::adopt_words(state, session, draft).await;
            crate::follow::after_write(state).await;
            // saved for real: the working copy has served its purpose
            state.store.drop_autosave(id, session.user.id).await?;
            Ok(Ok(load_visible(state, session, id).await?))
        }
        Err(crate::db::StoreError::Conflict(m)) => {
            let current = load_visible(state, session, id).await?;
            let theirs = current.draft.clone();
            Ok(Err(conflict_page(
                state, session, &current, draft, m, theirs,
            )
            .await?))
        }
        Err(e) => Err(e.into()),
    }
}
