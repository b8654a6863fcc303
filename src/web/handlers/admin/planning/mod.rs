//! 策划指挥 in the newsroom (issue 26), one file an area: the day's 报题单
//! with its order, 定稿, CSV and print page (`budget`), a plan and what the
//! desk does with it (`plan`), pitches waiting and one's own (`pitches`),
//! 派题 for the people they are given to (`assignments`), 线索 (`tips`),
//! the 指挥调度 board and its stream (`board`), 值班 (`roster`) and the
//! desks' group-chat robots (`hooks`). The rules are the domain's
//! (`domain::planning::rules`); the handlers turn forms into its questions
//! and the store's acts.

pub mod assignments;
pub mod board;
pub mod budget;
pub mod hooks;
pub mod pitches;
pub mod plan;
pub mod roster;
pub mod tips;

use crate::domain::planning::rules::may_plan_site;
use crate::domain::user::User;
use crate::domain::{ChannelTree, Site};
use crate::state::AppState;
use crate::web::error::AppError;

/// The sites `u` plans for (sees their 报题单, pitches and board).
pub async fn planning_sites(state: &AppState, u: &User) -> Result<Vec<Site>, AppError> {
    Ok(state
        .cache
        .sites(state.store.as_ref())
        .await?
        .iter()
        .filter(|s| may_plan_site(u, &s.id))
        .cloned()
        .collect())
}

/// The site asked for among `sites`, else the first; refused when none.
pub fn pick<'a>(sites: &'a [Site], wanted: &str) -> Result<&'a Site, AppError> {
    sites
        .iter()
        .find(|s| s.id == wanted)
        .or_else(|| sites.first())
        .ok_or_else(|| {
            AppError::Forbidden(
                "只有编辑可以查看报题单和指挥调度(需要编辑角色和该站点的范围)".into(),
            )
        })
}

/// The site tabs of a planning screen.
pub fn tabs(sites: &[Site], current: &str) -> Vec<minijinja::Value> {
    sites
        .iter()
        .map(|s| minijinja::context! { id => s.id, name => s.name, current => s.id == current })
        .collect()
}

/// The channels of `site_id` that `u` may plan, as (path, name chain).
pub async fn plannable_channels(
    state: &AppState,
    u: &User,
    site_id: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let tree: std::sync::Arc<ChannelTree> =
        state.cache.channels(state.store.as_ref(), site_id).await?;
    Ok(tree
        .iter()
        .filter(|c| crate::domain::planning::rules::may_plan(u, site_id, &c.path).is_ok())
        .map(|c| {
            (
                c.path.clone(),
                crate::planning::view::channel_name(&tree, &c.path),
            )
        })
        .collect())
}

/// An id from a form field, or a 400 that says which.
pub fn id_field(v: &str, what: &str) -> Result<i64, AppError> {
    v.trim()
        .parse()
        .map_err(|_| AppError::BadRequest(format!("{what}须为数字,请刷新页面后重试")))
}

/// A `YYYY-MM-DD` day from a query, or today.
pub fn day_or_today(state: &AppState, day: &str) -> String {
    match chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") {
        Ok(d) => d.format("%Y-%m-%d").to_string(),
        Err(_) => crate::planning::view::today(state.now()),
    }
}

/// What the 工作台 shows of planning: who is on duty now on the person's
/// sites, his open assignments (his own and his desks') with their
/// deadlines, and, for a desk's editors, assignments handed back to them.
pub async fn dashboard(state: &AppState, u: &User) -> Result<minijinja::Value, AppError> {
    use crate::db::AssignmentFilter;
    use crate::domain::planning::assignment::State;
    let now = state.now();
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let day = |t: i64| {
        crate::domain::text::to_cst(t)
            .format("%Y-%m-%d")
            .to_string()
    };
    let users = state.store.users().await?;
    let mine_sites: Vec<&Site> = sites
        .iter()
        .filter(|s| u.is_admin() || u.scopes.iter().any(|sc| sc.site_id == s.id))
        .collect();
    let mut duty = Vec::new();
    for s in &mine_sites {
        for d in state
            .store
            .roster(Some(&s.id), &day(now - 86_400), &day(now))
            .await?
            .iter()
            .filter(|d| crate::domain::planning::roster::is_on(d, now))
        {
            let name = users
                .iter()
                .find(|x| x.id == d.user_id)
                .map_or_else(String::new, |x| x.display_name.clone());
            duty.push(minijinja::context! { site => s.name, duty => d.duty.label(), name });
        }
    }
    let mut open = Vec::new();
    if u.writes() {
        let rows = state
            .store
            .assignments(
                &AssignmentFilter {
                    assignee: Some(u.id),
                    desks: if u.is_admin() {
                        vec![]
                    } else {
                        crate::domain::planning::rules::desks_of(u)
                    },
                    open_only: true,
                    ..Default::default()
                },
                50,
            )
            .await?
            .into_iter()
            .filter(|a| a.state != State::HandedBack)
            .collect::<Vec<_>>();
        open = crate::planning::view::assignment_views(&state.env, &rows).await?;
    }
    let planned: Vec<String> = sites
        .iter()
        .filter(|s| crate::domain::planning::rules::may_plan_site(u, &s.id))
        .map(|s| s.id.clone())
        .collect();
    let mut handed = Vec::new();
    if !planned.is_empty() {
        let rows = state
            .store
            .assignments(
                &AssignmentFilter {
                    sites: Some(planned),
                    open_only: true,
                    ..Default::default()
                },
                300,
            )
            .await?
            .into_iter()
            .filter(|a| {
                a.state == State::HandedBack
                    && crate::domain::planning::rules::may_plan(u, &a.site_id, &a.channel_path)
                        .is_ok()
            })
            .collect::<Vec<_>>();
        handed = crate::planning::view::assignment_views(&state.env, &rows).await?;
    }
    Ok(minijinja::context! { duty, open, handed })
}
