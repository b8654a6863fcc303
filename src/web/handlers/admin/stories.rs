//! Stories in the newsroom: list, write, edit, review, preview, compare.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::{Fields, datetime, local, parse_local, render};
use crate::domain::article::Byline;
use crate::domain::draft::Draft;
use crate::domain::html::sanitize_html;
use crate::domain::user::User;
use crate::domain::workflow::{Action, Actor, Flow, Work, level_name};
use crate::newsroom::{self, Story};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

#[derive(Serialize)]
struct ChannelChoice {
    id: i64,
    label: String,
}

#[derive(Serialize)]
struct ChannelGroup {
    site: String,
    site_id: String,
    channels: Vec<ChannelChoice>,
}

/// Channels the person may file to, grouped by site.
async fn channel_groups(state: &AppState, user: &User) -> Result<Vec<ChannelGroup>, AppError> {
    let mut groups = Vec::new();
    for site in state.store.sites().await? {
        let tree = crate::domain::ChannelTree::new(state.store.channels(&site.id).await?);
        let channels: Vec<ChannelChoice> = tree
            .iter()
            .filter(|c| user.may_work_in(&site.id, &c.path))
            .map(|c| {
                let chain: Vec<String> =
                    tree.chain(&c.path).iter().map(|x| x.name.clone()).collect();
                ChannelChoice {
                    id: c.id,
                    label: chain.join(" > "),
                }
            })
            .collect();
        if !channels.is_empty() {
            groups.push(ChannelGroup {
                site: site.name.clone(),
                site_id: site.id.clone(),
                channels,
            });
        }
    }
    Ok(groups)
}

/// The draft a form describes, and how many images from elsewhere its body
/// lost; the error says which field to fix.
fn draft_from(f: &Fields) -> Result<(Draft, usize), String> {
    let (draft, removed) = parse_draft(f)?;
    draft.validate()?;
    Ok((draft, removed))
}

/// The draft a form describes, without the rules a save enforces (an
/// autosave keeps a half-written story as it is).
pub(super) fn parse_draft(f: &Fields) -> Result<(Draft, usize), String> {
    let roles = f.all("byline_role");
    let names = f.all("byline_name");
    let byline = roles
        .iter()
        .zip(names.iter())
        .filter(|(_, n)| !n.trim().is_empty())
        .map(|(r, n)| Byline {
            role: r.trim().to_string(),
            name: n.trim().to_string(),
        })
        .collect();
    let channel_id = f
        .get("channel_id")
        .trim()
        .parse::<i64>()
        .map_err(|_| "请选择栏目".to_string())?;
    let mut extra = Vec::new();
    for e in f.all("extra_channel") {
        let id = e
            .parse::<i64>()
            .map_err(|_| "“同时发布到”的栏目无效".to_string())?;
        if id != channel_id && !extra.contains(&id) {
            extra.push(id);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for t in f
        .get("tags")
        .split(|c: char| matches!(c, ',' | '\u{ff0c}' | '\u{3001}') || c.is_whitespace())
    {
        let t = t.trim();
        if !t.is_empty() && !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    let publish_at = match f.get("publish_at").trim() {
        "" => None,
        s => Some(
            parse_local(s)
                .ok_or_else(|| format!("定时发布时间“{s}”格式不对,应为 2024-04-19T10:30"))?,
        ),
    };
    let body = f.get("body");
    if body.len() > crate::domain::draft::MAX_BODY_BYTES * 2 {
        return Err("正文太长(不能超过 1 MB)".into());
    }
    let body = crate::domain::html::sanitize_body(body);
    let draft = Draft {
        channel_id,
        extra_channel_ids: extra,
        title: f.get("title").trim().to_string(),
        short_title: f.get("short_title").trim().to_string(),
        subtitle: f.get("subtitle").trim().to_string(),
        byline,
        source: f.get("source").trim().to_string(),
        is_reprint: !f.get("is_reprint").is_empty(),
        reprint: crate::domain::Reprint {
            source: f.get("reprint_source").trim().to_string(),
            author: f.get("reprint_author").trim().to_string(),
            title: f.get("reprint_title").trim().to_string(),
            url: f.get("reprint_url").trim().to_string(),
        },
        editor: f.get("editor").trim().to_string(),
        body_html: body.html,
        summary: f.get("summary").trim().to_string(),
        tags,
        publish_at,
        correction: f.get("correction").trim().to_string(),
        kind: crate::domain::kind::Kind::parse(f.get("kind").trim()).unwrap_or_default(),
        parts: crate::domain::kind::Parts {
            video: super::story_video::parse_video(f)?,
            live: super::live::parse_live_part(f)?,
            page: match f.get("page_slug").trim() {
                "" => None,
                s => Some(crate::domain::page::PagePart {
                    slug: s.to_ascii_lowercase(),
                }),
            },
            ..super::story_pictures::parse_parts(f)?
        },
        ai: crate::domain::ai::Ai::parse(f.get("ai")),
    }
    .clean();
    Ok((draft, body.removed_images))
}

/// Whether the person may change the text of the story as it stands.
pub(super) fn may_edit(story: &Story, user: &User) -> bool {
    match story.state.work {
        Work::Draft | Work::Idle => user.is_editor() || story.state.author_id == Some(user.id),
        // approved text is not edited under the later levels (Action::Edit)
        Work::Review { level } => user.is_editor() && level == 1,
        Work::Scheduled { .. } => false,
    }
}

/// Where a saved story's editor opens, saying what happened.
fn saved_url(id: i64, removed_images: usize) -> String {
    if removed_images > 0 {
        format!("/admin/stories/{id}?done=saved_images&n={removed_images}")
    } else {
        format!("/admin/stories/{id}?done=saved")
    }
}

/// The site of a draft's channel, once the person may file in it and in
/// every extra channel it is listed in: a scope covers all of a story's
/// lists, not just the first.
pub(super) async fn check_channels(
    state: &AppState,
    user: &User,
    draft: &Draft,
) -> Result<String, AppError> {
    let mut home = None;
    let wanted: Vec<i64> = std::iter::once(draft.channel_id)
        .chain(draft.extra_channel_ids.iter().copied())
        .collect();
    let mut found = 0;
    for site in state.store.sites().await? {
        for c in state.store.channels(&site.id).await? {
            if !wanted.contains(&c.id) {
                continue;
            }
            found += 1;
            if !user.may_work_in(&site.id, &c.path) {
                return Err(AppError::Forbidden(format!(
                    "栏目「{}」不在您的负责范围内,不能在这里发稿",
                    c.name
                )));
            }
            if c.id == draft.channel_id {
                home = Some(site.id.clone());
            }
        }
    }
    match home {
        Some(site) if found == wanted.len() => Ok(site),
        _ => Err(AppError::BadRequest("所选栏目不存在".into())),
    }
}

struct EditPage<'a> {
    story: Option<&'a Story>,
    draft: &'a Draft,
    error: Option<String>,
    conflict: Option<(String, Draft)>,
    flash: Option<String>,
    /// What was typed into the review form, shown again after a refusal.
    act: Option<ActInput>,
    /// The form holds the person's autosaved copy: (saved at, version it
    /// was based on); the story changed since when that differs.
    restored: Option<(i64, i64)>,
}

/// The review form's fields as submitted.
#[derive(serde::Serialize)]
struct ActInput {
    opinion: String,
    publish_at: String,
    override_reason: String,
    /// The 举报 this act answers (its record row names it).
    report: String,
}

async fn edit_page(
    state: &AppState,
    session: &Session,
    p: EditPage<'_>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let user = &session.user;
    let now = state.now();
    let d = p.draft;
    let mut byline_rows: Vec<Byline> = d.byline.clone();
    while byline_rows.len() < d.byline.len() + 2 || byline_rows.len() < 3 {
        byline_rows.push(Byline {
            role: if byline_rows.is_empty() {
                "记者".into()
            } else {
                String::new()
            },
            name: String::new(),
        });
    }
    let (mut actions, mut buttons, mut audit, mut revisions) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut state_label, mut editable, mut signing, mut public_url) =
        (String::new(), true, false, None);
    let mut returned = None;
    let mut held_slots = Vec::new();
    let mut version = 0;
    if let Some(story) = p.story {
        // a restored copy is saved against the version it was based on, so a
        // change made meanwhile by someone else shows as a conflict
        version = p
            .restored
            .map_or(story.state.article.version, |(_, base)| base);
        state_label = Flow::of(story.state.article.status, story.state.work).label(story.levels);
        let probe = [
            Action::Submit,
            Action::Approve {
                opinion: "-".into(),
                publish_at: None,
                override_reason: Some("-".into()),
            },
            Action::Reject { reason: "-".into() },
            Action::Withdraw { reason: "-".into() },
            Action::Unschedule { reason: "-".into() },
            Action::Recall,
            Action::Restore { reason: "-".into() },
            Action::Reschedule { at: now + 60 },
            Action::PublishNow,
        ];
        actions = newsroom::allowed(story, user, &probe, now);
        if let Work::Review { level } = story.state.work {
            signing = level == story.levels;
            for a in &actions {
                match *a {
                    "approve" => buttons.push((
                        "approve",
                        if signing {
                            "签发".to_string()
                        } else {
                            format!("{}通过", level_name(level, story.levels))
                        },
                    )),
                    "reject" => buttons.push(("reject", "退回修改".to_string())),
                    _ => {}
                }
            }
        }
        for a in &actions {
            match *a {
                "submit" => buttons.insert(0, ("submit", "提交审核".to_string())),
                "recall" => buttons.push(("recall", "撤回".to_string())),
                "restore" => buttons.push(("restore", "恢复发布".to_string())),
                "withdraw" => buttons.push(("withdraw", "撤稿".to_string())),
                "reschedule" => buttons.push(("reschedule", "改定时发布时间".to_string())),
                "publish_now" => buttons.push(("publish_now", "立即发布".to_string())),
                "unschedule" => buttons.push(("unschedule", "取消定时,退回草稿".to_string())),
                _ => {}
            }
        }
        editable = may_edit(story, user);
        let record = state.store.audit_of(story.state.article.id).await?;
        for (slot, position) in state.store.slots_holding(story.state.article.id).await? {
            held_slots.push(minijinja::context! { id => slot.id, name => slot.name, position });
        }
        // a story sent back: its reason opens the page, not only the record
        if story.state.work == Work::Draft {
            // the last workflow act (slot changes are no transitions)
            let last = record.iter().rev().find(|e| e.subject.is_empty());
            if let Some(last) = last.filter(|e| e.action == "reject") {
                returned = Some(minijinja::context! {
                    reason => last.opinion.clone(), actor => last.actor.clone(), at => datetime(last.at),
                });
            }
        }
        for e in record {
            let action = crate::domain::record::action_label(&e.action, &e.to_state);
            let opinion = if e.opinion.is_empty() {
                e.detail
            } else {
                e.opinion
            };
            audit.push(minijinja::context! {
                at => datetime(e.at), actor => e.actor, action, opinion,
                level => e.level.map(|l| level_name(l as u8, story.levels)).unwrap_or_default(),
            });
        }
        for r in state
            .store
            .revisions(story.state.article.id)
            .await?
            .into_iter()
            .rev()
        {
            revisions.push(minijinja::context! { number => r.number, author => r.author, at => datetime(r.created_at) });
        }
        if story.state.article.status == crate::domain::Status::Published {
            let sites = state.store.sites().await?;
            if let (Some(site), Some(path)) = (
                sites.iter().find(|s| s.id == story.state.article.site_id),
                &story.state.article.url_path,
            ) {
                public_url = Some(format!("{}{path}", site.prefix));
            }
        }
    }
    let hits = match p.story {
        Some(s) => s.hits.clone(),
        None => newsroom::screen(state, d).await?,
    };
    let blocking = hits.iter().any(|h| h.blocks());
    let video = super::story_video::editor_video(state, d, user).await?;
    let ctx = minijinja::context! {
        title => if p.story.is_some() { format!("编辑:{}", d.title) } else { "写稿".to_string() },
        story_id => p.story.map(|s| s.state.article.id),
        revision => p.story.and_then(|s| s.revision_number),
        d, byline_rows, version, state_label, editable, actions, signing, blocking, public_url, hits, audit, revisions,
        action_buttons => buttons,
        tags => d.tags.join(","),
        // a scheduled story's field shows when it goes out
        publish_at => local(match p.story.map(|s| s.state.work) {
            Some(Work::Scheduled { at }) => Some(at),
            _ => d.publish_at,
        }),
        channel_groups => channel_groups(state, user).await?,
        held_slots, may_curate => crate::web::handlers::admin::slots::may_curate_any(user),
        error => p.error,
        flash => p.flash,
        act => p.act,
        returned,
        body_chars => crate::domain::text::body_chars(&crate::domain::html::html_to_text(&d.body_html)),
        pictures => super::story_pictures::editor_pictures(state, d).await?,
        video => video.0,
        live_starts_at => local(d.parts.live.as_ref().map(|l| l.starts_at)),
        recent_videos => video.1,
        kinds => crate::domain::kind::Kind::ALL.iter().map(|k| (k.as_str(), k.label())).collect::<Vec<_>>(),
        ai_choices => crate::domain::ai::Ai::ALL.iter().map(|a| (a.as_str(), a.choice())).collect::<Vec<_>>(),
        ai_found => super::story_ai::found_labels(state, p.story.map(|s| s.state.article.site_id.as_str()), d).await?,
        page_fixed => p.story.is_some_and(|s| s.state.article.kind == crate::domain::kind::Kind::Page && s.state.article.url_path.is_some()),
        upload_site => p.story.map(|s| s.state.article.site_id.clone()),
        restored => p.restored.map(|(at, base)| minijinja::context! {
            at => datetime(at),
            changed_since => p.story.is_some_and(|s| s.state.article.version != base),
        }),
        conflict => p.conflict.as_ref().map(|c| c.0.clone()),
        theirs => p.conflict.as_ref().map(|c| minijinja::context!{ title => c.1.title.clone(), body_html => c.1.body_html.clone() }),
    };
    Ok((
        status,
        render(state, Some(session), "admin/edit.html", ctx)?,
    )
        .into_response())
}

/// The editor again with the submitted draft and the version saved meanwhile (409).
async fn conflict_page(
    state: &AppState,
    session: &Session,
    story: &Story,
    draft: &Draft,
    message: String,
    theirs: Draft,
) -> Result<Response, AppError> {
    let page = EditPage {
        story: Some(story),
        draft,
        error: None,
        conflict: Some((message, theirs)),
        flash: None,
        act: None,
        restored: None,
    };
    edit_page(state, session, page, StatusCode::CONFLICT).await
}

pub async fn get_new(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    let draft = Draft {
        editor: session.user.display_name.clone(),
        ..Default::default()
    };
    edit_page(
        &state,
        &session,
        EditPage {
            story: None,
            draft: &draft,
            error: None,
            conflict: None,
            flash: None,
            act: None,
            restored: None,
        },
        StatusCode::OK,
    )
    .await
}

pub async fn post_new(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(form);
    session.check_csrf(f.csrf())?;
    let (draft, removed_images) = match draft_from(&f) {
        Ok(d) => d,
        Err(msg) => {
            let partial = Draft {
                title: f.get("title").to_string(),
                body_html: sanitize_html(f.get("body")),
                ..Default::default()
            };
            return edit_page(
                &state,
                &session,
                EditPage {
                    story: None,
                    draft: &partial,
                    error: Some(msg),
                    conflict: None,
                    flash: None,
                    act: None,
                    restored: None,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let site = check_channels(&state, &session.user, &draft).await?;
    super::story_pictures::check_pictures(&state, &site, &draft.parts).await?;
    let mut draft = draft;
    super::story_video::check_video(&state, &site, &mut draft.parts).await?;
    super::story_page::check_page(&state, &site, None, None, &draft).await?;
    let id = state
        .store
        .create_story(&site, &draft, &session.user, state.now())
        .await?;
    tracing::info!(story = id, user = %session.user.username, "story created");
    Ok(Redirect::to(&saved_url(id, removed_images)).into_response())
}

pub(super) async fn load_visible(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<Story, AppError> {
    newsroom::load(state, &session.user, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("稿件 {id} 不存在,或您无权查看")))
}

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

fn done_message(done: &str, n: Option<u32>) -> Option<String> {
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
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(form);
    session.check_csrf(f.csrf())?;
    let mut story = load_visible(&state, &session, id).await?;
    let version: i64 = f
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号,请刷新页面后重试".into()))?;
    let (draft, removed_images) = match draft_from(&f) {
        Ok(d) => d,
        Err(msg) => {
            let partial = Draft {
                title: f.get("title").to_string(),
                body_html: sanitize_html(f.get("body")),
                ..story.draft.clone()
            };
            return edit_page(
                &state,
                &session,
                EditPage {
                    story: Some(&story),
                    draft: &partial,
                    error: Some(msg),
                    conflict: None,
                    flash: None,
                    act: None,
                    restored: None,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let site = check_channels(&state, &session.user, &draft).await?;
    super::story_pictures::check_pictures(&state, &site, &draft.parts).await?;
    let mut draft = draft;
    super::story_video::check_video(&state, &site, &mut draft.parts).await?;
    super::story_page::check_page(
        &state,
        &site,
        Some(story.state.article.id),
        story.state.article.url_path.as_deref(),
        &draft,
    )
    .await?;
    if version != story.state.article.version {
        let theirs = story.draft.clone();
        let msg = format!(
            "保存冲突:别人在您之后保存了这篇稿件(您编辑的是第 {version} 版,现在是第 {} 版)",
            story.state.article.version
        );
        return conflict_page(&state, &session, &story, &draft, msg, theirs).await;
    }
    let mut version = version;
    if story.state.work == Work::Idle {
        // editing a published (or withdrawn) story opens a revision under review
        newsroom::act(
            &state,
            Actor::Person(&session.user),
            &story,
            version,
            &Action::Revise,
        )
        .await?;
        story = load_visible(&state, &session, id).await?;
        version = story.state.article.version;
    }
    if let Err(e) = newsroom::check(&state, &session.user, &story, &Action::Edit) {
        let err = AppError::from(e);
        if err.status() != StatusCode::BAD_REQUEST {
            return Err(err);
        }
        // a refusal of the state (approved text, scheduled): the form keeps
        // what was typed, with the reason
        return edit_page(
            &state,
            &session,
            EditPage {
                story: Some(&story),
                draft: &draft,
                error: Some(err.to_string()),
                conflict: None,
                flash: None,
                act: None,
                restored: None,
            },
            StatusCode::CONFLICT,
        )
        .await;
    }
    match state
        .store
        .save_draft(id, version, &draft, &session.user, state.now())
        .await
    {
        Ok(_) => {
            crate::follow::after_write(&state).await;
            // saved for real: the working copy has served its purpose
            state.store.drop_autosave(id, session.user.id).await?;
            Ok(Redirect::to(&saved_url(id, removed_images)).into_response())
        }
        Err(crate::db::StoreError::Conflict(m)) => {
            let current = load_visible(&state, &session, id).await?;
            let theirs = current.draft.clone();
            conflict_page(&state, &session, &current, &draft, m, theirs).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn post_act(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(form);
    session.check_csrf(f.csrf())?;
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
        .map(super::reports::detail_for)
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

/// The story as the public page will show it, from the working draft.
pub async fn get_preview(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let story = load_visible(&state, &session, id).await?;
    let mut article = story.state.article.clone();
    story.draft.apply_to(&mut article);
    let page = crate::render::preview(&state, &article).await?;
    Ok((
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, page.content_type)],
        page.body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct DiffQuery {
    a: Option<i64>,
    b: Option<i64>,
}

/// Lines of a draft's fields, for comparison.
/// Every field of a revision as lines for 修改记录 (channels by name).
fn field_lines(
    d: &Draft,
    channel_name: &dyn Fn(i64) -> String,
) -> Vec<(&'static str, Vec<String>)> {
    // paragraphs and subheadings as lines; an image as its own line
    let marked = d
        .body_html
        .replace("</p>", "</p>\n")
        .replace("</h2>", "</h2>\n")
        .replace("<br>", "\n");
    let mut with_images = String::with_capacity(marked.len());
    let mut rest = marked.as_str();
    while let Some(at) = rest.find("<img") {
        with_images.push_str(&rest[..at]);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..tag_end];
        let src = tag
            .split("src=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default();
        with_images.push_str(&format!("\n〔图片 {src}〕\n"));
        rest = &rest[tag_end..];
    }
    with_images.push_str(rest);
    let body: Vec<String> = crate::domain::html::html_to_text(&with_images)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let one = |s: &str| vec![s.to_string()];
    let reprint = if d.is_reprint {
        format!(
            "转载自 {} / 作者 {} / 原标题 {} / {}",
            d.reprint.source, d.reprint.author, d.reprint.title, d.reprint.url
        )
    } else {
        "原创".to_string()
    };
    vec![
        ("标题", one(&d.title)),
        ("短标题", one(&d.short_title)),
        ("副标题", one(&d.subtitle)),
        ("署名", one(&crate::domain::article::byline_text(&d.byline))),
        ("稿源", one(&d.source)),
        ("转载", one(&reprint)),
        ("栏目", one(&channel_name(d.channel_id))),
        (
            "同时发布到",
            d.extra_channel_ids
                .iter()
                .map(|c| channel_name(*c))
                .collect(),
        ),
        ("编辑", one(&d.editor)),
        ("摘要", one(&d.summary)),
        ("正文", body),
        ("标签", one(&d.tags.join(","))),
        (
            "定时发布",
            one(&d.publish_at.map(datetime).unwrap_or_default()),
        ),
        ("更正说明", one(&d.correction)),
    ]
}

pub async fn get_diff(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, AppError> {
    load_visible(&state, &session, id).await?;
    let (Some(a), Some(b)) = (q.a, q.b) else {
        return Err(AppError::BadRequest("请选择要比较的两稿".into()));
    };
    let ra = state
        .store
        .revision(id, a)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有第 {a} 稿")))?;
    let rb = state
        .store
        .revision(id, b)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有第 {b} 稿")))?;
    let mut names = std::collections::HashMap::new();
    for site in state.store.sites().await? {
        for c in state.store.channels(&site.id).await? {
            names.insert(c.id, format!("{}·{}", site.name, c.name));
        }
    }
    let name = move |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("栏目 {id}"))
    };
    // compared on the CPU pool: two large revisions take real time
    let changed = state
        .work
        .cpu
        .run(move || {
            field_lines(&ra.draft, &name)
                .into_iter()
                .zip(field_lines(&rb.draft, &name))
                .filter(|((_, la), (_, lb))| la != lb)
                .map(|((name, la), (_, lb))| (name, crate::domain::diff::lines(&la, &lb)))
                .collect::<Vec<_>>()
        })
        .await?;
    let fields: Vec<_> = changed
        .into_iter()
        .map(|(name, lines)| minijinja::context! { name, lines })
        .collect();
    let ctx = minijinja::context! { title => "比较修改", story_id => id, a, b, fields };
    Ok(render(&state, Some(&session), "admin/diff.html", ctx)?.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::parse_rfc3339;

    #[test]
    fn local_times_are_beijing_time() {
        assert_eq!(
            parse_local("2024-04-19T10:30"),
            parse_rfc3339("2024-04-19T10:30:00+08:00")
        );
        assert_eq!(
            parse_local("2024-04-19 10:30"),
            parse_local("2024-04-19T10:30")
        );
        assert_eq!(parse_local("2024-02-30T10:30"), None);
        assert_eq!(parse_local("nonsense"), None);
    }
}
