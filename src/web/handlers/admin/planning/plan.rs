//! A plan: 报题 or 新建选题 (one form), its page (what it is, its coverages
//! and who has each), and what its desk does with it: edit it, settle a
//! pitch (采用, 合并, 不采用 with a reason the proposer sees), 撤销 it, and
//! 派题 a coverage to a person or a desk. A stale form is a 409 with what
//! was typed kept.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::{id_field, plannable_channels};
use crate::db::{Assignee, Plan, PlanFilter, Proposer, StoreError};
use crate::domain::planning::plan::{
    CoverageStatus, MAX_COVERAGES, Medium, PitchAction, PlanForm, PlanState, check_plan,
};
use crate::domain::planning::rules::{Involved, may_pitch, may_plan, may_see};
use crate::planning::view::plan_views;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{Fields, SignedForm, parse_local, render};

/// What the form holds (as typed, to show again after a refusal).
#[derive(Debug, Default, Clone, Serialize)]
struct Entered {
    site: String,
    slug: String,
    description: String,
    day: String,
    channel: String,
    priority: String,
    tip: String,
    pitch: bool,
    coverages: Vec<EnteredCoverage>,
}

#[derive(Debug, Default, Clone, Serialize)]
struct EnteredCoverage {
    id: String,
    medium: String,
    status: String,
    time: String,
    note: String,
}

impl Entered {
    fn from_fields(f: &Fields) -> Self {
        let ids = f.all("cov_id");
        let media = f.all("cov_medium");
        let statuses = f.all("cov_status");
        let times = f.all("cov_time");
        let notes = f.all("cov_note");
        let coverages = (0..media.len().min(MAX_COVERAGES + 4))
            .map(|i| EnteredCoverage {
                id: ids.get(i).unwrap_or(&"").to_string(),
                medium: media[i].to_string(),
                status: statuses.get(i).unwrap_or(&"").to_string(),
                time: times.get(i).unwrap_or(&"").to_string(),
                note: notes.get(i).unwrap_or(&"").chars().take(300).collect(),
            })
            .collect();
        // the form names the site and channel in one choice, `site|path`
        let (site, channel) = match f.get("where").split_once('|') {
            Some((s, c)) => (s.to_string(), c.to_string()),
            None => (f.get("site").to_string(), f.get("channel").to_string()),
        };
        Entered {
            site,
            slug: f.get("slug").chars().take(100).collect(),
            description: f.get("description").chars().take(3000).collect(),
            day: f.get("day").to_string(),
            channel,
            priority: f.get("priority").to_string(),
            tip: f.get("tip").to_string(),
            pitch: f.get("pitch") == "1",
            coverages,
        }
    }

    fn of(p: &Plan) -> Self {
        Entered {
            site: p.site_id.clone(),
            slug: p.slug.clone(),
            description: p.description.clone(),
            day: p.day.clone().unwrap_or_default(),
            channel: p.channel_path.clone(),
            priority: p.priority.to_string(),
            tip: p.tip_id.map(|t| t.to_string()).unwrap_or_default(),
            pitch: p.state == PlanState::Pitched,
            coverages: p
                .coverages
                .iter()
                .map(|c| EnteredCoverage {
                    id: c.id.to_string(),
                    medium: c.medium.as_str().into(),
                    status: c.status.as_str().into(),
                    time: c.time.clone(),
                    note: c.note.clone(),
                })
                .collect(),
        }
    }

    fn form(&self) -> PlanForm<'_> {
        PlanForm {
            slug: &self.slug,
            description: &self.description,
            day: &self.day,
            channel_path: &self.channel,
            priority: &self.priority,
            coverages: self
                .coverages
                .iter()
                .map(|c| {
                    (
                        c.medium.as_str(),
                        c.status.as_str(),
                        c.time.as_str(),
                        c.note.as_str(),
                    )
                })
                .collect(),
        }
    }

    /// The coverage ids of the rows with a medium (the checked input's order).
    fn coverage_ids(&self) -> Result<Vec<Option<i64>>, AppError> {
        self.coverages
            .iter()
            .filter(|c| !c.medium.trim().is_empty())
            .map(|c| match c.id.trim() {
                "" => Ok(None),
                id => id_field(id, "报道项目编号").map(Some),
            })
            .collect()
    }
}

/// The choices the form offers.
fn choices() -> minijinja::Value {
    let media: Vec<_> = Medium::ALL
        .iter()
        .map(|m| (m.as_str(), m.label()))
        .collect();
    let statuses: Vec<_> = CoverageStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    minijinja::context! { media, statuses, max_coverages => MAX_COVERAGES }
}

/// The sites `session` may pitch or plan for, with the channels of each
/// it may choose (a pitch may name any channel of the site).
async fn form_sites(
    state: &AppState,
    session: &Session,
) -> Result<Vec<minijinja::Value>, AppError> {
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let main = sites
        .iter()
        .find(|s| s.is_main())
        .map_or("", |s| s.id.as_str());
    let mut out = Vec::new();
    for s in sites.iter() {
        let plans = plannable_channels(state, &session.user, &s.id).await?;
        let pitches = may_pitch(&session.user, &s.id, main).is_ok();
        if plans.is_empty() && !pitches {
            continue;
        }
        let tree = state.cache.channels(state.store.as_ref(), &s.id).await?;
        let all: Vec<(String, String)> = tree
            .iter()
            .map(|c| {
                (
                    c.path.clone(),
                    crate::planning::view::channel_name(&tree, &c.path),
                )
            })
            .collect();
        out.push(minijinja::context! {
            id => s.id, name => s.name, plans => !plans.is_empty(), pitches, channels => all,
        });
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    tip: String,
    #[serde(default)]
    pitch: String,
    #[serde(default)]
    day: String,
}

async fn form_page(
    state: &AppState,
    session: &Session,
    entered: &Entered,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let sites = form_sites(state, session).await?;
    let tip = match entered.tip.trim().parse::<i64>() {
        Ok(id) => state.store.tip(id).await?.map(|t| {
            minijinja::context! { id => t.id, title => t.title, body => t.body, place => t.place }
        }),
        Err(_) => None,
    };
    let mut entered = entered.clone();
    // spare rows to add coverages
    while entered.coverages.len() < 2 || entered.coverages.iter().all(|c| !c.medium.is_empty()) {
        if entered.coverages.len() >= MAX_COVERAGES {
            break;
        }
        entered.coverages.push(EnteredCoverage::default());
    }
    let mut resp = render(
        state,
        Some(session),
        "admin/plan_new.html",
        minijinja::context! {
            title => if entered.pitch { "报题" } else { "新建选题" },
            entered, sites, tip, error, choices => choices(),
        },
    )?
    .into_response();
    *resp.status_mut() = status;
    Ok(resp)
}

pub async fn get_new(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let mut entered = Entered {
        site: q.site.clone(),
        day: q.day.clone(),
        tip: q.tip.clone(),
        pitch: q.pitch == "1" || !session.user.is_editor(),
        priority: "2".into(),
        coverages: vec![EnteredCoverage {
            medium: "text".into(),
            status: "planned".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    if let Ok(id) = q.tip.trim().parse::<i64>()
        && let Some(t) = state.store.tip(id).await?
    {
        entered.site = t.site_id.clone();
        entered.slug = t.title.chars().take(40).collect();
        entered.description = t.body.clone();
    }
    form_page(&state, &session, &entered, None, StatusCode::OK).await
}

/// The site a person pitches from: the target itself when he works there,
/// else his own (a county desk pitching to the city).
fn from_site(session: &Session, target: &str) -> String {
    let u = &session.user;
    if u.is_admin() || u.scopes.iter().any(|s| s.site_id == target) {
        return target.to_string();
    }
    u.scopes
        .first()
        .map_or_else(|| target.to_string(), |s| s.site_id.clone())
}

pub async fn post_new(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let entered = Entered::from_fields(&f);
    let refuse = |msg: String, status: StatusCode| {
        let (state, session, entered) = (&state, &session, &entered);
        async move { form_page(state, session, entered, Some(msg), status).await }
    };
    let input = match check_plan(&entered.form()) {
        Ok(i) => i,
        Err(msg) => return refuse(msg, StatusCode::BAD_REQUEST).await,
    };
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let Some(site) = sites.iter().find(|s| s.id == entered.site) else {
        return refuse("请选择站点".into(), StatusCode::BAD_REQUEST).await;
    };
    let main = sites
        .iter()
        .find(|s| s.is_main())
        .map_or("", |s| s.id.as_str());
    // a person who plans the channel makes a plan; anyone else pitches
    let plans_it = may_plan(&session.user, &site.id, &input.channel_path).is_ok();
    let state_to = if entered.pitch || !plans_it {
        if let Err(msg) = may_pitch(&session.user, &site.id, main) {
            return Err(AppError::Forbidden(msg));
        }
        PlanState::Pitched
    } else {
        PlanState::Planned
    };
    let tip = match entered.tip.trim() {
        "" => None,
        t => Some(id_field(t, "线索编号")?),
    };
    if tip.is_some() && !plans_it {
        return Err(AppError::Forbidden(
            "只有负责这个栏目的编辑可以把线索立项".into(),
        ));
    }
    let actor = session.actor();
    let from = from_site(&session, &site.id);
    let id = match state
        .store
        .create_plan(
            &site.id,
            &input,
            state_to,
            &Proposer {
                actor: &actor,
                from_site: &from,
            },
            tip,
            state.now(),
        )
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(msg)) => return refuse(msg, StatusCode::BAD_REQUEST).await,
        Err(StoreError::Conflict(msg)) => return refuse(msg, StatusCode::CONFLICT).await,
        Err(e) => return Err(e.into()),
    };
    crate::follow::after_write(&state).await;
    tracing::info!(plan = id, user = %session.user.username, state = state_to.as_str(), "plan created");
    let done = if state_to == PlanState::Pitched {
        "pitched"
    } else {
        "created"
    };
    Ok(Redirect::to(&format!("/admin/planning/{id}?done={done}")).into_response())
}

/// Whether `session` may see plan `p`, and whether it plans it.
async fn access(state: &AppState, session: &Session, p: &Plan) -> Result<bool, AppError> {
    let plans_it = may_plan(&session.user, &p.site_id, &p.channel_path).is_ok();
    if plans_it {
        return Ok(true);
    }
    let assignees: Vec<i64> = state
        .store
        .assignments(
            &crate::db::AssignmentFilter {
                plans: vec![p.id],
                ..Default::default()
            },
            100,
        )
        .await?
        .iter()
        .filter_map(|a| a.assignee_id)
        .collect();
    let involved = Involved {
        site_id: &p.site_id,
        channel_path: &p.channel_path,
        proposer: p.proposer_id,
        assignees: &assignees,
    };
    if may_see(&session.user, &involved) {
        Ok(false)
    } else {
        Err(AppError::Forbidden(
            "你不能查看这个选题(只有负责栏目的编辑、报题人和承担者可以查看)".into(),
        ))
    }
}

async fn load(state: &AppState, id: &str) -> Result<Plan, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound("没有这个选题".into()))?;
    state
        .store
        .plan(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("选题 {id} 不存在")))
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn get_plan(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let p = load(&state, &id).await?;
    let entered = Entered::of(&p);
    plan_page(
        &state,
        &session,
        &p,
        &entered,
        None,
        StatusCode::OK,
        &q.done,
    )
    .await
}

async fn plan_page(
    state: &AppState,
    session: &Session,
    p: &Plan,
    entered: &Entered,
    error: Option<String>,
    status: StatusCode,
    done: &str,
) -> Result<Response, AppError> {
    let plans_it = access(state, session, p).await?;
    let view = plan_views(&state.env, std::slice::from_ref(p))
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("没有这个选题".into()))?;
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let site_name = sites
        .iter()
        .find(|s| s.id == p.site_id)
        .map_or(p.site_id.clone(), |s| s.name.clone());
    let from_name = sites
        .iter()
        .find(|s| s.id == p.from_site)
        .map_or(p.from_site.clone(), |s| s.name.clone());
    // whom a coverage may be given to: people who write in the channel's
    // site, and every site's channels as desks (市县联动)
    let (people, desks, targets) = if plans_it {
        let people: Vec<(i64, String)> = state
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| u.active && u.writes() && u.scopes.iter().any(|s| s.site_id == p.site_id))
            .map(|u| {
                let roles: Vec<String> = u.roles.iter().map(|r| r.label()).collect();
                (u.id, format!("{}({})", u.display_name, roles.join("、")))
            })
            .collect();
        let mut desks = Vec::new();
        for s in sites.iter() {
            let tree = state.cache.channels(state.store.as_ref(), &s.id).await?;
            for c in tree.iter() {
                desks.push((
                    format!("{}|{}", s.id, c.path),
                    format!(
                        "{} · {}",
                        s.name,
                        crate::planning::view::channel_name(&tree, &c.path)
                    ),
                ));
            }
        }
        let targets: Vec<(i64, String)> = state
            .store
            .plans(
                &PlanFilter {
                    sites: Some(vec![p.site_id.clone()]),
                    states: vec![PlanState::Planned],
                    ..Default::default()
                },
                200,
            )
            .await?
            .into_iter()
            .filter(|t| t.id != p.id)
            .map(|t| {
                (
                    t.id,
                    format!("{}({})", t.slug, t.day.unwrap_or_else(|| "待定".into())),
                )
            })
            .collect();
        (people, desks, targets)
    } else {
        (vec![], vec![], vec![])
    };
    let channels = plannable_channels(state, &session.user, &p.site_id).await?;
    let form_sites = vec![minijinja::context! {
        id => p.site_id.clone(), name => site_name.clone(), plans => true, channels,
    }];
    let mut entered = entered.clone();
    if entered.coverages.len() < MAX_COVERAGES {
        entered.coverages.push(EnteredCoverage::default());
    }
    // the plan's own record: every act on it, newest first
    let record: Vec<_> = state
        .store
        .audit_page(&crate::db::AuditQuery {
            actor_id: None,
            actor: None,
            article_id: None,
            action: None,
            subject: Some(format!("plan:{}", p.id)),
            from: None,
            to: None,
            before: None,
            limit: 50,
            actions: vec![],
            exclude: vec![],
            scope: None,
        })
        .await?
        .into_iter()
        .map(|e| {
            minijinja::context! {
                at => crate::web::handlers::admin::datetime(e.at), actor => e.actor,
                action => crate::domain::record::action_label(&e.action, &e.to_state),
                detail => e.detail,
            }
        })
        .collect();
    let flash = match done {
        "pitched" => Some("报题已提交,等待编辑处理"),
        "created" => Some("选题已建立"),
        "saved" => Some("选题已保存"),
        "accepted" => Some("已采用,选题已加入当天报题单"),
        "merged" => Some("已合并"),
        "declined" => Some("已不采用,报题人会看到理由"),
        "cancelled" => Some("选题已撤销,派出的任务同时取消"),
        "assigned" => Some("已派题,对方会在工作台看到"),
        _ => None,
    };
    let mut resp = render(
        state,
        Some(session),
        "admin/plan.html",
        minijinja::context! {
            title => format!("选题:{}", p.slug),
            plan => view, site_name, from_name, plans_it, entered, error, flash,
            people, desks, targets, sites => form_sites, choices => choices(), record,
            editable => plans_it && matches!(p.state, PlanState::Pitched | PlanState::Planned),
            pitched => p.state == PlanState::Pitched,
        },
    )?
    .into_response();
    *resp.status_mut() = status;
    Ok(resp)
}

/// The plan, refused unless `session` plans it.
async fn planned_by(state: &AppState, session: &Session, id: &str) -> Result<Plan, AppError> {
    let p = load(state, id).await?;
    may_plan(&session.user, &p.site_id, &p.channel_path).map_err(AppError::Forbidden)?;
    Ok(p)
}

fn version(f: &Fields) -> i64 {
    f.get("version").trim().parse().unwrap_or(0)
}

/// `POST /admin/planning/{id}`: save the plan's edit.
pub async fn post_plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let p = planned_by(&state, &session, &id).await?;
    let entered = Entered::from_fields(&f);
    let again = |msg: String, status: StatusCode| {
        let (state, session, p, entered) = (&state, &session, &p, &entered);
        async move { plan_page(state, session, p, entered, Some(msg), status, "").await }
    };
    let input = match check_plan(&entered.form()) {
        Ok(i) => i,
        Err(msg) => return again(msg, StatusCode::BAD_REQUEST).await,
    };
    if let Err(msg) = may_plan(&session.user, &p.site_id, &input.channel_path) {
        return again(msg, StatusCode::FORBIDDEN).await;
    }
    let ids = entered.coverage_ids()?;
    match state
        .store
        .update_plan(
            p.id,
            version(&f),
            &input,
            &ids,
            &session.actor(),
            state.now(),
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(msg)) => return again(msg, StatusCode::CONFLICT).await,
        Err(StoreError::Invalid(msg)) => return again(msg, StatusCode::BAD_REQUEST).await,
        Err(e) => return Err(e.into()),
    }
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/planning/{}?done=saved", p.id)).into_response())
}

/// `POST /admin/planning/{id}/pitch`: 采用, 合并 or 不采用 a pitch.
pub async fn post_pitch(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let p = planned_by(&state, &session, &id).await?;
    let (action, done) = match f.get("decision") {
        "accept" => (PitchAction::Accept, "accepted"),
        "merge" => (PitchAction::Merge, "merged"),
        "decline" => (PitchAction::Decline, "declined"),
        _ => return Err(AppError::BadRequest("请选择采用、合并或不采用".into())),
    };
    let into = match (action, f.get("into").trim()) {
        (PitchAction::Merge, "") => {
            return Err(AppError::BadRequest("请选择要合并到的选题".into()));
        }
        (PitchAction::Merge, v) => Some(id_field(v, "选题编号")?),
        _ => None,
    };
    state
        .store
        .settle_pitch(
            p.id,
            version(&f),
            action,
            into,
            f.get("reason"),
            &session.actor(),
            state.now(),
        )
        .await?;
    crate::follow::after_write(&state).await;
    let to = into.unwrap_or(p.id);
    Ok(Redirect::to(&format!("/admin/planning/{to}?done={done}")).into_response())
}

/// `POST /admin/planning/{id}/cancel`: 撤销 the plan, with a reason.
pub async fn post_cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let p = planned_by(&state, &session, &id).await?;
    state
        .store
        .cancel_plan(
            p.id,
            version(&f),
            f.get("reason"),
            &session.actor(),
            state.now(),
        )
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/planning/{}?done=cancelled", p.id)).into_response())
}

/// Whom a 派题 form names: `person` (an account id) or `desk` (`site|path`).
pub fn assignee_of(f: &Fields) -> Result<Assignee, AppError> {
    match (f.get("person").trim(), f.get("desk").trim()) {
        ("", "") => Err(AppError::BadRequest("请选择派给的人或栏目".into())),
        (p, "") => Ok(Assignee::Person(id_field(p, "人员编号")?)),
        ("", d) => {
            let (site, channel) = d
                .split_once('|')
                .ok_or_else(|| AppError::BadRequest("请选择派给的栏目".into()))?;
            Ok(Assignee::Desk {
                site_id: site.to_string(),
                channel: channel.to_string(),
            })
        }
        _ => Err(AppError::BadRequest(
            "派给一个人或一个栏目,二者选一即可".into(),
        )),
    }
}

/// `POST /admin/planning/coverages/{id}/assign`: 派题.
pub async fn post_assign(
    State(state): State<AppState>,
    Path(coverage): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let coverage = id_field(&coverage, "报道项目编号")?;
    let plan = id_field(f.get("plan"), "选题编号")?;
    let p = planned_by(&state, &session, &plan.to_string()).await?;
    if !p.coverages.iter().any(|c| c.id == coverage) {
        return Err(AppError::Conflict(
            "这项报道已不属于这个选题,请刷新页面".into(),
        ));
    }
    let to = assignee_of(&f)?;
    let deadline = match f.get("deadline").trim() {
        "" => None,
        d => Some(
            parse_local(d)
                .ok_or_else(|| AppError::BadRequest("截稿时间须写成 年-月-日 时:分".into()))?,
        ),
    };
    state
        .store
        .assign(coverage, &to, deadline, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/planning/{}?done=assigned", p.id)).into_response())
}
