//! What public pages list (`Listings`): a channel's stories page by page,
//! a site's newest, the 相关新闻 candidates from the tag index, and the
//! live stories sitemaps and feeds walk.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::ArticleSummary;

/// One story's question for `Listings::tagged_before`.
#[derive(Debug, Clone)]
pub struct TaggedBefore<'a> {
    pub tags: &'a [String],
    /// (signed_at, id) of the story: only stories before it count.
    pub before: (i64, i64),
}

#[async_trait]
pub trait Listings: Send + Sync {
    /// Live stories listed in a channel (its descendants included), newest first.
    async fn channel_page(
        &self,
        channel_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// The stories either side of (sort_at, id) in a channel's list: the
    /// one signed just before (上一篇) and just after (下一篇).
    async fn neighbours(
        &self,
        channel_id: i64,
        at: (i64, i64),
    ) -> StoreResult<crate::domain::article::Neighbours>;
    /// A site's live stories under a tag or of a person, newest first.
    async fn facet_page(
        &self,
        facet: crate::domain::url::Facet,
        site_id: &str,
        value: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// How many of a site's live stories are under a tag or of a person.
    async fn facet_count(
        &self,
        facet: crate::domain::url::Facet,
        site_id: &str,
        value: &str,
    ) -> StoreResult<i64>;
    /// Every tag (or person) of a site's live stories, with how many.
    async fn facet_values(
        &self,
        facet: crate::domain::url::Facet,
        site_id: &str,
    ) -> StoreResult<Vec<(String, i64)>>;
    /// How many live stories a channel lists.
    async fn channel_count(&self, channel_id: i64) -> StoreResult<i64>;
    /// For each request and each of its tags, the live stories tagged with
    /// it that come before the request's (signed_at, id) in the newest-first
    /// order, newest first, at most `limit` each (the 相关新闻 candidates of
    /// many stories in one round trip).
    async fn tagged_before(
        &self,
        requests: &[TaggedBefore<'_>],
        limit: i64,
    ) -> StoreResult<Vec<Vec<Vec<ArticleSummary>>>>;
    /// Newest live stories of a site, newest first.
    async fn site_latest(&self, site_id: &str, limit: i64) -> StoreResult<Vec<ArticleSummary>>;
    /// The `(tag, article_id, sort_at)` listings after `after` in
    /// (tag, article_id) order, at most `limit` (the whole tag index, read
    /// page by page by a full static build).
    async fn tag_listings_after(
        &self,
        after: (&str, i64),
        limit: i64,
    ) -> StoreResult<Vec<(String, i64, i64)>>;
    /// The `(channel_id, article_id, sort_at)` listings after `after` in
    /// (channel_id, article_id) order, at most `limit` (every channel's list,
    /// read page by page by a full static build for 上一篇/下一篇).
    async fn channel_listings_after(
        &self,
        after: (i64, i64),
        limit: i64,
    ) -> StoreResult<Vec<(i64, i64, i64)>>;
    /// The story sitemaps that hold a live story: (block number, the newest
    /// change of a story in it), by block (`domain::url::sitemap_block_of`).
    async fn sitemap_blocks(&self) -> StoreResult<Vec<(i64, i64)>>;
    /// Withdrawn stories with id > `after_id`, by id: (id, site, URL path)
    /// (the static export answers their URLs 410).
    async fn withdrawn_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, String, String)>>;
    /// Live stories with id > `after_id`, by id (for sitemaps): summaries plus updated time.
    async fn live_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<(ArticleSummary, i64)>>;
    /// Live stories signed off at or after `since` (the news sitemap), newest first.
    async fn live_since(&self, since: i64, limit: i64) -> StoreResult<Vec<ArticleSummary>>;
    /// How many live stories there are.
    async fn live_count(&self) -> StoreResult<i64>;
}
