//! `GET /api/v1/stories` (a filtered page), `/api/v1/stories/{id}` (one),
//! `/api/v1/lookup?url=` (the story at a page URL).

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{cache_key, door, pairs, refuse, scope, serve};
use crate::domain::api::query::parse_list;
use crate::domain::api::{ApiError, Code};
use crate::render::api::stories;
use crate::state::AppState;

/// The list's parameters, as the OpenAPI document names them (the handler
/// reads them with `domain::api::query::parse_list`; a test holds the two
/// to the same names).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code, reason = "documentation of the query parse_list reads")]
pub struct ListParams {
    /// A site's id (`main`, `zouping`); default: every site the key may read.
    site: Option<String>,
    /// A channel path (`zw/yw`): the channel and its sub-channels (needs `site`).
    channel: Option<String>,
    /// Stories with this tag.
    tag: Option<String>,
    /// `text`, `gallery`, `video`, `live` or `topic`.
    kind: Option<String>,
    /// Updated (更新, correction, else 签发) at or after: `2024-06-01` or RFC 3339.
    updated_since: Option<String>,
    /// Signed off at or after.
    signed_from: Option<String>,
    /// Signed off before.
    signed_to: Option<String>,
    /// `signed` (签发 time, default) or `updated`; newest first.
    sort: Option<String>,
    /// Stories per page, 1 to 100 (default 20).
    limit: Option<i64>,
    /// Where the page starts: take it from the previous page's `next`.
    cursor: Option<String>,
    /// Only these fields of each story (and `id`), comma-separated.
    fields: Option<String>,
}

/// Public stories, newest first, page by page.
#[utoipa::path(
    get, path = "/api/v1/stories", tag = "stories",
    params(ListParams),
    responses(
        (status = 200, description = "One page of stories; `next` is the following page", body = crate::render::api::schema::StoryList),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "No such site or channel", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent (`Retry-After`)", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_stories(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let key = match door(&state, &headers).await {
        Ok(k) => k,
        Err(resp) => return resp,
    };
    let pairs = match pairs(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return refuse(&state, &headers, &e),
    };
    let q = match parse_list(&pairs) {
        Ok(q) => q,
        Err(e) => return refuse(&state, &headers, &e),
    };
    let scope = match scope(&state, &headers, &key, q.site.as_deref()).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let ck = cache_key(&scope, stories::LIST_PATH, &q.canonical());
    serve(&state, &headers, ck, || stories::list(&state, &scope, &q)).await
}

/// `fields=` of a single story's query (nothing else is taken).
fn fields_only(pairs: &[(String, String)]) -> Result<Option<Vec<String>>, ApiError> {
    let mut fields = None;
    for (k, v) in pairs {
        if k != "fields" || fields.is_some() {
            return Err(ApiError::new(
                Code::BadParameter,
                format!(
                    "不认识或重复的参数 {}:这里只用 fields",
                    k.chars().take(40).collect::<String>()
                ),
            ));
        }
        let q = parse_list(&[("fields".to_string(), v.clone())])?;
        fields = q.fields;
    }
    Ok(fields)
}

/// One public story.
#[utoipa::path(
    get, path = "/api/v1/stories/{id}", tag = "stories",
    params(
        ("id" = i64, Path, description = "The story's id"),
        ("fields" = Option<String>, Query, description = "Only these fields (and `id`), comma-separated"),
    ),
    responses(
        (status = 200, description = "The story", body = crate::domain::api::story::ApiStory),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A story of a site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "No published story with that id", body = crate::render::api::schema::ErrorBody),
        (status = 410, description = "Withdrawn (撤稿): remove it from your app", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_story(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let key = match door(&state, &headers).await {
        Ok(k) => k,
        Err(resp) => return resp,
    };
    let Some(id) = id.parse::<i64>().ok().filter(|n| *n > 0) else {
        return refuse(
            &state,
            &headers,
            &ApiError::new(Code::NotFound, "稿件编号应是正整数,如 /api/v1/stories/4001"),
        );
    };
    let fields = match pairs(query.as_deref()).and_then(|p| fields_only(&p)) {
        Ok(f) => f,
        Err(e) => return refuse(&state, &headers, &e),
    };
    let scope = match scope(&state, &headers, &key, None).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let canonical = fields.as_ref().map(|f| f.join(",")).unwrap_or_default();
    let ck = cache_key(&scope, &format!("/api/v1/stories/{id}"), &canonical);
    serve(&state, &headers, ck, || {
        stories::one(&state, &scope, id, fields.as_deref())
    })
    .await
}

/// The story whose page is at a URL.
#[utoipa::path(
    get, path = "/api/v1/lookup", tag = "stories",
    params(
        ("url" = String, Query, description = "The story page's URL (absolute, or a path on the main site)"),
        ("fields" = Option<String>, Query, description = "Only these fields (and `id`), comma-separated"),
    ),
    responses(
        (status = 200, description = "The story", body = crate::domain::api::story::ApiStory),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A story of a site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "Not a published story's page", body = crate::render::api::schema::ErrorBody),
        (status = 410, description = "Withdrawn (撤稿)", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_lookup(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let key = match door(&state, &headers).await {
        Ok(k) => k,
        Err(resp) => return resp,
    };
    let pairs = match pairs(query.as_deref()) {
        Ok(p) => p,
        Err(e) => return refuse(&state, &headers, &e),
    };
    let url: Vec<&String> = pairs
        .iter()
        .filter(|(k, _)| k == "url")
        .map(|(_, v)| v)
        .collect();
    let rest: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "url").cloned().collect();
    let url = match url.as_slice() {
        [u] if !u.trim().is_empty() && u.len() <= 2000 => u.trim().to_string(),
        _ => {
            return refuse(
                &state,
                &headers,
                &ApiError::new(
                    Code::BadParameter,
                    "参数 url 不对:请给出一个稿件页的网址(只给一次)",
                ),
            );
        }
    };
    let fields = match fields_only(&rest) {
        Ok(f) => f,
        Err(e) => return refuse(&state, &headers, &e),
    };
    let scope = match scope(&state, &headers, &key, None).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let canonical = serde_urlencoded::to_string([
        ("url", url.as_str()),
        (
            "fields",
            &fields.as_ref().map(|f| f.join(",")).unwrap_or_default(),
        ),
    ])
    .unwrap_or_default();
    let ck = cache_key(&scope, "/api/v1/lookup", &canonical);
    serve(&state, &headers, ck, || {
        stories::by_url(&state, &scope, &url, fields.as_deref())
    })
    .await
}
