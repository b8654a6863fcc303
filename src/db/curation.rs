//! 推荐位 storage: slot definitions and their ordered lists, and the live
//! stories pages show from them. Every change is applied in one transaction
//! with its change-log row (`slot:SITE/KEY`), so the cache and the export
//! follow; an editor's change also with its publication-record row.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::ArticleSummary;
use crate::domain::slot::Op;

/// A curated slot (推荐位).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Slot {
    pub id: i64,
    pub site_id: String,
    pub key: String,
    pub name: String,
    /// How many items the page shows.
    pub size: i64,
    /// Order among the site's slots on its home page.
    pub sort: i64,
    /// Its home block: titles, or 图文.
    pub style: crate::domain::channel::ListStyle,
    /// The story kinds it takes (empty: every listed kind).
    pub kinds: Vec<crate::domain::kind::Kind>,
    /// Other sites whose stories it may take (when they share them).
    pub sites: Vec<String>,
}

impl Slot {
    /// `kinds` and `sites` as stored (comma-separated).
    pub fn stored_lists(&self) -> (String, String) {
        (
            self.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(","),
            self.sites.join(","),
        )
    }
}

/// One item of a slot as the back office shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SlotItem {
    pub entry: crate::domain::slot::Entry,
    pub title: String,
    pub site_id: String,
    pub live: bool,
}

#[async_trait]
pub trait Curation: Send + Sync {
    async fn slot(&self, site_id: &str, key: &str) -> StoreResult<Option<Slot>>;
    /// The first `limit` live stories of a slot whose time is not up at `now`, in curated order.
    async fn slot_items(
        &self,
        slot_id: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// Create or rename a slot and set its items in order (no record row:
    /// the demo and the tests set slots up this way).
    async fn put_slot(
        &self,
        site_id: &str,
        key: &str,
        name: &str,
        article_ids: &[i64],
        now: i64,
    ) -> StoreResult<Slot>;
    /// A site's slots (or every site's), in their order.
    async fn slots(&self, site_id: Option<&str>) -> StoreResult<Vec<Slot>>;
    async fn slot_by_id(&self, id: i64) -> StoreResult<Option<Slot>>;
    /// Every item of a slot in display order, live or not, expired or not.
    async fn slot_list(&self, slot_id: i64) -> StoreResult<Vec<SlotItem>>;
    /// The slots that hold a story, with its 1-based position in each.
    async fn slots_holding(&self, article_id: i64) -> StoreResult<Vec<(Slot, i64)>>;
    /// Create (id 0) or change a slot's name, size and order.
    async fn save_slot(&self, slot: &Slot, actor: &Actor, now: i64) -> StoreResult<i64>;
    /// Apply one editor's operation (`domain::slot::apply`); a reorder made
    /// on a stale screen is refused, not applied. An expiry time gets a job.
    async fn curate(&self, slot_id: i64, op: &Op, actor: &Actor, now: i64) -> StoreResult<()>;
    /// Take items whose time is up off every slot; returns how many went.
    async fn expire_slot_items(&self, now: i64) -> StoreResult<usize>;
}
