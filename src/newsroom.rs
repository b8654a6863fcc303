//! The newsroom's use cases: the glue between the pure workflow
//! (`domain::workflow`), screening, and storage. The web layer and the job
//! runner call these; they never decide workflow questions themselves.

use crate::db::{StoreError, Transition, WorkState};
use crate::domain::draft::Draft;
use crate::domain::screening::{Hit, Screener};
use crate::domain::user::User;
use crate::domain::workflow::{Action, Actor, Context, Flow, Outcome, Refusal, decide};
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum NewsroomError {
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<StoreError> for NewsroomError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => NewsroomError::NotFound(m),
            StoreError::Conflict(m) => NewsroomError::Conflict(m),
            StoreError::Invalid(m) => NewsroomError::Invalid(m),
            e => NewsroomError::Internal(e.into()),
        }
    }
}

/// A story with everything the editor page and the workflow need.
pub struct Story {
    pub state: WorkState,
    /// The working draft (or the live content when nothing is pending).
    pub draft: Draft,
    pub revision_number: Option<i64>,
    pub channel_path: String,
    pub levels: u8,
    pub hits: Vec<Hit>,
    /// What a gate of the story's kind refuses at sign-off (its video not
    /// yet processed, failed, missing), if anything.
    pub gate_refusal: Option<String>,
    /// Why the story must be declared AI-generated before sign-off (one of
    /// its pictures is labelled so), if it must.
    pub ai_undeclared: Option<String>,
}

/// Load a story for `user`; `None` if it does not exist or they may not see it.
pub async fn load(state: &AppState, user: &User, id: i64) -> Result<Option<Story>, NewsroomError> {
    let Some(ws) = state.store.work_state(id).await? else {
        return Ok(None);
    };
    let channels = state.store.channels(&ws.article.site_id).await?;
    let channel = channels.iter().find(|c| c.id == ws.article.channel_id);
    let channel_path = channel.map(|c| c.path.clone()).unwrap_or_default();
    let levels = channel.map_or(3, |c| c.review_levels.clamp(1, 9) as u8);
    // Reporters see their own stories; others the stories of their channels.
    let visible = if user.is_editor() {
        user.may_work_in(&ws.article.site_id, &channel_path)
    } else {
        ws.author_id == Some(user.id)
    };
    if !visible {
        return Ok(None);
    }
    let rev = state.store.working_revision(id).await?;
    let (draft, revision_number) = match (&rev, ws.work_revision) {
        (Some(r), Some(_)) => (r.draft.clone(), Some(r.number)),
        (Some(r), None) => (Draft::from_article(&ws.article), Some(r.number)),
        (None, _) => (Draft::from_article(&ws.article), None),
    };
    let hits = screen(state, &draft).await?;
    let gate_refusal = gate_refusal(state, &draft).await?;
    let ai_undeclared = crate::domain::ai::undeclared(
        draft.ai,
        &ai_uploads(state, &ws.article.site_id, &draft).await?,
    );
    Ok(Some(Story {
        state: ws,
        draft,
        revision_number,
        channel_path,
        levels,
        hits,
        gate_refusal,
        ai_undeclared,
    }))
}

/// What the first gate of the draft's kind that does not pass says
/// (`KindSpec::gates`: the checks that read the store before sign-off).
async fn gate_refusal(state: &AppState, draft: &Draft) -> Result<Option<String>, NewsroomError> {
    for gate in draft.kind.spec().gates {
        let refusal = match gate {
            crate::domain::kind::Gate::VideoReady => video_unready(state, draft).await?,
        };
        if refusal.is_some() {
            return Ok(refusal);
        }
    }
    Ok(None)
}

/// Whether the draft's video may be published: it must be processed.
async fn video_unready(state: &AppState, draft: &Draft) -> Result<Option<String>, NewsroomError> {
    let Some(u) = &draft.parts.video else {
        return Ok(None);
    };
    Ok(match state.store.video(u.video_id).await? {
        None => Some(format!("视频 {} 不存在", u.video_id)),
        Some(v) if v.state == crate::domain::video::VideoState::Failed => {
            Some(format!("视频处理失败({}),请重新上传后再签发", v.error))
        }
        Some(v) if v.ready().is_none() => Some(format!(
            "视频尚在处理(已完成 {}%),处理完成后才能签发",
            v.progress
        )),
        Some(_) => None,
    })
}

/// The draft's pictures (its parts and the body's own) with their AI
/// declaration and whether their file carried an `AIGC` label: what the
/// sign-off rule and the editor's notices read.
pub async fn ai_uploads(
    state: &AppState,
    site_id: &str,
    draft: &Draft,
) -> Result<Vec<(String, crate::domain::ai::Ai, bool)>, NewsroomError> {
    let mut ids = draft.parts.image_ids();
    let mut pictures = state.store.pictures(&ids).await?;
    let keys = crate::domain::picture::body_keys(&draft.body_html);
    if !keys.is_empty() {
        for p in state.store.pictures_by_key(site_id, &keys).await? {
            if !ids.contains(&p.id) {
                ids.push(p.id);
                pictures.push(p);
            }
        }
    }
    let mut out: Vec<(String, crate::domain::ai::Ai, bool)> = pictures
        .iter()
        .filter(|p| p.is_ai())
        .map(|p| (format!("图片 {}", p.id), p.ai, p.aigc.is_some()))
        .collect();
    if let Some(u) = &draft.parts.video {
        if let Some(v) = state.store.video(u.video_id).await? {
            if v.probe.aigc.is_some() {
                out.push((format!("视频 {}", v.id), crate::domain::ai::Ai::None, true));
            }
        }
    }
    Ok(out)
}

/// Scan a draft against the current word list.
pub async fn screen(state: &AppState, draft: &Draft) -> Result<Vec<Hit>, NewsroomError> {
    let words = state.store.sensitive_words().await?;
    Ok(Screener::new(words).scan(&draft.scanned_texts()))
}

fn context<'a>(story: &'a Story, actor: Actor<'_>, now: i64) -> Context<'a> {
    let in_scope = match actor {
        Actor::Person(u) => u.may_work_in(&story.state.article.site_id, &story.channel_path),
        Actor::System => true,
    };
    Context {
        flow: Flow::of(story.state.article.status, story.state.work),
        levels: story.levels,
        author_id: story.state.author_id.unwrap_or(0),
        acts: &story.state.acts,
        editors: &story.state.editors,
        in_scope,
        reprint_incomplete: story.draft.reprint_incomplete(),
        media_unpublishable: story
            .draft
            .parts
            .unpublishable()
            .or_else(|| story.gate_refusal.clone())
            .or_else(|| story.ai_undeclared.clone()),
        blocking_hits: story.hits.iter().filter(|h| h.blocks()).count(),
        incomplete: story.draft.incomplete(),
        now,
    }
}

/// Which of `actions` the person may take now (to show only those buttons).
pub fn allowed(story: &Story, user: &User, actions: &[Action], now: i64) -> Vec<&'static str> {
    actions
        .iter()
        .filter(|a| {
            decide(
                &context(story, Actor::Person(user), now),
                Actor::Person(user),
                a,
            )
            .is_ok()
        })
        .map(Action::name)
        .collect()
}

/// Whether `user` may take `action` now, without taking it (an edit is
/// saved by the store's revision write, guarded by the same version).
pub fn check(
    state: &AppState,
    user: &User,
    story: &Story,
    action: &Action,
) -> Result<(), NewsroomError> {
    let actor = Actor::Person(user);
    decide(&context(story, actor, state.now()), actor, action)?;
    Ok(())
}

/// Take a workflow action on a story at `expected_version`.
pub async fn act(
    state: &AppState,
    actor: Actor<'_>,
    story: &Story,
    expected_version: i64,
    action: &Action,
) -> Result<Outcome, NewsroomError> {
    act_noting(state, actor, story, expected_version, action, "").await
}

/// `act`, with `detail` in the record row (a withdrawal answering a 举报
/// names its receipt number).
pub async fn act_noting(
    state: &AppState,
    actor: Actor<'_>,
    story: &Story,
    expected_version: i64,
    action: &Action,
    detail: &str,
) -> Result<Outcome, NewsroomError> {
    let now = state.now();
    let outcome = decide(&context(story, actor, now), actor, action)?;
    let who = match actor {
        Actor::Person(u) => (Some(u.id), u.display_name.clone()),
        Actor::System => (None, "系统(定时发布)".to_string()),
    };
    state
        .store
        .apply_transition(&Transition {
            article_id: story.state.article.id,
            expected_version,
            from: Flow::of(story.state.article.status, story.state.work),
            outcome: &outcome,
            action: action.name(),
            actor: who,
            now,
            detail,
        })
        .await?;
    crate::follow::after_write(state).await;
    Ok(outcome)
}

/// The scheduler's view of a story (no person, no visibility rules).
pub async fn load_for_system(state: &AppState, id: i64) -> Result<Option<Story>, NewsroomError> {
    let system = User {
        id: 0,
        username: "system".into(),
        display_name: "系统".into(),
        roles: vec![crate::domain::user::Role::Admin],
        scopes: vec![],
        active: true,
    };
    load(state, &system, id).await
}
