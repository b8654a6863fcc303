//! Administration: users and the sensitive-word list.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Fields, admin_form, render, require_admin};
use crate::db::NewUser;
use crate::domain::user::{Role, Scope, valid_password, valid_username};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::auth::Session;

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
    let users: Vec<_> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            minijinja::context! {
                id => u.id,
                role_keys => u.roles.iter().map(|r| String::from(*r)).collect::<Vec<_>>(),
                site_keys => u.scopes.iter().map(|s| s.site_id.clone()).collect::<Vec<_>>(),
                username => u.username, display_name => u.display_name, active => u.active,
                roles => u.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
                sites => u.scopes.iter().map(|s| sites.iter().find(|x| x.id == s.site_id).map_or(s.site_id.clone(), |x| x.name.clone())).collect::<Vec<_>>().join("、"),
            }
        })
        .collect();
    let ctx = minijinja::context! {
        title => "用户", users, error, flash, typed,
        role_choices => Role::all_choices().into_iter().map(|r| (String::from(r), r.label())).collect::<Vec<_>>(),
        sites => sites.iter().map(|s| minijinja::context!{ id => s.id.clone(), name => s.name.clone() }).collect::<Vec<_>>(),
    };
    Ok((
        status,
        render(state, Some(session), "admin/users.html", ctx)?,
    )
        .into_response())
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
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = admin_form(&session, form)?;
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
        sites => f.all("site"),
    };
    let roles = match check() {
        Ok(r) => r,
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
    let known: Vec<String> = state
        .store
        .sites()
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let scopes = f
        .all("site")
        .into_iter()
        .filter(|s| known.iter().any(|k| k == s))
        .map(|s| Scope {
            site_id: s.to_string(),
            channel_path: None,
        })
        .collect();
    let user = NewUser {
        username,
        display_name,
        password_hash: crate::accounts::hash_pooled(&state.work.hash, f.get("password")).await??,
        roles,
        scopes,
    };
    match state.store.create_user(&user, state.now()).await {
        Ok(_) => Ok(Redirect::to("/admin/users?done=user_created").into_response()),
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

pub async fn get_words(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let words = state.store.sensitive_words().await?;
    Ok(render(
        &state,
        Some(&session),
        "admin/words.html",
        minijinja::context! { title => "敏感词", words, flash => q.flash() },
    )?
    .into_response())
}

pub async fn post_words(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = admin_form(&session, form)?;
    let word = f.get("word").trim();
    if word.is_empty() || word.chars().count() > 50 {
        return Err(AppError::BadRequest("敏感词须为 1 到 50 个字".into()));
    }
    let severity = if f.get("severity") == "block" {
        "block"
    } else {
        "warn"
    };
    let category: String = f.get("category").trim().chars().take(20).collect();
    state
        .store
        .add_sensitive_word(word, &category, severity, state.now())
        .await?;
    Ok(Redirect::to("/admin/words?done=word_added").into_response())
}

pub async fn post_delete_word(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    session.check_csrf(Fields(form).csrf())?;
    state.store.delete_sensitive_word(id).await?;
    Ok(Redirect::to("/admin/words?done=word_deleted").into_response())
}

pub async fn get_channels(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let mut groups = Vec::new();
    for site in state.store.sites().await? {
        let tree = crate::domain::ChannelTree::new(state.store.channels(&site.id).await?);
        let channels: Vec<_> = tree.iter().cloned().collect();
        groups.push(minijinja::context! { site_id => site.id, site_name => site.name, channels });
    }
    Ok(render(
        &state,
        Some(&session),
        "admin/channels.html",
        minijinja::context! { title => "栏目", groups, flash => q.flash() },
    )?
    .into_response())
}

pub async fn post_channels(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = admin_form(&session, form)?;
    let site = f.get("site");
    if !state.store.sites().await?.iter().any(|s| s.id == site) {
        return Err(AppError::BadRequest("站点不存在".into()));
    }
    let path = f.get("path").trim().trim_matches('/');
    let name = f.get("name").trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::BadRequest("栏目名称须为 1 到 50 个字".into()));
    }
    if let Some(parent) = crate::domain::channel::parent_of(path) {
        if !state
            .store
            .channels(site)
            .await?
            .iter()
            .any(|c| c.path == parent)
        {
            return Err(AppError::BadRequest(format!(
                "上级栏目“{parent}”不存在,请先创建它"
            )));
        }
    }
    state.store.ensure_channel(site, path, name, 100).await?;
    Ok(Redirect::to("/admin/channels?done=channel_created").into_response())
}

pub async fn post_channel(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = admin_form(&session, form)?;
    let mut channel = None;
    for site in state.store.sites().await? {
        if let Some(c) = state
            .store
            .channels(&site.id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
        {
            channel = Some(c);
        }
    }
    let mut c = channel.ok_or_else(|| AppError::NotFound(format!("栏目 {id} 不存在")))?;
    let num = |k: &str, what: &str| {
        f.get(k)
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::BadRequest(format!("{what}须为数字")))
    };
    c.name = f.get("name").trim().to_string();
    c.sort = num("sort", "排序")?;
    c.page_size = num("page_size", "每页条数")?;
    c.review_levels = num("review_levels", "审核级数")?;
    state.store.update_channel(&c, state.now()).await?;
    state.after_write().await;
    Ok(Redirect::to("/admin/channels?done=channel_saved").into_response())
}

pub async fn get_site(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let site = state
        .store
        .sites()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::NotFound(format!("站点 {id} 不存在")))?;
    let ctx = minijinja::context! { title => "站点设置", s => site.settings.clone(), site, flash => q.flash() };
    Ok(render(&state, Some(&session), "admin/site.html", ctx)?.into_response())
}

pub async fn post_site(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = admin_form(&session, form)?;
    let mut site = state
        .store
        .sites()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::NotFound(format!("站点 {id} 不存在")))?;
    let field = |k: &str, max: usize| -> Result<String, AppError> {
        let v = f.get(k).trim();
        if v.chars().count() > max {
            return Err(AppError::BadRequest(format!("“{k}”最多 {max} 个字")));
        }
        Ok(v.to_string())
    };
    site.name = field("name", 50)?;
    if site.name.is_empty() {
        return Err(AppError::BadRequest("站点名称不能为空".into()));
    }
    let host = field("host", 253)?.to_ascii_lowercase();
    if !host.is_empty() {
        crate::domain::site::valid_host(&host).map_err(AppError::BadRequest)?;
        let others = state.store.sites().await?;
        if let Some(other) = others
            .iter()
            .find(|o| o.id != site.id && o.host.as_deref() == Some(host.as_str()))
        {
            return Err(AppError::Conflict(format!(
                "独立域名 {host} 已被站点「{}」使用,一个域名只能对应一个站点",
                other.name
            )));
        }
    }
    site.host = (!host.is_empty()).then_some(host);
    let s = &mut site.settings;
    s.description = field("description", 300)?;
    s.address = field("address", 200)?;
    s.organizer = field("organizer", 200)?;
    s.news_filing = field("news_filing", 100)?;
    s.icp = field("icp", 100)?;
    s.police_filing = field("police_filing", 100)?;
    s.news_license = field("news_license", 100)?;
    s.design_credit = field("design_credit", 100)?;
    s.report_phone = field("report_phone", 50)?;
    s.report_email = field("report_email", 100)?;
    state.store.put_site(&site, state.now()).await?;
    state.after_write().await;
    Ok(Redirect::to(&format!("/admin/sites/{id}?done=site_saved")).into_response())
}

/// 解除登录限制: forget every failed sign-in counted against the account,
/// from every address (the owner was slowed down, or an address locked out).
pub async fn post_unlock(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    admin_form(&session, form)?;
    let user = state
        .store
        .user(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("用户 {id} 不存在")))?;
    crate::accounts::unlock_account(state.store.as_ref(), &user.username).await?;
    tracing::info!(admin = %session.user.username, user = %user.username, "sign-in throttle cleared");
    let msg = format!("已解除「{}」的登录限制", user.display_name);
    users_page_with(&state, &session, None, Some(msg), None, StatusCode::OK).await
}

pub async fn post_user(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = admin_form(&session, form)?;
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
    let known: Vec<String> = state
        .store
        .sites()
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let was_admin = user.active && user.is_admin();
    user.roles = roles;
    user.scopes = f
        .all("site")
        .into_iter()
        .filter(|s| known.iter().any(|k| k == s))
        .map(|s| Scope {
            site_id: s.to_string(),
            channel_path: None,
        })
        .collect();
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
    if !new_password.is_empty() {
        // 重设密码: the person signs in again with the new one everywhere
        let hash = crate::accounts::hash_pooled(&state.work.hash, new_password).await??;
        state
            .store
            .set_password(user.id, &hash, state.now())
            .await?;
        state.store.delete_sessions_of(user.id).await?;
        tracing::info!(admin = %session.user.username, user = %user.username, "password reset");
    }
    Ok(Redirect::to("/admin/users?done=user_saved").into_response())
}
