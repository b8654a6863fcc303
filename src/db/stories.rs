//! A story in the newsroom (`Stories`): its revisions, its working side in
//! the workflow, the workflow's decisions applied in one transaction, and
//! each person's autosaved working copy.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::Article;
use crate::domain::draft::Draft;
use crate::domain::user::User;
use crate::domain::workflow::{Flow, Outcome, Work};

/// The workflow side of one story.
#[derive(Debug, Clone)]
pub struct WorkState {
    pub article: Article,
    pub work: Work,
    pub author_id: Option<i64>,
    pub work_revision: Option<i64>,
    /// Who acted at which level in the current review cycle.
    pub acts: Vec<(u8, i64)>,
    /// Who saved the text now under review: the authors of the revisions
    /// made since the story last went live (all of them for a story never
    /// published). None of them reviews or signs it off.
    pub editors: Vec<i64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Revision {
    pub id: i64,
    pub article_id: i64,
    pub number: i64,
    pub draft: Draft,
    pub author_id: Option<i64>,
    pub author: String,
    pub created_at: i64,
}

/// What the workflow decided, for storage to apply in one transaction.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub article_id: i64,
    pub expected_version: i64,
    pub from: Flow,
    pub outcome: &'a Outcome,
    pub action: &'a str,
    /// (id, display name); `None` id for the scheduler.
    pub actor: (Option<i64>, String),
    pub now: i64,
    /// What the record row says beside the opinion (the 举报 it answers).
    pub detail: &'a str,
}

#[async_trait]
pub trait Stories: Send + Sync {
    /// A new story in draft with its first revision; returns its id.
    async fn create_story(
        &self,
        site_id: &str,
        draft: &Draft,
        author: &User,
        now: i64,
    ) -> StoreResult<i64>;
    /// Save a revision if the story is still at `expected_version`, else `Conflict`.
    /// A never-published story's row follows the draft; a live one stays as it is.
    async fn save_draft(
        &self,
        id: i64,
        expected_version: i64,
        draft: &Draft,
        author: &User,
        now: i64,
    ) -> StoreResult<i64>;
    async fn work_state(&self, id: i64) -> StoreResult<Option<WorkState>>;
    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<Revision>>;
    async fn revision(&self, article_id: i64, number: i64) -> StoreResult<Option<Revision>>;
    /// The revision being worked on (or the latest one).
    async fn working_revision(&self, article_id: i64) -> StoreResult<Option<Revision>>;
    /// Apply a workflow decision: state, live content, listings, slots,
    /// corrections, audit record, jobs and change log, in one transaction.
    async fn apply_transition(&self, t: &Transition<'_>) -> StoreResult<()>;
    /// Keep a person's working copy of a story (replacing the last one).
    async fn put_autosave(
        &self,
        article_id: i64,
        user_id: i64,
        draft: &Draft,
        base_version: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// A person's working copy: (draft, version it was based on, saved at).
    async fn autosave(
        &self,
        article_id: i64,
        user_id: i64,
    ) -> StoreResult<Option<(Draft, i64, i64)>>;
    async fn drop_autosave(&self, article_id: i64, user_id: i64) -> StoreResult<()>;
}
