//! 热点排行 in the newsroom: a site's lists as readers see them, with the
//! views behind each place, and the one intervention the published rule
//! allows: taking a story out, with a reason the record keeps (and taking
//! that back). There is no way to put a story in or move it up.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{SignedForm, datetime, render};
use crate::db::Actor;
use crate::domain::rank::{LIST_SIZE, MAX_REASON_CHARS, Period, rank_path, rule_path};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

fn refuse() -> AppError {
    AppError::Forbidden(
        "你没有管理这个站点热点排行的权限(需要“推荐位编辑”角色和该站点的范围)".into(),
    )
}

#[derive(Deserialize, Default)]
pub struct RankQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    done: String,
}

pub async fn get_rankings(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<RankQuery>,
) -> Result<Response, AppError> {
    let user = &session.user;
    let sites: Vec<_> = state
        .store
        .sites()
        .await?
        .into_iter()
        .filter(|s| user.may_curate(&s.id))
        .collect();
    let Some(site) = sites
        .iter()
        .find(|s| s.id == q.site)
        .or_else(|| sites.first())
    else {
        return Err(refuse());
    };
    let urls = crate::render::chrome::SiteUrls::new(site, &state.public_url, state.scheme());
    let mut lists = Vec::new();
    for period in Period::ALL {
        let ranked = state
            .store
            .ranking(&site.id, "", period, LIST_SIZE as i64)
            .await?;
        let items: Vec<_> = ranked
            .iter()
            .map(|r| {
                minijinja::context! {
                    position => r.position,
                    id => r.story.id,
                    title => r.story.title,
                    url => urls.link(&r.story.url_path),
                    views => r.views,
                    signed => datetime(r.story.signed_at),
                }
            })
            .collect();
        lists.push(
            minijinja::context! { label => period.label(), period => period.as_str(), items },
        );
    }
    let removals: Vec<_> = state
        .store
        .rank_removals(&site.id, 100)
        .await?
        .into_iter()
        .map(|r| {
            minijinja::context! {
                id => r.id,
                article_id => r.article_id,
                title => r.title,
                reason => r.reason,
                removed_by => r.removed_by,
                removed_at => datetime(r.removed_at),
                restored_by => r.restored_by,
                restored_at => r.restored_at.map(datetime),
            }
        })
        .collect();
    let tabs: Vec<_> = sites
        .iter()
        .map(|s| minijinja::context! { id => s.id, name => s.name, current => s.id == site.id })
        .collect();
    let flash = match q.done.as_str() {
        "removed" => Some("已移出排行,榜单已重新计算"),
        "restored" => Some("已撤销移出,稿件将按阅读次数参加排行"),
        _ => None,
    };
    Ok(render(
        &state,
        Some(&session),
        "admin/rankings.html",
        minijinja::context! {
            title => "热点排行",
            site => minijinja::context! { id => site.id, name => site.name },
            tabs,
            lists,
            removals,
            max_reason => MAX_REASON_CHARS,
            public_url => urls.link(&rank_path("")),
            rule_url => urls.link(&rule_path()),
            counting => state.views.counting(),
            refresh_minutes => crate::domain::rank::REFRESH_SECS / 60,
            flash,
        },
    )?
    .into_response())
}

/// The form's site, checked against the person's scope.
fn site_of(session: &Session, site: &str) -> Result<String, AppError> {
    let site = site.trim();
    if site.is_empty() || !session.user.may_curate(site) {
        return Err(refuse());
    }
    Ok(site.to_string())
}

fn actor(session: &Session) -> Actor {
    Actor {
        id: Some(session.user.id),
        name: session.user.display_name.clone(),
        address: session.address.clone(),
    }
}

fn back(site: &str, done: &str) -> Response {
    let q = serde_urlencoded::to_string([("site", site), ("done", done)]).unwrap_or_default();
    Redirect::to(&format!("/admin/rankings?{q}")).into_response()
}

/// 移出排行: out of every list of the site at once (the lists computed
/// again without it), the reason recorded.
pub async fn post_remove(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let site = site_of(&session, f.get("site"))?;
    let id: i64 = f
        .get("article")
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("稿件编号须为数字".into()))?;
    let now = state.now();
    state
        .store
        .remove_from_rankings(&site, id, f.get("reason"), &actor(&session), now)
        .await?;
    crate::reach::refresh_site(state.store.as_ref(), &site, now).await?;
    crate::follow::after_write(&state).await;
    Ok(back(&site, "removed"))
}

/// 撤销移出: the story competes again at the next computation (now).
pub async fn post_restore(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let site = site_of(&session, f.get("site"))?;
    let id: i64 = f
        .get("removal")
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("记录编号须为数字".into()))?;
    let now = state.now();
    state
        .store
        .restore_to_rankings(&site, id, &actor(&session), now)
        .await?;
    crate::reach::refresh_site(state.store.as_ref(), &site, now).await?;
    crate::follow::after_write(&state).await;
    Ok(back(&site, "restored"))
}
