//! The 指挥调度 board (`/admin/board`): a page for a wall screen, its body
//! kept current over server-sent events (`/admin/board/events`) from the
//! boards' hub: one render per change, shared by every open board of the
//! site, on every node. Without JavaScript the page refreshes itself.

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::{pick, planning_sites};
use crate::live::HEARTBEAT;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::render;

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    site: String,
}

pub async fn get_board(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<BoardQuery>,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let body = crate::planning::board::render_body(&state.env, &site.id).await?;
    Ok(render(
        &state,
        Some(&session),
        "admin/board.html",
        minijinja::context! {
            title => format!("指挥调度 · {}", site.name),
            site => minijinja::context! { id => site.id, name => site.name },
            tabs => super::tabs(&sites, &site.id),
            body,
        },
    )?
    .into_response())
}

struct Stream {
    first: Option<Bytes>,
    rx: tokio::sync::broadcast::Receiver<Bytes>,
    closing: tokio::sync::watch::Receiver<bool>,
    _viewer: crate::planning::hub::Viewer,
}

/// `GET /admin/board/events?site=`: the board's body now, then again at
/// every change.
pub async fn get_events(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<BoardQuery>,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let Some((viewer, first, rx)) = state.boards.watch(&state.env, &site.id).await? else {
        return Err(AppError::TooMany {
            message: "打开的指挥调度屏过多,页面将每分钟自动刷新。".into(),
            retry_after: 60,
        });
    };
    let mut head = b"retry: 3000\n\n".to_vec();
    head.extend_from_slice(&first);
    let stream = Stream {
        first: Some(Bytes::from(head)),
        rx,
        closing: state.boards.closing(),
        _viewer: viewer,
    };
    let body = futures_util::stream::unfold(stream, |mut s| async move {
        if let Some(b) = s.first.take() {
            return Some((Ok::<Bytes, Infallible>(b), s));
        }
        if *s.closing.borrow() {
            return None;
        }
        tokio::select! {
            r = s.rx.recv() => match r {
                Ok(b) => Some((Ok(b), s)),
                Err(RecvError::Lagged(_)) => {
                    // the newest frame follows; the ones missed are stale anyway
                    Some((Ok(Bytes::from_static(b": lagged\n\n")), s))
                }
                Err(RecvError::Closed) => None,
            },
            () = tokio::time::sleep(HEARTBEAT) => {
                Some((Ok(Bytes::from_static(b": keep-alive\n\n")), s))
            }
            _ = s.closing.changed() => None,
        }
    });
    let mut resp = Body::from_stream(body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(resp)
}
