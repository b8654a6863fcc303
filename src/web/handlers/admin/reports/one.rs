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

/// People a report may be handed to (转交): its site's handlers, and,
/// when it names a story, those who can act on the story: the 签发人 of
/// its channel and the 代签 deputies of its desk (issue 24 §3).
async fn hand_over_to(state: &AppState, r: &Report) -> Result<Vec<(i64, String)>, AppError> {
    let mut out = handlers(state, &r.site_id).await?;
    let Some(ws) = (match r.article_id {
        Some(id) => state.store.work_state(id).await?,
        None => None,
    }) else {
        return Ok(out);
    };
    let site = ws.article.site_id.clone();
    let path = state
        .store
        .channels(&site)
        .await?
        .into_iter()
        .find(|c| c.id == ws.article.channel_id)
        .map(|c| c.path)
        .unwrap_or_default();
    let deputies = crate::newsroom::deputies(state).await?;
    for u in state.store.users().await? {
        if !u.active || out.iter().any(|(id, _)| *id == u.id) {
            continue;
        }
        let signer = u.has(crate::domain::user::Role::Signer) && u.may_work_in(&site, &path);
        let deputy = crate::domain::user::Deputy::signs_for(&deputies, u.id, &site, &path);
        if signer || deputy {
            let role = if signer { "签发人" } else { "代签" };
            out.push((u.id, format!("{}({role})", u.display_name)));
        }
    }
    Ok(out)
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
        hand_over => hand_over_to(&state, &r).await?,
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
            let name = if f.get("act") == "assign" {
                state
                    .store
                    .user(uid)
                    .await?
                    .filter(|u| u.active && u.may_handle_reports(&r.site_id))
                    .ok_or_else(|| AppError::BadRequest("所选人员没有本站的“举报受理”权限".into()))?
                    .display_name
            } else {
                // anyone who can act on the story, or another handler
                let to = hand_over_to(&state, &r).await?;
                let (_, label) = to.into_iter().find(|(id, _)| *id == uid).ok_or_else(|| {
                    AppError::BadRequest(
                        "只能转交给本站的举报受理人员,或稿件所在栏目的签发人、代签人".into(),
                    )
                })?;
                label.split('(').next().unwrap_or_default().to_string()
            };
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
        "resolve" => {
            let outcome = Outcome::parse(f.get("outcome")).ok_or_else(|| {
                AppError::BadRequest("请选择处理结果:撤稿、更正或不予处理".into())
            })?;
            Act::Resolve {
                outcome,
                result: f.get("result").to_string(),
                live: act_live(&state, &r, outcome).await?,
            }
        }
        other => return Err(AppError::BadRequest(format!("未知操作“{other}”"))),
    };
    state
        .store
        .act_on_report(id, &act, seen, &session.actor(), state.now())
        .await?;
    Ok(Redirect::to(&format!("/admin/reports/{id}?done=acted")).into_response())
}

/// Whether the act a report is closed with is on the site already: the
/// story withdrawn, or a correction of it signed since the report came
/// in. A correction still in review (or not yet written) is not: the
/// report then waits (处理中) and closes itself when it goes live.
async fn act_live(state: &AppState, r: &Report, outcome: Outcome) -> Result<bool, AppError> {
    let Some(a) = (match r.article_id {
        Some(id) => state.store.article(id).await?,
        None => None,
    }) else {
        // no story to act on: the handler's word closes it
        return Ok(true);
    };
    Ok(match outcome {
        Outcome::Rejected => true,
        Outcome::Withdrawn => a.status == crate::domain::Status::Withdrawn,
        Outcome::Corrected => a.corrections.iter().any(|c| c.at >= r.created_at),
    })
}

/// A withdrawal from a report: the story's record row names the receipt.
pub(crate) fn detail_for(report: &Report) -> String {
    format!("依据举报 {} 处理", report.receipt)
}
