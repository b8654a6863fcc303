//! `/api/v1/`: the content API over HTTP (issue 27). Every answer passes
//! the door first (`door`: the key, its sites, its limit; `api_keys::Gate`),
//! then comes from the render cache under a key naming the key's sites,
//! the path and the canonical question (`serve`), so any number of apps
//! polling cost one render per change. Answers are JSON; errors carry a
//! machine code and a Chinese message. A page in a browser on a configured
//! origin may read it (CORS).
//!
//! `stories` (list, one, by URL), `sites` (sites, channels, 推荐位, 专题,
//! tags, authors, search), `docs` (the OpenAPI document and its page).

pub mod docs;
pub mod sites;
pub mod stories;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::portal::{cached_response, respond};
use crate::db::ApiKey;
use crate::domain::api::{ApiError, Code, key};
use crate::render::Page;
use crate::render::api::Scope;
use crate::render::cache::Answer;
use crate::state::AppState;

/// API answers are revalidated by every client (a cheap 304 with the
/// ETag) and kept by no shared cache: a CDN keeping them would answer
/// requests whose key was never checked, or revoked.
const CACHE_CONTROL: &str = "private, max-age=0, must-revalidate";

/// An error as the API answers it.
pub(crate) fn error_response(e: &ApiError) -> Response {
    let mut resp = Response::new(Body::from(e.body()));
    *resp.status_mut() = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    // a refusal (no key, the limit, a bad question) is kept by no cache
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The server failed: logged here, told as a code without its cause.
fn internal(e: &anyhow::Error) -> Response {
    tracing::error!(error = %format!("{e:#}"), "content API answer failed");
    error_response(&ApiError::new(Code::Internal, "服务器暂时出错,请稍后再试"))
}

/// The key a request names, if it is live and within its limit; else the
/// answer that says why (401, 429 with `Retry-After`).
pub(crate) async fn door(state: &AppState, headers: &HeaderMap) -> Result<ApiKey, Response> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let named = key::from_headers(
        text(header::AUTHORIZATION),
        headers.get("x-api-key").and_then(|v| v.to_str().ok()),
    );
    match state
        .api_keys
        .admit(state.store.as_ref(), &state.cache, named, state.now())
        .await
    {
        Ok(Ok(k)) => Ok(k),
        Ok(Err(refusal)) => {
            let mut resp = error_response(&refusal.error);
            if let Some(secs) = refusal.retry_after {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            if refusal.error.code == Code::BadKey {
                resp.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"gazette-api\""),
                );
            }
            Err(with_cors(state, headers, resp))
        }
        Err(e) => Err(with_cors(state, headers, internal(&e))),
    }
}

/// The sites `key` may read, narrowed to `asked`.
pub(crate) async fn scope(
    state: &AppState,
    headers: &HeaderMap,
    key: &ApiKey,
    asked: Option<&str>,
) -> Result<Scope, Response> {
    let sites = match state.cache.sites(state.store.as_ref()).await {
        Ok(s) => s,
        Err(e) => return Err(with_cors(state, headers, internal(&e))),
    };
    Scope::resolve(&sites, &key.sites, asked)
        .map_err(|e| with_cors(state, headers, error_response(&e)))
}

/// A query string's pairs, or why they cannot be read.
pub(crate) fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(query.unwrap_or("")).map_err(|_| {
        ApiError::new(
            Code::BadParameter,
            "查询参数无法解析:请用 UTF-8 的 URL 编码",
        )
    })
}

/// An API error with the CORS headers the request's origin gets.
pub(crate) fn refuse(state: &AppState, headers: &HeaderMap, e: &ApiError) -> Response {
    with_cors(state, headers, error_response(e))
}

/// The answer cached under `cache_key` (rendered once on a miss), with
/// its ETag (304), the API's `Cache-Control` and CORS headers.
pub(crate) async fn serve<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    cache_key: String,
    render: F,
) -> Response
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Page>>,
{
    let resp = if state.cache.enabled {
        match state.cache.get_or_render(&cache_key, &render).await {
            Ok(Answer::Cached(c)) => Ok(cached_response(&c, headers, false)),
            Ok(Answer::Fresh(page)) => {
                respond(page, false, headers).map_err(|e| anyhow::anyhow!("{e}"))
            }
            Ok(Answer::Retry) => fresh(&render, headers).await,
            Err(e) => Err(e),
        }
    } else {
        fresh(&render, headers).await
    };
    let mut resp = match resp {
        Ok(r) => r,
        Err(e) => internal(&e),
    };
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    with_cors(state, headers, resp)
}

async fn fresh<F, Fut>(render: &F, headers: &HeaderMap) -> anyhow::Result<Response>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Page>>,
{
    let page = render().await?;
    respond(page, false, headers).map_err(|e| anyhow::anyhow!("{e}"))
}

/// An answer rendered for this request alone (search), with the API's
/// headers.
pub(crate) fn uncached(
    state: &AppState,
    headers: &HeaderMap,
    page: anyhow::Result<Page>,
) -> Response {
    let mut resp =
        match page.and_then(|p| respond(p, false, headers).map_err(|e| anyhow::anyhow!("{e}"))) {
            Ok(r) => r,
            Err(e) => internal(&e),
        };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_cors(state, headers, resp)
}

/// The origin a browser page reads from, if the configuration lets it.
fn allowed_origin<'a>(state: &AppState, headers: &'a HeaderMap) -> Option<&'a str> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let allowed = &state.config.limits.api_cors_origins;
    allowed
        .iter()
        .any(|a| a == "*" || a.eq_ignore_ascii_case(origin))
        .then_some(origin)
}

/// CORS: a configured origin may read the answer (and its ETag).
pub(crate) fn with_cors(state: &AppState, headers: &HeaderMap, mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed_origin(state, headers)
        && let Ok(v) = HeaderValue::from_str(origin)
    {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("ETag, Retry-After"),
        );
    }
    resp
}

/// A browser's preflight before it sends the key header: 204, and the
/// CORS headers when its origin is configured.
pub async fn options_preflight(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    if allowed_origin(&state, &headers).is_some() {
        let h = resp.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Authorization, X-Api-Key, If-None-Match"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
    with_cors(&state, &headers, resp)
}

/// The cache key of an answer: the key's sites, the path, the question.
pub(crate) fn cache_key(scope: &Scope, path: &str, canonical: &str) -> String {
    format!("api\t{}\t{path}?{canonical}", scope.key())
}

/// A path under `/api/v1/` that names nothing.
pub async fn get_unknown() -> Response {
    error_response(&ApiError::new(
        Code::NotFound,
        "没有这个接口:接口说明见 /api/v1/docs",
    ))
}
