//! A day's plans as the 报题单, the print page, the CSV and the board show
//! them: each plan with its coverages, who has each, the assignment's
//! state and how far its story has gone. One builder, so the four cannot
//! disagree.

use serde::Serialize;

use crate::db::{Assignment, AssignmentFilter, Plan};
use crate::domain::ChannelTree;
use crate::domain::planning::assignment::{State, story_stage};
use crate::domain::planning::plan::priority_label;
use crate::domain::text::to_cst;
use crate::render::Env;

#[derive(Debug, Clone, Serialize)]
pub struct CoverageView {
    pub id: i64,
    pub medium: &'static str,
    pub medium_key: &'static str,
    pub status: &'static str,
    pub status_key: &'static str,
    pub qcode: &'static str,
    pub time: String,
    pub note: String,
    pub assignable: bool,
    /// The assignment now in force (the newest), if any.
    pub assignment: Option<AssignmentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssignmentView {
    pub id: i64,
    pub assignee: String,
    pub assignee_id: Option<i64>,
    pub desk: bool,
    pub state: &'static str,
    pub state_key: &'static str,
    pub reason: String,
    pub deadline: Option<String>,
    pub overdue: bool,
    pub story_id: Option<i64>,
    pub story_title: Option<String>,
    /// 写作中, 待初审, 已签发, 已发布 ...
    pub stage: Option<String>,
    pub version: i64,
    pub slug: String,
    pub plan_id: i64,
    pub site_id: String,
    pub channel: String,
    pub day: Option<String>,
    pub medium: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub id: i64,
    pub site_id: String,
    pub slug: String,
    pub description: String,
    pub day: Option<String>,
    pub channel_path: String,
    pub channel: String,
    pub priority: i64,
    pub priority_label: &'static str,
    pub state: &'static str,
    pub state_key: &'static str,
    pub reason: String,
    pub proposer: String,
    pub from_site: String,
    pub upward: bool,
    pub version: i64,
    pub coverages: Vec<CoverageView>,
}

/// `06-01 18:00` in China Standard Time.
pub fn short_time(ts: i64) -> String {
    to_cst(ts).format("%m-%d %H:%M").to_string()
}

/// A desk's name as people say it: `滨州网 · 社会民生`.
pub async fn desk_name(env: &Env, site_id: &str, channel: &str) -> anyhow::Result<String> {
    let sites = env.cache.sites(env.store.as_ref()).await?;
    let site = sites
        .iter()
        .find(|s| s.id == site_id)
        .map_or(site_id.to_string(), |s| s.name.clone());
    let tree = env.cache.channels(env.store.as_ref(), site_id).await?;
    Ok(format!("{site} · {}", channel_name(&tree, channel)))
}

/// `assignments` for display, each with its plan's channel tree and its
/// desk's name.
pub async fn assignment_views(
    env: &Env,
    assignments: &[Assignment],
) -> anyhow::Result<Vec<AssignmentView>> {
    let now = env.now();
    let mut out = Vec::with_capacity(assignments.len());
    for a in assignments {
        let tree = env.cache.channels(env.store.as_ref(), &a.site_id).await?;
        let mut v = assignment_view(a, &tree, now);
        if let Some((s, c)) = &a.desk {
            v.assignee = desk_name(env, s, c).await?;
        }
        out.push(v);
    }
    Ok(out)
}

fn assignment_view(a: &Assignment, tree: &ChannelTree, now: i64) -> AssignmentView {
    let levels = tree
        .get(&a.channel_path)
        .map_or(1, |c| c.review_levels.clamp(1, 9) as u8);
    let open = !matches!(
        a.state,
        State::Filed | State::Done | State::Cancelled | State::HandedBack
    );
    AssignmentView {
        id: a.id,
        assignee: a.assignee.clone(),
        assignee_id: a.assignee_id,
        desk: a.desk.is_some(),
        state: a.state.label(),
        state_key: a.state.as_str(),
        reason: a.reason.clone(),
        deadline: a.deadline.map(short_time),
        overdue: open && a.deadline.is_some_and(|d| d < now),
        story_id: a.story.as_ref().map(|s| s.id),
        story_title: a.story.as_ref().map(|s| s.title.clone()),
        stage: a
            .story
            .as_ref()
            .map(|s| story_stage(s.status, s.work, levels)),
        version: a.version,
        slug: a.slug.clone(),
        plan_id: a.plan_id,
        site_id: a.site_id.clone(),
        channel: channel_name(tree, &a.channel_path),
        day: a.day.clone(),
        medium: a.medium.label(),
    }
}

/// The channel's name chain (`要闻 > 本地`), or its path.
pub fn channel_name(tree: &ChannelTree, path: &str) -> String {
    let chain: Vec<String> = tree.chain(path).iter().map(|c| c.name.clone()).collect();
    if chain.is_empty() {
        path.to_string()
    } else {
        chain.join(" > ")
    }
}

/// `plans` with their coverages and the assignments in force, for display.
pub async fn plan_views(env: &Env, plans: &[Plan]) -> anyhow::Result<Vec<PlanView>> {
    let assignments = if plans.is_empty() {
        Vec::new()
    } else {
        env.store
            .assignments(
                &AssignmentFilter {
                    plans: plans.iter().map(|p| p.id).collect(),
                    ..Default::default()
                },
                2000,
            )
            .await?
    };
    let views = assignment_views(env, &assignments).await?;
    let mut out = Vec::with_capacity(plans.len());
    for p in plans {
        let tree = env.cache.channels(env.store.as_ref(), &p.site_id).await?;
        let coverages = p
            .coverages
            .iter()
            .map(|c| {
                // the newest assignment of the coverage is the one in force
                let a = assignments
                    .iter()
                    .zip(&views)
                    .filter(|(a, _)| a.coverage_id == c.id)
                    .max_by_key(|(a, _)| a.id);
                CoverageView {
                    id: c.id,
                    medium: c.medium.label(),
                    medium_key: c.medium.as_str(),
                    status: c.status.label(),
                    status_key: c.status.as_str(),
                    qcode: c.status.qcode(),
                    time: c.time.clone(),
                    note: c.note.clone(),
                    assignable: c.status.assignable()
                        && a.is_none_or(|(a, _)| {
                            matches!(a.state, State::HandedBack | State::Cancelled)
                        }),
                    assignment: a.map(|(_, v)| v.clone()),
                }
            })
            .collect();
        out.push(PlanView {
            id: p.id,
            site_id: p.site_id.clone(),
            slug: p.slug.clone(),
            description: p.description.clone(),
            day: p.day.clone(),
            channel: channel_name(&tree, &p.channel_path),
            channel_path: p.channel_path.clone(),
            priority: p.priority,
            priority_label: priority_label(p.priority),
            state: p.state.label(),
            state_key: p.state.as_str(),
            reason: p.reason.clone(),
            proposer: p.proposer.clone(),
            from_site: p.from_site.clone(),
            upward: p.from_site != p.site_id,
            version: p.version,
            coverages,
        });
    }
    Ok(out)
}

/// Today in China Standard Time, `YYYY-MM-DD`.
pub fn today(now: i64) -> String {
    to_cst(now).format("%Y-%m-%d").to_string()
}
