//! The content API's answers as types: what the handlers serialize is
//! what the OpenAPI document describes (`utoipa::ToSchema`), so the two
//! cannot drift. A story is `domain::api::story::ApiStory`.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::api::story::ApiStory;

/// A site of the group (the city site and the county sites).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({ "id": "main", "name": "滨州网", "url": "https://www.bzcm.net/", "main": true }))]
pub struct ApiSite {
    pub id: String,
    pub name: String,
    /// Its home page.
    pub url: String,
    /// The city site (the others are county sites).
    pub main: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Sites {
    pub data: Vec<ApiSite>,
}

/// A channel (栏目); `parent` is the parent's path (none at the top).
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
    /// In tree order: each channel after its parent.
    pub data: Vec<ApiChannel>,
}

/// A story as lists show it (推荐位, 专题).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiItem {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub signed_at: String,
}

/// A 推荐位 (头条, 焦点图 ...) with its stories in the curated order.
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

/// A tag or a person of a site's stories, with how many stories.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiFacet {
    pub name: String,
    pub stories: i64,
    /// The page listing them.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Facets {
    pub site: String,
    pub data: Vec<ApiFacet>,
}

/// One page of stories, and where the next starts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoryList {
    pub data: Vec<ApiStory>,
    /// The next page's URL (same question, after the last story); none on
    /// the last page. Stable while stories are added.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiHit {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub site: String,
    pub signed_at: String,
    /// Escaped text with the matched words in `<b>`.
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

/// What went wrong: a code for programs and a message in Chinese that says
/// what to fix.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({ "error": { "code": "bad_parameter", "message": "参数 limit 不对:须是 1 到 100 之间的整数" } }))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `bad_parameter`, `not_found`, `gone`, `bad_key`, `out_of_scope`, `rate_limited`.
    pub code: String,
    pub message: String,
}
