//! A write outlives its client (DESIGN.md §11).
//!
//! hyper drops a request's future when the client closes the connection.
//! Dropped between two awaits of a write, a handler would leave the write
//! half-done (a session created but no cookie sent is harmless; a story saved
//! but its change-log follower not woken is not) or a transaction open. So
//! every request that may change state (any method but GET/HEAD/OPTIONS)
//! runs in a task of its own: the client going away drops only the wait for
//! the answer, and the handler finishes, or fails and rolls back, by itself.
//!
//! The body such a request reads must arrive within a deadline in total:
//! a client dribbling a byte every few seconds cannot keep the task (and an
//! upload permit) for ever. tower-http's body timeout restarts at every frame,
//! which is exactly what a slow sender exploits, hence `Deadline` here.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};

use crate::web::error::AppError;

/// Run state-changing requests detached from the connection's life; their
/// body must arrive within `deadline` (`Limits::body_deadline`).
pub async fn detach_writes(deadline: Duration, req: Request, next: Next) -> Response {
    if req.method().is_safe() {
        return next.run(req).await;
    }
    let req = req.map(|body| Body::new(Deadline::new(body, deadline)));
    match tokio::spawn(next.run(req)).await {
        Ok(resp) => resp,
        Err(e) => {
            // a handler that panicked: its transaction was dropped (rolled back)
            AppError::Internal(anyhow::anyhow!("request task failed: {e}")).into_response()
        }
    }
}

/// A body that fails once `deadline` has passed since it was made.
pub struct Deadline {
    body: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl Deadline {
    pub fn new(body: Body, after: Duration) -> Self {
        Self {
            body,
            sleep: Box::pin(tokio::time::sleep(after)),
        }
    }
}

/// The error a late body ends with (extractors answer 400 for it).
#[derive(Debug, thiserror::Error)]
#[error("请求内容发送超时,请检查网络后重试")]
pub struct BodyTooSlow;

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.body).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
