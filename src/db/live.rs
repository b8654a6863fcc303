//! Live coverage's storage: the live desk's clock of each 直播 story and its
//! entries. Every change readers can see (an approval, a correction, a pin,
//! a removal, the start or end) is one transaction with its record row and
//! a `live:ID` change, whose seq the entry keeps: readers, on this node and
//! every other, ask for what changed after the seq they have.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::live::{Entry, EntryAct, LiveClock};

/// A new entry, before it has an id.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub article_id: i64,
    pub body_html: String,
    pub image_id: Option<i64>,
    pub video_id: Option<i64>,
    pub ai: crate::domain::ai::Ai,
}

/// An entry or a correction waiting for a live-desk editor's approval.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Awaiting {
    pub entry_id: i64,
    pub article_id: i64,
    pub site_id: String,
    pub channel_id: i64,
    pub title: String,
    /// Who wrote the entry, or proposed the correction (they may not approve it).
    pub writer_id: Option<i64>,
}

#[async_trait]
pub trait Live: Send + Sync {
    /// Every entry and correction waiting for approval, by story.
    async fn awaiting_review(&self) -> StoreResult<Vec<Awaiting>>;
    /// Write an entry, waiting for the live desk (record row; nothing public).
    async fn add_entry(&self, e: &NewEntry, actor: &Actor, now: i64) -> StoreResult<Entry>;
    async fn entry(&self, id: i64) -> StoreResult<Option<Entry>>;
    /// The story's entries, oldest first; `public`: approved ones only.
    async fn entries(&self, article_id: i64, public: bool) -> StoreResult<Vec<Entry>>;
    /// Entries whose public side changed after `seq` (removed ones too, so
    /// readers take them down), oldest change first.
    async fn entries_since(&self, article_id: i64, seq: i64) -> StoreResult<Vec<Entry>>;
    /// Apply a live-desk act (checked by the caller with
    /// `domain::live::refuse`), in one transaction with its record row and,
    /// when readers see it, its `live:ID` change.
    async fn act_on_entry(
        &self,
        id: i64,
        act: &EntryAct,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Entry>;
    /// When the desk opened and closed the story (`planned_at` left 0).
    async fn live_clock(&self, article_id: i64) -> StoreResult<LiveClock>;
    /// Open (`start`) or close the coverage; logs `live:ID` and `story:ID`.
    async fn set_live_clock(
        &self,
        article_id: i64,
        start: bool,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<LiveClock>;
}
