//! 报题单: one ordered list per site and day of the plans going in that
//! day, with their coverages, who has each and how far its story has gone.
//! The meeting arranges it (drag, keyboard, or 上移/下移 without
//! JavaScript) and 定稿s it; it prints and exports as CSV. A stale
//! arrangement (someone added or moved a plan meanwhile) is a 409.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{day_or_today, pick, planning_sites, tabs};
use crate::db::PlanFilter;
use crate::domain::planning::plan::PlanState;
use crate::planning::view::{PlanView, plan_views};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{SignedForm, csv_field, datetime, render};

#[derive(Deserialize, Default)]
pub struct BudgetQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    done: String,
}

/// The day's plans in order, and the list's version and 定稿.
async fn day_plans(
    state: &AppState,
    site_id: &str,
    day: &str,
) -> Result<(Vec<PlanView>, crate::db::Budget), AppError> {
    let plans = state
        .store
        .plans(
            &PlanFilter {
                sites: Some(vec![site_id.to_string()]),
                states: vec![PlanState::Planned],
                day: Some(day.to_string()),
                ..Default::default()
            },
            500,
        )
        .await?;
    let views = plan_views(&state.env, &plans).await?;
    let budget = state.store.budget(site_id, day).await?;
    Ok((views, budget))
}

fn shift_day(day: &str, by: i64) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| {
            (d + chrono::Duration::days(by))
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

pub async fn get_budget(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<BudgetQuery>,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let day = day_or_today(&state, &q.day);
    let (plans, budget) = day_plans(&state, &site.id, &day).await?;
    let undated = state
        .store
        .plans(
            &PlanFilter {
                sites: Some(vec![site.id.clone()]),
                states: vec![PlanState::Planned],
                day: Some(String::new()),
                ..Default::default()
            },
            100,
        )
        .await?;
    let undated = plan_views(&state.env, &undated).await?;
    let pitched = state
        .store
        .plans(
            &PlanFilter {
                sites: Some(vec![site.id.clone()]),
                states: vec![PlanState::Pitched],
                ..Default::default()
            },
            500,
        )
        .await?
        .len();
    let flash = match q.done.as_str() {
        "order" => Some("报题单顺序已保存"),
        "final" => Some("报题单已定稿"),
        "unfinal" => Some("已取消定稿,可以继续调整"),
        "created" => Some("选题已加入报题单"),
        _ => None,
    };
    Ok(render(
        &state,
        Some(&session),
        "admin/budget.html",
        minijinja::context! {
            title => format!("报题单 {day}"),
            site => minijinja::context! { id => site.id, name => site.name },
            tabs => tabs(&sites, &site.id),
            day,
            prev => shift_day(&day, -1),
            next => shift_day(&day, 1),
            today => crate::planning::view::today(state.now()),
            plans,
            undated,
            pitched,
            version => budget.version,
            final_by => budget.final_by,
            final_at => budget.final_at.map(datetime),
            flash,
        },
    )?
    .into_response())
}

/// `POST /admin/planning/order`: the new order (`order`, ids joined by
/// commas, from the script) or one step (`op` up/down of `plan`), at
/// `version`.
pub async fn post_order(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, f.get("site"))?.id.clone();
    let day = day_or_today(&state, f.get("day"));
    let version: i64 = f.get("version").trim().parse().unwrap_or(0);
    let js = f.get("_js") == "1";
    let (plans, _) = day_plans(&state, &site, &day).await?;
    let mut order: Vec<i64> = plans.iter().map(|p| p.id).collect();
    match f.get("op") {
        "up" | "down" => {
            let id = super::id_field(f.get("plan"), "选题编号")?;
            let Some(i) = order.iter().position(|x| *x == id) else {
                return Err(AppError::Conflict(
                    "这个选题已不在报题单上,请刷新后再排序".into(),
                ));
            };
            let j = if f.get("op") == "up" {
                i.checked_sub(1)
            } else {
                Some(i + 1).filter(|j| *j < order.len())
            };
            if let Some(j) = j {
                order.swap(i, j);
            }
        }
        _ => {
            order = f
                .get("order")
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| super::id_field(s, "选题编号"))
                .collect::<Result<_, _>>()?;
        }
    }
    state
        .store
        .arrange_budget(&site, &day, version, &order, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    if js {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(back(&site, &day, "order"))
}

fn back(site: &str, day: &str, done: &str) -> Response {
    let q = serde_urlencoded::to_string([("site", site), ("day", day), ("done", done)])
        .unwrap_or_default();
    Redirect::to(&format!("/admin/planning?{q}")).into_response()
}

/// `POST /admin/planning/final`: 定稿 (or 取消定稿) the day's list.
pub async fn post_final(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, f.get("site"))?.id.clone();
    let day = day_or_today(&state, f.get("day"));
    let final_ = f.get("final") == "1";
    state
        .store
        .finalize_budget(&site, &day, final_, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(back(&site, &day, if final_ { "final" } else { "unfinal" }))
}

/// `GET /admin/planning/budget.csv`: the day's list, a row per coverage.
pub async fn get_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<BudgetQuery>,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let day = day_or_today(&state, &q.day);
    let (plans, _) = day_plans(&state, &site.id, &day).await?;
    // a BOM: spreadsheet programs then read the Chinese as UTF-8
    let mut out = String::from(
        "\u{feff}序号,选题,栏目,优先级,报道形式,状态,IPTC,计划时间,要求,承担,派题状态,截稿,稿件,稿件进度\r\n",
    );
    for (i, p) in plans.iter().enumerate() {
        let rows: Vec<Option<&crate::planning::view::CoverageView>> = if p.coverages.is_empty() {
            vec![None]
        } else {
            p.coverages.iter().map(Some).collect()
        };
        for c in rows {
            let a = c.and_then(|c| c.assignment.as_ref());
            let fields = [
                (i + 1).to_string(),
                p.slug.clone(),
                p.channel.clone(),
                p.priority_label.to_string(),
                c.map_or("", |c| c.medium).to_string(),
                c.map_or("", |c| c.status).to_string(),
                c.map_or("", |c| c.qcode).to_string(),
                c.map_or(String::new(), |c| c.time.clone()),
                c.map_or(String::new(), |c| c.note.clone()),
                a.map_or(String::new(), |a| a.assignee.clone()),
                a.map_or("", |a| a.state).to_string(),
                a.and_then(|a| a.deadline.clone()).unwrap_or_default(),
                a.and_then(|a| a.story_id)
                    .map_or(String::new(), |s| s.to_string()),
                a.and_then(|a| a.stage.clone()).unwrap_or_default(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
    }
    let mut resp = out.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let name = format!("attachment; filename=\"budget-{}-{day}.csv\"", site.id);
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// `GET /admin/planning/print`: the day's list as a page to print.
pub async fn get_print(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<BudgetQuery>,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let day = day_or_today(&state, &q.day);
    let (plans, budget) = day_plans(&state, &site.id, &day).await?;
    Ok(render(
        &state,
        Some(&session),
        "admin/budget_print.html",
        minijinja::context! {
            title => format!("{} 报题单 {day}", site.name),
            site => minijinja::context! { id => site.id, name => site.name },
            day,
            plans,
            final_by => budget.final_by,
            final_at => budget.final_at.map(datetime),
            printed => datetime(state.now()),
        },
    )?
    .into_response())
}
