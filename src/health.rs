//! Whether this node should get traffic (`/readyz`): the database answers,
//! takes a write, and has not been seen damaged.
//!
//! The write probe rewrites one row (`Store::probe_write`) within
//! `PROBE_TIMEOUT`: a database whose write lock is stuck, whose disk is full
//! or which became read-only fails it. Its answer is kept for `PROBE_EVERY`,
//! so a load balancer probing often costs one small write a second at most.
//! Damage is noticed where it shows: any request that meets SQLite's
//! SQLITE_CORRUPT/NOTADB (or PostgreSQL's data_corrupted) marks the node
//! not ready until it is restarted on a repaired or restored database; a
//! scan of the whole file on every probe would not be cheap.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::db::Store;

pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
pub const PROBE_EVERY: Duration = Duration::from_secs(1);

/// Set on a response whose error was a damaged database (the guard
/// middleware, which has the state, marks the node).
#[derive(Debug, Clone, Copy)]
pub struct DatabaseDamaged;

#[derive(Default)]
pub struct Health {
    corrupt: AtomicBool,
    probe: Mutex<Option<(Instant, Result<(), String>)>>,
}

impl Health {
    pub fn mark_corrupt(&self) {
        if !self.corrupt.swap(true, Ordering::Relaxed) {
            tracing::error!("the database is damaged; this node reports not ready until restarted");
        }
    }

    pub fn corrupt(&self) -> bool {
        self.corrupt.load(Ordering::Relaxed)
    }

    /// Whether the database takes a write now (or did within `PROBE_EVERY`);
    /// the reason, in Chinese, when it does not.
    pub async fn writable(&self, store: &dyn Store, now: i64) -> Result<(), String> {
        if let Some((at, answer)) = self.probe.lock().ok().and_then(|p| p.clone()) {
            if at.elapsed() < PROBE_EVERY {
                return answer;
            }
        }
        let answer = match tokio::time::timeout(PROBE_TIMEOUT, store.probe_write(now)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) if e.is_disk_full() => Err("数据库磁盘已满,无法写入".to_string()),
            Ok(Err(e)) if e.is_corrupt() => {
                self.mark_corrupt();
                Err("数据库文件已损坏".to_string())
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness write probe failed");
                Err("数据库无法写入".to_string())
            }
            Err(_) => Err(format!(
                "数据库在 {} 秒内没有完成写入(写锁被占用?)",
                PROBE_TIMEOUT.as_secs()
            )),
        };
        if let Ok(mut p) = self.probe.lock() {
            *p = Some((Instant::now(), answer.clone()));
        }
        answer
    }
}
