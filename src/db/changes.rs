//! The change log as its followers read it (`Changes`): every content
//! write appends the dependency keys it touched (DESIGN.md §1); the render
//! cache, the search index and the static export follow it by seq, and
//! check by a row's fingerprint (`change_mark`) that it is still the log
//! they followed.

use std::sync::Arc;

use async_trait::async_trait;

use super::StoreResult;

/// Called when another process may have committed changes.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// The fingerprint `Changes::change_mark` answers: a change row's fields,
/// hashed (a restored or different database has other rows under the same
/// seqs).
pub fn change_mark(seq: i64, at: i64, kind: &str, article: Option<i64>, keys: &str) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(format!(
        "{seq}\u{1f}{at}\u{1f}{kind}\u{1f}{article:?}\u{1f}{keys}"
    ));
    hex::encode(&h.finalize()[..8])
}

/// One row of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: i64,
    pub kind: String,
    pub site_id: Option<String>,
    pub article_id: Option<i64>,
    /// Page dependency keys the change touches (DESIGN.md §2).
    pub keys: Vec<String>,
    /// The row's fingerprint (`change_mark`), for followers that check the
    /// log they follow is still the one they followed.
    pub mark: String,
}

#[async_trait]
pub trait Changes: Send + Sync {
    /// Change-log rows with seq > `after`, oldest first, at most `limit`.
    async fn changes_since(&self, after: i64, limit: i64) -> StoreResult<Vec<Change>>;
    /// The newest change-log sequence number (0 when empty).
    async fn last_change(&self) -> StoreResult<i64>;
    /// A fingerprint of the change-log row `seq` (None if there is none):
    /// derived data checks that the row it last applied is still the same.
    async fn change_mark(&self, seq: i64) -> StoreResult<Option<String>>;
}
