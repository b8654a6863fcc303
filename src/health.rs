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
/// How long the start-up integrity check may hold the start.
pub const INTEGRITY_AT_START: Duration = Duration::from_secs(20);
/// How often `/readyz` has the structure checked again (in the background).
pub const INTEGRITY_EVERY: Duration = Duration::from_secs(3600);

/// What to do about a damaged database, for the operator.
pub const RESTORE_ADVICE: &str = "请停止写入,按 docs/operations.md 从最近的备份恢复数据库后重启";

/// Set on a response whose error was a damaged database (the guard
/// middleware, which has the state, marks the node).
#[derive(Debug, Clone, Copy)]
pub struct DatabaseDamaged;

#[derive(Default)]
pub struct Health {
    corrupt: AtomicBool,
    probe: Mutex<Option<(Instant, Result<(), String>)>>,
    /// What the last integrity check found (damage), and when it ran.
    integrity: Mutex<Option<(Instant, Option<String>)>>,
    /// An integrity check runs now (from `/readyz`).
    checking: AtomicBool,
}

/// The start-up check: the database's structure, within
/// `INTEGRITY_AT_START`. Damage marks the node not ready (its pages that
/// still read are served; `/readyz` says what is wrong and what to do); a
/// check that does not finish in time is left to `/readyz`'s schedule.
pub async fn check_at_start(health: &Health, store: &dyn Store) {
    let started = Instant::now();
    match tokio::time::timeout(INTEGRITY_AT_START, store.integrity_check()).await {
        Ok(Ok(found)) => {
            tracing::info!(
                secs = started.elapsed().as_secs_f64(),
                damaged = found.is_some(),
                "database integrity checked"
            );
            health.integrity_found(found);
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "the database integrity check could not run"),
        Err(_) => tracing::warn!(
            secs = INTEGRITY_AT_START.as_secs(),
            "the database integrity check did not finish at start-up; /readyz runs it in the background (start with --skip-integrity-check for a database too large to scan)"
        ),
    }
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

    /// Record an integrity check's finding; damage marks the node.
    pub fn integrity_found(&self, found: Option<String>) {
        if let Some(what) = &found {
            tracing::error!(found = %what, "the database integrity check found damage; restore it from a backup (docs/operations.md)");
            self.mark_corrupt();
        }
        if let Ok(mut i) = self.integrity.lock() {
            *i = Some((Instant::now(), found));
        }
    }

    /// What the last integrity check found wrong, if anything.
    pub fn integrity_damage(&self) -> Option<String> {
        self.integrity.lock().ok()?.as_ref()?.1.clone()
    }

    /// Whether an integrity check is due (never run, or `INTEGRITY_EVERY`
    /// ago) and none runs now; the caller that gets `true` runs it.
    pub fn integrity_due(&self) -> bool {
        let due = self.integrity.lock().ok().is_none_or(|i| {
            i.as_ref()
                .is_none_or(|(at, _)| at.elapsed() >= INTEGRITY_EVERY)
        });
        due && !self.checking.swap(true, Ordering::AcqRel)
    }

    /// The check `integrity_due` granted has finished (or failed to run).
    pub fn integrity_done(&self, found: Option<Option<String>>) {
        if let Some(found) = found {
            self.integrity_found(found);
        }
        self.checking.store(false, Ordering::Release);
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
