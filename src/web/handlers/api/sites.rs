//! `GET /api/v1/sites` and each site's channels, 推荐位, 专题, tags and
//! people; `GET /api/v1/search`.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{cache_key, door, pairs, refuse, scope, serve, uncached};
use crate::domain::api::{ApiError, Code};
use crate::domain::url::Facet;
use crate::render::api::{Scope, sites};
use crate::state::AppState;

/// The door and the key's sites for a request that takes no parameters.
async fn admitted(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Scope, Response> {
    let key = door(state, headers).await?;
    if query.is_some_and(|q| !q.is_empty()) {
        return Err(refuse(
            state,
            headers,
            &ApiError::new(Code::BadParameter, "这里不接受查询参数:请去掉 ? 后面的部分"),
        ));
    }
    scope(state, headers, &key, None).await
}

/// The sites the key may read.
#[utoipa::path(
    get, path = "/api/v1/sites", tag = "sites",
    responses(
        (status = 200, description = "The sites", body = crate::render::api::schema::Sites),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_sites(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let scope = match admitted(&state, &headers, query.as_deref()).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let ck = cache_key(&scope, "/api/v1/sites", "");
    serve(&state, &headers, ck, || sites::sites(&state, &scope)).await
}

/// What a site holds, answered by `render` (the site's id is checked
/// there: 404 unknown, 403 outside the key's sites).
async fn site_part<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    path: String,
    render: F,
) -> Response
where
    F: Fn(Scope) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<crate::render::Page>>,
{
    let scope = match admitted(state, headers, query).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let ck = cache_key(&scope, &path, "");
    serve(state, headers, ck, || render(scope.clone())).await
}

/// A site's channels (栏目) in tree order.
#[utoipa::path(
    get, path = "/api/v1/sites/{site}/channels", tag = "sites",
    params(("site" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The channels", body = crate::render::api::schema::Channels),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "No such site", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_channels(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("/api/v1/sites/{site}/channels");
    site_part(&state, &headers, query.as_deref(), path, |scope| {
        let (state, site) = (&state, &site);
        async move { sites::channels(state, &scope, site).await }
    })
    .await
}

/// A site's 推荐位 (头条, 焦点图 ...), each with its stories in order.
#[utoipa::path(
    get, path = "/api/v1/sites/{site}/slots", tag = "sites",
    params(("site" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The slots", body = crate::render::api::schema::Slots),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "No such site", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_slots(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("/api/v1/sites/{site}/slots");
    site_part(&state, &headers, query.as_deref(), path, |scope| {
        let (state, site) = (&state, &site);
        async move { sites::slots(state, &scope, site).await }
    })
    .await
}

/// A site's live 专题.
#[utoipa::path(
    get, path = "/api/v1/sites/{site}/topics", tag = "sites",
    params(("site" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The topics", body = crate::render::api::schema::Topics),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "No such site", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_topics(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("/api/v1/sites/{site}/topics");
    site_part(&state, &headers, query.as_deref(), path, |scope| {
        let (state, site) = (&state, &site);
        async move { sites::topics(state, &scope, site).await }
    })
    .await
}

/// A site's tags, each with its count of live stories.
#[utoipa::path(
    get, path = "/api/v1/sites/{site}/tags", tag = "sites",
    params(("site" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The tags", body = crate::render::api::schema::Facets),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "No such site", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_tags(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("/api/v1/sites/{site}/tags");
    site_part(&state, &headers, query.as_deref(), path, |scope| {
        let (state, site) = (&state, &site);
        async move { sites::facets(state, &scope, site, Facet::Tag).await }
    })
    .await
}

/// The people of a site's bylines, each with its count of live stories.
#[utoipa::path(
    get, path = "/api/v1/sites/{site}/authors", tag = "sites",
    params(("site" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The people", body = crate::render::api::schema::Facets),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "No such site", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_authors(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(site): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("/api/v1/sites/{site}/authors");
    site_part(&state, &headers, query.as_deref(), path, |scope| {
        let (state, site) = (&state, &site);
        async move { sites::facets(state, &scope, site, Facet::Author).await }
    })
    .await
}

/// Search the stories (the portal's search engine).
#[utoipa::path(
    get, path = "/api/v1/search", tag = "stories",
    params(
        ("q" = String, Query, description = "The words to search for"),
        ("site" = Option<String>, Query, description = "A site's id, or `all`"),
        ("channel" = Option<String>, Query, description = "A channel path"),
        ("from" = Option<String>, Query, description = "Signed off on or after this day (`2024-06-01`)"),
        ("to" = Option<String>, Query, description = "Signed off on or before this day"),
        ("sort" = Option<String>, Query, description = "`relevance` (default) or `newest`"),
        ("page" = Option<i64>, Query, description = "Page 1 to 100, 10 hits each"),
    ),
    responses(
        (status = 200, description = "Hits", body = crate::render::api::schema::SearchResults),
        (status = 400, description = "A parameter to fix", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "No key, or a key revoked", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "A site the key may not read", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "The key's limit this minute is spent", body = crate::render::api::schema::ErrorBody),
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub async fn get_search(
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
    let scope = match scope(&state, &headers, &key, None).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let page = crate::render::api::search::search(&state, &scope, &pairs).await;
    uncached(&state, &headers, page)
}
