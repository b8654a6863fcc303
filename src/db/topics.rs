//! 专题 (`domain::topic`): the live topics of a site, a topic by its
//! address, and a section's rule evaluated on the listings.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::topic::Rule;
use crate::domain::{Article, ArticleSummary};

#[async_trait]
pub trait Topics: Send + Sync {
    /// The topic story at site-relative `rel` (`zt/{slug}/`), live or
    /// withdrawn.
    async fn topic_at(&self, site_id: &str, rel: &str) -> StoreResult<Option<i64>>;
    /// A site's live topics, newest first.
    async fn topic_page(
        &self,
        site_id: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    async fn topic_count(&self, site_id: &str) -> StoreResult<i64>;
    /// A site's live topics whole (their sections), newest first: the
    /// stories' "本文收录于专题" line reads them.
    async fn live_topics(&self, site_id: &str) -> StoreResult<Vec<Article>>;
    /// The live, listed stories of `site_id` that `rule` gathers, but for
    /// `except` (the section's picks), newest first.
    async fn gathered(
        &self,
        site_id: &str,
        rule: &Rule,
        except: &[i64],
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    async fn gathered_count(&self, site_id: &str, rule: &Rule, except: &[i64]) -> StoreResult<i64>;
    /// Of `ids`, the live, listed stories of `site_id`, in the order given.
    async fn picked(&self, site_id: &str, ids: &[i64]) -> StoreResult<Vec<ArticleSummary>>;
}
