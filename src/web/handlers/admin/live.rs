//! 直播台: the live desk of a 直播 story. Reporters on site write entries
//! (with a picture or a clip from the libraries); an editor of the channel
//! approves each (先审后发: one click, recorded; never the writer's own),
//! pins it (置顶), marks it as a key event (要点), corrects it (更正, with a
//! note readers see) or removes it (with a reason for the record); the desk
//! opens and closes the coverage. Every act is a store write with its
//! record row; what readers see goes out through `live::Hub`.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Fields, SignedForm, datetime, render};
use crate::domain::Article;
use crate::domain::kind::Kind;
use crate::domain::live::{EntryAct, EntryState, MAX_ENTRY, refuse};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

#[derive(serde::Deserialize, Default)]
pub struct DeskQuery {
    #[serde(default)]
    done: String,
}

fn flash(done: &str) -> Option<&'static str> {
    Some(match done {
        "added" => "已提交,等待直播审核",
        "approve" => "已审核发布,读者页面即时更新",
        "pin" => "已更新置顶",
        "key" => "已更新要点",
        "correct" => "已提交更正,另一位编辑审核后读者才能看到",
        "approve_correction" => "更正已审核发布,读者可见更正说明",
        "drop_correction" => "已撤回这条更正",
        "remove" => "已删除,并记入发布记录",
        "start" => "直播已开始",
        "end" => "直播已结束",
        _ => return None,
    })
}

/// The live story `id` if this person works in its channel.
async fn live_story(state: &AppState, session: &Session, id: i64) -> Result<Article, AppError> {
    let not_found = || AppError::NotFound(format!("没有编号为 {id} 的直播稿"));
    let a = state.store.article(id).await?.ok_or_else(not_found)?;
    if a.kind != Kind::Live {
        return Err(not_found());
    }
    let channels = state.store.channels(&a.site_id).await?;
    let path = channels
        .iter()
        .find(|c| c.id == a.channel_id)
        .map(|c| c.path.clone())
        .unwrap_or_default();
    if !session.user.may_work_in(&a.site_id, &path) {
        return Err(AppError::Forbidden(if session.user.writes() {
            "你没有这个栏目的权限,不能进入它的直播台".into()
        } else {
            "您的账号只有推荐位或举报受理的权限,不能写直播条目".into()
        }));
    }
    Ok(a)
}

pub async fn get_desk(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<DeskQuery>,
) -> Result<Response, AppError> {
    let a = live_story(&state, &session, id).await?;
    desk(&state, &session, &a, flash(&q.done), None, "").await
}

async fn desk(
    state: &AppState,
    session: &Session,
    a: &Article,
    flash: Option<&str>,
    error: Option<String>,
    typed: &str,
) -> Result<Response, AppError> {
    let mut clock = state.store.live_clock(a.id).await?;
    clock.planned_at = a.parts.live.as_ref().map_or(0, |l| l.starts_at);
    let status = clock.status();
    let mut all = state.store.entries(a.id, false).await?;
    all.reverse();
    // what an approver must see before approving: the pictures and clips of
    // the entries waiting (a number alone says nothing)
    let mut thumbs: std::collections::HashMap<(bool, i64), String> = Default::default();
    for e in all.iter().filter(|e| e.state == EntryState::Pending) {
        if let Some(id) = e.image_id
            && let Some(p) = state.store.picture(id).await?
        {
            thumbs.insert((false, id), p.sources(None, 320).src);
        }
        if let Some(id) = e.video_id
            && let Some(poster) = state
                .store
                .video(id)
                .await?
                .and_then(|v| v.made.and_then(|m| m.posters.first().cloned()))
        {
            thumbs.insert((true, id), format!("/media/{poster}"));
        }
    }
    let row = |e: &crate::domain::live::Entry| {
        minijinja::context! {
            id => e.id,
            body_html => e.body_html.clone(),
            text => crate::domain::html::html_to_text(&e.body_html),
            author => e.author.clone(),
            created => datetime(e.created_at),
            approved => e.approved_at.map(datetime),
            approved_by => e.approved_by.clone(),
            state => e.state.as_str(),
            state_label => e.state.label(),
            pinned => e.pinned,
            key_event => e.key_event,
            image_id => e.image_id,
            video_id => e.video_id,
            image_thumb => e.image_id.and_then(|i| thumbs.get(&(false, i)).cloned()),
            video_thumb => e.video_id.and_then(|i| thumbs.get(&(true, i)).cloned()),
            correction => e.correction.clone(),
            corrected => e.corrected_at.map(datetime),
            may_approve => refuse(e, &EntryAct::Approve, &session.user).is_none(),
            proposed => e.proposed.as_ref().map(|p| minijinja::context! {
                body_html => p.body_html.clone(),
                note => p.note.clone(),
                by => p.by.clone(),
                at => datetime(p.at),
                own => p.by_id == Some(session.user.id),
            }),
            may_approve_correction => refuse(e, &EntryAct::ApproveCorrection, &session.user).is_none(),
            own => e.author_id == Some(session.user.id),
        }
    };
    let pending: Vec<_> = all
        .iter()
        .filter(|e| e.state == EntryState::Pending)
        .map(row)
        .collect();
    let public: Vec<_> = all
        .iter()
        .filter(|e| e.state == EntryState::Approved)
        .map(row)
        .collect();
    let corrections: Vec<_> = all
        .iter()
        .filter(|e| e.state == EntryState::Approved && e.proposed.is_some())
        .map(row)
        .collect();
    let removed: Vec<_> = all
        .iter()
        .filter(|e| e.state == EntryState::Removed)
        .map(row)
        .collect();
    let sites = state.store.sites().await?;
    let public_url = match (&a.url_path, a.status) {
        (Some(p), crate::domain::Status::Published) => sites
            .iter()
            .find(|s| s.id == a.site_id)
            .map(|s| format!("{}{p}", s.prefix)),
        _ => None,
    };
    let html = render(
        state,
        Some(session),
        "admin/live.html",
        minijinja::context! {
            title => format!("直播台:{}", a.title),
            story => minijinja::context! { id => a.id, title => a.title.clone(), site => a.site_id.clone() },
            public_url,
            status => status,
            status_label => status.label(),
            planned => datetime(clock.planned_at),
            started => clock.started_at.map(datetime),
            ended => clock.ended_at.map(datetime),
            is_editor => session.user.is_editor(),
            pending, corrections, public, removed, flash, error, typed,
            max_entry => MAX_ENTRY,
        },
    )?;
    let code = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((code, html).into_response())
}

/// An entry's text as the desk typed it: paragraphs, escaped.
fn entry_html(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("请填写直播内容".into());
    }
    let n = text.chars().count();
    if n > MAX_ENTRY {
        return Err(format!(
            "直播条目最多 {MAX_ENTRY} 字,现在有 {n} 字,请分成几条发"
        ));
    }
    let paragraphs: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    Ok(crate::domain::html::paragraphs_to_html(&paragraphs))
}

fn number(f: &Fields, key: &str, what: &str) -> Result<Option<i64>, String> {
    match f.get(key).trim() {
        "" => Ok(None),
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| format!("{what}编号“{t}”不对")),
    }
}

/// Refuse text with blocking sensitive words (the same list as stories).
async fn screened(state: &AppState, html: &str) -> Result<Option<String>, AppError> {
    let words = state.store.sensitive_words().await?;
    let hits = crate::domain::screening::Screener::new(words)
        .scan(&[("直播条目", crate::domain::html::html_to_text(html))]);
    let blocking: Vec<String> = hits
        .iter()
        .filter(|h| h.blocks())
        .map(|h| h.word.clone())
        .collect();
    Ok(
        (!blocking.is_empty())
            .then(|| format!("含有禁用词:{},请修改后再提交", blocking.join("、"))),
    )
}

pub async fn post_entry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let a = live_story(&state, &session, id).await?;
    let typed = f.get("body").to_string();
    let parsed = entry_html(&typed).and_then(|html| {
        Ok((
            html,
            number(&f, "image_id", "图片")?,
            number(&f, "video_id", "视频")?,
        ))
    });
    let (body_html, image_id, video_id) = match parsed {
        Ok(x) => x,
        Err(m) => return desk(&state, &session, &a, None, Some(m), &typed).await,
    };
    if let Some(m) = screened(&state, &body_html).await? {
        return desk(&state, &session, &a, None, Some(m), &typed).await;
    }
    if let Some(pid) = image_id {
        match state.store.picture(pid).await? {
            Some(p) if p.site_id == a.site_id => {}
            _ => {
                let m = format!("图片库里没有本站编号为 {pid} 的图片");
                return desk(&state, &session, &a, None, Some(m), &typed).await;
            }
        }
    }
    if let Some(vid) = video_id {
        match state.store.video(vid).await? {
            Some(v) if v.site_id == a.site_id => {}
            _ => {
                let m = format!("视频库里没有本站编号为 {vid} 的视频");
                return desk(&state, &session, &a, None, Some(m), &typed).await;
            }
        }
    }
    let e = state
        .store
        .add_entry(
            &crate::db::NewEntry {
                article_id: a.id,
                body_html,
                image_id,
                video_id,
                ai: crate::domain::ai::Ai::parse(f.get("ai")),
            },
            &session.actor(),
            state.now(),
        )
        .await?;
    tracing::info!(story = a.id, entry = e.id, user = %session.user.username, "live entry written");
    Ok(Redirect::to(&format!("/admin/live/{id}?done=added")).into_response())
}

pub async fn post_entry_act(
    State(state): State<AppState>,
    Path(eid): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let e = state
        .store
        .entry(eid)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("直播条目 {eid} 不存在")))?;
    let a = live_story(&state, &session, e.article_id).await?;
    let act = match f.get("op") {
        "approve" => Ok(EntryAct::Approve),
        "pin" => Ok(EntryAct::Pin(true)),
        "unpin" => Ok(EntryAct::Pin(false)),
        "key" => Ok(EntryAct::KeyEvent(true)),
        "unkey" => Ok(EntryAct::KeyEvent(false)),
        "correct" => entry_html(f.get("body")).map(|body_html| EntryAct::Correct {
            body_html,
            note: f.get("note").trim().chars().take(500).collect(),
        }),
        "approve_correction" => Ok(EntryAct::ApproveCorrection),
        "drop_correction" => Ok(EntryAct::DropCorrection),
        "remove" => Ok(EntryAct::Remove {
            reason: f.get("reason").trim().chars().take(500).collect(),
        }),
        _ => Err("未知的操作".to_string()),
    };
    let act = match act {
        Ok(a) => a,
        Err(m) => return desk(&state, &session, &a, None, Some(m), "").await,
    };
    if let Some(why) = refuse(&e, &act, &session.user) {
        return desk(&state, &session, &a, None, Some(why), "").await;
    }
    let text = match &act {
        EntryAct::Correct { body_html, .. } => Some(body_html.clone()),
        EntryAct::Approve => Some(e.body_html.clone()),
        EntryAct::ApproveCorrection => e.proposed.as_ref().map(|p| p.body_html.clone()),
        _ => None,
    };
    if let Some(t) = text
        && let Some(m) = screened(&state, &t).await?
    {
        return desk(&state, &session, &a, None, Some(m), "").await;
    }
    match state
        .store
        .act_on_entry(eid, &act, &session.actor(), state.now())
        .await
    {
        Ok(_) => {}
        // another editor acted first: the desk says what stands now
        Err(crate::db::StoreError::Conflict(m) | crate::db::StoreError::Invalid(m)) => {
            return desk(&state, &session, &a, None, Some(m), "").await;
        }
        Err(e) => return Err(e.into()),
    }
    crate::follow::after_write(&state).await;
    let done = match act {
        EntryAct::Approve => "approve",
        EntryAct::Pin(_) => "pin",
        EntryAct::KeyEvent(_) => "key",
        EntryAct::Correct { .. } => "correct",
        EntryAct::ApproveCorrection => "approve_correction",
        EntryAct::DropCorrection => "drop_correction",
        EntryAct::Remove { .. } => "remove",
    };
    Ok(Redirect::to(&format!("/admin/live/{}?done={done}#e{eid}", a.id)).into_response())
}

pub async fn post_clock(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let a = live_story(&state, &session, id).await?;
    if !session.user.is_editor() {
        return desk(
            &state,
            &session,
            &a,
            None,
            Some("只有编辑才能开始或结束直播".into()),
            "",
        )
        .await;
    }
    let start = match f.get("op") {
        "start" => true,
        "end" => false,
        _ => return desk(&state, &session, &a, None, Some("未知的操作".into()), "").await,
    };
    state
        .store
        .set_live_clock(id, start, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    let done = if start { "start" } else { "end" };
    Ok(Redirect::to(&format!("/admin/live/{id}?done={done}")).into_response())
}
