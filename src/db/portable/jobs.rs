//! Background jobs as rows (`db::Jobs`), compiled once per backend: a claim
//! is one statement (PostgreSQL skips rows another node is claiming), held
//! under a lease its runner may renew. Rows are `Job`'s `FromRow`.

use async_trait::async_trait;

use super::{StoreImpl, dialect};
use crate::db::{Job, Jobs, StoreResult};
use crate::domain::job::JobKind;

#[async_trait]
impl Jobs for StoreImpl {
    async fn enqueue_job(&self, kind: &str, key: &str, run_at: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(kind)
        .bind(key)
        .bind(run_at)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn has_pending_job(&self, kind: &str, after: i64) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND done_at IS NULL AND run_at > $2",
        )
        .bind(kind)
        .bind(after)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn claim_jobs(
        &self,
        node: &str,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        // One statement. SQLite has one writer at a time; PostgreSQL locks
        // the chosen rows and skips rows another node is claiming, so no job
        // is handed to two runners.
        let sql = format!(
            "UPDATE jobs SET claimed_until = $1, claimed_by = $4, attempts = attempts + 1 WHERE id IN ( \
                SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 \
                AND (claimed_until IS NULL OR claimed_until < $2) AND kind NOT IN ({}) \
                ORDER BY run_at, id LIMIT $3{}) \
             RETURNING id, kind, key, run_at, attempts",
            JobKind::ALL
                .iter()
                .filter(|k| k.is_long())
                .map(|k| format!("'{}'", k.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            dialect::SKIP_LOCKED
        );
        Ok(sqlx::query_as(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(limit)
            .bind(node)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn claim_job_of(
        &self,
        kind: &str,
        node: &str,
        now: i64,
        lease: i64,
    ) -> StoreResult<Option<Job>> {
        let sql = format!(
            "UPDATE jobs SET claimed_until = $1, claimed_by = $4, attempts = attempts + 1 WHERE id IN ( \
                SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 AND kind = $3 \
                AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY run_at, id LIMIT 1{}) \
             RETURNING id, kind, key, run_at, attempts",
            dialect::SKIP_LOCKED
        );
        Ok(sqlx::query_as(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(kind)
            .bind(node)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn claim_job(
        &self,
        id: i64,
        node: &str,
        now: i64,
        lease: i64,
    ) -> StoreResult<Option<Job>> {
        Ok(sqlx::query_as(
            "UPDATE jobs SET claimed_until = $1, claimed_by = $3, attempts = attempts + 1 \
             WHERE id = $4 AND done_at IS NULL AND run_at <= $2 \
             AND (claimed_until IS NULL OR claimed_until < $2) \
             RETURNING id, kind, key, run_at, attempts",
        )
        .bind(now + lease)
        .bind(now)
        .bind(node)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn extend_claim(&self, id: i64, node: &str, until: i64) -> StoreResult<bool> {
        Ok(sqlx::query(
            "UPDATE jobs SET claimed_until = $1 WHERE id = $2 AND claimed_by = $3 AND done_at IS NULL",
        )
        .bind(until)
        .bind(id)
        .bind(node)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    async fn release_jobs(&self, node: &str) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE jobs SET claimed_until = NULL, claimed_by = NULL \
             WHERE claimed_by = $1 AND done_at IS NULL",
        )
        .bind(node)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn finish_job(&self, id: i64, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET done_at = $1, claimed_until = NULL, claimed_by = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn fail_job(&self, id: i64, error: &str, retry_at: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET last_error = $1, run_at = $2, claimed_until = NULL, claimed_by = NULL WHERE id = $3",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
