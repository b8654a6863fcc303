//! `/admin/reports.csv` and `.json`: a period's reports for 第十七条's
//! annual report.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{csv_field, datetime};
use crate::domain::report::{Outcome, Report};
use crate::domain::text::to_cst;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

use super::{Filter, sites_of};

/// `/admin/reports.csv` and `.json`: the reports of a period (every state),
/// contact data left out.
async fn export_rows(
    state: &AppState,
    session: &Session,
    f: &Filter,
) -> Result<Vec<Report>, AppError> {
    sites_of(&session.user)?;
    let mut f = f.clone();
    f.before.clear();
    let mut q = f.query(&session.user, state.now(), 100_000)?;
    if f.state == "open" {
        q.open = true;
    }
    Ok(state.store.reports(&q).await?)
}

fn period_name(f: &Filter) -> String {
    let part = |s: &str| {
        if s.is_empty() {
            "all".to_string()
        } else {
            s.replace(|c: char| !c.is_ascii_digit() && c != '-', "")
        }
    };
    format!("reports-{}-{}", part(&f.from), part(&f.to))
}

pub async fn get_reports_csv(
    State(state): State<AppState>,
    session: Session,
    Query(f): Query<Filter>,
) -> Result<Response, AppError> {
    let rows = export_rows(&state, &session, &f).await?;
    let mut out = String::from(
        "\u{feff}受理编号,站点,举报时间,类别,网址,稿件编号,举报说明,状态,处理结果,处理说明,处理人,处理时间,期限\n",
    );
    for r in &rows {
        let fields = [
            r.receipt.clone(),
            r.site_id.clone(),
            datetime(r.created_at),
            r.category.label().to_string(),
            r.url.clone(),
            r.article_id.map(|i| i.to_string()).unwrap_or_default(),
            r.description.clone(),
            r.state.label().to_string(),
            r.outcome.map(|o| o.label().to_string()).unwrap_or_default(),
            r.result.clone(),
            r.assignee.clone(),
            r.handled_at.map(datetime).unwrap_or_default(),
            to_cst(r.due_at).format("%Y-%m-%d").to_string(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|x| csv_field(x))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", period_name(&f)),
            ),
        ],
        out,
    )
        .into_response())
}

pub async fn get_reports_json(
    State(state): State<AppState>,
    session: Session,
    Query(f): Query<Filter>,
) -> Result<Response, AppError> {
    let rows = export_rows(&state, &session, &f).await?;
    let list: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "receipt": r.receipt, "site": r.site_id,
                "created_at": crate::domain::text::datetime_rfc3339(r.created_at),
                "category": r.category.as_str(), "category_label": r.category.label(),
                "url": r.url, "article_id": r.article_id, "description": r.description,
                "state": r.state.as_str(), "outcome": r.outcome.map(Outcome::as_str),
                "result": r.result, "assignee": r.assignee,
                "handled_at": r.handled_at.map(crate::domain::text::datetime_rfc3339),
                "due_at": crate::domain::text::datetime_rfc3339(r.due_at),
                "overdue": r.overdue(state.now()),
            })
        })
        .collect();
    let summary = {
        let mut by: std::collections::BTreeMap<&str, i64> = Default::default();
        for r in &rows {
            *by.entry(r.category.label()).or_default() += 1;
        }
        by
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.json\"", period_name(&f)),
            ),
        ],
        serde_json::json!({ "total": rows.len(), "by_category": summary, "reports": list })
            .to_string(),
    )
        .into_response())
}
