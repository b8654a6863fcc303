//! The boards' fan-out: every open 指挥调度 board of a site shares one
//! room; a change on that site (this node's or, through the change log,
//! any node's) renders the board once and broadcasts the finished frame to
//! every stream, as `live::Hub` does for live coverage. A room with no one
//! watching is dropped; an open one is rendered again at least every
//! `STALE` (deadlines pass without any write).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::broadcast;

use crate::render::Env;

/// An open board is rendered again at least this often.
pub const STALE: Duration = Duration::from_secs(30);
/// Frames a stream may fall behind before it is told to reload.
const BACKLOG: usize = 16;
/// Board streams this node holds at most (each is a signed-in editor's).
pub const MAX_STREAMS: usize = 2000;

pub struct Board {
    pub site_id: String,
    tx: broadcast::Sender<Bytes>,
    /// The newest frame, for a stream that opens between two renders.
    last: Mutex<Bytes>,
    /// When it was last rendered (the clock's seconds).
    rendered_at: AtomicI64,
    refreshing: tokio::sync::Mutex<()>,
    pub viewers: AtomicUsize,
}

impl Board {
    pub fn subscribe(&self) -> (Bytes, broadcast::Receiver<Bytes>) {
        // subscribe first: a render between the two is then received
        let rx = self.tx.subscribe();
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        (last, rx)
    }
}

/// A board's stream, counted while it lasts.
pub struct Viewer {
    board: Arc<Board>,
    hub: Arc<Boards>,
}

impl Drop for Viewer {
    fn drop(&mut self) {
        self.board.viewers.fetch_sub(1, Ordering::SeqCst);
        self.hub.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
pub struct Boards {
    rooms: Mutex<HashMap<String, Arc<Board>>>,
    /// The change-log seq applied (-1: no board open yet).
    cursor: AtomicI64,
    closing: tokio::sync::watch::Sender<bool>,
    pub streams: AtomicUsize,
    /// Renders done (the benchmark and tests read it).
    pub renders: AtomicUsize,
    /// One catch-up at a time: two writers waking it at once render a
    /// change once, not twice.
    catching: tokio::sync::Mutex<()>,
}

/// The SSE frame of a rendered board body.
fn frame(html: &str) -> Bytes {
    crate::live::frame(None, "board", &serde_json::json!({ "html": html }))
}

impl Boards {
    pub fn new() -> Self {
        Self {
            cursor: AtomicI64::new(-1),
            ..Default::default()
        }
    }

    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// End every stream (shutdown).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Open a stream of `site_id`'s board (its room made and rendered on
    /// first use): the newest frame and the receiver of the next ones, or
    /// `None` when this node holds its most streams. The stream counts as
    /// watching from here (under the rooms' lock, so the room is not dropped
    /// between its making and its first viewer).
    pub async fn watch(
        self: &Arc<Self>,
        env: &Env,
        site_id: &str,
    ) -> anyhow::Result<Option<(Viewer, Bytes, broadcast::Receiver<Bytes>)>> {
        if self.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
            self.streams.fetch_sub(1, Ordering::SeqCst);
            return Ok(None);
        }
        let made = match self.room(env, site_id).await {
            Ok(b) => b,
            Err(e) => {
                self.streams.fetch_sub(1, Ordering::SeqCst);
                return Err(e);
            }
        };
        let board = {
            let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
            let b = rooms.entry(site_id.to_string()).or_insert(made).clone();
            b.viewers.fetch_add(1, Ordering::SeqCst);
            b
        };
        let (last, rx) = board.subscribe();
        Ok(Some((
            Viewer {
                board,
                hub: self.clone(),
            },
            last,
            rx,
        )))
    }

    /// The room of `site_id`'s board, made and rendered if there is none.
    async fn room(&self, env: &Env, site_id: &str) -> anyhow::Result<Arc<Board>> {
        if let Some(b) = self
            .rooms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(site_id)
        {
            return Ok(b.clone());
        }
        // follow the log from before the first render: no change is missed
        if self.cursor.load(Ordering::SeqCst) < 0 {
            let last = env.store.last_change().await?;
            let _ = self
                .cursor
                .compare_exchange(-1, last, Ordering::SeqCst, Ordering::SeqCst);
        }
        let html = super::board::render_body(env, site_id).await?;
        self.renders.fetch_add(1, Ordering::Relaxed);
        let (tx, _) = broadcast::channel(BACKLOG);
        Ok(Arc::new(Board {
            site_id: site_id.to_string(),
            tx,
            last: Mutex::new(frame(&html)),
            rendered_at: AtomicI64::new(env.now()),
            refreshing: tokio::sync::Mutex::new(()),
            viewers: AtomicUsize::new(0),
        }))
    }

    /// Apply the change log since the cursor: every open board of a site
    /// that changed is rendered once and broadcast; boards not rendered for
    /// `STALE` too; rooms nobody watches are dropped.
    pub async fn catch_up(&self, env: &Env) -> anyhow::Result<()> {
        if self.cursor.load(Ordering::SeqCst) < 0 {
            return Ok(());
        }
        let _one = self.catching.lock().await;
        let cursor = self.cursor.load(Ordering::SeqCst);
        if cursor < 0 {
            return Ok(());
        }
        let mut touched = BTreeSet::new();
        let mut at = cursor;
        loop {
            let changes = env.store.changes_since(at, 1000).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            for c in &changes {
                if let Some(s) = &c.site_id {
                    touched.insert(s.clone());
                }
                for k in &c.keys {
                    if let Some(s) = k.strip_prefix("board:") {
                        touched.insert(s.to_string());
                    }
                }
            }
            at = last;
        }
        self.cursor.fetch_max(at, Ordering::SeqCst);
        let now = env.now();
        let rooms: Vec<Arc<Board>> = {
            let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
            rooms.retain(|_, b| b.viewers.load(Ordering::SeqCst) > 0);
            rooms.values().cloned().collect()
        };
        for b in rooms {
            let stale = now - b.rendered_at.load(Ordering::SeqCst) >= STALE.as_secs() as i64;
            if touched.contains(&b.site_id) || stale {
                self.refresh(env, &b).await?;
            }
        }
        Ok(())
    }

    async fn refresh(&self, env: &Env, b: &Board) -> anyhow::Result<()> {
        let _one = b.refreshing.lock().await;
        let html = super::board::render_body(env, &b.site_id).await?;
        self.renders.fetch_add(1, Ordering::Relaxed);
        let f = frame(&html);
        *b.last.lock().unwrap_or_else(|p| p.into_inner()) = f.clone();
        b.rendered_at.store(env.now(), Ordering::SeqCst);
        let _ = b.tx.send(f);
        Ok(())
    }
}
