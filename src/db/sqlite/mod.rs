//! The embedded SQLite backend (the default): one file under the data directory,
//! WAL mode, foreign keys on. The queries live in `db/portable/`, compiled
//! here with SQLite's types; this module holds the connection, the migrations
//! and SQLite's spelling of the few statements the dialects do not share.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

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

type Db = sqlx::Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
type StoreImpl = SqliteStore;

/// The database file's name in the data directory.
pub const FILE_NAME: &str = "gazette.db";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
}

/// Connections a serving process keeps (readers; writers queue on the file lock).
pub const CONNECTIONS: u32 = 8;

impl SqliteStore {
    /// Open (creating if missing) the database file at `path`, with at most
    /// `connections` connections.
    pub async fn open(path: &Path, connections: u32) -> StoreResult<Self> {
        let path = path.to_path_buf();
        let opts = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // read pages through a memory map instead of a read() and a copy
            // per page (reads dominate: every public page is a few queries)
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-32768");
        let pool = SqlitePoolOptions::new()
            .max_connections(connections.max(1))
            .min_connections(1)
            .after_release(|conn, _| Box::pin(async move { Ok(crate::db::reusable(conn)) }))
            .connect_with(opts)
            .await?;
        Ok(Self { pool, path })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        let has_table: Option<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(&self.pool)
        .await?;
        if has_table.is_some() {
            let applied: Option<i64> =
                sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
                    .fetch_one(&self.pool)
                    .await?;
            if let Some(applied) = applied.filter(|v| *v > known) {
                return Err(StoreError::NewerSchema(
                    self.path.display().to_string(),
                    applied,
                ));
            }
        }
        MIGRATOR.run(&self.pool).await?;
        // a migration may grow the write-ahead log by megabytes (a table
        // rebuilt, an index built); give that space back now rather than
        // keep it allocated under the database for ever
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn shutdown(&self) {
        self.pool.close().await;
    }

    /// SQLite has no notifications: other processes' writes are found by
    /// polling the change log.
    async fn forward_changes(&self, _wake: crate::db::Wake) -> StoreResult<bool> {
        Ok(false)
    }
}

/// SQLite's spelling of what the dialects do not share.
mod dialect {
    use super::write::Tx;
    use crate::db::StoreResult;

    /// The id of an inserted article: `$1`, or the next rowid when it is 0.
    pub const ARTICLE_ID: &str = "CASE WHEN $1 = 0 THEN NULL ELSE $1 END";
    /// Row locks: none (one writer at a time; a stale read fails to commit).
    pub const FOR_UPDATE: &str = "";
    /// A quick check of the file's structure (every page's b-tree, not
    /// the indexes' contents against their tables): "ok", or what is wrong.
    pub const INTEGRITY_CHECK: Option<&str> = Some("PRAGMA quick_check(5)");
    pub const SKIP_LOCKED: &str = "";

    /// Rowids follow the largest id by themselves.
    pub async fn note_explicit_article_id(_tx: &mut Tx<'_>, _id: i64) -> StoreResult<()> {
        Ok(())
    }

    /// A transaction that writes content and logs the change. It takes
    /// SQLite's one write lock up front (waiting up to the busy timeout), so
    /// its reads cannot go stale before it writes, and change-log seqs commit
    /// in order.
    pub async fn begin_write(pool: &sqlx::SqlitePool) -> StoreResult<Tx<'static>> {
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A transaction that writes rows no follower reads: SQLite has one
    /// writer, so it is `begin_write`.
    pub async fn begin_own(pool: &sqlx::SqlitePool) -> StoreResult<Tx<'static>> {
        begin_write(pool).await
    }

    /// The one writer already serializes every write transaction.
    pub async fn lock_key(_tx: &mut Tx<'_>, _key: &str) -> StoreResult<()> {
        Ok(())
    }

    /// A transaction that only reads, from one snapshot: SQLite's deferred
    /// transaction reads from the snapshot its first read sees.
    pub async fn begin_read(pool: &sqlx::SqlitePool) -> StoreResult<Tx<'static>> {
        Ok(pool.begin().await?)
    }

    /// Followers in this process are woken by the writer; other processes poll.
    pub async fn after_change(_tx: &mut Tx<'_>, _seq: i64) -> StoreResult<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Row as _;

    use super::*;

    /// The keyset pages of the record, the picture library and the 举报 queue
    /// seek their `(…, time, id)` index from the cursor (`SEARCH … (at<?)`)
    /// and walk it in order, with no sort: a scan or a sort would read every
    /// row newer than the cursor on every page further down.
    #[tokio::test]
    async fn keyset_pages_seek_their_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("plan.db"), 1)
            .await
            .unwrap();
        store.run_migrations().await.unwrap();
        for (from, cols, index) in [
            ("audit au WHERE 1 = 1", ("au.at", "au.id"), "audit_at"),
            (
                "images WHERE site_id = 'main'",
                ("created_at", "id"),
                "images_recent",
            ),
            (
                "reports WHERE 1 = 1",
                ("created_at", "id"),
                "reports_created",
            ),
        ] {
            let mut b = sqlx::QueryBuilder::new(format!("EXPLAIN QUERY PLAN SELECT * FROM {from}"));
            keyset::newest_first(&mut b, cols, Some((1_700_000_000, 42)), 50);
            let plan: Vec<String> = b
                .build()
                .fetch_all(&store.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>("detail"))
                .collect();
            let plan = plan.join("; ");
            assert!(
                plan.contains("SEARCH ") && plan.contains(index) && plan.contains("<?"),
                "{from}: the cursor does not seek {index}: {plan}"
            );
            assert!(
                !plan.contains("TEMP B-TREE"),
                "{from}: sorted instead of walked: {plan}"
            );
        }
    }
}
