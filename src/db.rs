//! Storage: the `Store` trait is the only way to the database (DESIGN.md §7).
//!
//! SQL lives only under `db/`. Queries are runtime-checked and written in the
//! portable subset of SQL that SQLite and PostgreSQL share (`$1` placeholders,
//! `ON CONFLICT`, `RETURNING`), so the PostgreSQL backend reuses them.

pub mod sqlite;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::{Article, ArticleSummary, Channel, Site};

/// What can go wrong in storage, as callers need to tell it apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    /// Input that breaks a rule of the content model (caller's fault).
    #[error("{0}")]
    Invalid(String),
    /// Another writer changed the record first (optimistic locking).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database was written by a newer Gazette.
    #[error(
        "the database at {0} was created by a newer version of Gazette (schema version {1}); \
         run a newer gazette, or use another --data-dir"
    )]
    NewerSchema(String, i64),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the error comes from the data being written (a rule or a
    /// constraint it breaks) rather than from the database itself.
    pub fn is_data_error(&self) -> bool {
        match self {
            StoreError::NotFound(_) | StoreError::Invalid(_) | StoreError::Conflict(_) => true,
            StoreError::Db(sqlx::Error::Database(d)) => {
                d.is_unique_violation() || d.is_foreign_key_violation() || d.is_check_violation()
            }
            _ => false,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A curated slot (推荐位) and its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub id: i64,
    pub site_id: String,
    pub key: String,
    pub name: String,
}

/// One row of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: i64,
    pub kind: String,
    pub site_id: Option<String>,
    pub article_id: Option<i64>,
}

/// The storage interface both backends satisfy.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Apply pending migrations; refuse a database from a newer version.
    async fn migrate(&self) -> StoreResult<()>;

    /// All sites, main site first, then by sort order.
    async fn sites(&self) -> StoreResult<Vec<Site>>;
    /// Create or replace a site (settings included).
    async fn put_site(&self, site: &Site, now: i64) -> StoreResult<()>;

    /// Channels of a site, unordered (see `ChannelTree`).
    async fn channels(&self, site_id: &str) -> StoreResult<Vec<Channel>>;
    /// Create the channel if its (site, path) does not exist; return it.
    async fn ensure_channel(
        &self,
        site_id: &str,
        path: &str,
        name: &str,
        sort: i64,
    ) -> StoreResult<Channel>;

    async fn article(&self, id: i64) -> StoreResult<Option<Article>>;
    /// Insert (id 0 = next free id) or replace an article, keep its listings in
    /// step with its status, and log the change; returns the id.
    async fn save_article(&self, article: &Article, now: i64) -> StoreResult<i64>;

    /// Insert or replace many articles in one transaction (an import batch):
    /// all are written or none. Returns, per article, whether it was created.
    async fn import_batch(&self, articles: &[Article], now: i64) -> StoreResult<Vec<bool>>;

    /// Articles with these ids (missing ids are skipped), any status.
    async fn articles_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Article>>;
    /// Published articles with id > `after_id`, by id, at most `limit` (keyset scan).
    async fn published_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<Article>>;

    /// Change-log rows with seq > `after`, oldest first, at most `limit`.
    async fn changes_since(&self, after: i64, limit: i64) -> StoreResult<Vec<Change>>;
    /// The newest change-log sequence number (0 when empty).
    async fn last_change(&self) -> StoreResult<i64>;

    /// Live stories listed in a channel (its descendants included), newest first.
    async fn channel_page(
        &self,
        channel_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// How many live stories a channel lists.
    async fn channel_count(&self, channel_id: i64) -> StoreResult<i64>;

    async fn slot(&self, site_id: &str, key: &str) -> StoreResult<Option<Slot>>;
    /// Live stories of a slot, in curated order.
    async fn slot_items(&self, slot_id: i64, limit: i64) -> StoreResult<Vec<ArticleSummary>>;
    /// Create or rename a slot and set its items in order.
    async fn put_slot(
        &self,
        site_id: &str,
        key: &str,
        name: &str,
        article_ids: &[i64],
        now: i64,
    ) -> StoreResult<Slot>;
}

pub type DynStore = Arc<dyn Store>;

/// Open the embedded SQLite database under `data_dir`, creating it if needed,
/// and bring its schema up to date.
pub async fn open(data_dir: &Path) -> StoreResult<DynStore> {
    let store = sqlite::SqliteStore::open(data_dir).await?;
    store.migrate().await?;
    Ok(Arc::new(store))
}
