//! Picture upload (the editor's body images, 题图 and gallery, the image
//! library): the file is checked and its original stored, then it joins the
//! site's library with a job that makes its variants. Answers JSON
//! `{id, url, thumb, width, height, caption, credit, alt, existing, notice}`
//! or `{error}` with 413/415/400/422 (the upload), 403, 503 (busy, or media
//! storage down) or 500.

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
    let mut words: std::collections::HashMap<String, String> = Default::default();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(bytes) if name == "_csrf" => {
                        csrf = Some(String::from_utf8_lossy(&bytes).to_string())
                    }
                    Ok(bytes) if name == "file" => file = Some(bytes),
                    Ok(bytes)
                        if ["site", "caption", "credit", "alt", "return"]
                            .contains(&name.as_str()) =>
                    {
                        words.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
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
    let word = |k: &str| {
        words
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let site = match word("site") {
        s if s.is_empty() => match session.user.library_sites() {
            Some(sites) if !sites.is_empty() => sites[0].clone(),
            _ => "main".to_string(),
        },
        s => s,
    };
    if !session.user.works_in_site(&site) {
        return error(StatusCode::FORBIDDEN, "您不能向这个站点的图片库上传图片");
    }
    let use_words = crate::domain::picture::PictureUse {
        image_id: 1,
        caption: word("caption"),
        credit: word("credit"),
        alt: word("alt"),
    }
    .clean();
    if let Err(e) = use_words.validate("图片") {
        return error(StatusCode::UNPROCESSABLE_ENTITY, e);
    }
    store_picture(
        &state,
        &session,
        site,
        use_words,
        bytes,
        word("return") == "library",
    )
    .await
}

/// Check `bytes` as an upload, store the original and add it to `site`'s
/// library (the picture upload, and a video's poster frame chosen in the
/// editor); the JSON answer the editor's scripts read.
pub(super) async fn store_picture(
    state: &AppState,
    session: &Session,
    site: String,
    use_words: crate::domain::picture::PictureUse,
    bytes: bytes::Bytes,
    to_library_page: bool,
) -> Response {
    let checked =
        match media::save(state.media.as_ref(), &state.work.decode, bytes, state.now()).await {
            Ok(c) => c,
            Err(e) => return refused(state, e),
        };
    let new = crate::db::NewPicture {
        site_id: site,
        key: checked.key.clone(),
        width: checked.width,
        height: checked.height,
        bytes: checked.original.len() as i64,
        mime: checked.mime.to_string(),
        caption: use_words.caption,
        credit: if use_words.credit.is_empty() {
            checked.credit.clone().unwrap_or_default()
        } else {
            use_words.credit
        },
        alt: use_words.alt,
        animated: checked.animated,
        aigc: checked.aigc.clone(),
    };
    match state
        .store
        .add_picture(&new, &session.actor(), state.now())
        .await
    {
        Ok((p, created)) => {
            tracing::info!(user = %session.user.username, id = p.id, key = %p.key, created, "picture uploaded");
            // the library's form without script: on to the new picture
            if to_library_page {
                return axum::response::Redirect::to(&format!("/admin/images/{}", p.id))
                    .into_response();
            }
            let sources = p.sources(None, 640);
            Json(serde_json::json!({
                "id": p.id,
                "url": p.url(),
                "thumb": sources.src,
                "width": p.width,
                "height": p.height,
                "caption": p.caption,
                "credit": p.credit,
                "alt": p.alt,
                "existing": !created,
                "notice": if p.animated { "动图:正文中按原图播放,列表和题图使用第一帧" } else { "" },
            }))
            .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "adding a picture to the library failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "图片已上传,但登记到图片库失败,请稍后重试",
            )
        }
    }
}

/// The answer to an upload that was not stored.
fn refused(state: &AppState, e: MediaError) -> Response {
    match e {
        e @ MediaError::TooLarge => error(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()),
        e @ (MediaError::Unsupported
        | MediaError::Corrupt
        | MediaError::Truncated
        | MediaError::TooManyPixels) => error(StatusCode::UNSUPPORTED_MEDIA_TYPE, e.to_string()),
        e @ MediaError::Busy => {
            let mut resp = error(StatusCode::SERVICE_UNAVAILABLE, e.to_string());
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("3"),
            );
            resp
        }
        e @ MediaError::Storage(MediaStoreError::Unavailable(_)) => {
            tracing::error!(error = %e, media = %state.media.describe(), "storing an upload failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "图片存储暂时不可用,请稍后重试",
            )
        }
        e @ MediaError::Storage(MediaStoreError::Full(_)) => {
            tracing::error!(error = %e, media = %state.media.describe(), "storing an upload failed: disk full");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "服务器存储空间已满,图片没有保存。请通知技术人员清理磁盘后再上传一次",
            )
        }
        e @ (MediaError::Io(_) | MediaError::Storage(MediaStoreError::Failed(_))) => {
            tracing::error!(error = %e, media = %state.media.describe(), "storing an upload failed");
            error(StatusCode::INTERNAL_SERVER_ERROR, "保存图片失败,请稍后重试")
        }
    }
}
