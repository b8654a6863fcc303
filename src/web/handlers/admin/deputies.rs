//! Administration: 代签 deputies. An administrator names, per site or
//! channel, an account that may sign off there besides its 签发人 (a county
//! desk with one 签发人 is otherwise deadlocked when he wrote the story
//! himself). Naming and removing one is in the record; a deputy's sign-off
//! is recorded as 代签.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{SignedForm, render, require_admin};
use crate::domain::user::Scope;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// Every desk a deputy may be named for: each site, and each channel.
async fn desks(state: &AppState) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for site in state.store.sites().await? {
        out.push((format!("{}|", site.id), format!("{} · 全站", site.name)));
        let tree = crate::domain::ChannelTree::new(state.store.channels(&site.id).await?);
        for c in tree.iter() {
            let chain: Vec<String> = tree.chain(&c.path).iter().map(|x| x.name.clone()).collect();
            out.push((
                format!("{}|{}", site.id, c.path),
                format!("{} · {}", site.name, chain.join(" > ")),
            ));
        }
    }
    Ok(out)
}

fn desk_key(d: &Scope) -> String {
    format!("{}|{}", d.site_id, d.channel_path.as_deref().unwrap_or(""))
}

pub async fn get_deputies(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let desks = desks(&state).await?;
    let users = state.store.users().await?;
    let rows: Vec<minijinja::Value> = state
        .store
        .deputies()
        .await?
        .iter()
        .map(|d| {
            let key = desk_key(&d.desk);
            let desk = desks
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(key.clone(), |(_, label)| label.clone());
            let who = users
                .iter()
                .find(|u| u.id == d.user_id)
                .map_or(format!("账号 {}", d.user_id), |u| {
                    format!("{}({})", u.display_name, u.username)
                });
            minijinja::context! { id => d.id, desk, who }
        })
        .collect();
    let accounts: Vec<(i64, String)> = users
        .iter()
        .filter(|u| u.active && u.is_editor())
        .map(|u| (u.id, format!("{}({})", u.display_name, u.username)))
        .collect();
    Ok(render(
        &state,
        Some(&session),
        "admin/deputies.html",
        minijinja::context! { title => "代签设置", rows, desks, accounts, flash => q.flash() },
    )?
    .into_response())
}

pub async fn post_deputy(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let key = f.get("desk");
    let (label, desk) = desks(&state)
        .await?
        .into_iter()
        .find(|(k, _)| k == key)
        .and_then(|(k, label)| {
            let (site, path) = k.split_once('|')?;
            Some((
                label,
                Scope {
                    site_id: site.to_string(),
                    channel_path: Some(path.to_string()).filter(|p| !p.is_empty()),
                },
            ))
        })
        .ok_or_else(|| AppError::BadRequest("请选择代签的站点或栏目".into()))?;
    let user = f.get("user_id").parse::<i64>().ok().filter(|id| *id > 0);
    let user = match user {
        Some(id) => state.store.user(id).await?,
        None => None,
    }
    .filter(|u| u.active && u.is_editor())
    .ok_or_else(|| AppError::BadRequest("请选择代签人:须是在用的编辑类账号".into()))?;
    state.store.add_deputy(&desk, user.id, state.now()).await?;
    super::note(
        &state,
        &session,
        "deputy_add",
        "deputies".into(),
        user.display_name.clone(),
        format!("为「{label}」代签"),
    )
    .await?;
    Ok(Redirect::to("/admin/deputies?done=deputy_added").into_response())
}

pub async fn post_delete_deputy(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, .. }: SignedForm,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let d = state
        .store
        .deputies()
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| AppError::NotFound(format!("代签设置 {id} 不存在")))?;
    state.store.remove_deputy(id).await?;
    let who = state
        .store
        .user(d.user_id)
        .await?
        .map_or(format!("账号 {}", d.user_id), |u| u.display_name);
    super::note(
        &state,
        &session,
        "deputy_remove",
        "deputies".into(),
        who,
        format!("不再为 {} 代签", desk_key(&d.desk)),
    )
    .await?;
    Ok(Redirect::to("/admin/deputies?done=deputy_removed").into_response())
}
