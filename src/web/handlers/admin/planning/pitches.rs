//! 报题 waiting for the desk (a county desk's pitches to the city in the
//! same list, marked by site), and one's own pitches with what became of
//! them (采用, 合并, or 不采用 with the desk's reason).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::planning_sites;
use crate::db::PlanFilter;
use crate::domain::planning::plan::PlanState;
use crate::planning::view::plan_views;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::render;

#[derive(Deserialize, Default)]
pub struct PitchQuery {
    #[serde(default)]
    site: String,
}

pub async fn get_pitches(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<PitchQuery>,
) -> Result<Response, AppError> {
    let sites = planning_sites(&state, &session.user).await?;
    let all_sites = state.cache.sites(state.store.as_ref()).await?;
    let name_of = |id: &str| {
        all_sites
            .iter()
            .find(|s| s.id == id)
            .map_or(id.to_string(), |s| s.name.clone())
    };
    let site = sites
        .iter()
        .find(|s| s.id == q.site)
        .or_else(|| sites.first());
    let waiting = match site {
        Some(site) => {
            let plans = state
                .store
                .plans(
                    &PlanFilter {
                        sites: Some(vec![site.id.clone()]),
                        states: vec![PlanState::Pitched],
                        ..Default::default()
                    },
                    300,
                )
                .await?
                .into_iter()
                // a channel editor sees his channels' pitches
                .filter(|p| {
                    crate::domain::planning::rules::may_plan(
                        &session.user,
                        &p.site_id,
                        &p.channel_path,
                    )
                    .is_ok()
                })
                .collect::<Vec<_>>();
            plan_views(&state.env, &plans).await?
        }
        None => Vec::new(),
    };
    let mine = state
        .store
        .plans(
            &PlanFilter {
                proposer: Some(session.user.id),
                ..Default::default()
            },
            100,
        )
        .await?;
    let mine = plan_views(&state.env, &mine).await?;
    let from_names: Vec<(String, String)> = all_sites
        .iter()
        .map(|s| (s.id.clone(), name_of(&s.id)))
        .collect();
    Ok(render(
        &state,
        Some(&session),
        "admin/pitches.html",
        minijinja::context! {
            title => "报题",
            site => site.map(|s| minijinja::context! { id => s.id, name => s.name }),
            tabs => super::tabs(&sites, site.map_or("", |s| s.id.as_str())),
            waiting, mine,
            site_names => from_names.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        },
    )?
    .into_response())
}
