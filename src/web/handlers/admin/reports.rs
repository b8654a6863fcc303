//! 举报处理: the queue of readers' reports for people with 举报受理 (filters
//! by status, category, site, age; days left of the deadline, overdue ones
//! marked), one report's page (its words, screenshots and contact, its
//! record, the acts: assign, 核实中, 转交, 已处理 with an outcome; for a
//! 签发人, the story's withdrawal through the workflow), and the export of
//! a period as CSV or JSON (第十七条's annual report).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{SignedForm, csv_field, datetime, render};
use crate::db::{AuditQuery, ReportFilter};
use crate::domain::report::{Act, Category, Outcome, Report, State as RState};
use crate::domain::text::{cst_day_start, to_cst};
use crate::domain::user::User;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

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
    if !session.user.may_handle_reports(&r.site_id) {
        return Err(AppError::NotFound(format!("举报 {id} 不存在")));
    }
    Ok(r)
}

/// The queue's filters as the form sends them.
#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct Filter {
    #[serde(default)]
    state: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    site: String,
    /// Older than this many days.
    #[serde(default)]
    age: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    mine: String,
    /// `YYYY-MM-DD` (exports).
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

fn day(s: &str, what: &str) -> Result<Option<i64>, AppError> {
    match s.trim() {
        "" => Ok(None),
        d => cst_day_start(d).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!("{what}“{d}”格式不对,应为 2026-01-31 这样的日期"))
        }),
    }
}

impl Filter {
    fn query(&self, user: &User, now: i64, limit: i64) -> Result<ReportFilter, AppError> {
        let state = match self.state.as_str() {
            "" | "open" => None,
            s => Some(RState::parse(s).ok_or_else(|| AppError::BadRequest("没有这种状态".into()))?),
        };
        let category = match self.category.as_str() {
            "" => None,
            c => Some(
                Category::parse(c).ok_or_else(|| AppError::BadRequest("没有这种类别".into()))?,
            ),
        };
        let age = match self.age.trim() {
            "" => None,
            a => Some(
                a.parse::<i64>()
                    .ok()
                    .filter(|d| (0..=3650).contains(d))
                    .ok_or_else(|| {
                        AppError::BadRequest("“已超过天数”须为 0 到 3650 的数字".into())
                    })?,
            ),
        };
        let before = match self.before.split_once('.') {
            Some((a, b)) => Some((
                a.parse()
                    .map_err(|_| AppError::BadRequest("页码参数不对".into()))?,
                b.parse()
                    .map_err(|_| AppError::BadRequest("页码参数不对".into()))?,
            )),
            None => None,
        };
        let to_from_age = age.map(|d| now - d * 86_400);
        let to = match (day(&self.to, "结束日期")?.map(|t| t + 86_400), to_from_age) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(ReportFilter {
            state,
            open: self.state == "open",
            category,
            site_id: (!self.site.is_empty()).then(|| self.site.clone()),
            sites: user.report_sites(),
            overdue_at: (!self.overdue.is_empty()).then_some(now),
            assignee_id: (!self.mine.is_empty()).then_some(user.id),
            from: day(&self.from, "开始日期")?,
            to,
            before,
            limit,
        })
    }

    fn query_string(&self) -> String {
        let mut f = self.clone();
        f.before.clear();
        serde_urlencoded::to_string(&f).unwrap_or_default()
    }
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

#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// People who may take a report of `site`: its handlers and the admins.
async fn handlers(state: &AppState, site: &str) -> Result<Vec<(i64, String)>, AppError> {
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && u.may_handle_reports(site))
        .map(|u| (u.id, u.display_name))
        .collect())
}

pub async fn get_report(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let r = load(&state, &session, id).await?;
    let now = state.now();
    let history = state
        .store
        .audit_page(&AuditQuery {
            subject: Some(format!("report:{}", r.receipt)),
            limit: 200,
            ..Default::default()
        })
        .await?;
    // the story the URL names, and what a signer may do to it
    let story = match r.article_id {
        Some(aid) => match crate::newsroom::load(&state, &session.user, aid).await {
            Ok(Some(s)) => {
                let allowed = crate::newsroom::allowed(
                    &s,
                    &session.user,
                    &[crate::domain::workflow::Action::Withdraw {
                        reason: format!("依据举报 {} 撤稿", r.receipt),
                    }],
                    now,
                );
                Some(minijinja::context! {
                    id => aid,
                    title => s.state.article.title.clone(),
                    status => s.state.article.status.label(),
                    version => s.state.article.version,
                    may_withdraw => !allowed.is_empty(),
                    may_edit => session.user.may_work_in(&s.state.article.site_id, &s.channel_path) && session.user.is_editor(),
                })
            }
            // not in the person's channels: what readers see of it
            _ => {
                let a = state.store.article(aid).await?;
                let sites = state.store.sites().await?;
                Some(minijinja::context! {
                    id => aid,
                    title => a.as_ref().map_or_else(|| format!("稿件 {aid}"), |a| a.title.clone()),
                    status => a.as_ref().map(|a| a.status.label()),
                    public => a.as_ref().and_then(|a| {
                        let site = sites.iter().find(|s| s.id == a.site_id)?;
                        Some(format!("{}{}", site.prefix, a.url_path.as_ref()?))
                    }),
                    hidden => true,
                })
            }
        },
        None => None,
    };
    let flash = match done.done.as_str() {
        "acted" => Some("已保存"),
        "withdrawn" => {
            Some("稿件已撤稿。请在下面选“已处理:撤稿”并写明处理结果,举报人查询时可以看到")
        }
        _ => None,
    };
    let ctx = minijinja::context! {
        title => format!("举报 {}", r.receipt),
        r => row(&r, now),
        description => r.description.clone(),
        contact => r.contact.clone(),
        contact_until => r.contact_until.map(|t| to_cst(t).format("%Y-%m-%d").to_string()),
        shots => (0..r.shots.len()).map(|i| format!("/admin/reports/{id}/shots/{i}")).collect::<Vec<_>>(),
        result => r.result.clone(),
        handled_at => r.handled_at.map(datetime),
        seen => r.updated_at,
        handlers => handlers(&state, &r.site_id).await?,
        me => session.user.id,
        story,
        outcomes => Outcome::ALL.iter().map(|o| (o.as_str(), o.label())).collect::<Vec<_>>(),
        history => history.iter().map(|e| minijinja::context! {
            at => datetime(e.at),
            actor => e.actor.clone(),
            action => crate::domain::record::action_label(&e.action, &e.to_state),
            detail => e.detail.clone(),
        }).collect::<Vec<_>>(),
        flash,
    };
    Ok(render(&state, Some(&session), "admin/report.html", ctx)?.into_response())
}

/// A report's screenshot, for handlers only (never cached by anyone else).
pub async fn get_shot(
    State(state): State<AppState>,
    session: Session,
    Path((id, n)): Path<(i64, usize)>,
) -> Result<Response, AppError> {
    let r = load(&state, &session, id).await?;
    let key = r
        .shots
        .get(n)
        .ok_or_else(|| AppError::NotFound("截图不存在".into()))?;
    let bytes = state
        .media
        .get(key)
        .await
        .map_err(|e| AppError::Unavailable(e.into()))?
        .ok_or_else(|| AppError::NotFound("截图文件不存在".into()))?;
    let ct = crate::domain::media_key::content_type(key).unwrap_or("application/octet-stream");
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(resp)
}

pub async fn post_act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let r = load(&state, &session, id).await?;
    let seen: i64 = f
        .get("seen")
        .parse()
        .map_err(|_| AppError::BadRequest("表单已过期,请刷新页面后重试".into()))?;
    let act = match f.get("act") {
        "assign" | "escalate" => {
            let uid: i64 = f
                .get("to")
                .parse()
                .map_err(|_| AppError::BadRequest("请选择处理人".into()))?;
            let name = state
                .store
                .user(uid)
                .await?
                .filter(|u| u.active && u.may_handle_reports(&r.site_id))
                .ok_or_else(|| AppError::BadRequest("所选人员没有本站的“举报受理”权限".into()))?
                .display_name;
            if f.get("act") == "assign" {
                Act::Assign { to: uid, name }
            } else {
                Act::Escalate {
                    to: uid,
                    name,
                    note: f.get("note").trim().to_string(),
                }
            }
        }
        "check" => Act::Check,
        "resolve" => Act::Resolve {
            outcome: Outcome::parse(f.get("outcome")).ok_or_else(|| {
                AppError::BadRequest("请选择处理结果:撤稿、更正或不予处理".into())
            })?,
            result: f.get("result").to_string(),
        },
        other => return Err(AppError::BadRequest(format!("未知操作“{other}”"))),
    };
    state
        .store
        .act_on_report(id, &act, seen, &session.actor(), state.now())
        .await?;
    Ok(Redirect::to(&format!("/admin/reports/{id}?done=acted")).into_response())
}

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

/// A withdrawal from a report: the story's record row names the receipt.
pub(super) fn detail_for(report: &Report) -> String {
    format!("依据举报 {} 处理", report.receipt)
}
