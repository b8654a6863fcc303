//! The public pages: dispatch of a site-relative path to its page (home,
//! channel lists, stories, fragments, feeds, error pages), each page kind in
//! its own file; a story's kind adds its part through `render::kinds`.

mod channel;
mod ctx;
mod errors;
mod fragments;
mod home;
mod jsonld;
mod rank;
mod related;
mod story;
mod topics;

use std::collections::BTreeSet;

use ctx::{Brand, Ctx, brand};
use errors::not_found;
use story::story_file;

use super::chrome::{self, SiteUrls};
use super::{Env, Page};
use crate::domain::url::{Route, channel_page_path, route};

pub(crate) use channel::TAG_PAGE_SIZE;
pub(crate) use ctx::site_brand;
pub(crate) use related::related_request;
pub(crate) use story::preview;

pub(in crate::render) async fn page(
    env: &Env,
    host: Option<&str>,
    path: &str,
    export: bool,
    preloaded: Option<crate::render::Preloaded>,
) -> anyhow::Result<Page> {
    let sites = env.cache.sites(env.store.as_ref()).await?;
    if let Some(site) = chrome::prefix_without_slash(&sites, path) {
        return Ok(Page::redirect(site.prefix.clone()));
    }
    let Some((site, rel)) = chrome::resolve(&sites, host, path) else {
        let mut page = Page::html(
            503,
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>站点尚未配置</title></head>\
             <body><h1>站点尚未配置</h1><p>还没有主站(路径前缀为 / 的站点)。运行 <code>gazette serve --demo</code> \
             载入示例内容,或用 <code>gazette import --create-channels</code> 导入稿件。</p></body></html>"
                .to_string(),
            BTreeSet::new(),
        );
        page.content_type = "text/html; charset=utf-8";
        return Ok(page);
    };
    let tree = env.cache.channels(env.store.as_ref(), &site.id).await?;
    let cfg = env;
    let mut ctx = Ctx {
        env,
        sites: &sites,
        site,
        tree,
        urls: SiteUrls::new(site, &cfg.public_url, cfg.scheme()),
        deps: BTreeSet::new(),
        export,
        brand: Brand::default(),
    };
    ctx.brand = brand(&mut ctx).await?;
    ctx.deps.insert(format!("site:{}", site.id));
    // every site's footer falls back to the main site's facts, and shows the region list
    for s in ctx.sites.iter().filter(|s| s.is_main()) {
        ctx.deps.insert(format!("site:{}", s.id));
    }
    let mut page = match route(&rel) {
        Route::Home => home::home(ctx).await,
        Route::Channel { path, page } => channel::channel(ctx, &path, page).await,
        Route::ChannelNoSlash { path } if ctx.tree.get(&path).is_some() => {
            Ok(Page::redirect(ctx.urls.link(&channel_page_path(&path, 1))))
        }
        Route::Story { id } => story::story(ctx, &rel, id, preloaded).await,
        Route::Facet { facet, value, page } => channel::facet(ctx, facet, &value, page).await,
        Route::Topic { slug } => topics::topic(ctx, &rel, &slug).await,
        Route::TopicSection { slug, n, page } => topics::section(ctx, &slug, n, page).await,
        Route::TopicList { page } => topics::list(ctx, page).await,
        Route::TopicFeed { slug } => topics::feed(ctx, &slug).await,
        Route::Ranking { channel } => rank::ranking(ctx, &channel).await,
        Route::RankingRule => rank::rule(ctx).await,
        Route::MoreBlocks { channel } => fragments::more_fragment(ctx, &channel).await,
        Route::LiveEntries { id } => story_file(ctx, id, &rel).await,
        Route::Feed { channel, atom } => match channel {
            None => crate::render::feeds::feed(env, site, &ctx.tree, None, atom).await,
            Some(path) => match ctx.tree.get(&path).cloned() {
                Some(c) => crate::render::feeds::feed(env, site, &ctx.tree, Some(&c), atom).await,
                None => not_found(ctx),
            },
        },
        // sitemaps and robots.txt belong to the main site (the host root)
        Route::SitemapIndex if site.is_main() => {
            crate::render::sitemaps::sitemap_index(env, &sites).await
        }
        Route::SitemapSections if site.is_main() => {
            crate::render::sitemaps::sitemap_sections(env, &sites).await
        }
        Route::Sitemap { n } if site.is_main() => {
            match crate::render::sitemaps::sitemap_block(env, &sites, n).await? {
                Some(p) => Ok(p),
                None => not_found(ctx),
            }
        }
        Route::NewsSitemap if site.is_main() => {
            match crate::render::sitemaps::news_sitemap(env, &sites).await? {
                Some(p) => Ok(p),
                None => {
                    // it comes back with the next story a change brings
                    ctx.deps.insert("sitemap".into());
                    not_found(ctx)
                }
            }
        }
        Route::Robots if site.is_main() => Ok(crate::render::sitemaps::robots(env, &sites)),
        Route::SitemapIndex
        | Route::SitemapSections
        | Route::Sitemap { .. }
        | Route::NewsSitemap
        | Route::Robots => not_found(ctx),
        Route::ChannelNoSlash { .. } | Route::NotFound => not_found(ctx),
    }?;
    // every page is as new as its rendering: a cached page is rendered
    // again after any change to what it read (a story's page too: its
    // blocks and neighbours change without the story), so a conditional
    // GET by date is answered 304 only while nothing it shows changed
    if page.status == 200 {
        page.last_modified = Some(env.now());
    }
    Ok(page)
}
