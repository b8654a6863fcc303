//! The publication record's storage interface: every editorial and
//! administrative act (story transitions are written by `apply_transition`
//! in the same transaction as the change; everything else through `record`),
//! and reading it back: a story's record, the whole of it, keyset pages.

use async_trait::async_trait;

use super::StoreResult;

/// One row of the publication record.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    /// `None` for acts on no story (sign-ins, settings, accounts).
    pub article_id: Option<i64>,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub level: Option<i64>,
    pub opinion: String,
    pub revision_id: Option<i64>,
    pub title: String,
    pub url: String,
    /// What a non-story act was done to (`user:NAME`, `site:ID`, `slot:SITE/KEY`).
    pub subject: String,
    /// What changed, in words.
    pub detail: String,
    /// The client's address.
    pub address: String,
    /// The revision's number as the story's screen counts it.
    pub revision_number: Option<i64>,
    /// Review levels of the story's channel (for state labels).
    pub levels: Option<i64>,
}

/// Who did something, from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// `None`: the command line or the scheduler.
    pub id: Option<i64>,
    pub name: String,
    /// The client's address (empty for the command line).
    pub address: String,
}

impl Actor {
    /// A command run by an operator on the server.
    pub fn cli(command: &str) -> Self {
        Actor {
            id: None,
            name: format!("命令行({command})"),
            address: String::new(),
        }
    }
}

/// One act that is not a story transition.
#[derive(Debug, Clone, Default)]
pub struct Event {
    /// An action name of `domain::record::ACTIONS`.
    pub action: &'static str,
    /// What it was done to: `user:NAME`, `site:ID`, `slot:SITE/KEY`, `words`, `import`.
    pub subject: String,
    pub article_id: Option<i64>,
    /// The story's title, or the subject's name.
    pub title: String,
    /// What changed, in words (old → new for settings).
    pub detail: String,
}

/// Filters and position of one page of the record (newest first).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor_id: Option<i64>,
    /// A person by the name the record holds (failed sign-ins have no id).
    pub actor: Option<String>,
    pub article_id: Option<i64>,
    pub action: Option<String>,
    /// What the acts were done to (`report:JB…`).
    pub subject: Option<String>,
    /// `at >= from` and `at < to` (seconds).
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Keyset: rows strictly older than (at, id).
    pub before: Option<(i64, i64)>,
    pub limit: i64,
    /// Only these actions (empty: any).
    pub actions: Vec<String>,
    /// Not these actions.
    pub exclude: Vec<String>,
    /// What the reader may see (`None`: everything, an administrator).
    pub scope: Option<RecordScope>,
}

/// The part of the record a person who is no administrator reads: their
/// own acts, and the acts on their sites' stories, slots, pictures and
/// videos; acts on 举报 only if they handle reports. Sign-ins, accounts
/// and settings of others are the administrators'.
#[derive(Debug, Clone, Default)]
pub struct RecordScope {
    pub me: i64,
    pub sites: Vec<String>,
    pub reports: bool,
}

#[async_trait]
pub trait Record: Send + Sync {
    /// Append one act to the record.
    async fn record(&self, actor: &Actor, event: &Event, now: i64) -> StoreResult<()>;
    /// One page of the record, newest first.
    async fn audit_page(&self, q: &AuditQuery) -> StoreResult<Vec<AuditEntry>>;
    /// A story's record, oldest first.
    async fn audit_of(&self, article_id: i64) -> StoreResult<Vec<AuditEntry>>;
    /// The whole record, oldest first, optionally from a time on.
    async fn audit_all(&self, since: Option<i64>, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// For 稿件统计 of `[from, to)`: the workflow acts on stories, and the
    /// stories written (author, channel).
    async fn stats_acts(
        &self,
        from: i64,
        to: i64,
    ) -> StoreResult<(Vec<crate::domain::stats::Act>, Vec<(i64, i64)>)>;
}
