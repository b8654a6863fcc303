//! The publication record (发布记录): every act, filtered by person, story,
//! action and date, newest first in keyset pages, and exported (CSV, JSON)
//! exactly as filtered, streamed in pages so a large record never sits in memory.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{csv_field, datetime, render};
use crate::db::{AuditEntry, AuditQuery, DynStore};
use crate::domain::record::{
    ACTIONS, GROUPS, action_label, group_actions, state_label, subject_label,
};
use crate::domain::text::{cst_day_start, datetime_rfc3339};
use crate::domain::workflow::level_name;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// Rows per screen.
const PAGE: i64 = 50;
/// Rows per database read while exporting.
const EXPORT_BATCH: i64 = 2000;

/// Editors, reviewers, signers and admins read the record; reporters do not.
fn may_read(session: &Session) -> Result<(), AppError> {
    if session.user.is_editor() {
        Ok(())
    } else {
        Err(AppError::Forbidden("记者不能查看全部发布记录".into()))
    }
}

/// The record's filters as the form sends them.
#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct Filter {
    #[serde(default)]
    person: String,
    #[serde(default)]
    story: String,
    #[serde(default)]
    action: String,
    /// `YYYY-MM-DD`, Beijing time, inclusive.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// `AT.ID` of the last row of the previous page.
    #[serde(default)]
    before: String,
    /// Only the actions of this group (`domain::record::GROUPS`).
    #[serde(default)]
    group: String,
    /// Not the actions of these groups (repeated `exclude=`; read from the
    /// query's pairs, which a struct does not take).
    #[serde(skip_deserializing)]
    exclude: Vec<String>,
}

/// The filters of a query string: the one-value fields, and every
/// `exclude=` group.
fn filter(Query(mut f): Query<Filter>, Query(pairs): Query<Vec<(String, String)>>) -> Filter {
    f.exclude = pairs
        .into_iter()
        .filter(|(k, _)| k == "exclude")
        .map(|(_, v)| v)
        .collect();
    f
}

/// What of the record `session`'s person reads (`db::RecordScope`):
/// everything for an administrator.
fn scope(session: &Session) -> Option<crate::db::RecordScope> {
    let u = &session.user;
    u.library_sites().map(|sites| crate::db::RecordScope {
        me: u.id,
        sites,
        reports: u.has(crate::domain::user::Role::Handler),
    })
}

impl Filter {
    fn query(&self, limit: i64) -> Result<AuditQuery, AppError> {
        let number = |v: &str, what: &str| -> Result<Option<i64>, AppError> {
            match v.trim() {
                "" => Ok(None),
                v => v
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| AppError::BadRequest(format!("{what}须为数字"))),
            }
        };
        let date = |v: &str, what: &str| -> Result<Option<i64>, AppError> {
            match v.trim() {
                "" => Ok(None),
                v => cst_day_start(v)
                    .map(Some)
                    .ok_or_else(|| AppError::BadRequest(format!("{what}格式应为 2024-04-19"))),
            }
        };
        let before = match self.before.split_once('.') {
            Some((at, id)) => Some((
                at.parse()
                    .map_err(|_| AppError::BadRequest("翻页位置无效".into()))?,
                id.parse()
                    .map_err(|_| AppError::BadRequest("翻页位置无效".into()))?,
            )),
            None if self.before.is_empty() => None,
            None => return Err(AppError::BadRequest("翻页位置无效".into())),
        };
        let action = match self.action.trim() {
            "" => None,
            a if ACTIONS.iter().any(|(k, _)| *k == a) => Some(a.to_string()),
            _ => return Err(AppError::BadRequest("没有这种操作类型".into())),
        };
        let group = |g: &str| -> Result<Vec<String>, AppError> {
            if GROUPS.iter().any(|(k, _)| *k == g) {
                Ok(group_actions(g))
            } else {
                Err(AppError::BadRequest("没有这一类操作".into()))
            }
        };
        let actions = match self.group.trim() {
            "" => Vec::new(),
            g => group(g)?,
        };
        let mut exclude = Vec::new();
        for g in &self.exclude {
            exclude.extend(group(g.trim())?);
        }
        Ok(AuditQuery {
            actor_id: number(&self.person, "人员")?,
            actor: None,
            article_id: number(&self.story, "稿件编号")?,
            action,
            subject: None,
            from: date(&self.from, "开始日期")?,
            // the end date is inclusive: up to the next day's start
            to: date(&self.to, "结束日期")?.map(|t| t + 86_400),
            before,
            limit,
            actions,
            exclude,
            scope: None,
        })
    }

    /// The query of a page or export as `session`'s person may read it.
    fn scoped(&self, session: &Session, limit: i64) -> Result<AuditQuery, AppError> {
        Ok(AuditQuery {
            scope: scope(session),
            ..self.query(limit)?
        })
    }

    /// The export's file name: the record and the range it covers.
    fn file_name(&self, ext: &str) -> String {
        let day = |d: &str| {
            let d = d.trim();
            (!d.is_empty() && cst_day_start(d).is_some()).then(|| d.to_string())
        };
        let range = match (day(&self.from), day(&self.to)) {
            (Some(a), Some(b)) => format!("{a}_{b}"),
            (Some(a), None) => format!("{a}_onwards"),
            (None, Some(b)) => format!("until_{b}"),
            (None, None) => "all".into(),
        };
        format!("publication-record_{range}.{ext}")
    }

    /// The filters as a query string (without the page position).
    fn params(&self) -> String {
        let mut f = self.clone();
        f.before.clear();
        let pairs: Vec<(&str, &str)> = [
            ("person", f.person.as_str()),
            ("story", f.story.as_str()),
            ("action", f.action.as_str()),
            ("group", f.group.as_str()),
            ("from", f.from.as_str()),
            ("to", f.to.as_str()),
        ]
        .into_iter()
        .chain(f.exclude.iter().map(|g| ("exclude", g.as_str())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// One row in words, as the screen and the exports show it.
#[derive(serde::Serialize)]
struct Row {
    id: i64,
    time: String,
    at: i64,
    actor: String,
    actor_id: Option<i64>,
    action: String,
    action_label: String,
    article_id: Option<i64>,
    title: String,
    subject: String,
    from_state: String,
    to_state: String,
    level: String,
    revision: Option<i64>,
    opinion: String,
    detail: String,
    address: String,
    url: String,
}

fn row(e: AuditEntry) -> Row {
    let levels = e.levels.unwrap_or(3).clamp(1, 9) as u8;
    Row {
        id: e.id,
        time: datetime(e.at),
        at: e.at,
        action_label: action_label(&e.action, &e.to_state),
        from_state: state_label(&e.from_state, levels),
        to_state: state_label(&e.to_state, levels),
        level: e
            .level
            .map(|l| level_name(l.clamp(1, 9) as u8, levels))
            .unwrap_or_default(),
        subject: if e.subject.is_empty() {
            String::new()
        } else {
            subject_label(&e.subject)
        },
        actor: e.actor,
        actor_id: e.actor_id,
        action: e.action,
        article_id: e.article_id,
        title: e.title,
        revision: e.revision_number,
        opinion: e.opinion,
        detail: e.detail,
        address: e.address,
        url: e.url,
    }
}

pub async fn get_audit(
    State(state): State<AppState>,
    session: Session,
    f: Query<Filter>,
    pairs: Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let f = filter(f, pairs);
    let q = f.scoped(&session, PAGE + 1)?;
    let mut entries = state.store.audit_page(&q).await?;
    let more = entries.len() as i64 > PAGE;
    entries.truncate(PAGE as usize);
    let params = f.params();
    let next = more
        .then(|| entries.last().map(|e| (e.at, e.id)))
        .flatten()
        .map(|(at, id)| {
            let sep = if params.is_empty() { "" } else { "&" };
            format!("/admin/audit?{params}{sep}before={at}.{id}")
        });
    let rows: Vec<Row> = entries.into_iter().map(row).collect();
    let people: Vec<_> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| minijinja::context! { id => u.id.to_string(), name => format!("{}({})", u.display_name, u.username) })
        .collect();
    let actions: Vec<_> = ACTIONS
        .iter()
        .map(|(k, l)| minijinja::context! { key => k, label => l })
        .collect();
    let export = if params.is_empty() {
        String::new()
    } else {
        format!("?{params}")
    };
    Ok(render(
        &state,
        Some(&session),
        "admin/audit.html",
        minijinja::context! {
            title => "发布记录", rows, next, f, people, actions, export,
            groups => GROUPS.iter().map(|(k, l)| minijinja::context! { key => k, label => l }).collect::<Vec<_>>(),
            paged => !f.before.is_empty(), first => format!("/admin/audit{export}"),
        },
    )?
    .into_response())
}

const CSV_HEADER: &str = "\u{feff}编号,时间,人员,操作,稿件编号,标题,对象,原状态,新状态,审级,修改稿,意见,说明,地址,网址\r\n";

fn csv_line(r: &Row) -> String {
    let fields = [
        r.id.to_string(),
        datetime_rfc3339(r.at),
        r.actor.clone(),
        r.action_label.clone(),
        r.article_id.map(|i| i.to_string()).unwrap_or_default(),
        r.title.clone(),
        r.subject.clone(),
        r.from_state.clone(),
        r.to_state.clone(),
        r.level.clone(),
        r.revision.map(|n| format!("第 {n} 稿")).unwrap_or_default(),
        r.opinion.clone(),
        r.detail.clone(),
        r.address.clone(),
        r.url.clone(),
    ];
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Json,
}

/// The filtered record, newest first, read and sent a batch at a time.
fn export(store: DynStore, mut q: AuditQuery, format: Format) -> Body {
    q.limit = EXPORT_BATCH;
    let start = match format {
        Format::Csv => CSV_HEADER.to_string(),
        Format::Json => "[".to_string(),
    };
    let stream =
        futures_util::stream::unfold((Some(q), Some(start), true), move |(q, head, first)| {
            let store = store.clone();
            async move {
                if let Some(h) = head {
                    return Some((Ok::<_, std::io::Error>(h), (q, None, first)));
                }
                let mut q = q?;
                let batch = match store.audit_page(&q).await {
                    Ok(b) => b,
                    Err(e) => {
                        tracing::error!(error = %e, "audit export failed mid-way");
                        return Some((
                            Err(std::io::Error::other("audit export failed")),
                            (None, None, first),
                        ));
                    }
                };
                let done = (batch.len() as i64) < q.limit;
                q.before = batch.last().map(|e| (e.at, e.id));
                let mut out = String::new();
                let mut first = first;
                for e in batch {
                    let r = row(e);
                    match format {
                        Format::Csv => out.push_str(&csv_line(&r)),
                        Format::Json => {
                            if !first {
                                out.push(',');
                            }
                            out.push_str(&serde_json::to_string(&r).unwrap_or_default());
                            out.push('\n');
                        }
                    }
                    first = false;
                }
                if done {
                    if format == Format::Json {
                        out.push(']');
                    }
                    return Some((Ok(out), (None, None, first)));
                }
                Some((Ok(out), (Some(q), None, first)))
            }
        });
    Body::from_stream(stream)
}

pub async fn get_audit_csv(
    State(state): State<AppState>,
    session: Session,
    f: Query<Filter>,
    pairs: Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let f = filter(f, pairs);
    let q = f.scoped(&session, EXPORT_BATCH)?;
    let disposition = format!("attachment; filename=\"{}\"", f.file_name("csv"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        export(state.store.clone(), q, Format::Csv),
    )
        .into_response())
}

pub async fn get_audit_json(
    State(state): State<AppState>,
    session: Session,
    f: Query<Filter>,
    pairs: Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    may_read(&session)?;
    let f = filter(f, pairs);
    let q = f.scoped(&session, EXPORT_BATCH)?;
    let disposition = format!("inline; filename=\"{}\"", f.file_name("json"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        export(state.store.clone(), q, Format::Json),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_neutralizes_formulas_and_quotes() {
        assert_eq!(csv_field("=cmd()"), "\"'=cmd()\"");
        assert_eq!(csv_field("说\"明"), "\"说\"\"明\"");
    }

    #[test]
    fn dates_are_beijing_days() {
        assert_eq!(
            cst_day_start("2024-04-19"),
            crate::domain::text::parse_rfc3339("2024-04-19T00:00:00+08:00")
        );
        assert_eq!(cst_day_start("2024-02-30"), None);
    }
}
