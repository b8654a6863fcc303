//! 举报's storage: reports, their handling, and the rate limit every node
//! shares. A report is committed (with its record row and the job that
//! clears its contact data) before the reader sees a receipt; every
//! handler's act is one transaction with its record row.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::report::{Act, Category, Filed, Report, State};

/// A report to file, checked (`domain::report::check`).
#[derive(Debug, Clone)]
pub struct NewReport {
    pub receipt: String,
    pub site_id: String,
    pub filed: Filed,
    pub article_id: Option<i64>,
    pub shots: Vec<String>,
    /// Their stored size in bytes (the hourly budget counts it).
    pub shot_bytes: i64,
    /// The answered challenge's nonce: one report per challenge.
    pub nonce: String,
    pub due_at: i64,
    pub contact_until: i64,
}

/// The limits of a window: attempts per address, reports taken in all.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub window_secs: i64,
    pub per_address: i64,
    pub global: i64,
}

/// Whether an attempt is within the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Allowed,
    /// Over the limit of this address.
    AddressLimited,
    /// Over the limit of the whole portal.
    GlobalLimited,
}

/// What happened to a report filed.
#[derive(Debug, Clone, PartialEq)]
pub enum Filing {
    Filed(Box<Report>),
    /// The challenge was used already.
    Replayed,
}

/// Filters of the 举报处理 queue and the export.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub state: Option<State>,
    /// Open ones only (not 已处理).
    pub open: bool,
    pub category: Option<Category>,
    pub site_id: Option<String>,
    /// The sites the person handles (`None`: all).
    pub sites: Option<Vec<String>>,
    /// Open and past the deadline at this time.
    pub overdue_at: Option<i64>,
    pub assignee_id: Option<i64>,
    /// `created_at` in `[from, to)`.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Keyset: rows older than (created_at, id).
    pub before: Option<(i64, i64)>,
    pub limit: i64,
}

#[async_trait]
pub trait Reports: Send + Sync {
    /// Count an attempt of `who` (a hash of the address) and say whether
    /// it is within the limits; refused attempts count too (rows older than
    /// the window are dropped).
    async fn report_attempt(&self, who: &str, limits: Limits, now: i64) -> StoreResult<Attempt>;
    /// File the report with its record row and the job that clears its
    /// contact, unless its challenge was used.
    async fn file_report(&self, r: &NewReport, now: i64) -> StoreResult<Filing>;
    async fn report(&self, id: i64) -> StoreResult<Option<Report>>;
    async fn report_by_receipt(&self, receipt: &str) -> StoreResult<Option<Report>>;
    /// One page of reports, newest first.
    async fn reports(&self, f: &ReportFilter) -> StoreResult<Vec<Report>>;
    /// Open reports and how many of them are overdue at `now`, of `sites`.
    async fn report_counts(&self, sites: Option<&[String]>, now: i64) -> StoreResult<(i64, i64)>;
    /// Apply a handler's act (checked by `domain::report::apply`) with its
    /// record row; a conflict when the report changed since `seen`.
    async fn act_on_report(
        &self,
        id: i64,
        act: &Act,
        seen: i64,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Report>;
    /// Clear a report's contact data once its retention has passed.
    async fn clear_report_contact(&self, id: i64, now: i64) -> StoreResult<bool>;
    /// The secret that signs the form's challenges, shared by every node:
    /// the stored one, else `fresh` (the caller's random value) stored now.
    async fn report_secret(&self, fresh: &str) -> StoreResult<String>;
    /// Bytes of screenshots stored with reports filed at or after `since`.
    async fn shot_bytes_since(&self, since: i64) -> StoreResult<i64>;
}
