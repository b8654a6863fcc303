//! The editor's video screens' JSON: a video's processing state (polled
//! while the job runs), choosing one of its poster frames as the story's
//! 题图 (it joins the image library like an upload), and its subtitles
//! (字幕: WebVTT, or SRT turned into WebVTT).

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::domain::video::{Video, clock};
use crate::state::AppState;
use crate::web::auth::Session;

/// Subtitles files up to this size (an hour of dense cues is ~100 KB).
const MAX_SUBTITLES: usize = 512 * 1024;

fn error(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": msg.into() }))).into_response()
}

/// The video as the editor shows it.
pub fn video_json(v: &Video) -> serde_json::Value {
    let made = v.ready();
    serde_json::json!({
        "id": v.id,
        "name": v.name,
        "site": v.site_id,
        "state": v.state.as_str(),
        "state_label": v.state.label(),
        "progress": v.progress,
        "error": v.error,
        "seconds": v.probe.seconds(),
        "duration": clock(v.probe.seconds()),
        "width": v.probe.width,
        "height": v.probe.height,
        "posters": made.map(|m| m.posters.iter().enumerate().map(|(i, k)| serde_json::json!({
            "frame": i + 1, "url": format!("/media/{k}")})).collect::<Vec<_>>()).unwrap_or_default(),
        "play": made.and_then(|m| m.default_rendition()).map(|r| format!("/media/{}", r.key)),
        "renditions": made.map(|m| m.renditions.iter().map(|r| format!("{}p", r.short_side)).collect::<Vec<_>>()).unwrap_or_default(),
        "subtitles": v.subtitles.as_ref().map(|k| format!("/media/{k}")),
    })
}

/// The video `id` if this person may use it (works in its site).
async fn visible(state: &AppState, session: &Session, id: i64) -> Result<Video, Response> {
    match state.store.video(id).await {
        Ok(Some(v)) if session.user.works_in_site(&v.site_id) => Ok(v),
        Ok(_) => Err(error(StatusCode::NOT_FOUND, format!("视频 {id} 不存在"))),
        Err(e) => Err(crate::web::error::AppError::from(e).into_response()),
    }
}

pub async fn get_video(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    match visible(&state, &session, id).await {
        Ok(v) => {
            let mut r = Json(video_json(&v)).into_response();
            r.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            r
        }
        Err(r) => r,
    }
}

#[derive(serde::Deserialize)]
pub struct PosterForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    frame: usize,
    /// The story's title: the frame's caption in the library (not the
    /// video's file name).
    #[serde(default)]
    title: String,
}

/// Frame N of the poster candidates becomes a library picture (the answer
/// is the picture upload's), which the editor puts in the 题图 field.
pub async fn post_poster(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<PosterForm>,
) -> Response {
    if let Err(e) = session.check_csrf(form.csrf.as_deref()) {
        return error(StatusCode::FORBIDDEN, e.to_string());
    }
    let v = match visible(&state, &session, id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(key) = v
        .ready()
        .and_then(|m| m.posters.get(form.frame.wrapping_sub(1)))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "没有这一帧:视频处理完成后才能选封面",
        );
    };
    let bytes = match state.media.get(key).await {
        Ok(Some(b)) => b,
        Ok(None) => return error(StatusCode::NOT_FOUND, "封面图片文件不存在,请重新处理视频"),
        Err(e) => return crate::web::error::AppError::from(e).into_response(),
    };
    let words = crate::domain::picture::PictureUse {
        image_id: 1,
        caption: form.title.trim().chars().take(200).collect(),
        ..Default::default()
    }
    .clean();
    super::media::store_picture(&state, &session, v.site_id.clone(), words, bytes, false).await
}

/// Subtitles as WebVTT: a `.vtt` file as it is (after its `WEBVTT` line is
/// checked), an `.srt` file with its time stamps rewritten; anything else
/// is refused with what to send instead.
pub fn to_webvtt(bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "字幕文件须为 UTF-8 编码的文本".to_string())?;
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if text.starts_with("WEBVTT") {
        return Ok(text);
    }
    // SRT: numbered cues, `00:00:01,000 --> 00:00:04,000`
    let mut out = String::from("WEBVTT\n\n");
    let mut cues = 0;
    for line in text.lines() {
        if line.contains("-->") {
            let fixed = line.replace(',', ".");
            let ok = fixed.split("-->").all(|t| {
                let t = t.split_whitespace().next().unwrap_or_default();
                t.len() >= 9
                    && t.chars()
                        .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
            });
            if !ok {
                return Err("字幕时间格式不对,应为 00:00:01,000 --> 00:00:04,000".into());
            }
            out.push_str(&fixed);
            cues += 1;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if cues == 0 {
        return Err("字幕须为 WebVTT(.vtt)或 SRT(.srt)文件".into());
    }
    Ok(out)
}

pub async fn post_subtitles(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Response {
    let mut csrf = None;
    let mut file = None;
    let mut remove = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) if name == "_csrf" => {
                        csrf = Some(String::from_utf8_lossy(&b).into_owned())
                    }
                    Ok(b) if name == "file" && !b.is_empty() => file = Some(b),
                    Ok(_) if name == "remove" => remove = true,
                    Ok(_) => {}
                    Err(_) => {
                        return error(StatusCode::PAYLOAD_TOO_LARGE, "字幕文件不能超过 512 KB");
                    }
                }
            }
            Ok(None) => break,
            Err(_) => return error(StatusCode::BAD_REQUEST, "上传数据不完整,请重试"),
        }
    }
    if let Err(e) = session.check_csrf(csrf.as_deref()) {
        return error(StatusCode::FORBIDDEN, e.to_string());
    }
    let v = match visible(&state, &session, id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let key = if remove {
        None
    } else {
        let Some(bytes) = file else {
            return error(StatusCode::BAD_REQUEST, "请选择字幕文件(.vtt 或 .srt)");
        };
        if bytes.len() > MAX_SUBTITLES {
            return error(StatusCode::PAYLOAD_TOO_LARGE, "字幕文件不能超过 512 KB");
        }
        let vtt = match to_webvtt(&bytes) {
            Ok(t) => t,
            Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e),
        };
        let hash: String = {
            use sha2::Digest as _;
            hex::encode(&sha2::Sha256::digest(vtt.as_bytes())[..10])
        };
        let month = crate::domain::video::stem(&v.key)
            .rsplit_once('/')
            .map(|(m, _)| m.to_string())
            .unwrap_or_default();
        let key = format!("{month}/{hash}.vtt");
        if let Err(e) = state
            .media
            .put(&key, bytes::Bytes::from(vtt), "text/vtt; charset=utf-8")
            .await
        {
            return crate::web::error::AppError::from(e).into_response();
        }
        Some(key)
    };
    // the story's subtitles travel with its revision (the form's
    // `video_subtitles`), reviewed and signed like its text; the library's
    // own subtitles change only while no published story shows the video,
    // so nothing goes live past review
    let published = match state.store.video_uses(id).await {
        Ok(uses) => uses.iter().filter(|u| u.status == "published").count(),
        Err(e) => return crate::web::error::AppError::from(e).into_response(),
    };
    let v = if published > 0 {
        v
    } else {
        match state
            .store
            .set_video_subtitles(id, key.as_deref(), &session.actor(), state.now())
            .await
        {
            Ok(v) => {
                crate::follow::after_write(&state).await;
                v
            }
            Err(e) => return crate::web::error::AppError::from(e).into_response(),
        }
    };
    let mut j = video_json(&v);
    j["subtitles_key"] = serde_json::json!(key);
    j["subtitles"] = serde_json::json!(key.as_ref().map(|k| format!("/media/{k}")));
    Json(j).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srt_becomes_webvtt_and_other_text_is_refused() {
        let srt = "\u{feff}1\r\n00:00:01,000 --> 00:00:03,500\r\n滨州新闻\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,000\r\n黄河大桥\r\n";
        let vtt = to_webvtt(srt.as_bytes()).unwrap();
        assert!(vtt.starts_with("WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\n滨州新闻\n"));
        assert!(to_webvtt(b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n").is_ok());
        assert!(to_webvtt(b"<html>not subtitles</html>").is_err());
        assert!(to_webvtt(b"1\n00:00:01,000 --> soon\nx\n").is_err());
        assert!(to_webvtt(&[0xff, 0xfe, 0x00]).is_err());
    }
}
