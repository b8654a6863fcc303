//! 线索 (`domain::planning::tip`): readers' 报料, editors' notes and
//! upcoming 活动. A reader's tip is filed once per challenge, with its
//! retention job in the same transaction.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::planning::tip::{TipInput, TipKind, TipState};

#[derive(Debug, Clone)]
pub struct Tip {
    pub id: i64,
    pub site_id: String,
    pub kind: TipKind,
    pub title: String,
    pub body: String,
    pub place: String,
    pub starts_at: Option<i64>,
    /// Only the desk sees it; gone after the retention.
    pub contact: Option<String>,
    pub receipt: Option<String>,
    pub state: TipState,
    pub reason: String,
    pub plan_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub keep_until: Option<i64>,
}

/// A reader's 报料 to file.
#[derive(Debug, Clone)]
pub struct ReaderTip {
    pub site_id: String,
    pub input: TipInput,
    pub receipt: String,
    /// The challenge it answered (one tip per challenge).
    pub nonce: String,
    pub keep_until: i64,
}

/// What filing a reader's tip came to.
#[derive(Debug, Clone)]
pub enum TipFiling {
    Filed(Box<Tip>),
    /// Its challenge was answered before: nothing filed.
    Replayed,
}

#[async_trait]
pub trait Tips: Send + Sync {
    /// An editor's tip (a note or an event) for `site_id`.
    async fn add_tip(
        &self,
        site_id: &str,
        input: &TipInput,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<i64>;
    /// A reader's 报料, its record row and its retention job.
    async fn file_tip(&self, tip: &ReaderTip, now: i64) -> StoreResult<TipFiling>;
    async fn tip(&self, id: i64) -> StoreResult<Option<Tip>>;
    async fn tip_by_receipt(&self, receipt: &str) -> StoreResult<Option<Tip>>;
    /// Tips of these sites (`None`: any) in `state` (`None`: any), newest first.
    async fn tips(
        &self,
        sites: Option<&[String]>,
        state: Option<TipState>,
        limit: i64,
    ) -> StoreResult<Vec<Tip>>;
    /// 搁置 a new tip, with a reason.
    async fn dismiss_tip(&self, id: i64, reason: &str, actor: &Actor, now: i64) -> StoreResult<()>;
    /// The retention of a reader's tip is over: it goes, or, if it became a
    /// plan, its contact and words do (idempotent).
    async fn expire_tip(&self, id: i64, now: i64) -> StoreResult<()>;
}
