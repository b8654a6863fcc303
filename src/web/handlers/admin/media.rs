//! Image upload for the body editor: answers JSON `{url, thumb, width, height}`
//! or `{error}` with 413/415/400 (the upload), 503 (media storage down) or 500.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::media::{self, MediaError, MediaStoreError};
use crate::state::AppState;
use crate::web::auth::Session;

fn error(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": msg.into() }))).into_response()
}

pub async fn post_media(
    State(state): State<AppState>,
    session: Session,
    mut form: Multipart,
) -> Response {
    let mut csrf = None;
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(bytes) if name == "_csrf" => {
                        csrf = Some(String::from_utf8_lossy(&bytes).to_string())
                    }
                    Ok(bytes) if name == "file" => file = Some(bytes),
                    Ok(_) => {}
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return error(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            MediaError::TooLarge.to_string(),
                        );
                    }
                    Err(e) => {
                        return error(
                            StatusCode::BAD_REQUEST,
                            format!("上传数据不完整: {}", e.body_text()),
                        );
                    }
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    MediaError::TooLarge.to_string(),
                );
            }
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("上传数据不完整: {}", e.body_text()),
                );
            }
        }
    }
    if let Err(e) = session.check_csrf(csrf.as_deref()) {
        return error(StatusCode::FORBIDDEN, e.to_string());
    }
    let Some(bytes) = file else {
        return error(StatusCode::BAD_REQUEST, "请选择要上传的图片");
    };
    match media::save(state.media.as_ref(), &state.work.decode, bytes, state.now()).await {
        Ok(stored) => {
            tracing::info!(user = %session.user.username, url = %stored.url, "image uploaded");
            Json(stored).into_response()
        }
        Err(e @ MediaError::TooLarge) => error(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()),
        Err(e @ (MediaError::Unsupported | MediaError::Corrupt | MediaError::TooManyPixels)) => {
            error(StatusCode::UNSUPPORTED_MEDIA_TYPE, e.to_string())
        }
        Err(e @ MediaError::Busy) => {
            let mut resp = error(StatusCode::SERVICE_UNAVAILABLE, e.to_string());
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("3"),
            );
            resp
        }
        Err(e @ MediaError::Storage(MediaStoreError::Unavailable(_))) => {
            tracing::error!(error = %e, media = %state.media.describe(), "storing an upload failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "图片存储暂时不可用,请稍后重试",
            )
        }
        Err(e @ (MediaError::Io(_) | MediaError::Storage(MediaStoreError::Failed(_)))) => {
            tracing::error!(error = %e, media = %state.media.describe(), "storing an upload failed");
            error(StatusCode::INTERNAL_SERVER_ERROR, "保存图片失败,请稍后重试")
        }
    }
}
