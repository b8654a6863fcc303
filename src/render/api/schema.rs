//! The content API's answers as types: what the handlers serialize is
//! what the OpenAPI document describes (`utoipa::ToSchema`), so the two
//! cannot drift. A story is `domain::api::story::ApiStory`. The types'
//! docs are the document's descriptions, in Chinese for the apps'
//! developers.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::api::story::ApiStory;

/// 集团的一个站点(市级站点和县区站点)。
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({ "id": "main", "name": "滨州网", "url": "https://www.bzcm.net/", "main": true }))]
pub struct ApiSite {
    pub id: String,
    pub name: String,
    /// 首页网址。
    pub url: String,
    /// 是否市级站点(其余为县区站点)。
    pub main: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Sites {
    pub data: Vec<ApiSite>,
}

/// 栏目;`parent` 是父栏目的路径(顶级栏目为 null)。
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({ "id": 3, "path": "zw/yw", "name": "政务要闻", "parent": "zw", "url": "https://www.bzcm.net/zw/yw/" }))]
pub struct ApiChannel {
    pub id: i64,
    pub path: String,
    pub name: String,
    pub parent: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Channels {
    pub site: String,
    /// 按栏目树顺序:子栏目在父栏目之后。
    pub data: Vec<ApiChannel>,
}

/// 列表中的一篇稿件(推荐位、专题)。
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiItem {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub signed_at: String,
}

/// 推荐位(头条、焦点图……)及其稿件,按编排顺序。
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiSlot {
    pub key: String,
    pub name: String,
    pub items: Vec<ApiItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Slots {
    pub site: String,
    pub data: Vec<ApiSlot>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Topics {
    pub site: String,
    pub data: Vec<ApiItem>,
}

/// 站点稿件的一个标签或署名的人,及其稿件数。
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiFacet {
    pub name: String,
    pub stories: i64,
    /// 列出这些稿件的页面。
    pub url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Facets {
    pub site: String,
    pub data: Vec<ApiFacet>,
}

/// 一页稿件,及下一页的地址。
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoryList {
    pub data: Vec<ApiStory>,
    /// 下一页的网址(同样的条件,从本页最后一篇之后开始);最后一页为 null。
    /// 翻页期间有新稿件发布也不会重复或遗漏。
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiHit {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub site: String,
    pub signed_at: String,
    /// 摘要(已转义,命中的词在 `<b>` 中)。
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub data: Vec<ApiHit>,
}

/// 错误:给程序的代码,和说明怎么改的中文消息。
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({ "error": { "code": "bad_parameter", "message": "参数 limit 不对:须是 1 到 100 之间的整数" } }))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `bad_parameter`、`not_found`、`gone`、`bad_key`、`out_of_scope`、`rate_limited`、`internal`。
    pub code: String,
    pub message: String,
}
