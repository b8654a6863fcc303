//! API 密钥 (administrators only): the keys apps read the content API with.
//! An administrator names a key, picks the sites it may read and its limit
//! per minute; the key is shown once, on the page that created it (only
//! its SHA-256 is stored), and can be revoked at once on every node.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::NewApiKey;
use crate::domain::api::key;
use crate::domain::text::datetime_cn;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{SignedForm, render, require_admin};

/// A key's limit when the administrator leaves it as it is.
pub const DEFAULT_PER_MINUTE: i64 = 600;
/// The largest limit a key may have.
const MAX_PER_MINUTE: i64 = 10_000_000;

#[derive(Deserialize, Default)]
pub struct KeysQuery {
    #[serde(default)]
    done: String,
}

/// The page: every key, and the form for a new one; `created` is the key
/// just made (shown this once) and `error` what to fix in the form.
async fn page(
    state: &AppState,
    session: &Session,
    created: Option<(String, String)>,
    error: Option<String>,
    flash: Option<&str>,
) -> Result<Response, AppError> {
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let name_of = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    };
    let keys: Vec<_> = state
        .store
        .api_keys()
        .await?
        .into_iter()
        .map(|k| {
            minijinja::context! {
                id => k.id, name => k.name, shown => k.shown,
                sites => if k.sites.is_empty() { "全部站点".to_string() } else {
                    k.sites.iter().map(|s| name_of(s)).collect::<Vec<_>>().join("、")
                },
                per_minute => k.per_minute,
                created => format!("{} {}", datetime_cn(k.created_at), k.created_by),
                last_used => k.last_used_at.map(datetime_cn),
                revoked => k.revoked_at.map(|t| format!("{} {}", datetime_cn(t), k.revoked_by.unwrap_or_default())),
            }
        })
        .collect();
    let site_options: Vec<_> = sites
        .iter()
        .map(|s| minijinja::context! { id => s.id, name => s.name })
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = render(
        state,
        Some(session),
        "admin/api_keys.html",
        minijinja::context! {
            title => "API 密钥",
            keys, site_options, error, flash,
            created => created.map(|(name, key)| minijinja::context! { name, key }),
            default_per_minute => DEFAULT_PER_MINUTE,
            max_per_minute => MAX_PER_MINUTE,
            docs => "/api/v1/docs",
        },
    )?;
    Ok((status, body).into_response())
}

pub async fn get_keys(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<KeysQuery>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let flash = match q.done.as_str() {
        "revoked" => Some("密钥已吊销:用它的请求从现在起一律被拒绝"),
        _ => None,
    };
    page(&state, &session, None, None, flash).await
}

/// Create a key from the form, or say what to fix.
pub async fn post_key(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let name = match key::check_name(f.get("name")) {
        Ok(n) => n,
        Err(why) => return page(&state, &session, None, Some(why), None).await,
    };
    let per_minute = match f.get("per_minute").trim() {
        "" => DEFAULT_PER_MINUTE,
        v => match v.parse::<i64>() {
            Ok(n) if (1..=MAX_PER_MINUTE).contains(&n) => n,
            _ => {
                let why = format!("每分钟上限须是 1 到 {MAX_PER_MINUTE} 之间的整数");
                return page(&state, &session, None, Some(why), None).await;
            }
        },
    };
    let all = state.cache.sites(state.store.as_ref()).await?;
    let mut sites: Vec<String> = Vec::new();
    for s in f.all("site") {
        if !all.iter().any(|x| x.id == s) {
            let why = "所选站点不存在,请刷新页面后重选".to_string();
            return page(&state, &session, None, Some(why), None).await;
        }
        if !sites.iter().any(|x| x == s) {
            sites.push(s.to_string());
        }
    }
    // every site ticked is every site, including ones added later
    if sites.len() == all.len() {
        sites.clear();
    }
    let made = key::new_key(&crate::token::random_bytes::<20>());
    state
        .store
        .add_api_key(
            &NewApiKey {
                name: name.clone(),
                digest: key::digest(&made),
                shown: key::shown(&made),
                sites,
                per_minute,
            },
            &session.actor(),
            state.now(),
        )
        .await?;
    crate::follow::after_write(&state).await;
    page(&state, &session, Some((name, made)), None, None).await
}

pub async fn post_revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, .. }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::NotFound("没有这个密钥".into()))?;
    state
        .store
        .revoke_api_key(id, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to("/admin/api-keys?done=revoked").into_response())
}
