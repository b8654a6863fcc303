//! 选题 and 报题 (`domain::planning::plan`): plans with their coverages,
//! the desk's decisions on pitches, and each day's 报题单 (its order and
//! 定稿). Every act is one transaction with its record row and a change
//! naming `plan:ID` and `board:SITE` (the command board follows them).

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::planning::plan::{CoverageStatus, Medium, PitchAction, PlanInput, PlanState};

/// A coverage of a plan.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub id: i64,
    pub plan_id: i64,
    pub medium: Medium,
    pub status: CoverageStatus,
    /// `HH:MM` or empty.
    pub time: String,
    pub note: String,
}

/// A plan (or a pitch) with its coverages in order.
#[derive(Debug, Clone)]
pub struct Plan {
    pub id: i64,
    pub site_id: String,
    pub channel_path: String,
    pub slug: String,
    pub description: String,
    /// `YYYY-MM-DD`; `None` undated.
    pub day: Option<String>,
    pub priority: i64,
    pub state: PlanState,
    /// Why it was declined or cancelled.
    pub reason: String,
    pub merged_into: Option<i64>,
    pub tip_id: Option<i64>,
    pub proposer_id: Option<i64>,
    pub proposer: String,
    /// The proposer's own site (a county desk's pitch to the city says so).
    pub from_site: String,
    pub position: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    pub coverages: Vec<Coverage>,
}

/// Which plans to list.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Of these sites (`None`: any).
    pub sites: Option<Vec<String>>,
    /// In these states (empty: any).
    pub states: Vec<PlanState>,
    /// Pitched (as a 报题) by this person.
    pub proposer: Option<i64>,
    /// For this day (`Some("")`: undated ones).
    pub day: Option<String>,
}

/// A day's 报题单 beyond its plans.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// Bumped by every arrangement: a stale order is refused.
    pub version: i64,
    pub final_by: Option<String>,
    pub final_at: Option<i64>,
}

/// Who proposes or plans, as a plan records them.
#[derive(Debug, Clone)]
pub struct Proposer<'a> {
    pub actor: &'a Actor,
    /// The person's own site (their first scope's; the plan's for an admin).
    pub from_site: &'a str,
}

#[async_trait]
pub trait Plans: Send + Sync {
    /// A new plan in `state` (`Pitched` for a 报题, `Planned` by the desk),
    /// with its coverages; a plan made from tip `tip_id` marks the tip 已立项.
    /// A dated plan goes to the end of its day's 报题单.
    async fn create_plan(
        &self,
        site_id: &str,
        input: &PlanInput,
        state: PlanState,
        by: &Proposer<'_>,
        tip_id: Option<i64>,
        now: i64,
    ) -> StoreResult<i64>;
    /// Change a plan at `expected_version` (else `Conflict`): its fields,
    /// its coverages by id (`(Some(id), ..)`; a coverage is never deleted,
    /// only cancelled) and new ones (`(None, ..)`). A plan moved to another
    /// day goes to the end of that day's list.
    async fn update_plan(
        &self,
        id: i64,
        expected_version: i64,
        input: &PlanInput,
        coverage_ids: &[Option<i64>],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
    /// The desk's decision on a pitch (taken by `decide_pitch`): accepted,
    /// merged into plan `into` (its coverages join it), or declined with
    /// `reason`.
    #[allow(clippy::too_many_arguments)]
    async fn settle_pitch(
        &self,
        id: i64,
        expected_version: i64,
        action: PitchAction,
        into: Option<i64>,
        reason: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
    /// 撤销 a plan: its coverages cancelled and its open assignments too.
    async fn cancel_plan(
        &self,
        id: i64,
        expected_version: i64,
        reason: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
    async fn plan(&self, id: i64) -> StoreResult<Option<Plan>>;
    /// Plans matching `filter`: a day's in their 报题单 order, else newest first.
    async fn plans(&self, filter: &PlanFilter, limit: i64) -> StoreResult<Vec<Plan>>;
    async fn budget(&self, site_id: &str, day: &str) -> StoreResult<Budget>;
    /// Arrange a day's 报题单 as `order` (every plan on it, once) if it is
    /// still at `expected_version`, else `Conflict`.
    async fn arrange_budget(
        &self,
        site_id: &str,
        day: &str,
        expected_version: i64,
        order: &[i64],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
    /// 定稿 (or `final_ = false`: 取消定稿) a day's 报题单.
    async fn finalize_budget(
        &self,
        site_id: &str,
        day: &str,
        final_: bool,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
}
