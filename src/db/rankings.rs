//! 热点排行 (`domain::rank`): the lists as last computed from the counts, and
//! editors' removals with their reasons. Nothing here puts a story in a
//! list: only `replace_rankings` writes them, with what the rule computed.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::ArticleSummary;
use crate::domain::rank::{Period, Place};

/// A live story at its place in a list.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub position: i64,
    pub views: i64,
    pub story: ArticleSummary,
}

/// An editor's removal of a story from a site's rankings.
#[derive(Debug, Clone)]
pub struct Removal {
    pub id: i64,
    pub site_id: String,
    pub article_id: i64,
    pub title: String,
    pub url_path: Option<String>,
    pub reason: String,
    pub removed_by: String,
    pub removed_at: i64,
    pub restored_by: Option<String>,
    pub restored_at: Option<i64>,
}

#[async_trait]
pub trait Rankings: Send + Sync {
    /// A list of `site_id` (`channel` `""`: the site's own), its live
    /// stories in order, at most `limit`.
    async fn ranking(
        &self,
        site_id: &str,
        channel: &str,
        period: Period,
        limit: i64,
    ) -> StoreResult<Vec<Ranked>>;
    /// Replace the site's lists with `places` (what `domain::rank::compute`
    /// gave); logs `rank:{site}` when an order changed. Returns whether one did.
    async fn replace_rankings(
        &self,
        site_id: &str,
        places: &[Place],
        now: i64,
    ) -> StoreResult<bool>;
    /// The stories editors keep out of the site's rankings now.
    async fn removed_from_rankings(&self, site_id: &str) -> StoreResult<Vec<i64>>;
    /// The site's removals, newest first (taken back ones too).
    async fn rank_removals(&self, site_id: &str, limit: i64) -> StoreResult<Vec<Removal>>;
    /// Take story `article_id` out of every list of `site_id`, recording who
    /// and why; refused (`Invalid`) unless it is in one of them now.
    async fn remove_from_rankings(
        &self,
        site_id: &str,
        article_id: i64,
        reason: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
    /// Take back removal `id` of `site_id` (recorded): the story returns to
    /// the lists only if its counts place it there at the next computation.
    async fn restore_to_rankings(
        &self,
        site_id: &str,
        id: i64,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
}
