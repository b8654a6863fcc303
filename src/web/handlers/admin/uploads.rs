//! Resumable video uploads over the tus protocol 1.0 (core, `creation`,
//! `termination`; <https://tus.io/protocols/resumable-upload>), so a
//! reporter's 2 GB file survives a dropped connection: the editor's script
//! (`static/js/video.js`) sends chunks and, after a failure, asks where
//! the server is (`HEAD`) and goes on from there; any tus client works
//! too. Written here because the protocol is four small requests over our
//! own storage (`media::upload`) and session checks, and no maintained
//! crate serves it for axum.
//!
//! - `POST /admin/uploads` with `Upload-Length` and `Upload-Metadata`
//!   (`filename`, `site`, base64): 201 and `Location`.
//! - `HEAD /admin/uploads/{id}`: `Upload-Offset`.
//! - `PATCH /admin/uploads/{id}` with `Upload-Offset` and
//!   `application/offset+octet-stream`: the bytes, streamed to disk; 204
//!   with the new offset. The last chunk probes the file, stores it and adds
//!   it to the site's video library with its processing job; the answer
//!   then carries `Gazette-Video: ID`.
//! - `DELETE /admin/uploads/{id}`: the upload is dropped.
//!
//! Every request needs the session, and the non-HEAD ones its CSRF token in
//! `X-CSRF-Token`. Errors are JSON `{error}` in Chinese.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::media::upload::{AppendError, Upload};
use crate::media::video::VideoError;
use crate::state::AppState;
use crate::web::auth::Session;

const TUS_VERSION: &str = "1.0.0";

fn error(status: StatusCode, msg: impl Into<String>) -> Response {
    let mut r = (status, Json(serde_json::json!({ "error": msg.into() }))).into_response();
    r.headers_mut()
        .insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    r
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// A refusal, boxed (an answer is large beside `Ok`).
type Refusal = Box<Response>;

fn csrf(session: &Session, h: &HeaderMap) -> Result<(), Refusal> {
    session
        .check_csrf(header_str(h, "x-csrf-token"))
        .map_err(|e| Box::new(error(StatusCode::FORBIDDEN, e.to_string())))
}

fn io_error(e: &std::io::Error) -> Response {
    if e.raw_os_error() == Some(28) {
        return error(
            StatusCode::INSUFFICIENT_STORAGE,
            "服务器存储空间已满,上传暂停。请通知技术人员清理磁盘后继续上传",
        );
    }
    tracing::error!(error = %e, "upload storage failed");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "保存上传内容失败,请稍后继续上传",
    )
}

/// `filename <b64>,site <b64>` as pairs.
fn metadata(h: &HeaderMap) -> Vec<(String, String)> {
    header_str(h, "upload-metadata")
        .unwrap_or_default()
        .split(',')
        .filter_map(|pair| {
            let mut it = pair.trim().splitn(2, ' ');
            let key = it.next()?.trim().to_string();
            let value = it
                .next()
                .and_then(|v| {
                    base64::engine::general_purpose::STANDARD
                        .decode(v.trim())
                        .ok()
                })
                .and_then(|v| String::from_utf8(v).ok())
                .unwrap_or_default();
            Some((key, value))
        })
        .collect()
}

fn tus(mut r: Response, offset: Option<u64>) -> Response {
    let h = r.headers_mut();
    h.insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(o) = offset {
        h.insert("upload-offset", HeaderValue::from(o));
    }
    r
}

/// What the server takes (tus discovery).
pub async fn options_uploads(State(state): State<AppState>) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
    h.insert(
        "tus-extension",
        HeaderValue::from_static("creation,termination"),
    );
    h.insert(
        "tus-max-size",
        HeaderValue::from(state.config.video.max_bytes),
    );
    tus(r, None)
}

pub async fn post_uploads(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = csrf(&session, &headers) {
        return *r;
    }
    let max = state.config.video.max_bytes;
    let Some(length) = header_str(&headers, "upload-length").and_then(|v| v.parse::<u64>().ok())
    else {
        return error(StatusCode::BAD_REQUEST, "缺少文件大小(Upload-Length)");
    };
    if length == 0 {
        return error(StatusCode::BAD_REQUEST, "文件是空的,请重新选择视频文件");
    }
    if length > max {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "视频不能超过 {} MB(这个文件 {} MB)",
                max / 1024 / 1024,
                length.div_ceil(1024 * 1024)
            ),
        );
    }
    if !crate::media::video::available(&state.config.video).await {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            VideoError::NoFfmpeg.to_string(),
        );
    }
    let meta = metadata(&headers);
    let field = |k: &str| {
        meta.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let name: String = crate::domain::text::clean_line(&field("filename"))
        .chars()
        .take(200)
        .collect();
    let site = match field("site") {
        s if s.is_empty() => match session.user.library_sites() {
            Some(sites) if !sites.is_empty() => sites[0].clone(),
            _ => "main".to_string(),
        },
        s => s,
    };
    if !session.user.works_in_site(&site) {
        return error(StatusCode::FORBIDDEN, "您不能向这个站点的视频库上传视频");
    }
    let ext = extension(&name);
    if ext.is_none() {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            VideoError::NotVideo.to_string(),
        );
    }
    let upload = Upload {
        id: crate::token::random_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect(),
        user_id: session.user.id,
        site_id: site,
        name,
        length,
        created_at: state.now(),
        video_id: None,
    };
    if let Err(e) = state.uploads.create(&upload).await {
        return io_error(&e);
    }
    // now and then, the uploads nobody finished go
    let _ = state.uploads.sweep(state.now()).await;
    tracing::info!(user = %session.user.username, upload = %upload.id, length, "video upload started");
    let mut r = StatusCode::CREATED.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/admin/uploads/{}", upload.id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    tus(r, Some(0))
}

/// The file's kind from its name: MP4 (also `.m4v`), MOV or WebM.
fn extension(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "mp4" | "m4v" => Some("mp4"),
        "mov" => Some("mov"),
        "webm" => Some("webm"),
        _ => None,
    }
}

/// The upload `id` of this person, or the answer that it is not.
async fn own(state: &AppState, session: &Session, id: &str) -> Result<(Upload, u64), Refusal> {
    match state.uploads.get(id).await {
        Ok(Some((u, at))) if u.user_id == session.user.id => Ok((u, at)),
        Ok(_) => Err(Box::new(error(
            StatusCode::NOT_FOUND,
            "上传不存在或已过期,请重新选择文件上传",
        ))),
        Err(e) => Err(Box::new(io_error(&e))),
    }
}

fn done_headers(mut r: Response, u: &Upload, at: u64) -> Response {
    if let Some(v) = u.video_id {
        r.headers_mut()
            .insert("gazette-video", HeaderValue::from(v));
    }
    r.headers_mut()
        .insert("upload-length", HeaderValue::from(u.length));
    tus(r, Some(at))
}

pub async fn head_upload(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    match own(&state, &session, &id).await {
        Ok((u, at)) => done_headers(StatusCode::OK.into_response(), &u, at),
        Err(r) => *r,
    }
}

pub async fn patch_upload(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = csrf(&session, &headers) {
        return *r;
    }
    if header_str(&headers, "content-type") != Some("application/offset+octet-stream") {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "上传内容类型应为 application/offset+octet-stream",
        );
    }
    let Some(offset) = header_str(&headers, "upload-offset").and_then(|v| v.parse::<u64>().ok())
    else {
        return error(StatusCode::BAD_REQUEST, "缺少上传位置(Upload-Offset)");
    };
    let (u, _) = match own(&state, &session, &id).await {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if u.video_id.is_some() {
        return done_headers(StatusCode::NO_CONTENT.into_response(), &u, u.length);
    }
    let (at, written) = state
        .uploads
        .append(&u, offset, body.into_data_stream())
        .await;
    match written {
        Ok(()) => {}
        Err(AppendError::Offset(at)) => {
            return tus(
                error(StatusCode::CONFLICT, AppendError::Offset(at).to_string()),
                Some(at),
            );
        }
        Err(AppendError::Busy) => {
            return tus(
                error(StatusCode::CONFLICT, AppendError::Busy.to_string()),
                Some(at),
            );
        }
        Err(AppendError::TooLong) => {
            return tus(
                error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    AppendError::TooLong.to_string(),
                ),
                Some(at),
            );
        }
        Err(AppendError::Io(e)) => return tus(io_error(&e), Some(at)),
    }
    if at < u.length {
        return tus(StatusCode::NO_CONTENT.into_response(), Some(at));
    }
    match finish(&state, &session, &u).await {
        Ok(video_id) => {
            let mut done = u.clone();
            done.video_id = Some(video_id);
            done_headers(StatusCode::NO_CONTENT.into_response(), &done, at)
        }
        Err(r) => *r,
    }
}

pub async fn delete_upload(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = csrf(&session, &headers) {
        return *r;
    }
    match own(&state, &session, &id).await {
        Ok(_) => {
            state.uploads.remove(&id).await;
            tus(StatusCode::NO_CONTENT.into_response(), None)
        }
        Err(r) => *r,
    }
}

/// The whole file is here: probe it, store it under its content hash and
/// add it to the library with its processing job. A file that is not a
/// video is refused and dropped (the editor picks another).
async fn finish(state: &AppState, session: &Session, u: &Upload) -> Result<i64, Refusal> {
    let path = state.uploads.part_path(&u.id);
    let probe = match crate::media::video::probe(&state.config.video, &path).await {
        Ok(p) if p.within_limits().is_err() => {
            state.uploads.remove(&u.id).await;
            let why = p.within_limits().unwrap_err();
            return Err(Box::new(error(StatusCode::UNPROCESSABLE_ENTITY, why)));
        }
        Ok(p) => p,
        Err(e) => {
            state.uploads.remove(&u.id).await;
            let status = match e {
                VideoError::NoFfmpeg => StatusCode::SERVICE_UNAVAILABLE,
                VideoError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return Err(Box::new(error(status, e.to_string())));
        }
    };
    let hash = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<String> {
            use std::io::Read as _;
            let mut f = std::fs::File::open(&path)?;
            let mut h = Sha256::new();
            let mut buf = vec![0u8; 1024 * 1024];
            loop {
                match f.read(&mut buf)? {
                    0 => break,
                    n => h.update(&buf[..n]),
                }
            }
            Ok(hex::encode(&h.finalize()[..10]))
        })
        .await
    };
    let hash = match hash {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return Err(Box::new(io_error(&e))),
        Err(e) => return Err(Box::new(io_error(&std::io::Error::other(e.to_string())))),
    };
    let month = crate::domain::text::to_cst(state.now())
        .format("%Y/%m")
        .to_string();
    let ext = extension(&u.name).unwrap_or("mp4");
    let key = format!("{month}/{hash}.{ext}");
    let ct = crate::domain::media_key::content_type(&key).unwrap_or("video/mp4");
    if let Err(e) = state.media.put_file(&key, &path, ct).await {
        tracing::error!(error = %e, "storing the video original failed");
        return Err(Box::new(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "保存视频失败(媒体存储暂时不可用),请稍后重试:已上传的部分会保留",
        )));
    }
    let new = crate::db::NewVideo {
        site_id: u.site_id.clone(),
        key,
        name: u.name.clone(),
        bytes: u.length as i64,
        probe,
    };
    let (video, created) = match state
        .store
        .add_video(&new, &session.actor(), state.now())
        .await
    {
        Ok(x) => x,
        Err(e) => {
            return Err(Box::new(
                crate::web::error::AppError::from(e).into_response(),
            ));
        }
    };
    let _ = state.uploads.finished(u, video.id).await;
    tracing::info!(user = %session.user.username, video = video.id, key = %video.key, created, "video uploaded");
    Ok(video.id)
}
