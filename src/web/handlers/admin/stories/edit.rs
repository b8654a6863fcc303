//! One story: its editor page, and saving it.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::editor::{ActInput, EditPage, edit_page};
use super::save::{save, typed_draft};
use super::{load_visible, may_edit, saved_url};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::SignedForm;

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
    /// How many (images removed, for `saved_images`).
    #[serde(default)]
    n: Option<u32>,
    /// Opened from a 举报: the review form's acts name it.
    #[serde(default)]
    report: Option<i64>,
}

pub(super) fn done_message(done: &str, n: Option<u32>) -> Option<String> {
    if done == "saved_images" {
        return Some(format!(
            "已保存。正文中有 {} 张图片来自其他网站,已移除:请把图片上传到本站后再插入",
            n.unwrap_or(1)
        ));
    }
    Some(
        match done {
            "saved" => "已保存",
            "submit" => "已提交审核",
            "approve" => "审核通过",
            "signed" => "已签发",
            "reject" => "已退回修改",
            "withdraw" => "已撤稿",
            "unschedule" => "已取消定时发布",
            "recall" => "已撤回,稿件回到草稿,可以继续修改",
            "restore" => "已恢复发布",
            "reschedule" => "已修改定时发布时间",
            "publish_now" => "已发布",
            "discarded" => "已放弃自动保存的内容,显示的是最后保存的稿件",
            _ => return None,
        }
        .to_string(),
    )
}

pub async fn get_story(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let story = load_visible(&state, &session, id).await?;
    let mut draft = story.draft.clone();
    // the person's autosaved copy, if it holds more than the story does
    let mut restored = None;
    if may_edit(&story, &session.user) {
        if let Some((copy, base, at)) = state.store.autosave(id, session.user.id).await? {
            if copy != draft {
                draft = copy;
                restored = Some((at, base));
            }
        }
    }
    edit_page(
        &state,
        &session,
        EditPage {
            story: Some(&story),
            draft: &draft,
            error: None,
            conflict: None,
            flash: done_message(&q.done, q.n),
            act: q.report.map(|r| ActInput {
                opinion: String::new(),
                publish_at: String::new(),
                override_reason: String::new(),
                report: r.to_string(),
            }),
            restored,
        },
        StatusCode::OK,
    )
    .await
}

pub async fn post_story(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let story = load_visible(&state, &session, id).await?;
    let version: i64 = f
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号,请刷新页面后重试".into()))?;
    let (draft, removed_images) = match typed_draft(&state, &session, &story, &f).await? {
        Ok(typed) => typed,
        Err(shown) => return Ok(shown),
    };
    match save(&state, &session, story, version, &draft).await? {
        Ok(_) => Ok(Redirect::to(&saved_url(id, removed_images)).into_response()),
        Err(shown) => Ok(shown),
    }
}
