//! A workflow act on a story (提交, 审核, 签发, 退回, 撤稿 ...) from its page.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use axum::http::StatusCode;

use super::editor::{ActInput, EditPage, edit_page};
use super::save::{save, typed_draft};
use super::{load_visible, may_edit};
use crate::domain::workflow::{Action, Actor};
use crate::newsroom::{self};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::handlers::admin::{Fields, SignedForm, parse_local};

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
    let name = f.get("action");
    const ACTS: [&str; 9] = [
        "submit",
        "approve",
        "reject",
        "withdraw",
        "unschedule",
        "recall",
        "restore",
        "reschedule",
        "publish_now",
    ];
    if !ACTS.contains(&name) {
        return Err(AppError::BadRequest(format!("未知操作“{name}”")));
    }
    // pressed in the editor: what the form holds is saved first, so what
    // is submitted is what was on the screen (or the act is refused with
    // the form as typed)
    let (mut story, mut version) = (story, version);
    let in_editor = !f.all("title").is_empty();
    if in_editor && may_edit(&story, &session.user) {
        let (typed, _) = match typed_draft(&state, &session, &story, &f).await? {
            Ok(typed) => typed,
            Err(shown) => return Ok(shown),
        };
        // (the page's script sends the body as saved when it was not
        // touched, so an unchanged form compares equal)
        if typed != story.draft {
            if matches!(name, "approve" | "reject") {
                let page = EditPage {
                    story: Some(&story),
                    draft: &typed,
                    error: Some(EDITED_UNDER_REVIEW.into()),
                    conflict: None,
                    flash: None,
                    act: Some(act_input(&f)),
                    restored: None,
                };
                return edit_page(&state, &session, page, StatusCode::CONFLICT).await;
            }
            match save(&state, &session, story, version, &typed).await? {
                Ok(saved) => {
                    version = saved.state.article.version;
                    story = saved;
                }
                Err(shown) => return Ok(shown),
            }
        }
    }
    let opinion = f.get("opinion").to_string();
    // the sign-off's schedule (`publish_at` in a form of its own); empty:
    // the time the story asks for, if still ahead
    let schedule = match f.all("sign_publish_at").first() {
        Some(v) => *v,
        None if in_editor => "",
        None => f.get("publish_at"),
    };
    let publish_at = match schedule.trim() {
        "" => story.draft.publish_at.filter(|t| *t > state.now()),
        s => Some(
            parse_local(s)
                .ok_or_else(|| AppError::BadRequest(format!("定时发布时间“{s}”格式不对")))?,
        ),
    };
    let action = match name {
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
        _ => Action::PublishNow,
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
                    act: Some(act_input(&f)),
                    restored: None,
                },
                status,
            )
            .await
        }
    }
}

/// Why a review act is refused when the reviewer changed the form: he
/// approves (or sends back) the text he was sent, and whoever changes it
/// does not review it.
const EDITED_UNDER_REVIEW: &str = "您在表单里改动了稿件:审核的须是送审的文字。\
请先点“保存”保存改动(改过文字的人不再审核这一稿,由其他人审核),或刷新页面放弃改动后再审核";

/// The review form's fields as typed, shown again after a refusal.
fn act_input(f: &Fields) -> ActInput {
    ActInput {
        opinion: f.get("opinion").to_string(),
        publish_at: f
            .all("sign_publish_at")
            .first()
            .copied()
            .unwrap_or(f.get("publish_at"))
            .to_string(),
        override_reason: f.get("override_reason").to_string(),
        report: f.get("report").to_string(),
    }
}
