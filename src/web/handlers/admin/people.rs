//! Administration: users and the sensitive-word list.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Fields, render, require_admin};
use crate::accounts::hash_password;
use crate::db::NewUser;
use crate::domain::user::{Role, Scope, valid_password, valid_username};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::auth::Session;

async fn users_page(
    state: &AppState,
    session: &Session,
    error: Option<String>,
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
                username => u.username, display_name => u.display_name, active => u.active,
                roles => u.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
                sites => u.scopes.iter().map(|s| sites.iter().find(|x| x.id == s.site_id).map_or(s.site_id.clone(), |x| x.name.clone())).collect::<Vec<_>>().join("、"),
            }
        })
        .collect();
    let ctx = minijinja::context! {
        title => "用户", users, error,
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
) -> Result<Response, AppError> {
    require_admin(&session)?;
    users_page(&state, &session, None, StatusCode::OK).await
}

pub async fn post_users(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let f = Fields(form);
    session.check_csrf(f.csrf())?;
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
    let roles = match check() {
        Ok(r) => r,
        Err(m) => {
            return users_page(&state, &session, Some(m), StatusCode::UNPROCESSABLE_ENTITY).await;
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
        password_hash: hash_password(f.get("password"))?,
        roles,
        scopes,
    };
    match state.store.create_user(&user, state.now()).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(crate::db::StoreError::Conflict(m)) => {
            users_page(&state, &session, Some(m), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn get_words(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let words = state.store.sensitive_words().await?;
    Ok(render(
        &state,
        Some(&session),
        "admin/words.html",
        minijinja::context! { title => "敏感词", words },
    )?
    .into_response())
}

pub async fn post_words(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let f = Fields(form);
    session.check_csrf(f.csrf())?;
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
    Ok(Redirect::to("/admin/words").into_response())
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
    Ok(Redirect::to("/admin/words").into_response())
}
