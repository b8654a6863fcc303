//! What the content API reads and keeps (`Api`): public stories by filter
//! in keyset pages, the API keys an administrator hands to apps, and the
//! per-minute counters every node claims its share of a key's limit from.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::Article;
use crate::domain::api::Sort;

/// One page of public stories: published, of `kinds`, on `sites`, newest
/// first under `sort`, after the keyset `after` (time, id).
#[derive(Debug, Clone)]
pub struct PublicStories<'a> {
    /// Never empty: the caller resolves the key's scope and `site=`.
    pub sites: &'a [String],
    /// The kinds' stored names (the listed kinds, or the one asked for).
    pub kinds: &'a [&'a str],
    /// A channel: it and its sub-channels (the `listings` rows).
    pub channel_id: Option<i64>,
    pub tag: Option<&'a str>,
    /// Updated (更新, a correction, else 签发) at or after.
    pub updated_since: Option<i64>,
    /// Signed off at or after / before.
    pub signed_from: Option<i64>,
    pub signed_to: Option<i64>,
    pub sort: Sort,
    pub after: Option<(i64, i64)>,
    pub limit: i64,
}

/// An API key as the admin sees it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// Hex SHA-256 of the key.
    pub digest: String,
    /// Its first characters.
    pub shown: String,
    /// The sites it may read; empty: every site.
    pub sites: Vec<String>,
    pub per_minute: i64,
    pub created_at: i64,
    pub created_by: String,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<String>,
    pub last_used_at: Option<i64>,
}

impl ApiKey {
    /// Whether it may read `site_id`.
    pub fn covers(&self, site_id: &str) -> bool {
        self.sites.is_empty() || self.sites.iter().any(|s| s == site_id)
    }
}

/// What a new key is made of (the digest of a key the caller made).
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    pub digest: String,
    pub shown: String,
    pub sites: Vec<String>,
    pub per_minute: i64,
}

/// The dependency key an API key's change logs: every node's memo of the
/// keys is dropped when one is created or revoked.
pub const KEYS_CHANGED: &str = "api-keys";

#[async_trait]
pub trait Api: Send + Sync {
    /// One page of public stories (see `PublicStories`).
    async fn public_stories(&self, q: &PublicStories<'_>) -> StoreResult<Vec<Article>>;
    /// Every key, revoked ones too, newest first.
    async fn api_keys(&self) -> StoreResult<Vec<ApiKey>>;
    /// Store a new key with its record row and an `api-keys` change.
    async fn add_api_key(&self, key: &NewApiKey, actor: &Actor, now: i64) -> StoreResult<i64>;
    /// Revoke a key (at once on every node: an `api-keys` change), with its
    /// record row; revoking a revoked key changes nothing.
    async fn revoke_api_key(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<()>;
    /// Claim up to `want` requests of key `key_id`'s `limit` for `minute`
    /// (minutes since the epoch), across nodes: answers how many were
    /// granted (0: the minute's limit is spent). Notes the key's last use.
    async fn claim_api_quota(
        &self,
        key_id: i64,
        minute: i64,
        want: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<i64>;
}
