//! Counting reads and ranking them (`domain::reach`, `domain::rank`): each
//! node counts its readers' story views in memory, per story and hour, and
//! adds them to the database in one batch every `FLUSH_EVERY` (and at
//! shutdown), so a view costs a map update and the database a few rows per
//! batch; the rankings are computed from the sums by any node
//! (`refresh_rankings`, the `rank_refresh` job). A static export's views
//! are counted from the web server's access log (`count_log`).
//!
//! What a crash loses is the views of its last batch interval, never a
//! story or a list; nothing about a reader is kept (no address, no cookie).

mod log;
mod rankings;

pub use log::{LogOptions, LogSummary, count_log};
pub use rankings::{refresh_rankings, refresh_site};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::db::{Store, ViewCount};
use crate::domain::reach::{Viewed, WEB, hour_of};

/// How often a node adds its counts to the database.
pub const FLUSH_EVERY: Duration = Duration::from_secs(10);

struct Tally {
    site_id: Arc<str>,
    channel_id: i64,
    count: i64,
}

type Pending = rustc_hash::FxHashMap<(i64, i64), Tally>;

/// One shard of the counts, on a cache line of its own.
#[derive(Default)]
#[repr(align(128))]
struct Shard(Mutex<Pending>);

/// Shards: each worker thread counts into its own (`SHARD`), so a view
/// takes an uncontended lock whose line stays in its core's cache; the
/// batch gathers them all.
const SHARDS: usize = 16;

static NEXT_SHARD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

thread_local! {
    static SHARD: usize = NEXT_SHARD.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % SHARDS;
}

/// This node's counts not yet in the database, by (hour, story).
pub struct Views {
    shards: Box<[Shard]>,
    /// Off: nothing is counted (`serve --no-count-views`, the benchmark's
    /// other half).
    off: bool,
}

impl Default for Views {
    fn default() -> Self {
        Self::new(true)
    }
}

impl Views {
    pub fn new(counting: bool) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            off: !counting,
        }
    }

    pub fn counting(&self) -> bool {
        !self.off
    }

    /// One reader's view of `page` at `now`.
    pub fn count(&self, page: &Viewed, now: i64) {
        if self.off {
            return;
        }
        let shard = &self.shards[SHARD.with(|s| *s)];
        let mut pending = shard.0.lock().unwrap_or_else(|e| e.into_inner());
        pending
            .entry((hour_of(now), page.article_id))
            .or_insert_with(|| Tally {
                site_id: page.site_id.clone(),
                channel_id: page.channel_id,
                count: 0,
            })
            .count += 1;
    }

    /// Every shard's counts, taken out and summed.
    fn take(&self) -> Pending {
        let mut all = Pending::default();
        for shard in self.shards.iter() {
            let taken = std::mem::take(&mut *shard.0.lock().unwrap_or_else(|e| e.into_inner()));
            merge(&mut all, taken);
        }
        all
    }

    /// Add what was counted to the database; on failure the counts stay
    /// for the next batch.
    pub async fn flush(&self, store: &dyn Store) -> anyhow::Result<usize> {
        let taken = self.take();
        if taken.is_empty() {
            return Ok(0);
        }
        let rows: Vec<ViewCount> = taken
            .iter()
            .map(|((hour, article_id), t)| ViewCount {
                hour: *hour,
                article_id: *article_id,
                outlet: WEB.to_string(),
                site_id: t.site_id.to_string(),
                channel_id: t.channel_id,
                count: t.count,
            })
            .collect();
        match store.add_views(&rows).await {
            Ok(()) => Ok(rows.len()),
            Err(e) => {
                // put them back, added to what came in meanwhile
                let shard = &self.shards[SHARD.with(|s| *s)];
                merge(
                    &mut shard.0.lock().unwrap_or_else(|e| e.into_inner()),
                    taken,
                );
                Err(e.into())
            }
        }
    }

    /// Flush every `FLUSH_EVERY` until the process ends (the caller flushes
    /// once more at shutdown).
    pub fn spawn(self: &Arc<Self>, store: crate::db::DynStore) -> tokio::task::JoinHandle<()> {
        let views = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match views.flush(store.as_ref()).await {
                    Ok(0) => {}
                    Ok(rows) => tracing::debug!(rows, "views added"),
                    Err(e) => {
                        tracing::warn!(error = %format!("{e:#}"), "could not add the counted views; they wait for the next batch")
                    }
                }
            }
        })
    }
}

/// Add `from`'s counts into `into`.
fn merge(into: &mut Pending, from: Pending) {
    for (k, t) in from {
        match into.get_mut(&k) {
            Some(p) => p.count += t.count,
            None => {
                into.insert(k, t);
            }
        }
    }
}
