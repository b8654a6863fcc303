//! 举报处理: the queue of readers' reports for people with 举报受理 (filters
//! by status, category, site, age; days left of the deadline, overdue ones
//! marked), one report's page (its words, screenshots and contact, its
//! record, the acts: assign, 核实中, 转交, 已处理 with an outcome; for a
//! 签发人, the story's withdrawal through the workflow), and the export of
//! a period as CSV or JSON (第十七条's annual report).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use super::{SignedForm, csv_field, datetime, render};
use crate::domain::report::{Category, Outcome, Report, State as RState};
use crate::domain::text::to_cst;
use crate::domain::user::User;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

mod export;
mod filter;
mod one;

pub use export::{get_reports_csv, get_reports_json};
pub use filter::Filter;
pub(crate) use one::detail_for;
pub use one::{Done, get_report, get_shot, post_act};

const PAGE: i64 = 50;

/// The sites whose reports the person handles; refused when none.
fn sites_of(user: &User) -> Result<Option<Vec<String>>, AppError> {
    match user.report_sites() {
        Some(s) if s.is_empty() => Err(AppError::Forbidden(
            "处理举报需要“举报受理”权限,请联系管理员".into(),
        )),
        s => Ok(s),
    }
}

async fn load(state: &AppState, session: &Session, id: i64) -> Result<Report, AppError> {
    let r = state
        .store
        .report(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("举报 {id} 不存在")))?;
    // its site's handlers, and whoever it was handed to (a 签发人 of the
    // story, a deputy) while it is theirs
    let handed = r.assignee_id == Some(session.user.id);
    if !session.user.may_handle_reports(&r.site_id) && !handed {
        return Err(AppError::NotFound(format!("举报 {id} 不存在")));
    }
    Ok(r)
}

fn row(r: &Report, now: i64) -> minijinja::Value {
    minijinja::context! {
        id => r.id,
        receipt => r.receipt.clone(),
        site => r.site_id.clone(),
        category => r.category.label(),
        url => r.url.clone(),
        at => datetime(r.created_at),
        state => r.state.label(),
        state_key => r.state.as_str(),
        outcome => r.outcome.map(Outcome::label),
        assignee => r.assignee.clone(),
        open => r.state.is_open(),
        overdue => r.overdue(now),
        days_left => r.days_left(now),
        overdue_days => (-r.days_left(now)).max(0),
        due => to_cst(r.due_at).format("%Y-%m-%d").to_string(),
    }
}

pub async fn get_reports(
    State(state): State<AppState>,
    session: Session,
    Query(f): Query<Filter>,
) -> Result<Response, AppError> {
    let sites = sites_of(&session.user)?;
    let now = state.now();
    // the queue opens on what is open
    let mut f = f;
    if f.state.is_empty() && f.overdue.is_empty() && f.mine.is_empty() && f.category.is_empty() {
        f.state = "open".into();
    }
    let q = f.query(&session.user, now, PAGE + 1)?;
    let mut rows = state.store.reports(&q).await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    let next = more
        .then(|| rows.last().map(|r| format!("{}.{}", r.created_at, r.id)))
        .flatten();
    let (open, overdue) = state.store.report_counts(sites.as_deref(), now).await?;
    let all_sites = state.store.sites().await?;
    let site_choices: Vec<(String, String)> = all_sites
        .iter()
        .filter(|s| session.user.may_handle_reports(&s.id))
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let ctx = minijinja::context! {
        title => "举报处理",
        rows => rows.iter().map(|r| row(r, now)).collect::<Vec<_>>(),
        f => f.clone(),
        qs => f.query_string(),
        next,
        open, overdue,
        days => state.config.reports.days,
        states => RState::ALL.iter().map(|s| (s.as_str(), s.label())).collect::<Vec<_>>(),
        categories => Category::ALL.iter().map(|c| (c.as_str(), c.label())).collect::<Vec<_>>(),
        site_choices,
    };
    Ok(render(&state, Some(&session), "admin/reports.html", ctx)?.into_response())
}
