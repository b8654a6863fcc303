//! A workflow act on a story (提交, 审核, 签发, 退回, 撤稿 ...) from its page.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::editor::{ActInput, EditPage, edit_page};
use super::load_visible;
use crate::domain::workflow::{Action, Actor};
use crate::newsroom::{self};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::handlers::admin::{SignedForm, parse_local};

pub async fn post_act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let story = load_visible(&state, &session, id).await?;
    let version: i64 = f
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号,请刷新页面后重试".into()))?;
    let opinion = f.get("opinion").to_string();
    let publish_at = match f.get("publish_at").trim() {
        "" => story.draft.publish_at.filter(|t| *t > state.now()),
        s => Some(
            parse_local(s)
                .ok_or_else(|| AppError::BadRequest(format!("定时发布时间“{s}”格式不对")))?,
        ),
    };
    let action = match f.get("action") {
        "submit" => Action::Submit,
        "approve" => Action::Approve {
            opinion,
            publish_at,
            override_reason: Some(f.get("override_reason").to_string())
                .filter(|s| !s.trim().is_empty()),
        },
        "reject" => Action::Reject { reason: opinion },
        "withdraw" => Action::Withdraw { reason: opinion },
        "unschedule" => Action::Unschedule { reason: opinion },
        "recall" => Action::Recall,
        "restore" => Action::Restore { reason: opinion },
        "reschedule" => match publish_at {
            Some(at) => Action::Reschedule { at },
            None => return Err(AppError::BadRequest("请填写新的定时发布时间".into())),
        },
        "publish_now" => Action::PublishNow,
        other => return Err(AppError::BadRequest(format!("未知操作“{other}”"))),
    };
    // an act taken from a reader's 举报 names it in the record row
    let report = match f.get("report").trim() {
        "" => None,
        rid => {
            let rid: i64 = rid
                .parse()
                .map_err(|_| AppError::BadRequest("举报编号不对".into()))?;
            state
                .store
                .report(rid)
                .await?
                .filter(|r| r.article_id == Some(id))
        }
    };
    let detail = report
        .as_ref()
        .map(crate::web::handlers::admin::reports::detail_for)
        .unwrap_or_default();
    match newsroom::act_noting(
        &state,
        Actor::Person(&session.user),
        &story,
        version,
        &action,
        &detail,
    )
    .await
    {
        Ok(outcome) => {
            if let Some(r) = report.filter(|r| session.user.may_handle_reports(&r.site_id)) {
                return Ok(Redirect::to(&format!(
                    "/admin/reports/{}?done={}",
                    r.id,
                    if action.name() == "withdraw" {
                        "withdrawn"
                    } else {
                        "acted"
                    }
                ))
                .into_response());
            }
            let done = if outcome.signed {
                "signed"
            } else {
                action.name()
            };
            tracing::info!(story = id, user = %session.user.username, action = action.name(), "workflow");
            Ok(Redirect::to(&format!("/admin/stories/{id}?done={done}")).into_response())
        }
        Err(e) => {
            let e = AppError::from(e);
            let status = e.status();
            let draft = story.draft.clone();
            edit_page(
                &state,
                &session,
                EditPage {
                    story: Some(&story),
                    draft: &draft,
                    error: Some(e.to_string()),
                    conflict: None,
                    flash: None,
                    // the signer's opinion, schedule and 放行理由 stay as typed
                    act: Some(ActInput {
                        opinion: f.get("opinion").to_string(),
                        publish_at: f.get("publish_at").to_string(),
                        override_reason: f.get("override_reason").to_string(),
                        report: f.get("report").to_string(),
                    }),
                    restored: None,
                },
                status,
            )
            .await
        }
    }
}
