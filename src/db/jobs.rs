//! Background jobs are rows (`Jobs`, DESIGN.md §6): queued with a due time,
//! claimed under a lease by one node, finished or failed with a retry time.

use async_trait::async_trait;

use super::StoreResult;

/// A background job (DESIGN.md §6).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub run_at: i64,
    pub attempts: i64,
}

#[async_trait]
pub trait Jobs: Send + Sync {
    async fn enqueue_job(&self, kind: &str, key: &str, run_at: i64) -> StoreResult<i64>;
    /// Whether a job of `kind` due after `after` is queued and not done (a
    /// recurring job queues its next run only when none is).
    async fn has_pending_job(&self, kind: &str, after: i64) -> StoreResult<bool>;
    /// Claim up to `limit` due jobs for `lease` seconds on behalf of `node`;
    /// a job is never claimed by two runners while its claim holds.
    async fn claim_jobs(
        &self,
        node: &str,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> StoreResult<Vec<Job>>;
    /// Claim one due job of `kind` (a long kind: `JobKind::is_long`, which
    /// `claim_jobs` leaves to its own runner so a video never holds up a
    /// scheduled publication).
    async fn claim_job_of(
        &self,
        kind: &str,
        node: &str,
        now: i64,
        lease: i64,
    ) -> StoreResult<Option<Job>>;
    /// Claim job `id` if it is still due and unclaimed (the fair queue
    /// chose it); `None` if another runner took it meanwhile.
    async fn claim_job(
        &self,
        id: i64,
        node: &str,
        now: i64,
        lease: i64,
    ) -> StoreResult<Option<Job>>;
    /// Hold `node`'s claim of job `id` until `until` (a long job renews its
    /// lease while it runs); `false` when the claim is no longer `node`'s.
    async fn extend_claim(&self, id: i64, node: &str, until: i64) -> StoreResult<bool>;
    /// Give back `node`'s unfinished claims (graceful shutdown), so another
    /// node runs them at once instead of after the lease; returns how many.
    async fn release_jobs(&self, node: &str) -> StoreResult<u64>;
    async fn finish_job(&self, id: i64, now: i64) -> StoreResult<()>;
    async fn fail_job(&self, id: i64, error: &str, retry_at: i64) -> StoreResult<()>;
}
