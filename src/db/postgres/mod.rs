//! The PostgreSQL backend, for several app nodes over one database. The
//! queries live in `db/portable/`, compiled here with PostgreSQL's types; this
//! module holds the connection, the migrations, the change notifications and
//! PostgreSQL's spelling of the few statements the dialects do not share.
//!
//! Two things differ from SQLite in kind, not just in spelling:
//! - Writers run concurrently. Every transaction that logs a change first
//!   takes one transaction-scoped advisory lock (`begin_write`), so change-log
//!   seqs commit in the order they were drawn and a follower reading
//!   `seq > cursor` never skips a row that commits late.
//! - Each change NOTIFYs `gazette_changes` when it commits, so the other nodes
//!   wake at once (`listen`); the durable log covers a missed notification.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};

use super::{StoreError, StoreResult};

#[path = "../portable/api.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod api;
#[path = "../portable/article_lists.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod article_lists;
#[path = "../portable/article_topics.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod article_topics;
#[path = "../portable/article_write.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod article_write;
#[path = "../portable/articles.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod articles;
#[path = "../portable/assignments.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod assignments;
#[path = "../portable/changes.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod changes;
#[path = "../portable/curation.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod curation;
#[path = "../portable/exports.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod exports;
#[path = "../portable/followers.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod followers;
#[path = "../portable/jobs.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod jobs;
#[path = "../portable/keyset.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod keyset;
#[path = "../portable/listings.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod listings;
#[path = "../portable/live.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod live;
#[path = "../portable/pictures.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod pictures;
#[path = "../portable/plans.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod plans;
#[path = "../portable/rankings.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod rankings;
#[path = "../portable/reach.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod reach;
#[path = "../portable/record.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod record;
#[path = "../portable/reports.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod reports;
#[path = "../portable/roster.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod roster;
#[path = "../portable/rows.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod rows;
#[path = "../portable/sites.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod sites;
#[path = "../portable/store.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod store;
#[path = "../portable/stories.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod stories;
#[path = "../portable/story_create.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod story_create;
#[path = "../portable/story_list.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod story_list;
#[path = "../portable/tips.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod tips;
#[path = "../portable/topics.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod topics;
#[path = "../portable/transitions.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod transitions;
#[path = "../portable/users.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod users;
#[path = "../portable/videos.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod videos;
#[path = "../portable/webhooks.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod webhooks;
#[path = "../portable/words.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod words;
#[path = "../portable/write.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend, on purpose"
)]
mod write;

type Db = sqlx::Postgres;
type DbRow = sqlx::postgres::PgRow;
type StoreImpl = PgStore;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The channel change notifications travel on.
pub const CHANNEL: &str = "gazette_changes";

/// Connections a serving process keeps.
pub const CONNECTIONS: u32 = 16;

pub struct PgStore {
    pool: PgPool,
    /// The task forwarding notifications (it holds a connection of the pool).
    listener: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The URL without its password, for messages.
    shown: String,
}

impl PgStore {
    /// Connect to `url` (`postgres://user@host:port/db`). With `schema`, every
    /// connection works in that schema, created if missing (tests use a fresh
    /// one per run; operators may keep Gazette out of `public`).
    pub async fn connect(url: &str, schema: Option<&str>, connections: u32) -> StoreResult<Self> {
        let mut opts: PgConnectOptions = url.parse()?;
        opts = opts.application_name("gazette");
        if let Some(schema) = schema {
            if !schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                || schema.is_empty()
            {
                return Err(StoreError::Invalid(format!(
                    "schema name {schema:?}: use lowercase letters, digits and _"
                )));
            }
            let mut conn = sqlx::ConnectOptions::connect(&opts).await?;
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .execute(&mut conn)
                .await?;
            sqlx::Connection::close(conn).await?;
            opts = opts.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(1))
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .after_release(|conn, _| Box::pin(async move { Ok(crate::db::reusable(conn)) }))
            .connect_with(opts)
            .await?;
        Ok(Self {
            pool,
            listener: std::sync::Mutex::new(None),
            shown: redact(url),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations')",
        )
        .fetch_one(&self.pool)
        .await?;
        if has_table {
            let applied: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
                    .fetch_one(&self.pool)
                    .await?;
            if let Some(applied) = applied.filter(|v| *v > known) {
                return Err(StoreError::NewerSchema(self.shown.clone(), applied));
            }
        }
        // sqlx holds an advisory lock while it migrates: nodes starting
        // together migrate once
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Listen for committed changes on a connection of its own and call
    /// `wake` for each. After a dropped connection the listener reconnects;
    /// notifications sent meanwhile are lost, so it wakes the followers then
    /// too, and they read the durable change log.
    async fn forward_changes(&self, wake: crate::db::Wake) -> StoreResult<bool> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        let task = tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => wake(),
                    Ok(None) => {
                        tracing::warn!(
                            "change notifications: connection lost; reconnecting and catching up from the change log"
                        );
                        wake();
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "change notifications unavailable; retrying in 1 s (followers poll meanwhile)");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        wake();
                    }
                }
            }
        });
        if let Some(old) = self
            .listener
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(task)
        {
            old.abort();
        }
        Ok(true)
    }

    async fn shutdown(&self) {
        let task = self
            .listener
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(task) = task {
            // its connection goes back to the pool, which can then close
            task.abort();
            let _ = task.await;
        }
        self.pool.close().await;
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..s + 3], &creds[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// PostgreSQL's spelling of what the dialects do not share.
mod dialect {
    use super::write::Tx;
    use crate::db::StoreResult;

    /// The id of an inserted article: `$1`, or the next from the sequence when 0.
    pub const ARTICLE_ID: &str = "COALESCE(NULLIF($1, 0), nextval('articles_id_seq'))";
    /// Lock the story row until the transaction ends.
    pub const FOR_UPDATE: &str = " FOR UPDATE";
    /// None: PostgreSQL checks its pages as it reads them (data checksums,
    /// `data_corrupted` errors mark the node), and its operators run
    /// `amcheck`; a scan from here would only repeat it, slower.
    pub const INTEGRITY_CHECK: Option<&str> = None;
    /// Claim only rows no other node is claiming right now.
    pub const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

    /// Key of the advisory lock content writers take (ASCII "gazette\0").
    const WRITE_LOCK: i64 = 0x6761_7a65_7474_6500;

    /// A transaction that writes content and logs the change: it first takes
    /// the writers' lock, held until commit, so change-log seqs commit in order.
    pub async fn begin_write(pool: &sqlx::PgPool) -> StoreResult<Tx<'static>> {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// A transaction that writes rows no follower reads (reports and their
    /// limit): no writers' lock, so it never waits for content writers.
    pub async fn begin_own(pool: &sqlx::PgPool) -> StoreResult<Tx<'static>> {
        Ok(pool.begin().await?)
    }

    /// Serialize the transactions that lock the same `key` until commit
    /// (a rate limit's count and insert).
    pub async fn lock_key(tx: &mut Tx<'_>, key: &str) -> StoreResult<()> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(key)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// A transaction that only reads, from one snapshot (READ COMMITTED
    /// would let each statement see a different one), and takes no row locks.
    pub async fn begin_read(pool: &sqlx::PgPool) -> StoreResult<Tx<'static>> {
        Ok(pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?)
    }

    /// An id chosen by the caller (an import): move the sequence past it.
    pub async fn note_explicit_article_id(tx: &mut Tx<'_>, id: i64) -> StoreResult<()> {
        sqlx::query(
            "SELECT setval('articles_id_seq', GREATEST($1, (SELECT last_value FROM articles_id_seq)))",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Tell the other nodes when the transaction commits.
    pub async fn after_change(tx: &mut Tx<'_>, seq: i64) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(super::CHANNEL)
            .bind(seq.to_string())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            super::redact("postgres://gz:s3cret@db.local:5432/news"),
            "postgres://gz:***@db.local:5432/news"
        );
        assert_eq!(
            super::redact("postgres://gz@127.0.0.1/news"),
            "postgres://gz@127.0.0.1/news"
        );
    }
}
