//! Administration: accounts (roles, channel scopes, names, passwords, sign-in limits).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Fields, SignedForm, render, require_admin};
use crate::db::NewUser;
use crate::domain::user::{Role, Scope, valid_password, valid_username};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// The users screen; `typed` refills the new-user form after a refusal
/// (name, display name, roles, sites: never the password).
async fn users_page_with(
    state: &AppState,
    session: &Session,
    error: Option<String>,
    flash: Option<String>,
    typed: Option<minijinja::Value>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let sites = state.store.sites().await?;
    let all_users = state.store.users().await?;
    let mut scope_groups = Vec::new();
    let mut max_levels = 3;
    for site in &sites {
        let tree = crate::domain::ChannelTree::new(state.store.channels(&site.id).await?);
        let mut options = vec![(site.id.clone(), format!("{}(全站)", site.name))];
        for c in tree.iter() {
            max_levels = max_levels.max(c.review_levels);
            options.push((
                scope_key(&site.id, Some(&c.path)),
                channel_label(&site.name, &tree, &c.path),
            ));
        }
        scope_groups.push(minijinja::context! { site => site.name.clone(), options });
    }
    let role_choices = role_choices(max_levels, &all_users);
    let names = scope_names(state).await?;
    let users: Vec<_> = all_users
        .into_iter()
        .map(|u| {
            minijinja::context! {
                id => u.id,
                role_keys => u.roles.iter().map(|r| String::from(*r)).collect::<Vec<_>>(),
                scope_keys => u.scopes.iter().map(|s| scope_key(&s.site_id, s.channel_path.as_deref())).collect::<Vec<_>>(),
                username => u.username, display_name => u.display_name, active => u.active,
                roles => u.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
                sites => describe_scopes(&u.scopes, &names),
            }
        })
        .collect();
    let ctx = minijinja::context! {
        title => "用户", users, error, flash, typed,
        role_choices, scope_groups,
    };
    Ok((
        status,
        render(state, Some(session), "admin/users.html", ctx)?,
    )
        .into_response())
}

/// A scope as the form names it: `main` (the whole site) or `main:zw/yw`.
fn scope_key(site: &str, path: Option<&str>) -> String {
    match path {
        Some(p) => format!("{site}:{p}"),
        None => site.to_string(),
    }
}

/// Every role the form offers: review levels up to the longest chain any
/// channel has (its last level is the 签发人's), and any level a person
/// already holds, so no stored role is lost by saving the form.
fn role_choices(max_levels: i64, users: &[crate::domain::user::User]) -> Vec<(String, String)> {
    let mut roles = vec![Role::Reporter, Role::Editor];
    let top = (max_levels - 1).clamp(1, 9) as u8;
    roles.extend((1..=top).map(Role::Reviewer));
    for r in users.iter().flat_map(|u| u.roles.iter()) {
        if !roles.contains(r) && matches!(r, Role::Reviewer(_)) {
            roles.push(*r);
        }
    }
    roles.sort();
    roles.extend([Role::Signer, Role::Curator, Role::Handler, Role::Admin]);
    roles.dedup();
    roles
        .into_iter()
        .map(|r| (String::from(r), r.label()))
        .collect()
}

/// A channel as a person reads it: `滨州网·滨州政务›政务要闻`.
fn channel_label(site_name: &str, tree: &crate::domain::ChannelTree, path: &str) -> String {
    let chain: Vec<&str> = tree.chain(path).iter().map(|c| c.name.as_str()).collect();
    format!("{site_name}·{}", chain.join("›"))
}

/// Every scope's name by its form key (`main`, `main:zw/yw`).
async fn scope_names(
    state: &AppState,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let mut names = std::collections::HashMap::new();
    for site in state.store.sites().await? {
        let tree = crate::domain::ChannelTree::new(state.store.channels(&site.id).await?);
        for c in tree.iter() {
            names.insert(
                scope_key(&site.id, Some(&c.path)),
                channel_label(&site.name, &tree, &c.path),
            );
        }
        names.insert(site.id.clone(), format!("{}(全站)", site.name));
    }
    Ok(names)
}

/// The scopes by name (a channel removed since: its site and path).
fn describe_scopes(scopes: &[Scope], names: &std::collections::HashMap<String, String>) -> String {
    if scopes.is_empty() {
        return "(无)".into();
    }
    scopes
        .iter()
        .map(|s| {
            let key = scope_key(&s.site_id, s.channel_path.as_deref());
            names.get(&key).cloned().unwrap_or(key)
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// An account that is not an administrator sees only what its scopes
/// cover: without one it would sign in to an empty 工作台.
fn needs_scope(roles: &[Role], scopes: &[Scope]) -> Result<(), String> {
    if scopes.is_empty() && !roles.contains(&Role::Admin) {
        return Err(
            "请选择负责范围:不是管理员的账号至少要负责一个站点或栏目,否则登录后看不到任何稿件"
                .into(),
        );
    }
    Ok(())
}

fn describe_roles(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// The scopes a form asks for (`scope`, or the older `site` field), each a
/// whole site or an existing channel of it; anything else is refused.
async fn scopes_of(state: &AppState, f: &Fields) -> Result<Vec<Scope>, String> {
    let sites = state.store.sites().await.map_err(|e| e.to_string())?;
    let mut out: Vec<Scope> = Vec::new();
    for v in f.all("scope").into_iter().chain(f.all("site")) {
        let (site, path) = match v.split_once(':') {
            Some((s, p)) => (s, Some(p)),
            None => (v, None),
        };
        if !sites.iter().any(|s| s.id == site) {
            return Err(format!("站点 {site} 不存在"));
        }
        if let Some(p) = path {
            let channels = state
                .store
                .channels(site)
                .await
                .map_err(|e| e.to_string())?;
            if !channels.iter().any(|c| c.path == p) {
                return Err(format!("栏目 {site}:{p} 不存在"));
            }
        }
        let scope = Scope {
            site_id: site.to_string(),
            channel_path: path.map(str::to_string),
        };
        if !out.contains(&scope) {
            out.push(scope);
        }
    }
    Ok(out)
}

pub async fn get_users(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    users_page_with(
        &state,
        &session,
        None,
        q.flash().map(String::from),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn post_users(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let username = f.get("username").trim().to_string();
    let display_name = f.get("display_name").trim().to_string();
    let check = || -> Result<Vec<Role>, String> {
        valid_username(&username)?;
        if display_name.is_empty() || display_name.chars().count() > 50 {
            return Err("姓名须为 1 到 50 个字".into());
        }
        valid_password(f.get("password"))?;
        let roles: Vec<Role> = f.all("role").into_iter().filter_map(Role::parse).collect();
        if roles.is_empty() {
            return Err("请至少选择一个角色".into());
        }
        Ok(roles)
    };
    let typed = minijinja::context! {
        username => f.get("username"),
        display_name => f.get("display_name"),
        roles => f.all("role"),
        scopes => f.all("scope").into_iter().chain(f.all("site")).collect::<Vec<_>>(),
    };
    let checked = match check() {
        Ok(roles) => scopes_of(&state, &f)
            .await
            .and_then(|scopes| needs_scope(&roles, &scopes).map(|()| (roles, scopes))),
        Err(m) => Err(m),
    };
    let (roles, scopes) = match checked {
        Ok(ok) => ok,
        Err(m) => {
            return users_page_with(
                &state,
                &session,
                Some(m),
                None,
                Some(typed),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let names = scope_names(&state).await?;
    let detail = format!(
        "姓名「{display_name}」;角色:{};范围:{}",
        describe_roles(&roles),
        describe_scopes(&scopes, &names)
    );
    let subject = format!("user:{username}");
    let user = NewUser {
        username,
        display_name,
        password_hash: crate::accounts::hash_pooled(&state.work.hash, f.get("password")).await??,
        roles,
        scopes,
    };
    match state.store.create_user(&user, state.now()).await {
        Ok(_) => {
            super::note(
                &state,
                &session,
                "user_create",
                subject,
                user.display_name,
                detail,
            )
            .await?;
            Ok(Redirect::to("/admin/users?done=user_created").into_response())
        }
        Err(crate::db::StoreError::Conflict(m)) => {
            users_page_with(
                &state,
                &session,
                Some(m),
                None,
                Some(typed),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// 解除登录限制: forget every failed sign-in counted against the account,
/// from every address (the owner was slowed down, or an address locked out).
pub async fn post_unlock(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, .. }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let user = state
        .store
        .user(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("用户 {id} 不存在")))?;
    crate::accounts::unlock_account(state.store.as_ref(), &user.username).await?;
    tracing::info!(admin = %session.user.username, user = %user.username, "sign-in throttle cleared");
    super::note(
        &state,
        &session,
        "user_unlock",
        format!("user:{}", user.username),
        user.display_name.clone(),
        "清除了所有地址的登录失败计数".into(),
    )
    .await?;
    let msg = format!("已解除「{}」的登录限制", user.display_name);
    users_page_with(&state, &session, None, Some(msg), None, StatusCode::OK).await
}

pub async fn post_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let mut user = state
        .store
        .user(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("用户 {id} 不存在")))?;
    let roles: Vec<Role> = f.all("role").into_iter().filter_map(Role::parse).collect();
    if roles.is_empty() {
        return Err(AppError::BadRequest("请至少选择一个角色".into()));
    }
    if user.id == session.user.id && !roles.contains(&Role::Admin) {
        return Err(AppError::BadRequest("不能取消自己的管理员角色".into()));
    }
    let was_admin = user.active && user.is_admin();
    let before = user.clone();
    user.roles = roles;
    user.scopes = scopes_of(&state, &f).await.map_err(AppError::BadRequest)?;
    needs_scope(&user.roles, &user.scopes).map_err(AppError::BadRequest)?;
    let display_name = f.get("display_name").trim();
    if !display_name.is_empty() {
        if display_name.chars().count() > 50 {
            return Err(AppError::BadRequest("姓名最多 50 个字".into()));
        }
        user.display_name = display_name.to_string();
    }
    let new_password = f.get("new_password");
    if !new_password.is_empty() {
        valid_password(new_password).map_err(AppError::BadRequest)?;
    }
    let active = f.get("active") == "1";
    if user.id == session.user.id && !active {
        return Err(AppError::BadRequest("不能停用自己的账号".into()));
    }
    user.active = active;
    if was_admin && !(user.active && user.is_admin()) {
        let others = state
            .store
            .users()
            .await?
            .into_iter()
            .filter(|u| u.id != user.id && u.active && u.is_admin())
            .count();
        if others == 0 {
            return Err(AppError::BadRequest(
                "这是最后一个在用的管理员账号,不能停用或取消管理员角色".into(),
            ));
        }
    }
    // a disabled account's sessions end with it (`update_user`)
    state.store.update_user(&user).await?;
    let names = scope_names(&state).await?;
    let on_off = |a: bool| if a { "可用" } else { "停用" }.to_string();
    let detail = super::changes(&[
        (
            "姓名",
            before.display_name.clone(),
            user.display_name.clone(),
        ),
        (
            "角色",
            describe_roles(&before.roles),
            describe_roles(&user.roles),
        ),
        (
            "范围",
            describe_scopes(&before.scopes, &names),
            describe_scopes(&user.scopes, &names),
        ),
        ("账号", on_off(before.active), on_off(user.active)),
    ]);
    if !detail.is_empty() {
        super::note(
            &state,
            &session,
            "user_update",
            format!("user:{}", user.username),
            user.display_name.clone(),
            detail,
        )
        .await?;
    }
    if !new_password.is_empty() {
        // 重设密码: the person signs in again with the new one everywhere
        let hash = crate::accounts::hash_pooled(&state.work.hash, new_password).await??;
        state
            .store
            .set_password(user.id, &hash, state.now())
            .await?;
        state.store.delete_sessions_of(user.id).await?;
        tracing::info!(admin = %session.user.username, user = %user.username, "password reset");
        super::note(
            &state,
            &session,
            "password_reset",
            format!("user:{}", user.username),
            user.display_name.clone(),
            "管理员重设密码,此人所有登录已退出".into(),
        )
        .await?;
    }
    Ok(Redirect::to("/admin/users?done=user_saved").into_response())
}
