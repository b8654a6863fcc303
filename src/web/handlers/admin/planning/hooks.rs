//! The desks' group-chat robots (administrators only): where a site's or a
//! channel's planning events go (企业微信 or 钉钉 robot, 钉钉 signed when it
//! has a secret), and what was sent lately with whether it arrived.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{id_field, pick, planning_sites};
use crate::db::Webhook;
use crate::domain::planning::notice::{Format, check_url};
use crate::planning::view::short_time;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;
use crate::web::handlers::admin::{SignedForm, render, require_admin};

#[derive(Deserialize, Default)]
pub struct HookQuery {
    #[serde(default)]
    site: String,
    #[serde(default)]
    done: String,
}

pub async fn get_hooks(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<HookQuery>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, &q.site)?;
    let hooks: Vec<_> = state
        .store
        .webhooks(Some(&site.id))
        .await?
        .into_iter()
        .map(|h| {
            // the robot's key is a secret: only its host is shown
            let host = check_url(&h.url).map(|(h, _)| h).unwrap_or_default();
            minijinja::context! {
                id => h.id, channel => if h.channel_path.is_empty() { "全站".to_string() } else { h.channel_path },
                format => Format::parse(&h.format).map_or("", |f| f.label()), host,
                signed => !h.secret.is_empty(), allow_private => h.allow_private,
            }
        })
        .collect();
    let deliveries: Vec<_> = state
        .store
        .deliveries(&site.id, 30)
        .await?
        .into_iter()
        .map(|d| {
            minijinja::context! {
                id => d.id, text => d.text, attempts => d.attempts,
                delivered => d.delivered_at.map(short_time), failed => d.failed_at.map(short_time),
                error => d.last_error,
            }
        })
        .collect();
    let tree = state.cache.channels(state.store.as_ref(), &site.id).await?;
    let channels: Vec<(String, String)> = tree
        .iter()
        .map(|c| {
            (
                c.path.clone(),
                crate::planning::view::channel_name(&tree, &c.path),
            )
        })
        .collect();
    let flash = match q.done.as_str() {
        "added" => Some("群机器人已添加:之后的报题、派题和退回会发到群里"),
        "removed" => Some("群机器人已删除"),
        _ => None,
    };
    Ok(render(
        &state,
        Some(&session),
        "admin/hooks.html",
        minijinja::context! {
            title => "群机器人",
            site => minijinja::context! { id => site.id, name => site.name },
            tabs => super::tabs(&sites, &site.id),
            hooks, deliveries, channels, flash,
        },
    )?
    .into_response())
}

pub async fn post_hook(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let sites = planning_sites(&state, &session.user).await?;
    let site = pick(&sites, f.get("site"))?.id.clone();
    let format = Format::parse(f.get("format"))
        .ok_or_else(|| AppError::BadRequest("请选择机器人类型:企业微信或钉钉".into()))?;
    let url = f.get("url").trim().to_string();
    check_url(&url).map_err(AppError::BadRequest)?;
    let channel = f.get("channel").trim().to_string();
    if !channel.is_empty() {
        let tree = state.cache.channels(state.store.as_ref(), &site).await?;
        if tree.get(&channel).is_none() {
            return Err(AppError::BadRequest("所选栏目不在这个站点".into()));
        }
    }
    let secret = f.get("secret").trim().to_string();
    if secret.chars().count() > 200 {
        return Err(AppError::BadRequest("加签密钥最多 200 个字符".into()));
    }
    let hook = Webhook {
        id: 0,
        site_id: site.clone(),
        channel_path: channel,
        format: format.as_str().into(),
        url,
        secret,
        allow_private: f.get("allow_private") == "1",
    };
    state
        .store
        .add_webhook(&hook, &session.actor(), state.now())
        .await?;
    Ok(Redirect::to(&format!("/admin/planning/hooks?site={site}&done=added")).into_response())
}

pub async fn post_delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let id = id_field(&id, "机器人编号")?;
    state
        .store
        .remove_webhook(id, &session.actor(), state.now())
        .await?;
    let site = f.get("site");
    Ok(Redirect::to(&format!("/admin/planning/hooks?site={site}&done=removed")).into_response())
}
