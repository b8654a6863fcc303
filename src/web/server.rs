//! The accept loop: HTTP/1.1 over hyper with the bounds `axum::serve` lacks.
//!
//! `axum::serve` sets no timer, so hyper applies no header-read timeout: a
//! client that opens a connection and sends nothing (or a byte a minute)
//! holds a socket and a file descriptor for ever, and a few hundred of them
//! starve everyone else. Here:
//! - each connection must send a request's headers within
//!   `Limits::header_timeout`; hyper's timer also runs while a keep-alive
//!   connection waits for its next request, so idle connections close too;
//! - at most `Limits::max_connections` are open at once (capped below the
//!   descriptor limit, minus a reserve for the database, the index and
//!   media files); at the cap a new client is taken and a connection that
//!   serves no request is let go for it (`web::connections`: slow and
//!   silent clients first), so a reader waits for no dribbler's timeout;
//! - on shutdown the listener closes, idle connections close at once and
//!   requests in flight finish within `GRACE`.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, TryAcquireError};
use tower::ServiceExt as _;

use super::connections::{Registered, Registry, Tracked};
use crate::config::Limits;

/// Descriptors kept back from connections: SQLite's file and WAL, the search
/// index's segments, media files being written, the job runner's.
pub const RESERVED_FDS: u64 = 256;

/// How long requests in flight may take to finish at shutdown.
pub const GRACE: Duration = Duration::from_secs(20);

/// Raise the soft descriptor limit to the hard one; the connection cap that
/// leaves `RESERVED_FDS` free. Returns (descriptor limit, connection cap).
pub fn fit_connections(wanted: usize) -> (u64, usize) {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let room = limit.saturating_sub(RESERVED_FDS).max(16);
    (
        limit,
        wanted.min(usize::try_from(room).unwrap_or(usize::MAX)),
    )
}

/// Serve `app` on `listener` until `shutdown` resolves, then drain.
/// What the accept loop serves: the router, and, when it has the state,
/// the render cache's hits answered before it (`handlers::portal::cached_hit`:
/// the same answer without routing and middleware, the common case of a
/// public site by far).
#[derive(Clone)]
pub struct App {
    router: Router,
    hits: Option<crate::state::AppState>,
}

impl App {
    /// `router`, with `state`'s render-cache hits answered before it
    /// (`web::app` makes the pair).
    pub fn new(router: Router, state: crate::state::AppState) -> Self {
        Self {
            router,
            hits: Some(state),
        }
    }
}

impl From<Router> for App {
    fn from(router: Router) -> Self {
        Self { router, hits: None }
    }
}

pub async fn serve(
    listener: TcpListener,
    app: impl Into<App>,
    limits: &Limits,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) {
    let app: App = app.into();
    let slots = Arc::new(Semaphore::new(max_connections.max(1)));
    let open = Registry::new();
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // EMFILE and friends: the cap should prevent them; if
                    // another part of the process used the reserve, wait a
                    // little instead of spinning
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(TryAcquireError::Closed) => break,
            Err(TryAcquireError::NoPermits) => {
                // every slot taken: let a connection that serves nothing go
                // (asked again while none is free: the one chosen may have
                // just begun a request, and then it stays)
                let mut waited = None;
                while waited.is_none() {
                    open.shed_one();
                    tokio::select! {
                        p = slots.clone().acquire_owned() => match p {
                            Ok(p) => waited = Some(p),
                            Err(_) => break,
                        },
                        () = tokio::time::sleep(Duration::from_millis(100)) => {}
                        () = &mut shutdown => break,
                    }
                }
                match waited {
                    Some(p) => p,
                    None => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let conn_state = open.open();
        let registered = Registered(conn_state.clone());
        let app = app.clone();
        let on_conn = conn_state.clone();
        let svc = tower::service_fn(move |mut req: axum::http::Request<Incoming>| {
            // the headers are complete: busy until the answer is sent
            let request = on_conn.request();
            let app = app.clone();
            async move {
                if let Some(state) = &app.hits {
                    if let Some(resp) = super::cached_hit(state, &req).await {
                        return Ok::<_, Infallible>(
                            resp.map(|body| axum::body::Body::new(Tracked::new(body, request))),
                        );
                    }
                }
                req.extensions_mut().insert(ConnectInfo(peer));
                let resp = app.router.oneshot(req).await?;
                Ok::<_, Infallible>(
                    resp.map(|body| axum::body::Body::new(Tracked::new(body, request))),
                )
            }
        });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _registered = registered;
            let shed = async {
                loop {
                    conn_state.shed.notified().await;
                    if conn_state.is_idle() {
                        break;
                    }
                }
            };
            tokio::select! {
                r = conn => if let Err(e) = r {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                },
                () = shed => tracing::debug!(%peer, "connection shed at the cap"),
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(GRACE) => {
            tracing::warn!("requests still running at the end of the shutdown grace period");
        }
    }
}

/// The peer address a request came from (set by `serve`; absent in tests
/// that call the router directly).
pub fn peer(parts: &axum::http::request::Parts) -> Option<SocketAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}
