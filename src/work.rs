//! Bounded pools for CPU-heavy work (DESIGN.md §11): password hashing, image
//! decoding, revision diffs. Each runs on tokio's blocking threads, never on
//! the async threads that serve pages, and each pool admits only so many jobs
//! at once: a flood of sign-ins or uploads waits for a slot, briefly, and is
//! then told to retry (503) instead of taking every core or all the memory.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::config::Limits;

/// One kind of heavy work with its slots.
pub struct Pool {
    name: &'static str,
    slots: Arc<Semaphore>,
    /// How long a job may wait for a slot before it is turned away.
    wait: Duration,
}

/// Why a job did not run.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    /// Every slot stayed busy for the pool's wait.
    #[error("{0} pool busy")]
    Busy(&'static str),
    /// The job panicked (a bug; its effects are dropped).
    #[error("{0} job failed: {1}")]
    Failed(&'static str, String),
}

impl Pool {
    pub fn new(name: &'static str, slots: usize, wait: Duration) -> Self {
        Self {
            name,
            slots: Arc::new(Semaphore::new(slots.max(1))),
            wait,
        }
    }

    /// Run `job` on a blocking thread once a slot is free.
    pub async fn run<T, F>(&self, job: F) -> Result<T, WorkError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = if self.wait.is_zero() {
            self.slots.clone().try_acquire_owned().ok()
        } else {
            tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
                .await
                .ok()
                .and_then(Result::ok)
        };
        let Some(permit) = permit else {
            tracing::warn!(pool = self.name, "work pool busy; turning a job away");
            return Err(WorkError::Busy(self.name));
        };
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            job()
        })
        .await
        .map_err(|e| WorkError::Failed(self.name, e.to_string()))
    }

    /// Slots free now (for `/metrics`).
    pub fn available(&self) -> usize {
        self.slots.available_permits()
    }
}

/// The app's pools.
pub struct Pools {
    /// argon2 (one core and 19 MiB per hash).
    pub hash: Pool,
    /// Image decoding (up to `media::MAX_DECODE_BYTES` each); a busy pool
    /// answers at once: an editor retries an upload, a flood does not queue.
    pub decode: Pool,
    /// Other bounded CPU work (revision diffs).
    pub cpu: Pool,
}

impl Pools {
    pub fn new(limits: &Limits) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            hash: Pool::new("hash", limits.hash_slots, Duration::from_secs(5)),
            decode: Pool::new("decode", limits.decode_slots, Duration::ZERO),
            cpu: Pool::new("cpu", cores, Duration::from_secs(5)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_pool_turns_jobs_away_and_frees_its_slot_after() {
        let pool = Arc::new(Pool::new("test", 1, Duration::ZERO));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let busy = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(move || rx.recv().is_ok()).await })
        };
        // wait until the first job holds the slot
        while pool.available() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(pool.run(|| 1).await, Err(WorkError::Busy("test"))));
        tx.send(()).unwrap();
        assert!(busy.await.unwrap().unwrap());
        assert_eq!(pool.run(|| 2).await.unwrap(), 2);
        // a panicking job is an error, and its slot comes back
        assert!(matches!(
            pool.run(|| panic!("boom")).await,
            Err(WorkError::Failed(..))
        ));
        assert_eq!(pool.run(|| 3).await.unwrap(), 3);
    }
}
