//! A live story's server-sent events (`GET /live/{id}/events`): the entries
//! approved (corrected, pinned, removed) after the one the reader has, as
//! they happen, and the status when the desk opens or closes the coverage.
//! A browser that reconnects sends `Last-Event-ID` and gets what it missed
//! first. The frames come finished from `live::Hub` (one render per change,
//! shared by every reader); a reader too far behind is told to reload.

use std::collections::VecDeque;
use std::convert::Infallible;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::sync::broadcast::error::RecvError;

use crate::domain::kind::Kind;
use crate::live::{Frame, HEARTBEAT, Reader, frame};
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::error::AppError;

#[derive(serde::Deserialize, Default)]
pub struct After {
    /// The newest seq the page has (its `data-live`), for the first connect.
    after: Option<i64>,
}

struct Stream {
    rx: tokio::sync::broadcast::Receiver<Frame>,
    backlog: VecDeque<Bytes>,
    last: i64,
    closing: tokio::sync::watch::Receiver<bool>,
    done: bool,
    _reader: Reader,
}

pub async fn get_events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(after): Query<After>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound("没有这场直播".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    match state.store.article(id).await? {
        Some(a) if a.kind == Kind::Live && a.status == crate::domain::Status::Published => {}
        _ => return Err(not_found()),
    }
    let room = state.live.room(&state, id).await?;
    // a stream holds a connection while the reader stays: within the caps,
    // else the page polls (its script does so when a stream is refused)
    let (per_address, total) = state.config.limits.live_stream_caps();
    let reader = match state.live.admit(
        &room,
        client,
        crate::live::StreamCaps { per_address, total },
    ) {
        Ok(r) => r,
        Err(full) => return Err(streams_full(full)),
    };
    // subscribe before reading the backlog: nothing falls between the two
    let rx = room.subscribe();
    let from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(after.after)
        .unwrap_or_else(|| room.seq());
    let mut backlog = VecDeque::from([Bytes::from_static(b"retry: 3000\n\n")]);
    let mut last = from;
    if from < room.seq() {
        for f in crate::live::frames_since(&state, id, from).await? {
            last = last.max(f.seq);
            backlog.push_back(f.bytes);
        }
    }
    let stream = Stream {
        rx,
        backlog,
        last,
        closing: state.live.closing(),
        done: false,
        _reader: reader,
    };
    let body = futures_util::stream::unfold(stream, |mut s| async move {
        if let Some(b) = s.backlog.pop_front() {
            return Some((Ok::<Bytes, Infallible>(b), s));
        }
        if s.done || *s.closing.borrow() {
            return None;
        }
        loop {
            tokio::select! {
                r = s.rx.recv() => match r {
                    Ok(f) if f.seq == 0 || f.seq > s.last => {
                        s.last = s.last.max(f.seq);
                        return Some((Ok(f.bytes), s));
                    }
                    // already sent with the backlog
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => {
                        s.done = true;
                        return Some((Ok(frame(None, "reload", &serde_json::json!({}))), s));
                    }
                    Err(RecvError::Closed) => return None,
                },
                () = tokio::time::sleep(HEARTBEAT) => {
                    return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), s));
                }
                _ = s.closing.changed() => return None,
            }
        }
    });
    let mut resp = Body::from_stream(body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx passes each event on at once instead of buffering the stream
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(resp)
}

/// A stream over the caps: 429 with when to try again (the page's script
/// polls the snapshot meanwhile).
fn streams_full(full: crate::live::Full) -> AppError {
    let why = match full {
        crate::live::Full::Address => "来自同一网络的直播连接过多",
        crate::live::Full::Total => "当前直播读者过多",
    };
    AppError::TooMany {
        message: format!("{why},页面将改为每隔几秒自动刷新。"),
        retry_after: 30,
    }
}
