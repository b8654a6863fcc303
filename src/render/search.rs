//! The public search page (`{prefix}search?q=`) and its JSON twin
//! (`{prefix}search.json?q=`). Not cached: every query is live. Hits are
//! re-read from the database, so a story withdrawn a moment ago is never shown
//! even before the index has caught up.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Env;
use super::Page;
use super::chrome::{self, SiteUrls};
use crate::domain::text::{date_iso, parse_rfc3339};
use crate::domain::{ChannelTree, Status};
use crate::search::{Filters, SearchError, Sort};

pub const PER_PAGE: usize = 10;
pub(crate) const MAX_PAGE: usize = 100;

/// Query-string parameters, all optional and all untrusted.
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
}

#[derive(Debug, Serialize)]
pub struct Result_ {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub date: String,
    pub site: String,
    /// HTML: escaped text with the matched words in `<b>`.
    pub snippet: String,
}

#[derive(Debug, Serialize)]
struct Outcome {
    total: usize,
    page: usize,
    pages: usize,
    results: Vec<Result_>,
}

fn parse_date(s: &str, end: bool) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let ts = parse_rfc3339(&format!("{s}T00:00:00+08:00"))
        .filter(|_| s.len() == 10)
        .ok_or_else(|| format!("日期“{s}”格式不对,应为 2024-04-19 这样的形式"))?;
    Ok(Some(if end { ts + 86_400 } else { ts }))
}

/// Check the parameters; the error says what to fix.
pub(crate) fn filters(
    params: &Params,
    default_site: Option<&str>,
) -> Result<(Filters, Sort, usize), String> {
    let site = match params.site.trim() {
        "" => default_site.map(str::to_string),
        "all" => None,
        s if s.len() <= 50
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
        {
            Some(s.to_string())
        }
        _ => return Err("站点参数无效".into()),
    };
    let channel = match params.channel.trim().trim_matches('/') {
        "" => None,
        c if crate::domain::channel::valid_path(c) => Some(c.to_string()),
        _ => return Err("栏目参数无效".into()),
    };
    let from = parse_date(&params.from, false)?;
    let until = parse_date(&params.to, true)?;
    if let (Some(f), Some(u)) = (from, until) {
        if f >= u {
            return Err("开始日期不能晚于结束日期".into());
        }
    }
    let sort = match params.sort.trim() {
        "" | "relevance" => Sort::Relevance,
        "newest" | "date" => Sort::Newest,
        _ => return Err("排序参数只能是 relevance 或 newest".into()),
    };
    let page = match params.page.trim() {
        "" => 1,
        p => match p.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => return Err(format!("页码应为 1 到 {MAX_PAGE} 之间的数字")),
        },
    };
    Ok((
        Filters {
            site,
            channel,
            from,
            until,
        },
        sort,
        page,
    ))
}

async fn run(
    env: &Env,
    params: &Params,
    default_site: Option<&str>,
) -> Result<Outcome, (u16, String)> {
    let (filters, sort, page) = filters(params, default_site).map_err(|m| (400, m))?;
    let hits = env
        .search
        .search(&params.q, &filters, sort, (page - 1) * PER_PAGE, PER_PAGE)
        .map_err(|e| match e {
            SearchError::Internal(m) => (500, m),
            e => (400, e.to_string()),
        })?;
    let articles = env
        .store
        .articles_by_ids(&hits.ids)
        .await
        .map_err(|e| (500, e.to_string()))?;
    let by_id: HashMap<i64, _> = articles.into_iter().map(|a| (a.id, a)).collect();
    let sites = env.store.sites().await.map_err(|e| (500, e.to_string()))?;
    let cfg = env;
    let mut results = Vec::new();
    for id in &hits.ids {
        let Some(a) = by_id.get(id).filter(|a| a.status == Status::Published) else {
            continue;
        };
        let Some(site) = sites.iter().find(|s| s.id == a.site_id) else {
            continue;
        };
        let text = crate::domain::html::html_to_text(&a.body_html);
        results.push(Result_ {
            id: a.id,
            title: a.title.clone(),
            url: SiteUrls::new(site, &cfg.public_url, cfg.scheme())
                .link(a.url_path.as_deref().unwrap_or_default()),
            date: a.signed_at.map(date_iso).unwrap_or_default(),
            site: site.name.clone(),
            snippet: env.search.snippet(&hits, &text, 160),
        });
    }
    let pages = hits.total.div_ceil(PER_PAGE).clamp(1, MAX_PAGE);
    Ok(Outcome {
        total: hits.total,
        page,
        pages,
        results,
    })
}

/// Whether `rel` (site-relative) is a search path: `search` or `search.json`.
pub fn is_search_path(rel: &str) -> bool {
    rel == "search" || rel == "search.json"
}

#[derive(Serialize)]
struct SiteOption {
    id: String,
    name: String,
    selected: bool,
}

#[derive(Serialize)]
struct PageLink {
    n: usize,
    url: String,
    current: bool,
}

/// Render the search page or JSON for a request to (host, path) with `query`.
/// Returns `None` when the path is not a search path.
pub async fn page(
    env: &Env,
    host: Option<&str>,
    path: &str,
    query: Option<&str>,
) -> anyhow::Result<Option<Page>> {
    let sites = env.store.sites().await?;
    let Some((site, rel)) = chrome::resolve(&sites, host, path) else {
        return Ok(None);
    };
    if !is_search_path(&rel) {
        return Ok(None);
    }
    let params: Params = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    let default_site = (!site.is_main()).then_some(site.id.as_str());
    let outcome = if params.q.trim().is_empty() && rel == "search" {
        Err((200, String::new()))
    } else {
        run(env, &params, default_site).await
    };
    if rel == "search.json" {
        let (status, body) = match &outcome {
            Ok(o) => (
                200,
                serde_json::json!({ "query": params.q.trim(), "total": o.total, "page": o.page,
                "pages": o.pages, "per_page": PER_PAGE, "results": o.results }),
            ),
            Err((status, msg)) => (*status, serde_json::json!({ "error": msg })),
        };
        let mut p = Page::html(status, body.to_string(), Default::default());
        p.content_type = "application/json; charset=utf-8";
        return Ok(Some(p));
    }
    let tree = ChannelTree::new(env.store.channels(&site.id).await?);
    let cfg = env;
    let urls = SiteUrls::new(site, &cfg.public_url, cfg.scheme());
    let chrome = chrome::chrome(&sites, site, &tree, None, &cfg.public_url, cfg.scheme());
    let selected_site = match params.site.trim() {
        "" => default_site.unwrap_or("all").to_string(),
        s => s.to_string(),
    };
    let mut site_options = vec![SiteOption {
        id: "all".into(),
        name: "全部站点".into(),
        selected: selected_site == "all",
    }];
    site_options.extend(sites.iter().map(|s| SiteOption {
        id: s.id.clone(),
        name: s.name.clone(),
        selected: s.id == selected_site,
    }));
    let (status, error, total, pages, page_no, results) = match outcome {
        Ok(o) => (200, String::new(), o.total, o.pages, o.page, o.results),
        Err((status, msg)) => (status, msg, 0, 0, 1, Vec::new()),
    };
    let link_for = |n: usize| {
        let mut pairs: Vec<(&str, String)> = vec![("q", params.q.trim().to_string())];
        for (k, v) in [
            ("site", &params.site),
            ("channel", &params.channel),
            ("from", &params.from),
            ("to", &params.to),
            ("sort", &params.sort),
        ] {
            if !v.trim().is_empty() {
                pairs.push((k, v.trim().to_string()));
            }
        }
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        format!(
            "{}?{}",
            urls.link("search"),
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let page_links: Vec<PageLink> = (page_no.saturating_sub(4).max(1)..=(page_no + 4).min(pages))
        .map(|n| PageLink {
            n,
            url: link_for(n),
            current: n == page_no,
        })
        .collect();
    let ctx = minijinja::context! {
        page_title => if params.q.trim().is_empty() { format!("搜索 - {}", chrome.site_title) } else { format!("{} - 搜索 - {}", params.q.trim(), chrome.site_title) },
        description => format!("在{}搜索新闻", chrome.site_title),
        canonical => Option::<String>::None,
        chrome,
        brand => super::portal::site_brand(env, &sites, site).await?.0,
        action => urls.link("search"),
        q => params.q.trim(),
        channel => params.channel.trim(),
        from => params.from.trim(),
        to => params.to.trim(),
        sort => if params.sort.trim() == "newest" { "newest" } else { "relevance" },
        site_options,
        error,
        searched => !params.q.trim().is_empty(),
        total,
        page => page_no,
        pages,
        results,
        prev => (page_no > 1).then(|| link_for(page_no - 1)),
        next => (page_no < pages).then(|| link_for(page_no + 1)),
        page_links,
    };
    let body = env.render.render("portal/search.html", ctx)?;
    let status = if status == 500 { 500 } else { status };
    Ok(Some(Page::html(status, body, Default::default())))
}
