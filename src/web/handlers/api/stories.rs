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
/// to the same names). The field docs are the document's descriptions, so
/// they are in Chinese, for the apps' developers.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code, reason = "documentation of the query parse_list reads")]
pub struct ListParams {
    /// 站点标识(`main`、`zouping`);不写则为密钥可读的全部站点。
    site: Option<String>,
    /// 栏目路径(`zw/yw`):该栏目及其子栏目(须同时写 `site`)。
    channel: Option<String>,
    /// 带这个标签的稿件。
    tag: Option<String>,
    /// 稿件类型:`text`(文字)、`gallery`(图集)、`video`(视频)、`live`(直播)。
    kind: Option<String>,
    /// 更新(更新、更正,否则签发)时间不早于:`2024-06-01` 或 RFC 3339。
    updated_since: Option<String>,
    /// 签发时间不早于。
    signed_from: Option<String>,
    /// 签发时间早于。
    signed_to: Option<String>,
    /// 排序:`signed`(签发时间,默认)或 `updated`(更新时间),新的在前。
    #[param(value_type = Option<SortParam>)]
    sort: Option<String>,
    /// 每页条数,1 到 100(默认 20)。
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// 翻页位置:取自上一页的 `next`。
    cursor: Option<String>,
    /// 每篇只要这些字段(另加 `id`),逗号分隔。
    fields: Option<String>,
}

/// The list's orders, for the document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code, reason = "documentation of the values parse_list takes")]
#[schema(rename_all = "lowercase")]
pub(crate) enum SortParam {
    Signed,
    Updated,
}

/// Public stories, newest first, page by page.
#[utoipa::path(
    get, path = "/api/v1/stories", summary = "已发布稿件列表", description = "按签发或更新时间倒序,逐页读取;可按站点、栏目(含子栏目)、标签、类型、更新时间、签发时间筛选。", tag = "stories",
    params(ListParams),
    responses(
        (status = 200, description = "一页稿件;`next` 是下一页的地址", body = crate::render::api::schema::StoryList),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "密钥不能读取该站点", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "没有该站点或栏目", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/stories/{id}", summary = "单篇稿件", description = "按编号读取一篇已发布稿件;撤稿的稿件返回 410。", tag = "stories",
    params(
        ("id" = i64, Path, minimum = 1, description = "稿件编号"),
        ("fields" = Option<String>, Query, description = "只要这些字段(另加 `id`),逗号分隔"),
    ),
    responses(
        (status = 200, description = "稿件", body = crate::domain::api::story::ApiStory),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "稿件所属站点不在密钥范围内", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "没有这个编号的已发布稿件", body = crate::render::api::schema::ErrorBody),
        (status = 410, description = "已撤稿:请从应用中删除", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
    get, path = "/api/v1/lookup", summary = "按网址查找稿件", description = "给出稿件页的网址,返回这篇稿件。", tag = "stories",
    params(
        ("url" = String, Query, description = "稿件页的网址(完整网址,或主站上的路径)"),
        ("fields" = Option<String>, Query, description = "只要这些字段(另加 `id`),逗号分隔"),
    ),
    responses(
        (status = 200, description = "稿件", body = crate::domain::api::story::ApiStory),
        (status = 400, description = "参数有误(message 说明怎么改)", body = crate::render::api::schema::ErrorBody),
        (status = 401, description = "没带密钥,或密钥无效、已吊销", body = crate::render::api::schema::ErrorBody),
        (status = 403, description = "稿件所属站点不在密钥范围内", body = crate::render::api::schema::ErrorBody),
        (status = 404, description = "不是已发布稿件的页面", body = crate::render::api::schema::ErrorBody),
        (status = 410, description = "已撤稿", body = crate::render::api::schema::ErrorBody),
        (status = 429, description = "本分钟请求已达密钥上限(见 `Retry-After`)", body = crate::render::api::schema::ErrorBody),
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
