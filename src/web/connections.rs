//! The open connections, and which one to let go when every slot is taken.
//!
//! At the connection cap a new client used to wait in the kernel's backlog
//! until some connection ended: with the slots held by clients dribbling
//! their headers a byte at a time, a reader waited up to the header timeout.
//! Now the accept loop takes the new client and sheds one connection that is
//! not serving a request: first one that has never finished a request's
//! headers (a slow or silent client), the longest waiting first; then the
//! longest idle keep-alive connection (its browser opens another when it
//! needs one). A connection in the middle of a request (a page being sent,
//! a live event stream) is never shed.
//!
//! A request counts from the moment its headers are complete (the service
//! is called) until its response body has been sent or dropped.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use http_body::{Body, Frame, SizeHint};
use tokio::sync::Notify;

/// One open connection.
pub struct Conn {
    id: u64,
    /// Requests whose headers came and whose answer is not finished.
    active: AtomicUsize,
    /// Whether a request's headers ever came on it.
    served: AtomicBool,
    /// Since when it waits for headers (milliseconds from the registry's start).
    waiting_since: AtomicU64,
    /// Told when the connection is to be let go.
    pub shed: Notify,
    registry: Arc<Registry>,
}

#[derive(Default)]
pub struct Registry {
    started: std::sync::OnceLock<Instant>,
    next: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
}

impl Registry {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn now_ms(&self) -> u64 {
        let start = self.started.get_or_init(Instant::now);
        u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A connection just accepted, registered until it is dropped.
    pub fn open(self: &Arc<Self>) -> Arc<Conn> {
        let conn = Arc::new(Conn {
            id: self.next.fetch_add(1, Ordering::Relaxed),
            active: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            waiting_since: AtomicU64::new(self.now_ms()),
            shed: Notify::new(),
            registry: self.clone(),
        });
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(conn.id, conn.clone());
        conn
    }

    /// Tell one connection that serves no request to go: one that never
    /// sent a whole request first, then the longest idle. False when every
    /// connection is busy with a request.
    pub fn shed_one(&self) -> bool {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let victim = open
            .values()
            .filter(|c| c.active.load(Ordering::SeqCst) == 0)
            .min_by_key(|c| {
                (
                    c.served.load(Ordering::SeqCst),
                    c.waiting_since.load(Ordering::SeqCst),
                )
            });
        match victim {
            Some(c) => {
                tracing::debug!(
                    conn = c.id,
                    never_served = !c.served.load(Ordering::SeqCst),
                    "connection cap reached: shedding a connection waiting for headers"
                );
                c.shed.notify_one();
                true
            }
            None => false,
        }
    }

    pub fn len(&self) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Conn {
    /// Whether it serves no request now (so it may be shed).
    pub fn is_idle(&self) -> bool {
        self.active.load(Ordering::SeqCst) == 0
    }

    /// A request's headers are complete: it is busy until the guard drops.
    pub fn request(self: &Arc<Self>) -> InFlight {
        self.served.store(true, Ordering::SeqCst);
        self.active.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }
}

/// Removes the connection from the registry when its task ends.
pub struct Registered(pub Arc<Conn>);

impl Drop for Registered {
    fn drop(&mut self) {
        self.0
            .registry
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.0.id);
    }
}

/// A request in flight on its connection.
pub struct InFlight(Arc<Conn>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let c = &self.0;
        if c.active.fetch_sub(1, Ordering::SeqCst) == 1 {
            c.waiting_since.store(c.registry.now_ms(), Ordering::SeqCst);
        }
    }
}

/// A response body that keeps its request in flight until it is sent or
/// dropped (a live stream is busy for as long as it lasts).
pub struct Tracked<B> {
    inner: B,
    _request: InFlight,
}

impl<B> Tracked<B> {
    pub fn new(inner: B, request: InFlight) -> Self {
        Self {
            inner,
            _request: request,
        }
    }
}

impl<B: Body + Unpin> Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection that never sent a request goes first, then the longest
    /// idle; one serving a request is never chosen.
    #[tokio::test]
    async fn the_connection_shed_is_one_waiting_for_headers() {
        let reg = Registry::new();
        let idle = reg.open();
        let busy = reg.open();
        let silent = reg.open();
        // `idle` finished a request; `busy` is in the middle of one
        drop(idle.request());
        let _serving = busy.request();
        assert!(reg.shed_one());
        // the silent one was told (a stored permit: notified() is ready)
        tokio::time::timeout(
            std::time::Duration::from_millis(100),
            silent.shed.notified(),
        )
        .await
        .expect("the never-served connection is shed first");
        let _gone = Registered(silent);
        drop(_gone);
        assert_eq!(reg.len(), 2);
        assert!(reg.shed_one());
        tokio::time::timeout(std::time::Duration::from_millis(100), idle.shed.notified())
            .await
            .expect("then the idle keep-alive");
        drop(Registered(idle));
        // only a connection serving a request is left: nothing to shed
        assert!(!reg.shed_one());
    }
}
