//! Sites and their channels (`Sites`): the settings every page of a site
//! reads, and the channel tree its navigation and lists come from.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::{Channel, Site};

#[async_trait]
pub trait Sites: Send + Sync {
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

    /// Rename a channel and set its sort order, page size and review levels.
    async fn update_channel(&self, channel: &Channel, now: i64) -> StoreResult<()>;
}
