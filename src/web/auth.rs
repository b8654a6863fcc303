//! Sessions and CSRF for the newsroom (`/admin`).
//!
//! The session cookie (`gz_session`) holds a random token; the database keeps
//! only its SHA-256. Every state-changing form carries the session's CSRF token
//! in `_csrf`, checked before anything else happens.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::user::User;
use crate::state::AppState;
use crate::token::token_hash;
use crate::web::error::AppError;

pub const COOKIE: &str = "gz_session";
/// Sessions last 12 hours.
pub const SESSION_SECS: i64 = 12 * 3600;

/// A signed-in newsroom user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
    /// The client's address, for the publication record.
    pub address: String,
    /// The navigation's counts (pages only: not worked out for a POST).
    pub nav: NavCounts,
}

/// What waits for the signed-in person: 待我审核 and 被退回.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct NavCounts {
    pub to_review: usize,
    pub returned: i64,
    /// 举报 open and overdue, of the sites the person handles.
    pub reports_open: i64,
    pub reports_overdue: i64,
    /// 派题 given to the person (or his desks) not yet taken up.
    pub assigned: usize,
}

impl NavCounts {
    async fn of(state: &AppState, user: &User) -> anyhow::Result<NavCounts> {
        let (pending, returned) = state.store.in_work(user.id).await?;
        let deputies = crate::newsroom::deputies(state).await?;
        let mut to_review = 0;
        for p in pending {
            let crate::domain::workflow::Work::Review { level } = p.work else {
                continue;
            };
            if reviewable(
                state,
                user,
                &deputies,
                (p.id, level),
                &p.site_id,
                p.channel_id,
            )
            .await?
            {
                to_review += 1;
            }
        }
        // live entries and corrections waiting for another editor: a review too
        to_review += live_awaiting(state, user).await?.len();
        let (reports_open, reports_overdue) = match user.report_sites() {
            Some(s) if s.is_empty() => (0, 0),
            sites => {
                state
                    .store
                    .report_counts(sites.as_deref(), state.now())
                    .await?
            }
        };
        let assigned = if user.writes() {
            state
                .store
                .assignments(
                    &crate::db::AssignmentFilter {
                        assignee: Some(user.id),
                        desks: if user.is_admin() {
                            vec![]
                        } else {
                            crate::domain::planning::rules::desks_of(user)
                        },
                        open_only: true,
                        ..Default::default()
                    },
                    200,
                )
                .await?
                .iter()
                .filter(|a| a.state == crate::domain::planning::assignment::State::Offered)
                .count()
        } else {
            0
        };
        Ok(NavCounts {
            to_review,
            returned,
            reports_open,
            reports_overdue,
            assigned,
        })
    }
}

/// Whether the person may review story `id` now (its level is theirs, or
/// they sign for its desk as a deputy, and separation of duties allows):
/// what 待我审核 counts and lists. A story they may not act on is not
/// theirs to wait for.
pub async fn reviewable(
    state: &AppState,
    user: &User,
    deputies: &[crate::domain::user::Deputy],
    (id, level): (i64, u8),
    site_id: &str,
    channel_id: i64,
) -> anyhow::Result<bool> {
    let tree = state.cache.channels(state.store.as_ref(), site_id).await?;
    let Some(channel) = tree.iter().find(|c| c.id == channel_id) else {
        return Ok(false);
    };
    let levels = channel.review_levels.clamp(1, 9) as u8;
    let deputy = crate::domain::user::Deputy::signs_for(deputies, user.id, site_id, &channel.path);
    // cheap first: the level is not theirs (the state read settles the rest)
    if !(user.may_review(level, levels) || (deputy && level == levels)) {
        return Ok(false);
    }
    let Some(ws) = state.store.work_state(id).await? else {
        return Ok(false);
    };
    if !matches!(ws.work, crate::domain::workflow::Work::Review { .. }) {
        return Ok(false);
    }
    Ok(crate::newsroom::reviewable(
        user,
        &ws,
        &channel.path,
        levels,
        deputies,
        state.now(),
    ))
}

/// The live entries and corrections this person may approve: an editor
/// working in the story's channel who did not write (or propose) them.
pub async fn live_awaiting(
    state: &AppState,
    user: &User,
) -> anyhow::Result<Vec<crate::db::Awaiting>> {
    if !user.is_editor() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for w in state.store.awaiting_review().await? {
        if w.writer_id == Some(user.id) {
            continue;
        }
        let tree = state
            .cache
            .channels(state.store.as_ref(), &w.site_id)
            .await?;
        if let Some(c) = tree.iter().find(|c| c.id == w.channel_id)
            && user.may_work_in(&w.site_id, &c.path)
        {
            out.push(w);
        }
    }
    Ok(out)
}

impl Session {
    /// The signed-in person as the publication record names them.
    pub fn actor(&self) -> crate::db::Actor {
        crate::db::Actor {
            id: Some(self.user.id),
            name: self.user.display_name.clone(),
            address: self.address.clone(),
        }
    }

    /// Refuse a form whose `_csrf` does not match the session's token.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), AppError> {
        match submitted {
            Some(t) if constant_eq(t.as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => Err(AppError::Forbidden(
                "表单已过期或来源不明(CSRF 校验失败),请刷新页面后重试".into(),
            )),
        }
    }
}

/// Equal bytes, compared in time independent of where they differ.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of a cookie in the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value for a new session (or an expired one to sign out).
pub fn session_cookie(token: &str, secure: bool, max_age: i64) -> String {
    format!(
        "{COOKIE}={token}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Rejection: not signed in. Pages redirect to the login form.
pub struct SignIn(String);

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/admin/login?next={}", urlencode(&self.0))).into_response()
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|v| v[1..].to_string())
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/admin/", |p| p.as_str())
            .to_string();
        let Some(token) = cookie(&parts.headers, COOKIE) else {
            return Err(SignIn(next).into_response());
        };
        let hash = token_hash(token);
        match state.store.session(&hash, state.now()).await {
            Ok(Some((user, csrf))) => {
                let crate::web::client::ClientAddr(address) =
                    match crate::web::client::ClientAddr::from_request_parts(parts, state).await {
                        Ok(a) => a,
                        Err(never) => match never {},
                    };
                let nav = if parts.method == axum::http::Method::GET {
                    match NavCounts::of(state, &user).await {
                        Ok(n) => n,
                        Err(e) => return Err(AppError::Internal(e).into_response()),
                    }
                } else {
                    NavCounts::default()
                };
                Ok(Session {
                    user,
                    csrf,
                    token_hash: hash,
                    address,
                    nav,
                })
            }
            Ok(None) => Err(SignIn(next).into_response()),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
}
