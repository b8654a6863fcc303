//! `/api/v1/search`: the portal's search engine (`search::SearchIndex`)
//! for apps. Not cached (every query is live); hits are re-read from the
//! database as published, so a story withdrawn a moment ago never shows.

use std::collections::HashMap;

use super::schema::{ApiHit, SearchResults};
use super::{Scope, error, json};
use crate::domain::Status;
use crate::domain::api::story::rfc3339;
use crate::domain::api::{ApiError, Code};
use crate::render::chrome::SiteUrls;
use crate::render::search::{MAX_PAGE, PER_PAGE, Params, filters};
use crate::render::{Env, Page};
use crate::search::SearchError;

const PARAMS: &[&str] = &["q", "site", "channel", "from", "to", "sort", "page"];

fn bad(message: String) -> Page {
    error(
        &ApiError::new(Code::BadParameter, message),
        Default::default(),
    )
}

/// One page of hits for `pairs` (the query string), within the key's sites.
pub async fn search(env: &Env, scope: &Scope, pairs: &[(String, String)]) -> anyhow::Result<Page> {
    let mut params = Params::default();
    for (k, v) in pairs {
        let slot = match k.as_str() {
            "q" => &mut params.q,
            "site" => &mut params.site,
            "channel" => &mut params.channel,
            "from" => &mut params.from,
            "to" => &mut params.to,
            "sort" => &mut params.sort,
            "page" => &mut params.page,
            _ => {
                return Ok(bad(format!(
                    "不认识的参数 {}:可用的参数有 {}",
                    k.chars().take(40).collect::<String>(),
                    PARAMS.join("、")
                )));
            }
        };
        if !slot.is_empty() {
            return Ok(bad(format!("参数 {k} 只能出现一次")));
        }
        *slot = v.clone();
    }
    if params.q.trim().is_empty() {
        return Ok(bad("参数 q 不对:请写要搜索的词".into()));
    }
    // the key's one site, when it covers one only
    let default_site = match scope.sites.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };
    let (filters, sort, page) = match filters(&params, default_site) {
        Ok(f) => f,
        Err(m) => return Ok(bad(m)),
    };
    if let Some(site) = &filters.site
        && !scope.covers(site)
    {
        return Ok(error(
            &ApiError::new(
                Code::OutOfScope,
                format!("这个密钥不能读取站点 {site}:请向管理员申请"),
            ),
            Default::default(),
        ));
    }
    let hits = match env
        .search
        .search(&params.q, &filters, sort, (page - 1) * PER_PAGE, PER_PAGE)
    {
        Ok(h) => h,
        Err(SearchError::Internal(m)) => anyhow::bail!("search: {m}"),
        Err(e) => return Ok(bad(e.to_string())),
    };
    let articles = env.store.articles_by_ids(&hits.ids).await?;
    let by_id: HashMap<i64, _> = articles.into_iter().map(|a| (a.id, a)).collect();
    let sites = env.cache.sites(env.store.as_ref()).await?;
    let mut data = Vec::new();
    for id in &hits.ids {
        let Some(a) = by_id
            .get(id)
            .filter(|a| a.status == Status::Published && scope.covers(&a.site_id))
        else {
            continue;
        };
        let Some(site) = sites.iter().find(|s| s.id == a.site_id) else {
            continue;
        };
        let text = crate::domain::html::html_to_text(&a.body_html);
        data.push(ApiHit {
            id: a.id,
            title: a.title.clone(),
            url: SiteUrls::new(site, &env.public_url, env.scheme())
                .canonical(a.url_path.as_deref().unwrap_or_default()),
            site: site.id.clone(),
            signed_at: rfc3339(a.signed_at.unwrap_or(a.created_at)),
            snippet: env.search.snippet(&hits, &text, 160),
        });
    }
    Ok(json(
        200,
        &SearchResults {
            query: params.q.trim().to_string(),
            total: hits.total,
            page,
            pages: hits.total.div_ceil(PER_PAGE).clamp(1, MAX_PAGE),
            data,
        },
        Default::default(),
    ))
}
