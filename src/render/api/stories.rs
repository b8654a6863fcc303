//! `/api/v1/stories`: one page of public stories under a filter, one
//! story by id, one story by its page's URL. A story reads what its page
//! reads (its site and channel, its pictures, what its kind adds through
//! `render::kinds`) and keeps the same dependency keys; a list reads each
//! site's `feed:` key besides, which every write of a site's story logs.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::{Scope, absolute, absolute_json, error, json};
use crate::domain::api::query::ListQuery;
use crate::domain::api::story::{ApiPicture, ApiStory, Place, select, story};
use crate::domain::api::{ApiError, Code, Sort};
use crate::domain::kind::Kind;
use crate::domain::picture::Picture;
use crate::domain::{Article, ChannelTree, Site, Status};
use crate::render::chrome::SiteUrls;
use crate::render::kinds::{StoryInput, of};
use crate::render::pictures::{SIZES_COLUMN, view};
use crate::render::{Env, Page};

/// The API's path of the story list (the base of `next` links).
pub const LIST_PATH: &str = "/api/v1/stories";

/// A story as the API answers it, with the keys its answer read.
async fn api_story(
    env: &Env,
    site: &Site,
    tree: &ChannelTree,
    a: &Article,
    deps: &mut BTreeSet<String>,
) -> anyhow::Result<ApiStory> {
    deps.insert(format!("story:{}", a.id));
    let urls = SiteUrls::new(site, &env.public_url, env.scheme());
    let origin = urls.origin().to_string();
    let canonical = urls.canonical(a.url_path.as_deref().unwrap_or_default());
    let channel = tree.by_id(a.channel_id);
    let pictures: HashMap<i64, Arc<Picture>> = env
        .cache
        .pictures(env.store.as_ref(), &a.parts.image_ids())
        .await?;
    deps.extend(pictures.keys().map(|id| format!("image:{id}")));
    let lead = a.parts.lead.as_ref().and_then(|u| {
        let p = pictures.get(&u.image_id)?;
        let v = view(p, Some(u), None, SIZES_COLUMN, 960);
        Some(ApiPicture {
            id: v.id,
            caption: v.caption,
            credit: v.credit,
            alt: v.alt,
            url: absolute(&v.full, &origin),
            width: v.full_width,
            height: v.full_height,
            webp_srcset: absolute(&v.webp, &origin),
            jpeg_srcset: absolute(&v.jpeg, &origin),
            ai_label: (!v.ai.is_empty()).then(|| v.ai.to_string()),
        })
    });
    let added = of(a.kind)
        .add(&mut StoryInput {
            env,
            article: a,
            pictures: &pictures,
            site_prefix: &site.prefix,
            origin: &origin,
            canonical: &canonical,
            description: &a.summary,
            deps,
        })
        .await?;
    let mut parts = serde_json::Value::Object(added.fields);
    absolute_json(&mut parts, &origin);
    Ok(story(
        a,
        Place {
            url: canonical.clone(),
            channel_path: channel.map(|c| c.path.clone()).unwrap_or_default(),
            channel_name: channel.map(|c| c.name.clone()).unwrap_or_default(),
            lead,
            parts,
            body_html: absolute(&a.body_html, &origin),
        },
    ))
}

/// The keys every answer about `sites` reads: their settings and channels
/// (names, URLs).
fn site_keys(sites: &[String]) -> BTreeSet<String> {
    sites.iter().map(|s| format!("site:{s}")).collect()
}

/// Story `id`: 404 unless public, 410 once withdrawn, 403 outside the
/// key's sites.
pub async fn one(
    env: &Env,
    scope: &Scope,
    id: i64,
    fields: Option<&[String]>,
) -> anyhow::Result<Page> {
    let mut deps: BTreeSet<String> = [format!("story:{id}")].into();
    let article = env.store.article(id).await?;
    let Some(a) = article.filter(|a| matches!(a.status, Status::Published | Status::Withdrawn))
    else {
        return Ok(error(
            &ApiError::new(Code::NotFound, format!("没有已发布的稿件 {id}")),
            deps,
        ));
    };
    if !scope.covers(&a.site_id) {
        return Ok(error(
            &ApiError::new(
                Code::OutOfScope,
                format!("稿件 {id} 属于站点 {},这个密钥不能读取", a.site_id),
            ),
            deps,
        ));
    }
    if a.status == Status::Withdrawn {
        return Ok(error(
            &ApiError::new(
                Code::Gone,
                format!("稿件 {id} 已撤稿(撤回),不再提供;请从您的应用中删除它"),
            ),
            deps,
        ));
    }
    let sites = env.cache.sites(env.store.as_ref()).await?;
    let Some(site) = sites.iter().find(|s| s.id == a.site_id) else {
        return Ok(error(
            &ApiError::new(Code::NotFound, format!("没有已发布的稿件 {id}")),
            deps,
        ));
    };
    deps.extend(site_keys(std::slice::from_ref(&site.id)));
    let tree = env.cache.channels(env.store.as_ref(), &site.id).await?;
    let s = api_story(env, site, &tree, &a, &mut deps).await?;
    Ok(json(200, &select(&s, fields), deps))
}

/// The kinds a list may hold: the listed kinds, or the one asked for.
fn kinds(asked: Option<&str>) -> Result<Vec<&'static str>, ApiError> {
    let listed = Kind::ALL.iter().filter(|k| k.listed());
    match asked {
        None => Ok(listed.map(|k| k.as_str()).collect()),
        Some(name) => listed
            .map(|k| k.as_str())
            .find(|k| *k == name)
            .map(|k| vec![k])
            .ok_or_else(|| {
                ApiError::new(
                    Code::BadParameter,
                    format!(
                        "参数 kind 不对:稿件类型只能是 {}",
                        Kind::ALL
                            .iter()
                            .filter(|k| k.listed())
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                )
            }),
    }
}

/// One page of the stories `q` asks for, newest first, with the `next`
/// link while more follow.
pub async fn list(env: &Env, scope: &Scope, q: &ListQuery) -> anyhow::Result<Page> {
    let mut deps = site_keys(&scope.sites);
    deps.extend(scope.sites.iter().map(|s| format!("feed:{s}")));
    let kinds = match kinds(q.kind.as_deref()) {
        Ok(k) => k,
        Err(e) => return Ok(error(&e, deps)),
    };
    let sites = env.cache.sites(env.store.as_ref()).await?;
    let mut trees: HashMap<String, Arc<ChannelTree>> = HashMap::new();
    for id in &scope.sites {
        trees.insert(
            id.clone(),
            env.cache.channels(env.store.as_ref(), id).await?,
        );
    }
    let channel_id = match &q.channel {
        None => None,
        Some(path) => {
            let [only] = scope.sites.as_slice() else {
                return Ok(error(
                    &ApiError::new(
                        Code::BadParameter,
                        "按栏目筛选时请同时给出 site(栏目路径在各站点内)",
                    ),
                    deps,
                ));
            };
            match trees.get(only).and_then(|t| t.get(path)) {
                Some(c) => Some(c.id),
                None => {
                    return Ok(error(
                        &ApiError::new(
                            Code::NotFound,
                            format!(
                                "站点 {only} 没有栏目 {path}:栏目见 /api/v1/sites/{only}/channels"
                            ),
                        ),
                        deps,
                    ));
                }
            }
        }
    };
    let rows = env
        .store
        .public_stories(&crate::db::PublicStories {
            sites: &scope.sites,
            kinds: &kinds,
            channel_id,
            tag: q.tag.as_deref(),
            updated_since: q.updated_since,
            signed_from: q.signed_from,
            signed_to: q.signed_to,
            sort: q.sort,
            after: q.cursor.map(|c| (c.time, c.id)),
            // one more than the page: whether a next page exists
            limit: q.limit + 1,
        })
        .await?;
    let more = rows.len() as i64 > q.limit;
    let mut data = Vec::with_capacity(rows.len());
    for a in rows.iter().take(q.limit as usize) {
        let (Some(site), Some(tree)) = (
            sites.iter().find(|s| s.id == a.site_id),
            trees.get(&a.site_id),
        ) else {
            continue;
        };
        data.push(api_story(env, site, tree, a, &mut deps).await?);
    }
    let next = match (more, rows.get(q.limit as usize - 1)) {
        (true, Some(last)) => {
            let time = match q.sort {
                Sort::Signed => last.signed_at.unwrap_or(last.created_at),
                Sort::Updated => last
                    .revised_at
                    .or(last.signed_at)
                    .unwrap_or(last.created_at),
            };
            Some(format!(
                "{}{LIST_PATH}?{}",
                env.public_url,
                q.next(time, last.id).canonical()
            ))
        }
        _ => None,
    };
    let fields = q.fields.as_deref();
    let body = serde_json::json!({
        "data": data.iter().map(|s| select(s, fields)).collect::<Vec<_>>(),
        "next": next,
    });
    Ok(json(200, &body, deps))
}

/// The story whose public page is at `url` (absolute, or a path on the
/// main site's host): that story's answer, or 404.
pub async fn by_url(
    env: &Env,
    scope: &Scope,
    url: &str,
    fields: Option<&[String]>,
) -> anyhow::Result<Page> {
    let not_found = |deps| {
        Ok(error(
            &ApiError::new(
                Code::NotFound,
                "这个网址不是已发布稿件的页面:请给出稿件页的完整网址",
            ),
            deps,
        ))
    };
    let (host, path) = split_url(url);
    let sites = env.cache.sites(env.store.as_ref()).await?;
    let deps: BTreeSet<String> = sites.iter().map(|s| format!("site:{}", s.id)).collect();
    let Some((site, rel)) = crate::render::chrome::resolve(&sites, host, path) else {
        return not_found(deps);
    };
    let crate::domain::url::Route::Story { id } = crate::domain::url::route(&rel) else {
        return not_found(deps);
    };
    // a story answers at its own URL only
    match env.store.article(id).await? {
        Some(a) if a.site_id == site.id && a.url_path.as_deref() == Some(rel.as_str()) => {
            let mut page = one(env, scope, id, fields).await?;
            page.deps.extend(deps);
            Ok(page)
        }
        _ => {
            let mut deps = deps;
            deps.insert(format!("story:{id}"));
            not_found(deps)
        }
    }
}

/// (host, path) of an absolute URL or a path.
fn split_url(url: &str) -> (Option<&str>, &str) {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) => match r.find('/') {
            Some(i) => (Some(&r[..i]), &r[i..]),
            None => (Some(r), "/"),
        },
        None => (None, url),
    }
}
