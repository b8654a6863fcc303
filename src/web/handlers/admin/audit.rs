//! The publication record, on screen and exported for a regulator.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{datetime, render};
use crate::db::AuditEntry;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::auth::Session;

/// Editors, reviewers, signers and admins read the record; reporters do not.
fn may_read(session: &Session) -> Result<(), AppError> {
    if session.user.is_editor() {
        Ok(())
    } else {
        Err(AppError::Forbidden("记者不能查看全部发布记录".into()))
    }
}

pub async fn get_audit(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let mut entries = state.store.audit_all(None, 100_000).await?;
    entries.reverse();
    entries.truncate(500);
    let rows: Vec<_> = entries
        .into_iter()
        .map(|e| {
            minijinja::context! {
                at => datetime(e.at), article_id => e.article_id, title => e.title, actor => e.actor, action => e.action,
                from_state => e.from_state, to_state => e.to_state, level => e.level, opinion => e.opinion, url => e.url,
            }
        })
        .collect();
    Ok(render(
        &state,
        Some(&session),
        "admin/audit.html",
        minijinja::context! { title => "发布记录", entries => rows },
    )?
    .into_response())
}

fn csv_field(s: &str) -> String {
    // quote every field; neutralize spreadsheet formulas
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from(
        "\u{feff}id,time,article_id,title,actor,action,from,to,level,opinion,revision,url\r\n",
    );
    for e in entries {
        let fields = [
            e.id.to_string(),
            crate::domain::text::datetime_rfc3339(e.at),
            e.article_id.to_string(),
            e.title.clone(),
            e.actor.clone(),
            e.action.clone(),
            e.from_state.clone(),
            e.to_state.clone(),
            e.level.map(|l| l.to_string()).unwrap_or_default(),
            e.opinion.clone(),
            e.revision_id.map(|r| r.to_string()).unwrap_or_default(),
            e.url.clone(),
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
    out
}

pub async fn get_audit_csv(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let entries = state.store.audit_all(None, i64::MAX).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"publication-record.csv\"",
            ),
        ],
        to_csv(&entries),
    )
        .into_response())
}

pub async fn get_audit_json(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let entries = state.store.audit_all(None, i64::MAX).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        serde_json::to_string(&entries).map_err(|e| AppError::Internal(e.into()))?,
    )
        .into_response())
}
