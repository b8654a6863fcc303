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
    get, path = "/api/v1/sites", summary = "站点", description = "密钥可读取的站点(市级和县区站点)。", tag = "sites",
    responses(
        (status = 200, description = "站点", body = crate::render::api::schema::Sites),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/sites/{site}/channels", summary = "栏目", description = "站点的栏目树,父栏目在前。", tag = "sites",
    params(("site" = String, Path, description = "站点标识(如 main、zouping)")),
    responses(
        (status = 200, description = "栏目", body = crate::render::api::schema::Channels),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "密钥不能读取该站点", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "没有该站点", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/sites/{site}/slots", summary = "推荐位", description = "站点的推荐位(头条、焦点图等)及其稿件,按编排顺序。", tag = "sites",
    params(("site" = String, Path, description = "站点标识(如 main、zouping)")),
    responses(
        (status = 200, description = "推荐位", body = crate::render::api::schema::Slots),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "密钥不能读取该站点", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "没有该站点", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/sites/{site}/topics", summary = "专题", description = "站点正在展示的专题。", tag = "sites",
    params(("site" = String, Path, description = "站点标识(如 main、zouping)")),
    responses(
        (status = 200, description = "专题", body = crate::render::api::schema::Topics),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "密钥不能读取该站点", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "没有该站点", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/sites/{site}/tags", summary = "标签", description = "站点稿件的标签及各自的稿件数。", tag = "sites",
    params(("site" = String, Path, description = "站点标识(如 main、zouping)")),
    responses(
        (status = 200, description = "标签", body = crate::render::api::schema::Facets),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "密钥不能读取该站点", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "没有该站点", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/sites/{site}/authors", summary = "作者", description = "站点稿件署名中的人及各自的稿件数。", tag = "sites",
    params(("site" = String, Path, description = "站点标识(如 main、zouping)")),
    responses(
        (status = 200, description = "作者", body = crate::render::api::schema::Facets),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "密钥不能读取该站点", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "没有该站点", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/search", summary = "搜索稿件", description = "用网站的搜索引擎搜索已发布稿件。", tag = "stories",
    params(
        ("q" = String, Query, description = "搜索词"),
        ("site" = Option<String>, Query, description = "站点标识,或 `all`(全部)"),
        ("channel" = Option<String>, Query, description = "栏目路径(如 zw/yw)"),
        ("from" = Option<String>, Query, description = "签发日期不早于(如 `2024-06-01`)"),
        ("to" = Option<String>, Query, description = "签发日期不晚于"),
        ("sort" = Option<String>, Query, description = "`relevance`(相关度,默认)或 `newest`(最新)"),
        ("page" = Option<i64>, Query, description = "页码 1 到 100,每页 10 条"),
    ),
    responses(
        (status = 200, description = "搜索结果", body = crate::render::api::schema::SearchResults),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "密钥不能读取该站点", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
