//! 派题 (`domain::planning::assignment`): coverages given to a person or a
//! desk, the steps they take, and the story each started. The store applies
//! a step the domain decided, at the version it was decided on; a story's
//! own workflow moves its assignment inside `apply_transition`.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::Status;
use crate::domain::draft::Draft;
use crate::domain::planning::assignment::{Action, State};
use crate::domain::planning::plan::Medium;
use crate::domain::user::User;
use crate::domain::workflow::Work;

/// Whom a coverage is given to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    Person(i64),
    /// A desk: a site's channel (its people take it up).
    Desk {
        site_id: String,
        channel: String,
    },
}

/// The story an assignment started, as far as it has gone.
#[derive(Debug, Clone)]
pub struct StoryState {
    pub id: i64,
    pub title: String,
    pub status: Status,
    pub work: Work,
    pub url_path: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub id: i64,
    pub coverage_id: i64,
    pub plan_id: i64,
    /// The plan's site, channel and slugline.
    pub site_id: String,
    pub channel_path: String,
    pub slug: String,
    pub day: Option<String>,
    pub medium: Medium,
    pub assignee_id: Option<i64>,
    /// The person's display name, or the desk's `site/channel`.
    pub assignee: String,
    pub desk: Option<(String, String)>,
    pub assigned_by: String,
    pub deadline: Option<i64>,
    pub state: State,
    pub reason: String,
    pub story: Option<StoryState>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// Which assignments to list.
#[derive(Debug, Clone, Default)]
pub struct AssignmentFilter {
    /// Given to this person, or to a desk in `desks`.
    pub assignee: Option<i64>,
    /// Desks (site, channel path prefix) whose assignments count as the
    /// person's (those he works in).
    pub desks: Vec<(String, Option<String>)>,
    /// Of these plans.
    pub plans: Vec<i64>,
    /// Of these sites' plans.
    pub sites: Option<Vec<String>>,
    /// Only those not final (not 已完成 / 已取消).
    pub open_only: bool,
}

#[async_trait]
pub trait Assignments: Send + Sync {
    /// Give coverage `coverage_id` to `to` with a deadline; refused while
    /// the coverage has an assignment not final or handed back, or when it
    /// is not to be covered.
    async fn assign(
        &self,
        coverage_id: i64,
        to: &Assignee,
        deadline: Option<i64>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<i64>;
    /// Apply step `action` from `from` to `to` (decided by
    /// `assignment::decide`) if the assignment is still at
    /// `expected_version`; a 改派 gives it to `reassign_to`.
    #[allow(clippy::too_many_arguments)]
    async fn move_assignment(
        &self,
        id: i64,
        expected_version: i64,
        action: Action,
        to: State,
        reason: &str,
        reassign_to: Option<&Assignee>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
    /// 开始写稿: the story (`draft`, by `author`) is created and the
    /// assignment moves to 进行中 with it, in one transaction. Returns the
    /// story's id.
    async fn start_assignment(
        &self,
        id: i64,
        expected_version: i64,
        site_id: &str,
        draft: &Draft,
        author: &User,
        now: i64,
    ) -> StoreResult<i64>;
    async fn assignment(&self, id: i64) -> StoreResult<Option<Assignment>>;
    /// The assignment story `article_id` fulfils, if any.
    async fn assignment_of_story(&self, article_id: i64) -> StoreResult<Option<Assignment>>;
    /// Matching assignments, by deadline (none last), then newest.
    async fn assignments(
        &self,
        filter: &AssignmentFilter,
        limit: i64,
    ) -> StoreResult<Vec<Assignment>>;
}
