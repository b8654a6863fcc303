//! 值班: who is 值班总编 and 值班编辑 for a site on each day and shift, a week
//! at a time. The desk's editors keep it; an administrator may make it the
//! source of 代签 (the 值班总编 on duty signs for the site during the
//! shift). Every change is recorded.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use super::{id_field, pick, planning_sites};
use crate::domain::planning::roster::{Duty, Shift};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{SignedForm, render, require_admin};

#[derive(Deserialize, Default)]
pub struct RosterQuery {
    #[serde(default)]
    site: String,
    /// Any day of the week to show.
    #[serde(default)]
    week: String,
    #[serde(default)]
    done: String,
}

/// The Monday of the week of `day` (today when unreadable).
fn monday(state: &AppState, day: &str) -> NaiveDate {
    let d = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| crate::domain::text::to_cst(state.now()).date_naive());
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

pub async fn get_roster(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<RosterQuery>,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let start = monday(&state, &q.week);
    let end = start + Duration::days(6);
    let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let rows = state
        .store
        .roster(Some(&site.id), &fmt(start), &fmt(end))
        .await?;
    let users = state.store.users().await?;
    let name_of = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| format!("账号 {id}"), |u| u.display_name.clone())
    };
    const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let now = state.now();
    let days: Vec<_> = (0..7)
        .map(|i| {
            let d = start + Duration::days(i);
            let entries: Vec<_> = rows
                .iter()
                .filter(|r| r.day == d)
                .map(|r| {
                    minijinja::context! {
                        id => r.id, shift => r.shift.label(), duty => r.duty.label(),
                        chief => r.duty == Duty::Chief, name => name_of(r.user_id),
                        on => crate::domain::planning::roster::is_on(r, now),
                    }
                })
                .collect();
            minijinja::context! { day => fmt(d), weekday => WEEKDAYS[i as usize], entries }
        })
        .collect();
    let people: Vec<(i64, String)> = users
        .iter()
        .filter(|u| {
            u.active
                && u.is_editor()
                && (u.is_admin() || u.scopes.iter().any(|s| s.site_id == site.id))
        })
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let signs = state.store.roster_signing().await?.contains(&site.id);
    let flash = match q.done.as_str() {
        "added" => Some("已排班"),
        "removed" => Some("已取消排班"),
        "signs" => Some("代签设置已保存"),
        _ => None,
    };
    Ok(render(
        &state,
        Some(&session),
        "admin/roster.html",
        minijinja::context! {
            title => "值班表",
            site => minijinja::context! { id => site.id, name => site.name },
            tabs => super::tabs(&sites, &site.id),
            days, people, signs, flash,
            prev => fmt(start - Duration::days(7)),
            next => fmt(start + Duration::days(7)),
            week => format!("{} 至 {}", fmt(start), fmt(end)),
            shifts => Shift::ALL.iter().map(|s| (s.as_str(), s.label())).collect::<Vec<_>>(),
            duties => Duty::ALL.iter().map(|d| (d.as_str(), d.label())).collect::<Vec<_>>(),
            is_admin => session.user.is_admin(),
        },
    )?
    .into_response())
}

fn back(site: &str, week: &str, done: &str) -> Response {
    let q = serde_urlencoded::to_string([("site", site), ("week", week), ("done", done)])
        .unwrap_or_default();
    Redirect::to(&format!("/admin/roster?{q}")).into_response()
}

/// `POST /admin/roster`: put a person on duty.
pub async fn post_roster(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, f.get("site"))?.id.clone();
    let day = NaiveDate::parse_from_str(f.get("day").trim(), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest("日期须写成 年-月-日".into()))?
        .format("%Y-%m-%d")
        .to_string();
    let shift =
        Shift::parse(f.get("shift")).ok_or_else(|| AppError::BadRequest("请选择班次".into()))?;
    let duty =
        Duty::parse(f.get("duty")).ok_or_else(|| AppError::BadRequest("请选择值班岗位".into()))?;
    let user = id_field(f.get("user"), "值班人员")?;
    state
        .store
        .add_duty(
            &site,
            &day,
            shift,
            duty,
            user,
            &session.actor(),
            state.now(),
        )
        .await?;
    crate::follow::after_write(&state).await;
    Ok(back(&site, &day, "added"))
}

/// `POST /admin/roster/{id}/delete`.
pub async fn post_delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, f.get("site"))?.id.clone();
    let id = id_field(&id, "排班编号")?;
    let on_site = state
        .store
        .roster(Some(&site), "0000-00-00", "9999-99-99")
        .await?
        .iter()
        .any(|r| r.id == id);
    if !on_site {
        return Err(AppError::NotFound("这条排班已不存在".into()));
    }
    state
        .store
        .remove_duty(id, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(back(&site, f.get("week"), "removed"))
}

/// `POST /admin/roster/signs`: whether the 值班总编 on duty signs for the
/// site (administrators only).
pub async fn post_signs(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, f.get("site"))?.id.clone();
    state
        .store
        .set_roster_signs(&site, f.get("signs") == "1", &session.actor(), state.now())
        .await?;
    Ok(back(&site, f.get("week"), "signs"))
}
