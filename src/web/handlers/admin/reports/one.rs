//! One report: its page (words, screenshots, contact, record) and the
//! handler's acts on it, a withdrawal of the story among them.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{SignedForm, datetime, render};
use crate::db::AuditQuery;
use crate::domain::report::{Act, Outcome, Report};
use crate::domain::text::to_cst;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

use super::{load, row};

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

/// A withdrawal from a report: the story's record row names the receipt.
pub(crate) fn detail_for(report: &Report) -> String {
    format!("依据举报 {} 处理", report.receipt)
}
