//! 线索: readers' 报料, editors' notes and upcoming 活动/会议, for the desks
//! that plan the site. A tip shows the published stories that already
//! cover it (the search index, by its words), so a duplicate is seen before
//! it is planned; it becomes a plan (立项) or is set aside (搁置) with a
//! reason. A reader's contact is shown here only.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{id_field, pick, planning_sites};
use crate::domain::planning::rules::may_plan_site;
use crate::domain::planning::tip::{TipKind, TipState, check_tip, search_words};
use crate::planning::view::short_time;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{SignedForm, parse_local, render};

#[derive(Deserialize, Default)]
pub struct TipQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    done: String,
}

fn view(t: &crate::db::Tip) -> minijinja::Value {
    minijinja::context! {
        id => t.id, kind => t.kind.label(), kind_key => t.kind.as_str(), title => t.title,
        body => t.body, place => t.place, starts => t.starts_at.map(short_time),
        contact => t.contact, receipt => t.receipt, state => t.state.label(),
        state_key => t.state.as_str(), reason => t.reason, plan_id => t.plan_id,
        by => t.created_by, at => short_time(t.created_at),
        keep_until => t.keep_until.map(short_time),
    }
}

#[derive(Default, serde::Serialize)]
struct Entered {
    kind: String,
    title: String,
    body: String,
    place: String,
    starts: String,
}

async fn page(
    state: &AppState,
    session: &Session,
    q: &TipQuery,
    entered: &Entered,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let sites = planning_sites(state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let filter = TipState::parse(&q.state);
    let tips: Vec<_> = state
        .store
        .tips(
            Some(std::slice::from_ref(&site.id)),
            filter.or(Some(TipState::New)),
            200,
        )
        .await?
        .iter()
        .map(view)
        .collect();
    let states: Vec<_> = TipState::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                s.label(),
                Some(*s) == filter.or(Some(TipState::New)),
            )
        })
        .collect();
    let flash = match q.done.as_str() {
        "added" => Some("线索已登记"),
        "dismissed" => Some("线索已搁置"),
        _ => None,
    };
    let mut resp = render(
        state,
        Some(session),
        "admin/tips.html",
        minijinja::context! {
            title => "线索",
            site => minijinja::context! { id => site.id, name => site.name },
            tabs => super::tabs(&sites, &site.id),
            tips, states, entered, error, flash,
        },
    )?
    .into_response();
    *resp.status_mut() = status;
    Ok(resp)
}

pub async fn get_tips(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<TipQuery>,
) -> Result<Response, AppError> {
    let entered = Entered {
        kind: "note".into(),
        ..Default::default()
    };
    page(&state, &session, &q, &entered, None, StatusCode::OK).await
}

/// `POST /admin/tips`: an editor's note or an upcoming 活动.
pub async fn post_tip(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, f.get("site"))?.id.clone();
    let entered = Entered {
        kind: f.get("kind").to_string(),
        title: f.get("title").chars().take(100).collect(),
        body: f.get("body").chars().take(3000).collect(),
        place: f.get("place").chars().take(150).collect(),
        starts: f.get("starts").to_string(),
    };
    let q = TipQuery {
        site: site.clone(),
        ..Default::default()
    };
    let kind = match TipKind::parse(&entered.kind) {
        Some(k @ (TipKind::Note | TipKind::Event)) => k,
        _ => {
            return page(
                &state,
                &session,
                &q,
                &entered,
                Some("请选择线索类型:编辑记录或活动/会议".into()),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let starts = match entered.starts.trim() {
        "" => None,
        s => match parse_local(s) {
            Some(t) => Some(t),
            None => {
                return page(
                    &state,
                    &session,
                    &q,
                    &entered,
                    Some("开始时间须写成 年-月-日 时:分".into()),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
        },
    };
    let input = match check_tip(
        kind,
        &entered.title,
        &entered.body,
        &entered.place,
        starts,
        "",
    ) {
        Ok(i) => i,
        Err(msg) => {
            return page(
                &state,
                &session,
                &q,
                &entered,
                Some(msg),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    state
        .store
        .add_tip(&site, &input, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/tips?site={site}&done=added")).into_response())
}

async fn load(state: &AppState, session: &Session, id: &str) -> Result<crate::db::Tip, AppError> {
    let id = id_field(id, "线索编号")?;
    let t = state
        .store
        .tip(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("线索 {id} 不存在")))?;
    if !may_plan_site(&session.user, &t.site_id) {
        return Err(AppError::Forbidden("只有本站点的编辑可以查看线索".into()));
    }
    Ok(t)
}

/// `GET /admin/tips/{id}`: the tip, its contact, and the published
/// stories that already cover it.
pub async fn get_tip(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let t = load(&state, &session, &id).await?;
    let words = search_words(&t.title, &t.body);
    let filters = crate::search::Filters {
        site: Some(t.site_id.clone()),
        ..Default::default()
    };
    let hits = state
        .search
        .search(&words, &filters, crate::search::Sort::Relevance, 0, 5)
        .map(|h| h.ids)
        .unwrap_or_default();
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let covered: Vec<_> = state
        .store
        .articles_by_ids(&hits)
        .await?
        .into_iter()
        .filter(|a| a.status == crate::domain::Status::Published)
        .map(|a| {
            let url = sites
                .iter()
                .find(|s| s.id == a.site_id)
                .zip(a.url_path.as_deref())
                .map(|(s, p)| format!("{}{p}", s.prefix));
            minijinja::context! {
                id => a.id, title => a.title, url,
                signed => a.signed_at.map(short_time),
            }
        })
        .collect();
    Ok(render(
        &state,
        Some(&session),
        "admin/tip.html",
        minijinja::context! {
            title => format!("线索:{}", t.title), tip => view(&t), covered, words,
            may_plan => t.state == TipState::New,
        },
    )?
    .into_response())
}

/// `POST /admin/tips/{id}/dismiss`: 搁置, with a reason.
pub async fn post_dismiss(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let t = load(&state, &session, &id).await?;
    state
        .store
        .dismiss_tip(t.id, f.get("reason"), &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/tips?site={}&done=dismissed", t.site_id)).into_response())
}
