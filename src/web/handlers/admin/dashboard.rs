//! 工作台: my drafts, the queue at my review levels, scheduled, recently published.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{datetime, render};
use crate::db::{StoryFilter, StoryRow};
use crate::domain::Status;
use crate::domain::workflow::{Flow, Public};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

#[derive(Serialize)]
pub struct Line {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub place: String,
    pub updated: String,
    /// 稿件类型 (文字, 图集, 视频 ...).
    pub kind: &'static str,
    /// Who wrote it.
    pub author: String,
    /// 签发人 and 签发 time, once signed.
    pub signer: String,
    pub signed: String,
}

/// Table lines for story rows the person may see.
pub async fn lines(
    state: &AppState,
    session: &Session,
    rows: Vec<StoryRow>,
) -> Result<Vec<Line>, AppError> {
    let sites = state.store.sites().await?;
    let users = state.store.users().await?;
    let mut out = Vec::new();
    for r in rows {
        // the channel trees from memory: a page of 50 rows asks no query each
        let channels = state
            .cache
            .channels(state.store.as_ref(), &r.site_id)
            .await?;
        let channel = channels.iter().find(|c| c.id == r.channel_id);
        let path = channel.map(|c| c.path.as_str()).unwrap_or_default();
        let visible = if session.user.is_editor() {
            session.user.may_work_in(&r.site_id, path)
        } else {
            r.author_id == Some(session.user.id)
        };
        if !visible {
            continue;
        }
        let public = match r.status {
            Status::Published => Public::Live,
            Status::Withdrawn => Public::Withdrawn,
            _ => Public::Never,
        };
        let levels = channel.map_or(3, |c| c.review_levels.clamp(1, 9) as u8);
        out.push(Line {
            id: r.id,
            title: r.title,
            state: Flow {
                public,
                work: r.work,
            }
            .label(levels),
            place: format!(
                "{}/{}",
                sites
                    .iter()
                    .find(|s| s.id == r.site_id)
                    .map_or(r.site_id.as_str(), |s| s.name.as_str()),
                channel.map_or("", |c| c.name.as_str())
            ),
            updated: datetime(r.updated_at),
            kind: r.kind.label(),
            author: r
                .author_id
                .and_then(|a| users.iter().find(|u| u.id == a))
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            signer: r.signed_by.unwrap_or_default(),
            signed: r.signed_at.map(datetime).unwrap_or_default(),
        });
    }
    Ok(out)
}

pub async fn get_dashboard(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    let me = &session.user;
    let drafts = state
        .store
        .stories(&StoryFilter {
            author_id: Some(me.id),
            state: Some("draft".into()),
            limit: 50,
            ..Default::default()
        })
        .await?;
    let mut queue = Vec::new();
    let deputies = crate::newsroom::deputies(&state).await?;
    let deputy = deputies.iter().any(|d| d.user_id == me.id);
    for level in 1..=9u8 {
        // levels this person reviews in some channel, or signs as a deputy
        // (each story's own rules are checked below)
        let reviews = me.may_review(level, 9) || me.may_review(level, level) || deputy;
        if !reviews {
            continue;
        }
        let rows = state
            .store
            .stories(&StoryFilter {
                state: Some("review".into()),
                review_level: Some(level),
                limit: 100,
                ..Default::default()
            })
            .await?;
        for r in rows {
            let here = (r.id, level);
            if crate::web::auth::reviewable(&state, me, &deputies, here, &r.site_id, r.channel_id)
                .await?
            {
                queue.push(r);
            }
        }
    }
    // what I sent in and nobody has finished with yet (撤回 is possible
    // until 初审 acts)
    let submitted = state
        .store
        .stories(&StoryFilter {
            author_id: Some(me.id),
            state: Some("review".into()),
            limit: 50,
            ..Default::default()
        })
        .await?;
    let scheduled = state
        .store
        .stories(&StoryFilter {
            state: Some("scheduled".into()),
            limit: 50,
            ..Default::default()
        })
        .await?;
    // by 签发 time, not by the last change (a corrected story does not
    // jump above newer ones), and no 单页
    let published = state.store.recently_signed(20).await?;
    let mut drafts = lines(&state, &session, drafts).await?;
    for line in &mut drafts {
        // sent back: say so where the author looks first
        let record = state.store.audit_of(line.id).await?;
        // the last workflow act (a slot change is none)
        let last = record.iter().rev().find(|e| e.subject.is_empty());
        if last.is_some_and(|e| e.action == "reject") {
            line.state = "已退回修改".into();
        }
    }
    // live desks with entries or corrections waiting for this editor, by story
    let mut live: Vec<(i64, String, usize)> = Vec::new();
    for w in crate::web::auth::live_awaiting(&state, me).await? {
        match live.last_mut() {
            Some(last) if last.0 == w.article_id => last.2 += 1,
            _ => live.push((w.article_id, w.title, 1)),
        }
    }
    // 举报 handed to this person (a 签发人 of the story, a deputy)
    let now = state.now();
    let handed: Vec<minijinja::Value> = state
        .store
        .reports(&crate::db::ReportFilter {
            assignee_id: Some(me.id),
            open: true,
            limit: 50,
            ..Default::default()
        })
        .await?
        .iter()
        .map(|r| {
            minijinja::context! {
                id => r.id, receipt => r.receipt.clone(), category => r.category.label(),
                state => r.state.label(), overdue => r.overdue(now), days_left => r.days_left(now),
            }
        })
        .collect();
    let planning = super::planning::dashboard(&state, &session.user).await?;
    let ctx = minijinja::context! {
        title => "工作台",
        planning,
        handed,
        live,
        drafts,
        submitted => lines(&state, &session, submitted).await?,
        queue => lines(&state, &session, queue).await?,
        scheduled => lines(&state, &session, scheduled).await?,
        published => lines(&state, &session, published).await?,
    };
    Ok(render(&state, Some(&session), "admin/dashboard.html", ctx)?.into_response())
}
