//! 传播效果 (`domain::reach`): views counted by the server or read from a web
//! server's access log, added up per story and outlet by hour; what the
//! rankings are computed from.

use async_trait::async_trait;

use super::StoreResult;

/// Views of one story through one outlet in one hour (a batch's row: the
/// store adds it to what is there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewCount {
    pub hour: i64,
    pub article_id: i64,
    pub outlet: String,
    pub site_id: String,
    pub channel_id: i64,
    pub count: i64,
}

/// A live story of a site with its views since two hours (the week's and
/// the day's window), as the rankings read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CountedRow {
    pub article_id: i64,
    pub channel_id: i64,
    pub signed_at: i64,
    pub kind: String,
    pub day: i64,
    pub week: i64,
}

#[async_trait]
pub trait Reach: Send + Sync {
    /// Add a batch of counted views in one transaction: a row for an hour,
    /// story and outlet already there is added to (every node adds its own).
    async fn add_views(&self, views: &[ViewCount]) -> StoreResult<()>;
    /// Add views read from an access log and move that log's mark (`source`)
    /// to `last_at`, in one transaction: a rerun counts nothing twice.
    async fn add_logged_views(
        &self,
        source: &str,
        views: &[ViewCount],
        last_at: i64,
    ) -> StoreResult<()>;
    /// The time up to which an access log (`source`) was counted.
    async fn view_import_mark(&self, source: &str) -> StoreResult<Option<i64>>;
    /// The live stories of `site_id` read since hour `week_from`, with the
    /// views since then (`week`) and since hour `day_from` (`day`).
    async fn counted(
        &self,
        site_id: &str,
        week_from: i64,
        day_from: i64,
    ) -> StoreResult<Vec<CountedRow>>;
    /// All views of a story, every outlet and hour.
    async fn story_views(&self, article_id: i64) -> StoreResult<i64>;
}
