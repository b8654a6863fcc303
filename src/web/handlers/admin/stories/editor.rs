//! The editor page: the form with the story's state, its workflow buttons,
//! record, revisions and every kind's panel; and the conflict page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::may_edit;
use crate::domain::article::Byline;
use crate::domain::draft::Draft;
use crate::domain::user::User;
use crate::domain::workflow::{Action, Flow, Work, level_name};
use crate::newsroom::{self, Story};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{datetime, local, render};

#[derive(Serialize)]
pub(super) struct ChannelChoice {
    id: i64,
    label: String,
}

#[derive(Serialize)]
pub(super) struct ChannelGroup {
    site: String,
    site_id: String,
    channels: Vec<ChannelChoice>,
}

/// Channels the person may file to, grouped by site.
pub(super) async fn channel_groups(
    state: &AppState,
    user: &User,
) -> Result<Vec<ChannelGroup>, AppError> {
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

pub(super) struct EditPage<'a> {
    pub(super) story: Option<&'a Story>,
    pub(super) draft: &'a Draft,
    pub(super) error: Option<String>,
    pub(super) conflict: Option<(String, Draft)>,
    pub(super) flash: Option<String>,
    /// What was typed into the review form, shown again after a refusal.
    pub(super) act: Option<ActInput>,
    /// The form holds the person's autosaved copy: (saved at, version it
    /// was based on); the story changed since when that differs.
    pub(super) restored: Option<(i64, i64)>,
}

/// The review form's fields as submitted.
#[derive(serde::Serialize)]
pub(super) struct ActInput {
    pub(super) opinion: String,
    pub(super) publish_at: String,
    pub(super) override_reason: String,
    /// The 举报 this act answers (its record row names it).
    pub(super) report: String,
}

pub(super) async fn edit_page(
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
    let (mut may_sign, mut warnings) = (None, Vec::new());
    // the 派题 this story fulfils, if any (issue 26)
    let mut planned = None;
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
        let shown = newsroom::buttons(story, user, &probe, now);
        actions = shown
            .iter()
            .filter(|b| b.enabled)
            .map(|b| b.action)
            .collect();
        let level = match story.state.work {
            Work::Review { level } => Some(level),
            _ => None,
        };
        signing = level == Some(story.levels);
        for b in shown {
            let label = match b.action {
                "approve" if signing => "签发".to_string(),
                "approve" => format!("{}通过", level_name(level.unwrap_or(1), story.levels)),
                "reject" => "退回修改".into(),
                "submit" => "提交审核".into(),
                "recall" => "撤回".into(),
                "restore" => "恢复发布".into(),
                "withdraw" => "撤稿".into(),
                "reschedule" => "改定时发布时间".into(),
                "publish_now" => "立即发布".into(),
                "unschedule" => "取消定时,退回草稿".into(),
                _ => continue,
            };
            if b.action == "approve" && signing && !b.enabled {
                // name who may sign when the person looking may not
                let who = newsroom::who_may_sign(state, story).await?;
                may_sign = Some(if who.is_empty() {
                    "目前没有可以签发这篇稿件的人:请管理员在“代签设置”里为这个栏目指定代签人"
                        .to_string()
                } else {
                    format!("可以签发的人:{}", who.join("、"))
                });
            }
            buttons.push(minijinja::context! {
                action => b.action, label, enabled => b.enabled, reason => b.reason,
            });
        }
        warnings = newsroom::signoff_warnings(story, now);
        if let Some((a, warning)) = newsroom::planning_note(state, story).await? {
            planned = Some(minijinja::context! {
                plan_id => a.plan_id, slug => a.slug, state => a.state.label(),
                medium => a.medium.label(), warning,
            });
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
            // the opinion, and what the row notes besides (代签, a 举报's number)
            let opinion = match (e.opinion.is_empty(), e.detail.is_empty()) {
                (true, _) => e.detail,
                (false, true) => e.opinion,
                (false, false) => format!("{}({})", e.opinion, e.detail),
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
    let ctx = minijinja::context! {
        title => if p.story.is_some() { format!("编辑:{}", d.title) } else { "写稿".to_string() },
        story_id => p.story.map(|s| s.state.article.id),
        revision => p.story.and_then(|s| s.revision_number),
        d, byline_rows, version, state_label, editable, actions, signing, blocking, public_url, hits, audit, revisions,
        action_buttons => buttons, may_sign, warnings, planned,
        error_field => p.error.as_deref().and_then(super::form::field_of),
        may_name_editor => user.is_editor(),
        review => match p.story {
            Some(s) if !editable => Some(super::review::view(state, s).await?),
            _ => None,
        },
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
        lead_picture => crate::web::handlers::admin::story_pictures::editor_pictures(state, &d.parts.lead.iter().collect::<Vec<_>>()).await?.pop(),
        kind_panels => crate::web::handlers::admin::kinds::panels(state, user, p.story, d).await?,
        kinds => crate::domain::kind::Kind::ALL.iter().map(|k| (k.as_str(), k.label())).collect::<Vec<_>>(),
        ai_choices => crate::domain::ai::Ai::ALL.iter().map(|a| (a.as_str(), a.choice())).collect::<Vec<_>>(),
        ai_found => crate::web::handlers::admin::story_ai::found_labels(state, p.story.map(|s| s.state.article.site_id.as_str()), d).await?,
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

/// The editor again with what was typed and the reason beside its field,
/// when a save is refused for something the person can fix (a picture of
/// another site's library, a channel out of scope, a field too long).
/// Anything else (the store failing) stays an error page.
pub(super) async fn refused_page(
    state: &AppState,
    session: &Session,
    story: Option<&Story>,
    draft: &Draft,
    err: AppError,
) -> Result<Response, AppError> {
    let status = err.status();
    if !matches!(
        status,
        StatusCode::BAD_REQUEST
            | StatusCode::FORBIDDEN
            | StatusCode::CONFLICT
            | StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::PAYLOAD_TOO_LARGE
    ) {
        return Err(err);
    }
    let page = EditPage {
        story,
        draft,
        error: Some(err.to_string()),
        conflict: None,
        flash: None,
        act: None,
        restored: None,
    };
    let status = if status == StatusCode::BAD_REQUEST {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    edit_page(state, session, page, status).await
}

/// The editor again with the submitted draft and the version saved meanwhile (409).
pub(super) async fn conflict_page(
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
