//! `/api/v1/sites` and what each site holds beside its stories: its
//! channel tree, its 推荐位 with their stories, its live 专题, its tags and
//! the people of its bylines. Each answer keeps the keys its page twins
//! read (`site:`, `slot:`, `topics:`, `feed:`).

use std::collections::BTreeSet;

use super::schema::{
    ApiChannel, ApiFacet, ApiItem, ApiSite, ApiSlot, Channels, Facets, Sites, Slots, Topics,
};
use super::{Scope, error, json};
use crate::domain::api::story::rfc3339;
use crate::domain::api::{ApiError, Code};
use crate::domain::url::Facet;
use crate::domain::{ArticleSummary, Site};
use crate::render::chrome::SiteUrls;
use crate::render::{Env, Page};

/// Most stories a 推荐位 answers with.
const SLOT_ITEMS: i64 = 50;

fn urls(env: &Env, site: &Site) -> SiteUrls {
    SiteUrls::new(site, &env.public_url, env.scheme())
}

/// The sites the key may read.
pub async fn sites(env: &Env, scope: &Scope) -> anyhow::Result<Page> {
    let all = env.cache.sites(env.store.as_ref()).await?;
    let mut deps = BTreeSet::new();
    let data = all
        .iter()
        .filter(|s| scope.covers(&s.id))
        .map(|s| {
            deps.insert(format!("site:{}", s.id));
            ApiSite {
                id: s.id.clone(),
                name: s.name.clone(),
                url: urls(env, s).canonical(""),
                main: s.is_main(),
            }
        })
        .collect();
    Ok(json(200, &Sites { data }, deps))
}

/// The one site a per-site answer is about, or its error page.
async fn one_site(env: &Env, scope: &Scope, id: &str) -> anyhow::Result<Result<Site, Page>> {
    let all = env.cache.sites(env.store.as_ref()).await?;
    let deps: BTreeSet<String> = [format!("site:{id}")].into();
    Ok(match all.iter().find(|s| s.id == id) {
        Some(s) if scope.covers(id) => Ok(s.clone()),
        Some(_) => Err(error(
            &ApiError::new(
                Code::OutOfScope,
                format!("这个密钥不能读取站点 {id}:请向管理员申请"),
            ),
            deps,
        )),
        None => Err(error(
            &ApiError::new(Code::NotFound, "没有这个站点:可用的站点见 /api/v1/sites"),
            deps,
        )),
    })
}

/// A site's channels in tree order.
pub async fn channels(env: &Env, scope: &Scope, site_id: &str) -> anyhow::Result<Page> {
    let site = match one_site(env, scope, site_id).await? {
        Ok(s) => s,
        Err(page) => return Ok(page),
    };
    let tree = env.cache.channels(env.store.as_ref(), &site.id).await?;
    let u = urls(env, &site);
    let mut data = Vec::new();
    fn walk(
        tree: &crate::domain::ChannelTree,
        path: &str,
        u: &SiteUrls,
        out: &mut Vec<ApiChannel>,
    ) {
        for c in tree.children(path) {
            out.push(ApiChannel {
                id: c.id,
                path: c.path.clone(),
                name: c.name.clone(),
                parent: c.parent_path().map(str::to_string),
                url: u.canonical(&crate::domain::url::channel_page_path(&c.path, 1)),
            });
            walk(tree, &c.path, u, out);
        }
    }
    for root in tree.roots() {
        data.push(ApiChannel {
            id: root.id,
            path: root.path.clone(),
            name: root.name.clone(),
            parent: None,
            url: u.canonical(&crate::domain::url::channel_page_path(&root.path, 1)),
        });
        walk(&tree, &root.path, &u, &mut data);
    }
    Ok(json(
        200,
        &Channels {
            site: site.id.clone(),
            data,
        },
        [format!("site:{}", site.id)].into(),
    ))
}

fn item(u: &SiteUrls, s: &ArticleSummary) -> ApiItem {
    ApiItem {
        id: s.id,
        title: s.title.clone(),
        url: u.canonical(&s.url_path),
        signed_at: rfc3339(s.signed_at),
    }
}

/// A site's 推荐位, each with its live stories in the curated order.
pub async fn slots(env: &Env, scope: &Scope, site_id: &str) -> anyhow::Result<Page> {
    let site = match one_site(env, scope, site_id).await? {
        Ok(s) => s,
        Err(page) => return Ok(page),
    };
    let u = urls(env, &site);
    let mut deps: BTreeSet<String> = [format!("site:{}", site.id)].into();
    let mut data = Vec::new();
    for slot in env.store.slots(Some(&site.id)).await? {
        deps.insert(format!("slot:{}/{}", site.id, slot.key));
        let items = env.store.slot_items(slot.id, SLOT_ITEMS, env.now()).await?;
        data.push(ApiSlot {
            key: slot.key.clone(),
            name: slot.name.clone(),
            items: items.iter().map(|s| item(&u, s)).collect(),
        });
    }
    Ok(json(
        200,
        &Slots {
            site: site.id.clone(),
            data,
        },
        deps,
    ))
}

/// A site's live 专题.
pub async fn topics(env: &Env, scope: &Scope, site_id: &str) -> anyhow::Result<Page> {
    let site = match one_site(env, scope, site_id).await? {
        Ok(s) => s,
        Err(page) => return Ok(page),
    };
    let u = urls(env, &site);
    let live = env.cache.live_topics(env.store.as_ref(), &site.id).await?;
    let data = live
        .iter()
        .filter_map(|t| {
            Some(ApiItem {
                id: t.id,
                title: t.title.clone(),
                url: u.canonical(t.url_path.as_deref()?),
                signed_at: rfc3339(t.signed_at.unwrap_or(t.created_at)),
            })
        })
        .collect();
    Ok(json(
        200,
        &Topics {
            site: site.id.clone(),
            data,
        },
        [
            format!("site:{}", site.id),
            crate::domain::topic::site_key(&site.id),
        ]
        .into(),
    ))
}

/// A site's tags (`Facet::Tag`) or byline people (`Facet::Author`), each
/// with its count of live stories.
pub async fn facets(env: &Env, scope: &Scope, site_id: &str, facet: Facet) -> anyhow::Result<Page> {
    let site = match one_site(env, scope, site_id).await? {
        Ok(s) => s,
        Err(page) => return Ok(page),
    };
    let u = urls(env, &site);
    let data = env
        .store
        .facet_values(facet, &site.id)
        .await?
        .into_iter()
        .map(|(name, stories)| ApiFacet {
            url: u.canonical(&crate::domain::url::facet_page_path(facet, &name, 1)),
            name,
            stories,
        })
        .collect();
    Ok(json(
        200,
        &Facets {
            site: site.id.clone(),
            data,
        },
        // every write of a site's story logs its `feed:` key
        [format!("site:{}", site.id), format!("feed:{}", site.id)].into(),
    ))
}
