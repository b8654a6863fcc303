//! 稿件统计: per person and per channel over a period (written, submitted,
//! returned, reviewed, signed off, published, and how long review took),
//! on screen and as CSV.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{csv_field, render};
use crate::domain::stats::{Totals, compute, duration_cn};
use crate::domain::text::{cst_day_start, to_cst};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// The longest period one report covers.
const MAX_DAYS: i64 = 366;

#[derive(Deserialize, Default)]
pub struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// CSV: `people` or `channels`.
    #[serde(default)]
    kind: String,
}

/// `[from, to)` in seconds and the dates as shown; the last 30 days by default.
fn period(p: &Period, now: i64) -> Result<(i64, i64, String, String), AppError> {
    let today = to_cst(now).format("%Y-%m-%d").to_string();
    let to_s = if p.to.trim().is_empty() {
        today
    } else {
        p.to.trim().to_string()
    };
    let to = cst_day_start(&to_s)
        .ok_or_else(|| AppError::BadRequest("结束日期格式应为 2024-04-19".into()))?
        + 86_400;
    let from_s = if p.from.trim().is_empty() {
        to_cst(to - 30 * 86_400).format("%Y-%m-%d").to_string()
    } else {
        p.from.trim().to_string()
    };
    let from = cst_day_start(&from_s)
        .ok_or_else(|| AppError::BadRequest("开始日期格式应为 2024-04-19".into()))?;
    if from >= to {
        return Err(AppError::BadRequest("开始日期须早于结束日期".into()));
    }
    if to - from > MAX_DAYS * 86_400 {
        return Err(AppError::BadRequest(format!(
            "一次最多统计 {MAX_DAYS} 天,请缩短时间段"
        )));
    }
    Ok((from, to, from_s, to_s))
}

#[derive(serde::Serialize)]
struct Line {
    name: String,
    t: Totals,
    wait_avg: String,
    wait_median: String,
    cycle_avg: String,
}

fn line(name: String, t: Totals) -> Line {
    let words = |s: Option<i64>| s.map(duration_cn).unwrap_or_else(|| "—".into());
    Line {
        name,
        wait_avg: words(t.wait_avg()),
        wait_median: words(t.wait_median),
        cycle_avg: words(t.cycle_avg()),
        t,
    }
}

/// The figures of `[from, to)` for `user`: of the channels of the sites
/// the person works in (an administrator: every site), so nobody reads
/// another site's desk (issue 24 §2).
async fn report(
    state: &AppState,
    user: &crate::domain::user::User,
    from: i64,
    to: i64,
) -> Result<(Vec<Line>, Vec<Line>), AppError> {
    let (mut acts, mut written) = state.store.stats_acts(from, to).await?;
    let mut names = std::collections::HashMap::new();
    let mut mine = std::collections::HashSet::new();
    for site in state.store.sites().await? {
        let visible = user.library_sites().is_none_or(|s| s.contains(&site.id));
        for c in state.store.channels(&site.id).await? {
            if visible {
                mine.insert(c.id);
            }
            names.insert(c.id, format!("{}·{}", site.name, c.name));
        }
    }
    acts.retain(|a| mine.contains(&a.channel_id));
    written.retain(|(_, channel)| mine.contains(channel));
    let stats = state.work.cpu.run(move || compute(&acts, &written)).await?;
    let users = state.store.users().await?;
    let people = stats
        .people
        .into_iter()
        .map(|(id, t)| {
            let name = users.iter().find(|u| u.id == id).map_or_else(
                || format!("用户 {id}"),
                |u| format!("{}({})", u.display_name, u.username),
            );
            line(name, t)
        })
        .collect();
    let channels = stats
        .channels
        .into_iter()
        .map(|(id, t)| {
            line(
                names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("栏目 {id}")),
                t,
            )
        })
        .collect();
    Ok((people, channels))
}

fn may_read(session: &Session) -> Result<(), AppError> {
    if session.user.is_editor() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "稿件统计供编辑、审核、签发人和管理员查看".into(),
        ))
    }
}

pub async fn get_stats(
    State(state): State<AppState>,
    session: Session,
    Query(p): Query<Period>,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let (from, to, from_s, to_s) = period(&p, state.now())?;
    let (people, channels) = report(&state, &session.user, from, to).await?;
    let query = serde_urlencoded::to_string([("from", &from_s), ("to", &to_s)]).unwrap_or_default();
    Ok(render(
        &state,
        Some(&session),
        "admin/stats.html",
        minijinja::context! { title => "稿件统计", people, channels, from => from_s, to => to_s, query },
    )?
    .into_response())
}

pub async fn get_stats_csv(
    State(state): State<AppState>,
    session: Session,
    Query(p): Query<Period>,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let (from, to, from_s, to_s) = period(&p, state.now())?;
    let (people, channels) = report(&state, &session.user, from, to).await?;
    let (rows, first, file) = match p.kind.as_str() {
        "channels" => (channels, "栏目", "channels"),
        _ => (people, "人员", "people"),
    };
    let mut out = format!(
        "\u{feff}{first},写稿,提交,被退回,审核,签发,发布,平均审核用时(秒),审核用时中位数(秒),提交到签发平均(秒)\r\n"
    );
    for l in rows {
        let n = |v: Option<i64>| v.map(|s| s.to_string()).unwrap_or_default();
        let fields = [
            l.name.clone(),
            l.t.written.to_string(),
            l.t.submitted.to_string(),
            l.t.returned.to_string(),
            l.t.reviewed.to_string(),
            l.t.signed.to_string(),
            l.t.published.to_string(),
            n(l.t.wait_avg()),
            n(l.t.wait_median),
            n(l.t.cycle_avg()),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    let disposition = format!("attachment; filename=\"stats-{file}-{from_s}-{to_s}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response())
}
