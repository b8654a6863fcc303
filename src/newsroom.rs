//! The newsroom's use cases: the glue between the pure workflow
//! (`domain::workflow`), screening, and storage. The web layer and the job
//! runner call these; they never decide workflow questions themselves.

use crate::db::{StoreError, Transition, WorkState};
use crate::domain::draft::Draft;
use crate::domain::screening::{Hit, Screener};
use crate::domain::user::User;
use crate::domain::workflow::{Action, Actor, Context, Flow, Outcome, Refusal, Work, decide};
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
    /// The 代签 deputies named anywhere (a short list): who signs for the
    /// story's desk besides its 签发人.
    pub deputies: Vec<crate::domain::user::Deputy>,
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
    let deputies = deputies(state).await?;
    Ok(Some(Story {
        state: ws,
        draft,
        revision_number,
        channel_path,
        levels,
        hits,
        gate_refusal,
        ai_undeclared,
        deputies,
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
    let site = &story.state.article.site_id;
    let (in_scope, deputy) = match actor {
        Actor::Person(u) => (
            u.may_work_in(site, &story.channel_path),
            crate::domain::user::Deputy::signs_for(
                &story.deputies,
                u.id,
                site,
                &story.channel_path,
            ),
        ),
        Actor::System => (true, false),
    };
    Context {
        flow: Flow::of(story.state.article.status, story.state.work),
        levels: story.levels,
        author_id: story.state.author_id.unwrap_or(0),
        acts: &story.state.acts,
        editors: &story.state.editors,
        // a deputy signs only where he works
        in_scope: in_scope || deputy,
        deputy,
        reprint_incomplete: story.draft.reprint_incomplete(),
        media_unpublishable: [
            story.draft.parts.unpublishable(),
            story.gate_refusal.clone(),
            story.ai_undeclared.clone(),
        ]
        .into_iter()
        .flatten()
        .collect(),
        blocking_hits: story.hits.iter().filter(|h| h.blocks()).count(),
        incomplete: story.draft.incomplete(),
        now,
    }
}

/// What will refuse the story's 签发 as it stands, for everyone who
/// handles it before (the writer, every review level): fixing it then
/// costs no review cycle.
pub fn signoff_warnings(story: &Story, now: i64) -> Vec<String> {
    crate::domain::workflow::signoff_refusals(&context(story, Actor::System, now))
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A workflow button as the person sees it: enabled, or disabled with
/// the reason (an action they could expect but may not take now).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Button {
    pub action: &'static str,
    pub enabled: bool,
    pub reason: Option<String>,
}

/// The workflow buttons of `actions` for the person: each allowed one
/// enabled; each refused for a reason the person can act on or should know
/// (the text incomplete, a check of the sign-off, separation of duties,
/// a level not theirs while they review) disabled with that reason; one
/// the story's state does not offer, hidden.
pub fn buttons(story: &Story, user: &User, actions: &[Action], now: i64) -> Vec<Button> {
    let ctx = context(story, Actor::Person(user), now);
    actions
        .iter()
        .filter_map(|a| {
            let reason = match decide(&ctx, Actor::Person(user), a) {
                Ok(_) => None,
                Err(Refusal::WrongState(_) | Refusal::OpinionRequired) => return None,
                Err(Refusal::ScheduleInPast | Refusal::ScheduleTooFar) => return None,
                // a reviewer expects the review buttons; a reporter does not
                Err(Refusal::NotPermitted(m)) => {
                    let review = matches!(a, Action::Approve { .. } | Action::Reject { .. });
                    if !(review && user.is_editor() && ctx.in_scope) {
                        return None;
                    }
                    Some(m)
                }
                Err(r) => Some(r.to_string()),
            };
            Some(Button {
                action: a.name(),
                enabled: reason.is_none(),
                reason,
            })
        })
        .collect()
}

/// Whether `user` may review the story at its current level: the
/// reviewer's rules (role or 代签, scope, separation of duties), not the
/// checks of the text. What 待我审核 counts.
pub fn may_review_now(story: &Story, user: &User, now: i64) -> bool {
    reviewable(
        user,
        &story.state,
        &story.channel_path,
        story.levels,
        &story.deputies,
        now,
    )
}

/// `may_review_now` from the story's state alone (no text read), for the
/// counts of many stories.
pub fn reviewable(
    user: &User,
    ws: &crate::db::WorkState,
    channel_path: &str,
    levels: u8,
    deputies: &[crate::domain::user::Deputy],
    now: i64,
) -> bool {
    let site = &ws.article.site_id;
    let deputy = crate::domain::user::Deputy::signs_for(deputies, user.id, site, channel_path);
    let ctx = Context {
        flow: Flow::of(ws.article.status, ws.work),
        levels,
        author_id: ws.author_id.unwrap_or(0),
        acts: &ws.acts,
        editors: &ws.editors,
        in_scope: user.may_work_in(site, channel_path) || deputy,
        deputy,
        reprint_incomplete: false,
        media_unpublishable: Vec::new(),
        blocking_hits: 0,
        incomplete: None,
        now,
    };
    decide(
        &ctx,
        Actor::Person(user),
        &Action::Reject { reason: "-".into() },
    )
    .is_ok()
}

/// Who could sign the story off now (签发人 of its desk and its 代签
/// deputies, minus whoever separation of duties excludes), to name when
/// the person looking may not.
pub async fn who_may_sign(state: &AppState, story: &Story) -> Result<Vec<String>, NewsroomError> {
    let Work::Review { .. } = story.state.work else {
        return Ok(Vec::new());
    };
    let last = Story {
        state: crate::db::WorkState {
            work: Work::Review {
                level: story.levels,
            },
            ..story.state.clone()
        },
        draft: story.draft.clone(),
        revision_number: story.revision_number,
        channel_path: story.channel_path.clone(),
        levels: story.levels,
        hits: Vec::new(),
        gate_refusal: None,
        ai_undeclared: None,
        deputies: story.deputies.clone(),
    };
    let now = state.now();
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| may_review_now(&last, u, now))
        .map(|u| {
            let deputy = !u.has(crate::domain::user::Role::Signer);
            if deputy {
                format!("{}(代签)", u.display_name)
            } else {
                u.display_name
            }
        })
        .collect())
}

/// Which of `actions` the person may take now.
pub fn allowed(story: &Story, user: &User, actions: &[Action], now: i64) -> Vec<&'static str> {
    buttons(story, user, actions, now)
        .into_iter()
        .filter(|b| b.enabled)
        .map(|b| b.action)
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
    // a deputy's sign-off is recorded as such
    let detail = match (outcome.deputy, detail.is_empty()) {
        (false, _) => detail.to_string(),
        (true, true) => DEPUTY_NOTE.to_string(),
        (true, false) => format!("{DEPUTY_NOTE};{detail}"),
    };
    let detail = detail.as_str();
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

/// The 代签 deputies in force now: those an administrator named, and, for
/// each site whose roster signs, its 值班总编 on duty (issue 26).
pub async fn deputies(state: &AppState) -> Result<Vec<crate::domain::user::Deputy>, StoreError> {
    let mut named = state.store.deputies().await?;
    let signing = state.store.roster_signing().await?;
    if !signing.is_empty() {
        let now = state.now();
        let day = |t: i64| {
            crate::domain::text::to_cst(t)
                .format("%Y-%m-%d")
                .to_string()
        };
        let roster = state
            .store
            .roster(None, &day(now - 86_400), &day(now))
            .await?;
        named.extend(crate::domain::planning::roster::deputies(
            &roster, &signing, now,
        ));
    }
    Ok(named)
}

/// What a story's assignment says before it goes out: which plan it
/// fulfils, and a warning when it is published outside its plan (the
/// assignment cancelled or handed back, or the story in another site or
/// channel than planned).
pub async fn planning_note(
    state: &AppState,
    story: &Story,
) -> Result<Option<(crate::db::Assignment, Option<String>)>, StoreError> {
    let Some(a) = state
        .store
        .assignment_of_story(story.state.article.id)
        .await?
    else {
        return Ok(None);
    };
    use crate::domain::planning::assignment::State;
    let warning = if matches!(a.state, State::Cancelled | State::HandedBack) {
        Some(format!(
            "这篇稿件的派题{}{}:发布前请与策划编辑确认",
            a.state.label(),
            if a.reason.is_empty() {
                String::new()
            } else {
                format!("(理由:{})", a.reason)
            }
        ))
    } else if a.site_id != story.state.article.site_id || a.channel_path != story.channel_path {
        Some(format!(
            "选题计划发在 {}/{},稿件现在在 {}/{}:发布前请与策划编辑确认",
            a.site_id, a.channel_path, story.state.article.site_id, story.channel_path
        ))
    } else {
        None
    };
    Ok(Some((a, warning)))
}

/// What the record row of a deputy's sign-off says.
pub const DEPUTY_NOTE: &str = "代签(受托代签发人签发)";

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
