//! Stories as whole rows (`Articles`): read one or many, write one (its
//! listings and change-log row in the same transaction), import a batch,
//! and find a site's pages (单页).

use std::collections::BTreeSet;

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::{Article, ArticleSummary};

/// What an import line did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Created,
    Updated,
    /// Left alone, with the reason (a story in the newsroom's workflow).
    Refused(String),
}

#[async_trait]
pub trait Articles: Send + Sync {
    async fn article(&self, id: i64) -> StoreResult<Option<Article>>;
    /// Insert (id 0 = next free id) or replace an article, keep its listings in
    /// step with its status, and log the change; returns the id.
    async fn save_article(&self, article: &Article, now: i64) -> StoreResult<i64>;
    /// Put live an imported story scheduled for a 签发 time that has come
    /// (one outside the newsroom's workflow); false when there is none to
    /// release (not scheduled, in the newsroom, or not due).
    async fn release_scheduled(&self, id: i64, now: i64) -> StoreResult<bool>;

    /// Insert or replace many articles in one transaction (an import batch):
    /// all are written or none. Returns what became of each. A story the
    /// newsroom has (a draft, one under review or scheduled, or one with
    /// revisions) is never changed; an update of an archive story is audited.
    /// Without `--update` (`updatable` is Some), an archive story that
    /// existed before is replaced only if its id is in `updatable` (created
    /// earlier in the same run); the others are refused as conflicts.
    async fn import_batch(
        &self,
        articles: &[Article],
        updatable: Option<&BTreeSet<i64>>,
        now: i64,
    ) -> StoreResult<Vec<Imported>>;

    /// Articles with these ids (missing ids are skipped), any status.
    async fn articles_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Article>>;
    /// Published articles with id > `after_id`, by id, at most `limit` (keyset scan).
    async fn published_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<Article>>;

    /// The site page (单页) at a site-relative path (`about/`), whatever
    /// its status.
    async fn page_at(&self, site_id: &str, rel: &str) -> StoreResult<Option<i64>>;
    /// A site's pages with their paths (any status), by title.
    async fn site_pages(&self, site_id: &str) -> StoreResult<Vec<ArticleSummary>>;
}
