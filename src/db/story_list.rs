//! The newsroom's story lists (`StoryList`): 稿件 filtered and paged by
//! (updated_at, id), and the stories with work pending that the
//! navigation counts.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::Status;
use crate::domain::workflow::Work;

/// A story as the newsroom lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryRow {
    pub id: i64,
    pub site_id: String,
    pub channel_id: i64,
    pub title: String,
    pub status: Status,
    pub work: Work,
    pub author_id: Option<i64>,
    pub updated_at: i64,
    pub signed_at: Option<i64>,
    /// The 签发人 by name.
    pub signed_by: Option<String>,
    pub kind: crate::domain::kind::Kind,
    pub url_path: Option<String>,
    pub version: i64,
}

/// Filters of the newsroom's story lists.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    pub author_id: Option<i64>,
    /// `draft`, `review`, `scheduled`, `live`, `withdrawn`.
    pub state: Option<String>,
    pub review_level: Option<u8>,
    pub site_id: Option<String>,
    pub channel_id: Option<i64>,
    /// Only these channels (a person's scope, a channel and its subtree).
    pub channel_ids: Option<Vec<i64>>,
    pub id: Option<i64>,
    /// The 签发人 by the name the story records.
    pub signer: Option<String>,
    /// `updated_at >= from` and `< to`.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub title_contains: Option<String>,
    /// Keyset: rows strictly older than (updated_at, id).
    pub before: Option<(i64, i64)>,
    pub limit: i64,
}

/// A story with work pending, as the navigation counts it.
#[derive(Debug, Clone)]
pub struct InWork {
    pub id: i64,
    pub site_id: String,
    pub channel_id: i64,
    pub author_id: Option<i64>,
    pub work: Work,
}

#[async_trait]
pub trait StoryList: Send + Sync {
    async fn stories(&self, filter: &StoryFilter) -> StoreResult<Vec<StoryRow>>;
    /// Every story with work pending (drafts, reviews, schedules) as
    /// (id, site, channel, author, work), and how many of `author_id`'s
    /// drafts were sent back by their last workflow act: the nav counts.
    async fn in_work(&self, author_id: i64) -> StoreResult<(Vec<InWork>, i64)>;
    /// The stories signed off last (by 签发 time, newest first), of the
    /// kinds lists show (no 单页): 最近发布 on the 工作台.
    async fn recently_signed(&self, limit: i64) -> StoreResult<Vec<StoryRow>>;
}
