//! The content API described: `GET /api/v1/openapi.json`, an OpenAPI 3.1
//! document generated from the handlers' `#[utoipa::path]` attributes and
//! the answers' types (so it cannot drift from them), and
//! `GET /api/v1/docs`, the same document as a page for people (rendered
//! on the server from the document: no script, no CDN). Neither needs a
//! key.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::{sites, stories};
use crate::domain::api::story::{
    ApiAi, ApiByline, ApiChannelRef, ApiCorrection, ApiPicture, ApiReprint, ApiStory,
};
use crate::render::api::schema::{
    ApiChannel, ApiFacet, ApiHit, ApiItem, ApiSite, ApiSlot, Channels, ErrorBody, ErrorDetail,
    Facets, SearchResults, Sites, Slots, StoryList, Topics,
};
use crate::state::AppState;
use crate::web::error::AppError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gazette 内容接口",
        version = "1",
        description = "已发布稿件及站点、栏目、推荐位、专题、标签、作者、搜索的只读接口,供客户端、合作网站和上级平台使用。\n\n每个请求都要带 API 密钥(由网站管理员在后台“API 密钥”中创建):`Authorization: Bearer 密钥` 或 `X-Api-Key: 密钥`。每个密钥有每分钟请求上限,超过时返回 429 和 `Retry-After`。\n\n回答带 ETag:带 `If-None-Match` 再问,未变时返回 304。草稿、审核中、定时未到的稿件从不出现;撤稿的稿件返回 410。错误返回 `{\"error\": {\"code\", \"message\"}}`,message 是中文,说明怎么改。",
    ),
    paths(
        stories::get_stories,
        stories::get_story,
        stories::get_lookup,
        sites::get_search,
        sites::get_sites,
        sites::get_channels,
        sites::get_slots,
        sites::get_topics,
        sites::get_tags,
        sites::get_authors,
    ),
    components(schemas(
        ApiStory, ApiChannelRef, ApiByline, ApiCorrection, ApiReprint, ApiAi, ApiPicture,
        StoryList, Sites, ApiSite, Channels, ApiChannel, Slots, ApiSlot, ApiItem, Topics,
        Facets, ApiFacet, SearchResults, ApiHit, ErrorBody, ErrorDetail, stories::SortParam,
    )),
    modifiers(&KeySchemes),
    tags(
        (name = "stories", description = "稿件:列表、单篇、按网址查找、搜索"),
        (name = "sites", description = "站点及其栏目、推荐位、专题、标签、作者"),
    )
)]
struct ApiDoc;

/// The two ways a request names its key.
struct KeySchemes;

impl utoipa::Modify for KeySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document with this portal's address as its server.
pub fn document(public_url: &str) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.servers = Some(vec![utoipa::openapi::Server::new(public_url)]);
    doc
}

/// The document as served, made once per process.
fn served(state: &AppState) -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    // serialized from the typed document: paths and types keep the order
    // they are declared in above
    DOC.get_or_init(|| {
        document(&state.public_url)
            .to_json()
            .unwrap_or_else(|_| "{}".into())
    })
}

pub async fn get_openapi(State(state): State<AppState>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
        ],
        served(&state),
    )
        .into_response()
}

/// A run of a description: text, or `code` (between backticks).
#[derive(Serialize)]
struct Piece {
    text: String,
    code: bool,
}

/// A description with its `code` runs marked (no markup is trusted: the
/// template escapes every piece).
fn pieces(text: &str) -> Vec<Piece> {
    text.split('`')
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Piece {
            text: t.to_string(),
            code: i % 2 == 1,
        })
        .collect()
}

#[derive(Serialize)]
struct Param {
    name: String,
    place: String,
    required: bool,
    kind: String,
    description: Vec<Piece>,
}

#[derive(Serialize)]
struct Answer {
    status: String,
    description: Vec<Piece>,
    schema: String,
}

#[derive(Serialize)]
struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: Vec<Piece>,
    params: Vec<Param>,
    answers: Vec<Answer>,
}

#[derive(Serialize)]
struct Field {
    name: String,
    kind: String,
    description: Vec<Piece>,
}

#[derive(Serialize)]
struct Schema {
    name: String,
    description: Vec<Piece>,
    fields: Vec<Field>,
    example: String,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A schema's type in words: `string`, `integer | null`, `ApiStory[]`.
fn type_of(v: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(all) = v
        .get("oneOf")
        .or_else(|| v.get("anyOf"))
        .and_then(Value::as_array)
    {
        return all.iter().map(type_of).collect::<Vec<_>>().join(" | ");
    }
    let base = match v.get("type") {
        Some(Value::Array(ts)) => ts.iter().map(text).collect::<Vec<_>>().join(" | "),
        Some(t) => text(t),
        None => "any".into(),
    };
    if base.starts_with("array") {
        if let Some(items) = v.get("items") {
            return base.replacen("array", &format!("{}[]", type_of(items)), 1);
        }
    }
    base
}

/// The document's operations and types, for the page.
fn page_model(doc: &Value) -> (Vec<Operation>, Vec<Schema>) {
    let mut ops = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let params = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| Param {
                                name: text(&p["name"]),
                                place: text(&p["in"]),
                                required: p["required"].as_bool().unwrap_or(false),
                                kind: type_of(&p["schema"]),
                                description: pieces(&text(&p["description"])),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let answers = op["responses"]
                    .as_object()
                    .map(|rs| {
                        rs.iter()
                            .map(|(status, r)| Answer {
                                status: status.clone(),
                                description: pieces(&text(&r["description"])),
                                schema: r["content"]
                                    .as_object()
                                    .and_then(|c| c.values().next())
                                    .map(|m| type_of(&m["schema"]))
                                    .unwrap_or_default(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let description = pieces(&text(&op["description"]));
                ops.push(Operation {
                    anchor: format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(&op["summary"]),
                    description,
                    params,
                    answers,
                });
            }
        }
    }
    let mut schemas = Vec::new();
    if let Some(all) = doc["components"]["schemas"].as_object() {
        for (name, s) in all {
            let fields = s["properties"]
                .as_object()
                .map(|ps| {
                    ps.iter()
                        .map(|(n, p)| Field {
                            name: n.clone(),
                            kind: type_of(p),
                            description: pieces(&text(&p["description"])),
                        })
                        .collect()
                })
                .unwrap_or_default();
            schemas.push(Schema {
                name: name.clone(),
                description: pieces(&text(&s["description"])),
                fields,
                example: s
                    .get("example")
                    .or_else(|| s.get("examples").and_then(|e| e.get(0)))
                    .and_then(|e| serde_json::to_string_pretty(e).ok())
                    .unwrap_or_default(),
            });
        }
    }
    (ops, schemas)
}

pub async fn get_docs(State(state): State<AppState>) -> Result<Response, AppError> {
    let typed = document(&state.public_url);
    let doc = serde_json::to_value(&typed).unwrap_or(Value::Null);
    let (mut operations, mut schemas) = page_model(&doc);
    // a JSON value's keys are sorted: put them back in the declared order
    let paths: Vec<&String> = typed.paths.paths.keys().collect();
    operations.sort_by_key(|o| paths.iter().position(|p| **p == o.path));
    if let Some(c) = &typed.components {
        let names: Vec<&String> = c.schemas.keys().collect();
        schemas.sort_by_key(|s| names.iter().position(|n| **n == s.name));
    }
    let body = state.render.render(
        "api/docs.html",
        minijinja::context! {
            title => text(&doc["info"]["title"]),
            intro => text(&doc["info"]["description"]).split("\n\n").map(pieces).collect::<Vec<_>>(),
            server => state.public_url.to_string(),
            operations,
            schemas,
        },
    )?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}
