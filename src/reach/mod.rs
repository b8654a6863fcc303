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

use std::collections::HashMap;
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

/// This node's counts not yet in the database, by (hour, story).
#[derive(Default)]
pub struct Views {
    pending: Mutex<HashMap<(i64, i64), Tally>>,
    /// Off: nothing is counted (`serve --no-count-views`, the benchmark's
    /// other half).
    off: bool,
}

impl Views {
    pub fn new(counting: bool) -> Self {
        Self {
            pending: Mutex::default(),
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
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending
            .entry((hour_of(now), page.article_id))
            .or_insert_with(|| Tally {
                site_id: page.site_id.clone(),
                channel_id: page.channel_id,
                count: 0,
            })
            .count += 1;
    }

    /// Add what was counted to the database; on failure the counts stay
    /// for the next batch.
    pub async fn flush(&self, store: &dyn Store) -> anyhow::Result<usize> {
        let taken = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
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
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                for (k, t) in taken {
                    match pending.get_mut(&k) {
                        Some(p) => p.count += t.count,
                        None => {
                            pending.insert(k, t);
                        }
                    }
                }
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
