//! Sign in, sign out, change password.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Fields, SignedForm, render};
use crate::db::{Actor, Event};
use crate::domain::user::valid_password;
use crate::state::AppState;
use crate::token::{random_token, token_hash};
use crate::web::auth::{COOKIE, SESSION_SECS, Session, cookie, session_cookie};
use crate::web::client::ClientAddr;
use crate::web::error::AppError;

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only same-site newsroom paths are followed after sign-in, and only ones
/// that make a valid `Location` (visible ASCII: a control character would
/// fail the header after the session was made).
fn safe_next(next: &str) -> String {
    let shaped = next.len() <= 1024
        && (next == "/admin" || next.starts_with("/admin/") || next.starts_with("/admin?"))
        && !next.contains("//")
        && !next.contains('\\')
        && next.bytes().all(|b| b.is_ascii_graphic());
    if shaped {
        next.to_string()
    } else {
        "/admin/".into()
    }
}

pub async fn get_login(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let ctx = minijinja::context! { title => "登录", next => safe_next(&q.next), username => "" };
    Ok(render(&state, None, "admin/login.html", ctx)?.into_response())
}

pub async fn post_login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(form);
    let username = f.get("username").trim().to_string();
    let password = f.get("password").to_string();
    let next = safe_next(f.get("next"));
    let now = state.now();
    let store = state.store.as_ref();
    let throttle = crate::accounts::login_throttle(store, &username, &address, now).await?;
    if let Some(wait) = throttle.locked_for {
        let minutes = (wait + 59) / 60;
        return Err(AppError::TooMany {
            message: format!("登录失败次数过多,请在 {minutes} 分钟后重试"),
            retry_after: wait.max(1),
        });
    }
    if throttle.slowdown > 0 {
        // failures from elsewhere: slow this try down, never refuse it
        tokio::time::sleep(std::time::Duration::from_secs(throttle.slowdown)).await;
    }
    let found = if username.len() <= 64 {
        state.store.user_with_hash(&username).await?
    } else {
        None
    };
    let hash = found
        .as_ref()
        .filter(|(user, _)| user.active)
        .map(|(_, hash)| hash.clone());
    let ok = crate::accounts::verify_pooled(&state.work.hash, &password, hash).await?;
    let known = found.as_ref().map(|(u, _)| u.id);
    let Some((user, _)) = found.filter(|_| ok) else {
        crate::accounts::record_login_failure(store, &username, &address, now).await?;
        let typed: String = crate::domain::text::clean_line(&username)
            .chars()
            .take(64)
            .collect();
        let event = Event {
            action: "login_failed",
            subject: format!("user:{typed}"),
            detail: if known.is_some() {
                "密码不正确或账号已停用".into()
            } else {
                "没有这个用户名".into()
            },
            ..Event::default()
        };
        let actor = Actor {
            id: known,
            name: typed,
            address: address.clone(),
        };
        state.store.record(&actor, &event, now).await?;
        tracing::info!(username = %username, address = %address, "failed sign-in");
        let ctx =
            minijinja::context! { title => "登录", next, username, error => "用户名或密码不正确" };
        return Ok((
            StatusCode::UNAUTHORIZED,
            render(&state, None, "admin/login.html", ctx)?,
        )
            .into_response());
    };
    crate::accounts::record_login_success(store, &username, &address).await?;
    let token = random_token();
    state
        .store
        .create_session(
            &token_hash(&token),
            user.id,
            &random_token(),
            now,
            now + SESSION_SECS,
        )
        .await?;
    tracing::info!(username = %username, "signed in");
    let actor = Actor {
        id: Some(user.id),
        name: user.display_name.clone(),
        address,
    };
    let event = Event {
        action: "login",
        subject: format!("user:{}", user.username),
        ..Event::default()
    };
    state.store.record(&actor, &event, now).await?;
    let secure = state.config.public_url.starts_with("https://");
    Ok((
        [(
            header::SET_COOKIE,
            session_cookie(&token, secure, SESSION_SECS),
        )],
        Redirect::to(&next),
    )
        .into_response())
}

pub async fn post_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedForm { session, .. }: SignedForm,
) -> Result<Response, AppError> {
    if cookie(&headers, COOKIE).is_some() {
        state.store.delete_session(&session.token_hash).await?;
    }
    let secure = state.config.public_url.starts_with("https://");
    Ok((
        [(header::SET_COOKIE, session_cookie("", secure, 0))],
        Redirect::to("/admin/login"),
    )
        .into_response())
}

pub async fn get_password(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    Ok(render(
        &state,
        Some(&session),
        "admin/password.html",
        minijinja::context! { title => "修改密码" },
    )?
    .into_response())
}

pub async fn post_password(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let fail = |msg: &str| -> Result<Response, AppError> {
        let ctx = minijinja::context! { title => "修改密码", error => msg };
        Ok((
            StatusCode::BAD_REQUEST,
            render(&state, Some(&session), "admin/password.html", ctx)?,
        )
            .into_response())
    };
    let Some((_, hash)) = state.store.user_with_hash(&session.user.username).await? else {
        return Err(AppError::NotFound("用户不存在".into()));
    };
    if !crate::accounts::verify_pooled(&state.work.hash, f.get("current"), Some(hash)).await? {
        return fail("当前密码不正确");
    }
    if let Err(m) = valid_password(f.get("new")) {
        return fail(&m);
    }
    if f.get("new") != f.get("repeat") {
        return fail("两次输入的新密码不一致");
    }
    state
        .store
        .set_password(
            session.user.id,
            &crate::accounts::hash_pooled(&state.work.hash, f.get("new")).await??,
            state.now(),
        )
        .await?;
    state.store.delete_sessions_of(session.user.id).await?;
    let event = Event {
        action: "password_change",
        subject: format!("user:{}", session.user.username),
        detail: "本人修改密码,所有登录已退出".into(),
        ..Event::default()
    };
    state
        .store
        .record(&session.actor(), &event, state.now())
        .await?;
    let secure = state.config.public_url.starts_with("https://");
    Ok((
        [(header::SET_COOKIE, session_cookie("", secure, 0))],
        Redirect::to("/admin/login?next=/admin/"),
    )
        .into_response())
}
