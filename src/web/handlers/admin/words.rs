//! Administration: the sensitive-word list.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{SignedForm, render, require_admin};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

pub async fn get_words(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let words = state.store.sensitive_words().await?;
    Ok(render(
        &state,
        Some(&session),
        "admin/words.html",
        minijinja::context! { title => "敏感词", words, flash => q.flash() },
    )?
    .into_response())
}

pub async fn post_words(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let word = f.get("word").trim();
    if word.is_empty() || word.chars().count() > 50 {
        return Err(AppError::BadRequest("敏感词须为 1 到 50 个字".into()));
    }
    let severity = if f.get("severity") == "block" {
        "block"
    } else {
        "warn"
    };
    let category: String = f.get("category").trim().chars().take(20).collect();
    state
        .store
        .add_sensitive_word(word, &category, severity, state.now())
        .await?;
    let how = if severity == "block" {
        "拦截"
    } else {
        "提醒"
    };
    super::note(
        &state,
        &session,
        "word_add",
        "words".into(),
        word.to_string(),
        format!("类别「{category}」,{how}"),
    )
    .await?;
    Ok(Redirect::to("/admin/words?done=word_added").into_response())
}

pub async fn post_delete_word(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, .. }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let word = state
        .store
        .sensitive_words()
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or_else(|| AppError::NotFound(format!("敏感词 {id} 不存在")))?;
    state.store.delete_sensitive_word(id).await?;
    super::note(
        &state,
        &session,
        "word_delete",
        "words".into(),
        word.word,
        format!("类别「{}」", word.category),
    )
    .await?;
    Ok(Redirect::to("/admin/words?done=word_deleted").into_response())
}
