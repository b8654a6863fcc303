//! The live fan-out: readers of a 直播 story hold a server-sent-events
//! stream (or poll a snapshot); the hub gets an approved entry to all of
//! them within a second, on this node and every other.
//!
//! Each node follows the change log (`Hub::catch_up`, woken by local writes
//! and by other nodes' NOTIFY, else every `follow::CACHE_POLL`). A `live:ID`
//! change makes the story's room read what changed after the seq it has
//! (one query per change per node, however many readers), render each
//! entry once (`render::live`) and broadcast the finished SSE frame to
//! every stream (`tokio::sync::broadcast`: readers share one `Bytes`). A
//! reader that falls too far behind is told to reload the snapshot instead
//! of being waited for. (Polls read the snapshot through the render cache:
//! `render::live::snapshot` at `live/{id}/entries.json`, rendered once per
//! change like any page.)

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::broadcast;

use crate::domain::live::LiveStatus;
use crate::render::Env;

/// Frames a stream may fall behind before it is told to reload.
const BACKLOG: usize = 256;
/// A comment line this often keeps proxies from closing a quiet stream.
pub const HEARTBEAT: Duration = Duration::from_secs(20);

/// One finished server-sent event.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The entry's seq (0 for a status frame).
    pub seq: i64,
    pub bytes: Bytes,
}

pub struct Room {
    pub article_id: i64,
    tx: broadcast::Sender<Frame>,
    /// The newest entry seq broadcast.
    seq: AtomicI64,
    status: Mutex<Option<LiveStatus>>,
    /// One refresh at a time (the follower and a local write may both ask).
    refreshing: tokio::sync::Mutex<()>,
    pub readers: AtomicUsize,
}

impl Room {
    pub fn subscribe(&self) -> broadcast::Receiver<Frame> {
        self.tx.subscribe()
    }

    pub fn seq(&self) -> i64 {
        self.seq.load(Ordering::SeqCst)
    }
}

#[derive(Default)]
pub struct Hub {
    rooms: Mutex<HashMap<i64, Arc<Room>>>,
    /// The change-log seq applied (-1: not following, no rooms).
    cursor: AtomicI64,
    /// Set at shutdown: every stream ends so the server can drain.
    closing: tokio::sync::watch::Sender<bool>,
    pub streams: AtomicUsize,
}

/// A reader's stream, counted while it lasts.
pub struct Reader {
    room: Arc<Room>,
    hub: Arc<Hub>,
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.room.readers.fetch_sub(1, Ordering::SeqCst);
        self.hub.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An SSE frame: `id`, `event` and one `data` line of JSON.
pub fn frame(seq: Option<i64>, event: &str, data: &serde_json::Value) -> Bytes {
    let mut s = String::new();
    if let Some(seq) = seq {
        s.push_str(&format!("id: {seq}\n"));
    }
    s.push_str(&format!("event: {event}\ndata: {data}\n\n"));
    Bytes::from(s)
}

impl Hub {
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

    pub fn reader(self: &Arc<Self>, room: &Arc<Room>) -> Reader {
        room.readers.fetch_add(1, Ordering::SeqCst);
        self.streams.fetch_add(1, Ordering::SeqCst);
        Reader {
            room: room.clone(),
            hub: self.clone(),
        }
    }

    /// The room of live story `article_id`, made on first use with the
    /// newest public seq.
    pub async fn room(&self, env: &Env, article_id: i64) -> anyhow::Result<Arc<Room>> {
        if let Some(r) = self
            .rooms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&article_id)
        {
            return Ok(r.clone());
        }
        // follow the log from before the entries are read: no change between is missed
        if self.cursor.load(Ordering::SeqCst) < 0 {
            let last = env.store.last_change().await?;
            let _ = self
                .cursor
                .compare_exchange(-1, last, Ordering::SeqCst, Ordering::SeqCst);
        }
        let seq = env
            .store
            .entries(article_id, false)
            .await?
            .iter()
            .map(|e| e.seq)
            .max()
            .unwrap_or(0);
        let status = env.store.live_clock(article_id).await?.status();
        let (tx, _) = broadcast::channel(BACKLOG);
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        Ok(rooms
            .entry(article_id)
            .or_insert_with(|| {
                Arc::new(Room {
                    article_id,
                    tx,
                    seq: AtomicI64::new(seq),
                    status: Mutex::new(Some(status)),
                    refreshing: tokio::sync::Mutex::new(()),
                    readers: AtomicUsize::new(0),
                })
            })
            .clone())
    }

    /// Apply the change log since the cursor: every room whose story
    /// changed reads, renders and broadcasts what is new.
    pub async fn catch_up(&self, env: &Env) -> anyhow::Result<()> {
        let cursor = self.cursor.load(Ordering::SeqCst);
        if cursor < 0 {
            return Ok(());
        }
        let mut touched = std::collections::BTreeSet::new();
        let mut at = cursor;
        loop {
            let changes = env.store.changes_since(at, 1000).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            for c in &changes {
                for k in &c.keys {
                    if let Some(id) = k.strip_prefix("live:").and_then(|i| i.parse::<i64>().ok()) {
                        touched.insert(id);
                    }
                }
            }
            at = last;
        }
        self.cursor.fetch_max(at, Ordering::SeqCst);
        for id in touched {
            let room = self
                .rooms
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&id)
                .cloned();
            if let Some(room) = room {
                refresh(env, &room).await?;
            }
        }
        Ok(())
    }
}

/// The `entry` frames of story `article_id`'s entries whose public side
/// changed after `seq`, oldest change first: an approved one with its HTML,
/// a removed one so readers take it down. The hub broadcasts them; a
/// reconnecting reader is sent them first.
pub async fn frames_since(env: &Env, article_id: i64, seq: i64) -> anyhow::Result<Vec<Frame>> {
    let changed = env.store.entries_since(article_id, seq).await?;
    let views = crate::render::live::views(env, &changed, None).await?;
    let mut out = Vec::with_capacity(changed.len());
    for (e, v) in changed.iter().zip(&views) {
        let data = if e.public() {
            serde_json::json!({
                "id": e.id, "seq": e.seq, "state": "approved", "pinned": e.pinned,
                "key": e.key_event, "at": v.datetime,
                "html": crate::render::live::entry_html(env, v)?,
            })
        } else {
            serde_json::json!({ "id": e.id, "seq": e.seq, "state": "removed" })
        };
        out.push(Frame {
            seq: e.seq,
            bytes: frame(Some(e.seq), "entry", &data),
        });
    }
    Ok(out)
}

/// Read what changed in `room`'s story after the seq it has, and broadcast
/// each change as a finished frame; a status change too.
async fn refresh(env: &Env, room: &Room) -> anyhow::Result<()> {
    let _one = room.refreshing.lock().await;
    let since = room.seq();
    let mut newest = since;
    for f in frames_since(env, room.article_id, since).await? {
        newest = newest.max(f.seq);
        let _ = room.tx.send(f);
    }
    room.seq.fetch_max(newest, Ordering::SeqCst);
    let status = env.store.live_clock(room.article_id).await?.status();
    let was = room
        .status
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(status);
    if was.is_some_and(|w| w != status) {
        let _ = room.tx.send(Frame {
            seq: 0,
            bytes: frame(
                None,
                "status",
                &serde_json::json!({ "status": status, "label": status.label() }),
            ),
        });
    }
    Ok(())
}
