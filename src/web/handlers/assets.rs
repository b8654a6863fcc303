//! Built-in (or theme) static assets under `/static/`.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

pub async fn get_asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let asset = state
        .render
        .asset(&name)
        .ok_or_else(|| AppError::NotFound(format!("没有静态文件 {name}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        asset.body,
    )
        .into_response())
}

/// Uploaded images under `/media/YYYY/MM/name.ext`, from the media store
/// (the key is checked before the store is asked). A store that is down
/// answers 503.
pub async fn get_media(
    State(state): State<AppState>,
    Path(rel): Path<String>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound("图片不存在".into());
    if !crate::media::safe_path(&rel) {
        return Err(not_found());
    }
    let ct = crate::media::content_type(&rel).ok_or_else(not_found)?;
    let body = state.media.get(&rel).await?.ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response())
}
