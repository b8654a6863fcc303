//! The durable cursors of the change log's outward followers
//! (`Followers`): how far a CDN purge or a search-engine push has passed
//! the log on. A cursor moves only from the value it was read at, so two
//! nodes never both pass one change on.

use async_trait::async_trait;

use super::StoreResult;

#[async_trait]
pub trait Followers: Send + Sync {
    /// Follower `name`'s cursor, if it has one.
    async fn follower_cursor(&self, name: &str) -> StoreResult<Option<i64>>;
    /// Move follower `name`'s cursor from `from` (`None`: it has none yet)
    /// to `to`; false when it was not at `from` (another node moved it).
    async fn move_follower(
        &self,
        name: &str,
        from: Option<i64>,
        to: i64,
        now: i64,
    ) -> StoreResult<bool>;
}
