//! 派题 for the people they are given to: one's own (and one's desks')
//! assignments with what one may do (接受, 开始写稿, 退回 with a reason), and
//! for a desk's editors the assignments they gave (改派, 取消 with a
//! reason). Each step is the domain's decision (`assignment::decide`);
//! 开始写稿 creates the story of the right kind, channel and byline, linked
//! to its assignment, in one transaction.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{id_field, planning_sites};
use crate::db::{Assignment, AssignmentFilter};
use crate::domain::article::Byline;
use crate::domain::draft::Draft;
use crate::domain::planning::assignment::{Action, Who, decide};
use crate::domain::planning::rules::{desks_of, is_assignee, may_plan, who};
use crate::domain::user::User;
use crate::planning::view::assignment_views;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{SignedForm, render};

fn mine(a: &Assignment, u: &User) -> bool {
    is_assignee(
        u,
        a.assignee_id,
        a.desk.as_ref().map(|(s, c)| (s.as_str(), c.as_str())),
    )
}

#[derive(Deserialize, Default)]
pub struct Listed {
    #[serde(default)]
    done: String,
}

pub async fn get_assignments(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<Listed>,
) -> Result<Response, AppError> {
    let u = &session.user;
    let all_mine = state
        .store
        .assignments(
            &AssignmentFilter {
                assignee: Some(u.id),
                desks: if u.is_admin() { vec![] } else { desks_of(u) },
                ..Default::default()
            },
            300,
        )
        .await?;
    let mut open = Vec::new();
    let mut closed = Vec::new();
    let views = assignment_views(&state.env, &all_mine).await?;
    for (a, v) in all_mine.iter().zip(views) {
        let plans_it = may_plan(u, &a.site_id, &a.channel_path).is_ok();
        let may = |action| decide(a.state, action, who(action, true, plans_it), "x").is_ok();
        let item = minijinja::context! {
            a => v,
            accept => may(Action::Accept),
            start => may(Action::Start) && a.story.is_none(),
            hand_back => may(Action::HandBack),
        };
        if a.state.is_final() || a.state == crate::domain::planning::assignment::State::HandedBack {
            closed.push(item);
        } else {
            open.push(item);
        }
    }
    closed.truncate(30);
    // what a desk's editors gave out and is still open
    let sites: Vec<String> = planning_sites(&state, u)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut given = Vec::new();
    if !sites.is_empty() {
        let theirs: Vec<Assignment> = state
            .store
            .assignments(
                &AssignmentFilter {
                    sites: Some(sites),
                    open_only: true,
                    ..Default::default()
                },
                300,
            )
            .await?
            .into_iter()
            .filter(|a| may_plan(u, &a.site_id, &a.channel_path).is_ok())
            .collect();
        let views = assignment_views(&state.env, &theirs).await?;
        for (a, v) in theirs.iter().zip(views) {
            let is_mine = mine(a, u);
            let may = |action| decide(a.state, action, who(action, is_mine, true), "x").is_ok();
            given.push(minijinja::context! {
                a => v,
                reassign => may(Action::Reassign),
                cancel => may(Action::Cancel),
            });
        }
    }
    let people: Vec<(i64, String)> = if given.is_empty() {
        vec![]
    } else {
        state
            .store
            .users()
            .await?
            .into_iter()
            .filter(|p| p.active && p.writes())
            .map(|p| (p.id, p.display_name))
            .collect()
    };
    let flash = match q.done.as_str() {
        "accept" => Some("已接受派题"),
        "hand_back" => Some("已退回派题,编辑会看到理由"),
        "reassign" => Some("已改派"),
        "cancel" => Some("已取消派题"),
        _ => None,
    };
    Ok(render(
        &state,
        Some(&session),
        "admin/assignments.html",
        minijinja::context! { title => "派题", open, closed, given, people, flash },
    )?
    .into_response())
}

async fn load(state: &AppState, id: &str) -> Result<Assignment, AppError> {
    let id = id_field(id, "派题编号")?;
    state
        .store
        .assignment(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("派题 {id} 不存在")))
}

/// A step that is not the asker's to take: 403, with whose it is.
fn refuse_unless_theirs(action: Action, asker: Who) -> Result<(), AppError> {
    let (needs, whose) = match action {
        Action::Accept | Action::Start | Action::HandBack => (Who::Assignee, "接受派题的人"),
        _ => (Who::Desk, "策划这个选题的编辑"),
    };
    if asker == needs {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "只有{whose}可以{}这条派题",
            action.label()
        )))
    }
}

/// `POST /admin/assignments/{id}/act`: 接受, 退回, 改派 or 取消.
pub async fn post_act(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let a = load(&state, &id).await?;
    let (action, done) = match f.get("action") {
        "accept" => (Action::Accept, "accept"),
        "hand_back" => (Action::HandBack, "hand_back"),
        "reassign" => (Action::Reassign, "reassign"),
        "cancel" => (Action::Cancel, "cancel"),
        _ => return Err(AppError::BadRequest("请选择要做的操作".into())),
    };
    let u = &session.user;
    let asker = who(
        action,
        mine(&a, u),
        may_plan(u, &a.site_id, &a.channel_path).is_ok(),
    );
    refuse_unless_theirs(action, asker)?;
    let to = decide(a.state, action, asker, f.get("reason")).map_err(|why| {
        if f.get("reason").trim().is_empty() && matches!(action, Action::HandBack | Action::Cancel)
        {
            AppError::BadRequest(why)
        } else {
            // the assignment is no longer where the form saw it
            AppError::Conflict(why)
        }
    })?;
    let reassign_to = if action == Action::Reassign {
        Some(super::plan::assignee_of(&f)?)
    } else {
        None
    };
    let version: i64 = f.get("version").trim().parse().unwrap_or(0);
    state
        .store
        .move_assignment(
            a.id,
            version,
            action,
            to,
            f.get("reason"),
            reassign_to.as_ref(),
            &session.actor(),
            state.now(),
        )
        .await?;
    crate::follow::after_write(&state).await;
    let back = match f.get("back") {
        b if b.starts_with("/admin/planning/") => b.to_string(),
        _ => "/admin/assignments".to_string(),
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}done={done}")).into_response())
}

/// `POST /admin/assignments/{id}/start`: 开始写稿. The story is created in
/// the plan's site and channel (or, for a desk elsewhere, the desk's), of
/// the coverage's kind, titled with the plan's slugline and bylined to the
/// writer, and linked to the assignment; the editor opens on it.
pub async fn post_start(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let a = load(&state, &id).await?;
    let u = &session.user;
    let asker = who(
        Action::Start,
        mine(&a, u),
        may_plan(u, &a.site_id, &a.channel_path).is_ok(),
    );
    refuse_unless_theirs(Action::Start, asker)?;
    decide(a.state, Action::Start, asker, "").map_err(AppError::Conflict)?;
    let (site, path) = if u.may_work_in(&a.site_id, &a.channel_path) {
        (a.site_id.clone(), a.channel_path.clone())
    } else if let Some((s, c)) = a.desk.as_ref().filter(|(s, c)| u.may_work_in(s, c)) {
        (s.clone(), c.clone())
    } else {
        return Err(AppError::Forbidden(
            "你没有在这个栏目写稿的权限,请联系编辑改派".into(),
        ));
    };
    let tree = state.cache.channels(state.store.as_ref(), &site).await?;
    let channel = tree
        .get(&path)
        .ok_or_else(|| AppError::Conflict("选题的栏目已不存在,请联系编辑".into()))?;
    let plan = state.store.plan(a.plan_id).await?;
    let draft = Draft {
        channel_id: channel.id,
        title: a.slug.clone(),
        byline: vec![Byline {
            role: if a.medium == crate::domain::planning::plan::Medium::Pictures {
                "摄影".into()
            } else {
                "记者".into()
            },
            name: u.display_name.clone(),
        }],
        summary: plan
            .map(|p| p.description.chars().take(200).collect())
            .unwrap_or_default(),
        kind: a.medium.kind(),
        ..Default::default()
    };
    let (site, draft) =
        crate::web::handlers::admin::stories::check_draft(&state, u, None, draft).await?;
    let version: i64 = f.get("version").trim().parse().unwrap_or(0);
    let story = state
        .store
        .start_assignment(a.id, version, &site, &draft, u, state.now())
        .await?;
    crate::follow::after_write(&state).await;
    tracing::info!(assignment = a.id, story, user = %u.username, "story started from an assignment");
    Ok(Redirect::to(&format!("/admin/stories/{story}")).into_response())
}
