//! One render path (DESIGN.md §3): `(host, path) -> Page` for `serve` and, later,
//! the static export. A page carries its bytes and the dependency keys it read
//! (`story:<id>`, `channel:<site>/<path>`, `slot:<site>/<key>`, `site:<site>`).

pub mod api;
pub mod cache;
pub mod chrome;
pub mod feeds;
pub(crate) mod kinds;
pub mod live;
pub mod pictures;
mod portal;
pub(crate) use portal::TAG_PAGE_SIZE;
pub(crate) use portal::site_brand;
pub mod search;
pub mod sitemaps;
pub mod theme;
pub mod video;

use std::collections::BTreeSet;
use std::path::PathBuf;

use minijinja::Environment;
use serde::Serialize;

use crate::clock::Clock;
use crate::db::DynStore;
use crate::search::SearchIndex;

/// What rendering reads, and all it reads: the store, the templates, the
/// render cache and its memos, the search index, the clock and the public
/// URL. `Env` holds one; rendering and the live hub never see the
/// rest of the application (jobs, media writers, the web layer), so they
/// cannot depend on it.
#[derive(Clone)]
pub struct Env {
    pub store: DynStore,
    /// The active theme's templates.
    pub render: std::sync::Arc<Renderer>,
    pub cache: std::sync::Arc<cache::RenderCache>,
    pub search: std::sync::Arc<SearchIndex>,
    pub clock: std::sync::Arc<dyn Clock>,
    /// Absolute base URL of the main site, without a trailing slash.
    pub public_url: std::sync::Arc<str>,
}

impl Env {
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Scheme of the public URL (`http` or `https`), for host-mapped sub-sites.
    pub fn scheme(&self) -> &'static str {
        if self.public_url.starts_with("https://") {
            "https"
        } else {
            "http"
        }
    }
}

/// The text of a `<script type="application/ld+json">`: `<` never appears
/// raw, so no text can close the script element.
pub(crate) fn script_text(ld: &serde_json::Value) -> String {
    ld.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A rendered response of the public site.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// Dependency keys this page read; a change to any of them makes it stale.
    pub deps: BTreeSet<String>,
    /// For 301 answers: where to go.
    pub location: Option<String>,
    /// Last modification time (epoch seconds) where the page knows it.
    pub last_modified: Option<i64>,
    /// The story this is the public page of: a reader's GET of it is a
    /// view (`domain::reach`).
    pub viewed: Option<crate::domain::reach::Viewed>,
}

impl Page {
    pub fn html(status: u16, body: String, deps: BTreeSet<String>) -> Self {
        Self {
            status,
            content_type: "text/html; charset=utf-8",
            body,
            deps,
            location: None,
            last_modified: None,
            viewed: None,
        }
    }

    pub fn redirect(location: String) -> Self {
        Self {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            body: String::new(),
            deps: BTreeSet::new(),
            location: Some(location),
            last_modified: None,
            viewed: None,
        }
    }
}

/// Templates of the active theme.
pub struct Renderer {
    env: Environment<'static>,
    assets: std::sync::Arc<theme::Assets>,
}

impl Renderer {
    pub fn new(theme_dir: Option<PathBuf>) -> Self {
        let assets = std::sync::Arc::new(theme::Assets::load(theme_dir.as_deref()));
        Self {
            env: theme::environment(theme_dir.as_deref(), assets.clone()),
            assets,
        }
    }

    /// Render a template with a serializable context.
    pub fn render<C: Serialize>(&self, name: &str, ctx: C) -> anyhow::Result<String> {
        let tmpl = self.env.get_template(name)?;
        Ok(tmpl.render(ctx)?)
    }

    /// The theme's static assets.
    pub fn assets(&self) -> &theme::Assets {
        &self.assets
    }
}

/// The public page of a story not (yet) live: the newsroom's preview.
pub async fn preview(env: &Env, article: &crate::domain::Article) -> anyhow::Result<Page> {
    portal::preview(env, article).await
}

/// Render the public page at `path` (as requested, with its leading slash)
/// for a request to `host`.
pub async fn page(env: &Env, host: Option<&str>, path: &str) -> anyhow::Result<Page> {
    portal::page(env, host, path, false, None).await
}

/// The file the static export writes for `path`: the same page, except that a
/// story page includes the site's "更多..." fragment (`_inc/more.html`) with
/// an nginx SSI directive instead of carrying the blocks, so a sign-off
/// rewrites one fragment rather than every story page. With `ssi on;` nginx
/// serves exactly the bytes `page` gives.
/// `preloaded`, when given, is what the caller already read for the story
/// at `path` (the export reads stories in batches).
pub async fn export_page(
    env: &Env,
    path: &str,
    preloaded: Option<Preloaded>,
) -> anyhow::Result<Page> {
    portal::page(env, None, path, true, preloaded).await
}

/// A story and its 相关新闻 candidates, read by the caller for many stories
/// at once (see `related_requests`).
pub struct Preloaded {
    pub article: crate::domain::Article,
    pub related: Vec<Vec<crate::domain::ArticleSummary>>,
    /// 上一篇 / 下一篇 from the caller's whole index, when it holds one.
    pub neighbours: Option<crate::domain::article::Neighbours>,
}

/// Read the stories with these ids and their 相关新闻 candidates: two round
/// trips, or one when the caller holds the whole tag index (a full build).
pub async fn preload(
    env: &Env,
    ids: &[i64],
    tags: Option<&crate::domain::article::TagIndex>,
) -> anyhow::Result<std::collections::HashMap<i64, Preloaded>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let articles = env.store.articles_by_ids(ids).await?;
    let requests: Vec<_> = articles.iter().map(portal::related_request).collect();
    let related = match tags {
        Some(index) => requests
            .iter()
            .map(|r| index.tagged_before(r.tags, r.before, crate::domain::article::RELATED_ITEMS))
            .collect(),
        None => {
            env.store
                .tagged_before(&requests, crate::domain::article::RELATED_ITEMS as i64)
                .await?
        }
    };
    Ok(articles
        .into_iter()
        .zip(related)
        .map(|(article, related)| {
            let neighbours = tags.and_then(|index| {
                index.neighbours(
                    article.channel_id,
                    (article.signed_at.unwrap_or(i64::MAX), article.id),
                )
            });
            (
                article.id,
                Preloaded {
                    article,
                    related,
                    neighbours,
                },
            )
        })
        .collect())
}
