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
use std::net::IpAddr;
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
    fn new(article_id: i64, seq: i64, status: Option<LiveStatus>) -> Self {
        let (tx, _) = broadcast::channel(BACKLOG);
        Room {
            article_id,
            tx,
            seq: AtomicI64::new(seq),
            status: Mutex::new(status),
            refreshing: tokio::sync::Mutex::new(()),
            readers: AtomicUsize::new(0),
        }
    }

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
    /// Streams held per client address (an IPv6 client by its /64).
    by_address: Mutex<HashMap<IpAddr, usize>>,
}

/// How many event streams one client address, and everyone together, may
/// hold: a stream holds a connection for as long as the reader stays, so
/// without a cap one address could take every connection the server has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCaps {
    pub per_address: usize,
    pub total: usize,
}

/// Why a stream was not admitted (the reader polls instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// This address holds its share already.
    Address,
    /// Every stream slot is taken.
    Total,
}

/// A reader's stream, counted while it lasts.
pub struct Reader {
    room: Arc<Room>,
    hub: Arc<Hub>,
    address: Option<IpAddr>,
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.room.readers.fetch_sub(1, Ordering::SeqCst);
        self.hub.streams.fetch_sub(1, Ordering::SeqCst);
        if let Some(a) = self.address
            && let Ok(mut m) = self.hub.by_address.lock()
            && let Some(n) = m.get_mut(&a)
        {
            *n -= 1;
            if *n == 0 {
                m.remove(&a);
            }
        }
    }
}

/// The key a client's streams are counted under: an IPv4 address, or an
/// IPv6 client's /64 (one subscriber's whole network: rotating addresses
/// within it does not multiply its share).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
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

    /// Admit a stream of `room` for `client` within `caps`, counted until
    /// the returned reader drops. (A request without a known client, as in
    /// tests calling the router directly, counts only against the total.)
    pub fn admit(
        self: &Arc<Self>,
        room: &Arc<Room>,
        client: Option<IpAddr>,
        caps: StreamCaps,
    ) -> Result<Reader, Full> {
        let address = client.map(address_key);
        // one lock for both counts: admission is rare next to frames
        let mut by_address = self.by_address.lock().map_err(|_| Full::Total)?;
        if self.streams.load(Ordering::SeqCst) >= caps.total {
            return Err(Full::Total);
        }
        if let Some(a) = address {
            let held = by_address.entry(a).or_insert(0);
            if *held >= caps.per_address {
                return Err(Full::Address);
            }
            *held += 1;
        }
        self.streams.fetch_add(1, Ordering::SeqCst);
        room.readers.fetch_add(1, Ordering::SeqCst);
        Ok(Reader {
            room: room.clone(),
            hub: self.clone(),
            address,
        })
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
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        Ok(rooms
            .entry(article_id)
            .or_insert_with(|| Arc::new(Room::new(article_id, seq, Some(status))))
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
                "key": e.key_event, "at": v.datetime, "time": v.time, "summary": v.summary,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One address holds its share of streams and no more; an IPv6 client
    /// counts by its /64; the total holds whoever asks; a stream that ends
    /// gives its slot back.
    #[test]
    fn streams_are_admitted_within_their_caps() {
        let hub = Arc::new(Hub::new());
        let room = Arc::new(Room::new(7, 0, None));
        let caps = StreamCaps {
            per_address: 2,
            total: 5,
        };
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let first = hub.admit(&room, Some(a), caps).unwrap();
        let _second = hub.admit(&room, Some(a), caps).unwrap();
        assert_eq!(hub.admit(&room, Some(a), caps).err(), Some(Full::Address));
        // the same /64 is the same client
        let v6 = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let _x = hub.admit(&room, v6("2001:db8:1:2::1"), caps).unwrap();
        let _y = hub.admit(&room, v6("2001:db8:1:2:ffff::9"), caps).unwrap();
        assert_eq!(
            hub.admit(&room, v6("2001:db8:1:2::abcd"), caps).err(),
            Some(Full::Address)
        );
        // five held: the total is reached for everyone
        let _z = hub.admit(&room, v6("2001:db8:9::1"), caps).unwrap();
        assert_eq!(
            hub.admit(&room, v6("2001:db8:77::1"), caps).err(),
            Some(Full::Total)
        );
        assert_eq!(room.readers.load(Ordering::SeqCst), 5);
        // a reader leaves: its address and the total have room again
        drop(first);
        assert_eq!(hub.streams.load(Ordering::SeqCst), 4);
        let _again = hub.admit(&room, Some(a), caps).unwrap();
        assert_eq!(hub.admit(&room, Some(a), caps).err(), Some(Full::Total));
    }
}
