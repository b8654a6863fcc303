//! The 指挥调度 board of a site: who is on duty, today's plans and their
//! coverages by state, assignments overdue, stories waiting at each review
//! level (and for how long), what went out in the last hour, live coverage
//! running with its entry count, open 举报 near their deadline, and new
//! tips. Rendered as one fragment (`admin/board_body.html`): the page shows
//! it, and the hub renders it once per change for every open board.

use serde::Serialize;

use crate::db::{AssignmentFilter, PlanFilter, ReportFilter, StoryFilter};
use crate::domain::kind::Part;
use crate::domain::live::LiveStatus;
use crate::domain::planning::assignment::State;
use crate::domain::planning::plan::PlanState;
use crate::domain::planning::roster;
use crate::domain::planning::tip::TipState;
use crate::domain::text::to_cst;
use crate::domain::workflow::{Work, level_name};
use crate::render::Env;

use super::view::{assignment_views, plan_views, short_time, today};

/// Reports due within this long are shown as near their deadline.
const REPORT_HORIZON: i64 = 2 * 86_400;

#[derive(Serialize)]
struct Count {
    label: &'static str,
    key: &'static str,
    n: usize,
}

/// Render the board's body for `site_id` at the clock's now.
pub async fn render_body(env: &Env, site_id: &str) -> anyhow::Result<String> {
    let now = env.now();
    let store = env.store.as_ref();
    let sites = env.cache.sites(store).await?;
    let site = sites
        .iter()
        .find(|s| s.id == site_id)
        .ok_or_else(|| anyhow::anyhow!("no site {site_id}"))?;
    let tree = env.cache.channels(store, site_id).await?;
    let day = today(now);
    // 值班
    let users = store.users().await?;
    let name_of = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| format!("账号 {id}"), |u| u.display_name.clone())
    };
    let yesterday = to_cst(now - 86_400).format("%Y-%m-%d").to_string();
    let duty: Vec<_> = store
        .roster(Some(site_id), &yesterday, &day)
        .await?
        .into_iter()
        .filter(|d| roster::is_on(d, now))
        .map(|d| {
            minijinja::context! {
                duty => d.duty.label(), shift => d.shift.label(), name => name_of(d.user_id),
            }
        })
        .collect();
    // today's plans
    let plans = store
        .plans(
            &PlanFilter {
                sites: Some(vec![site_id.to_string()]),
                states: vec![PlanState::Planned],
                day: Some(day.clone()),
                ..Default::default()
            },
            200,
        )
        .await?;
    let plans = plan_views(env, &plans).await?;
    let mut counts: Vec<Count> = std::iter::once(("未派", "unassigned"))
        .chain(State::ALL.iter().map(|s| (s.label(), s.as_str())))
        .map(|(label, key)| Count { label, key, n: 0 })
        .collect();
    for c in plans.iter().flat_map(|p| &p.coverages) {
        if !c.assignable && c.assignment.is_none() {
            continue;
        }
        let key = c.assignment.as_ref().map_or("unassigned", |a| a.state_key);
        if let Some(x) = counts.iter_mut().find(|x| x.key == key) {
            x.n += 1;
        }
    }
    // assignments overdue (any day)
    let open = store
        .assignments(
            &AssignmentFilter {
                sites: Some(vec![site_id.to_string()]),
                open_only: true,
                ..Default::default()
            },
            500,
        )
        .await?;
    let overdue: Vec<_> = assignment_views(env, &open)
        .await?
        .into_iter()
        .filter(|a| a.overdue)
        .collect();
    // stories waiting in review, by level, oldest first
    let mut review: Vec<_> = store
        .stories(&StoryFilter {
            state: Some("review".into()),
            site_id: Some(site_id.to_string()),
            limit: 200,
            ..Default::default()
        })
        .await?;
    review.sort_by_key(|s| s.updated_at);
    let review: Vec<_> = review
        .iter()
        .filter_map(|s| {
            let Work::Review { level } = s.work else {
                return None;
            };
            let levels = tree
                .by_id(s.channel_id)
                .map_or(level, |c| c.review_levels.clamp(1, 9) as u8);
            let minutes = (now - s.updated_at).max(0) / 60;
            Some(minijinja::context! {
                id => s.id, title => s.title.clone(),
                level => level_name(level, levels.max(level)),
                waiting => if minutes >= 60 { format!("{} 小时 {} 分", minutes / 60, minutes % 60) } else { format!("{minutes} 分钟") },
                long => minutes >= 120,
            })
        })
        .collect();
    // published in the last hour; live coverage running
    let latest = store.site_latest(site_id, 50).await?;
    let published: Vec<_> = latest
        .iter()
        .filter(|a| a.signed_at >= now - 3600)
        .map(|a| minijinja::context! { id => a.id, title => a.title.clone(), at => short_time(a.signed_at) })
        .collect();
    let mut live = Vec::new();
    // live coverage: the stories whose kind keeps live entries
    for a in latest
        .iter()
        .filter(|a| a.kind.spec().parts.contains(&Part::Live))
    {
        if store.live_clock(a.id).await?.status() == LiveStatus::Live {
            let entries = store.entries(a.id, true).await?.len();
            live.push(minijinja::context! { id => a.id, title => a.title.clone(), entries });
        }
    }
    // 举报 open and near (or past) their deadline
    let reports: Vec<_> = store
        .reports(&ReportFilter {
            open: true,
            site_id: Some(site_id.to_string()),
            limit: 100,
            ..Default::default()
        })
        .await?
        .into_iter()
        .filter(|r| r.due_at - now <= REPORT_HORIZON)
        .map(|r| {
            minijinja::context! {
                id => r.id, receipt => r.receipt.clone(), category => r.category.label(),
                days_left => r.days_left(now), overdue => r.overdue(now),
            }
        })
        .collect();
    let tips: Vec<_> = store
        .tips(Some(&[site_id.to_string()]), Some(TipState::New), 8)
        .await?
        .into_iter()
        .map(|t| {
            minijinja::context! {
                id => t.id, title => t.title, kind => t.kind.label(), at => short_time(t.created_at),
            }
        })
        .collect();
    env.render.render(
        "admin/board_body.html",
        minijinja::context! {
            site => minijinja::context! { id => site.id.clone(), name => site.name.clone() },
            day,
            updated => to_cst(now).format("%H:%M:%S").to_string(),
            duty, plans, counts, overdue, review, published, live, reports, tips,
        },
    )
}
