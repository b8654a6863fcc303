//! The public pages: home, channel lists, stories, and the 404/410 pages,
//! each with the site chrome.

use std::collections::BTreeSet;

use anyhow::Context as _;
use serde::Serialize;

use super::Env;
use super::Page;
use super::cache::Listed;
use super::chrome::{self, Chrome, SiteUrls};
use super::pictures::{PictureView, SIZES_LEAD, SIZES_THUMB};
use crate::domain::article::{RELATED_ITEMS, byline_text};
use crate::domain::channel::ListStyle;
use crate::domain::channel::paging;
use crate::domain::html::{body_with_dateline, html_excerpt};
use crate::domain::kind::Kind;
use crate::domain::picture::Ratio;
use crate::domain::text::{LIST_TITLE_CELLS, date_cn, date_iso, date_mmdd, excerpt};
use crate::domain::url::{MORE_BLOCKS_PATH, Route, channel_page_path, route};
use crate::domain::{ArticleSummary, BlockSource, Channel, ChannelTree, Reprint, Site, Status};

/// Items in each "更多..." block and home block.
const BLOCK_ITEMS: i64 = 8;
/// The slots the home page's top shows in their own places (焦点 leads, 头条 beside it).
const HOME_SLOTS: &[&str] = &[LEAD_SLOT, "toutiao"];
/// The 焦点 slot: the home page's 焦点图 carousel.
const LEAD_SLOT: &str = "jiaodian";
/// Items the carousel turns through.
const CAROUSEL_ITEMS: usize = 6;

/// Everything a page needs about its site while rendering.
struct Ctx<'a> {
    env: &'a Env,
    sites: &'a [Site],
    site: &'a Site,
    tree: std::sync::Arc<ChannelTree>,
    urls: SiteUrls,
    deps: BTreeSet<String>,
    /// Rendering for the static export: story pages include the shared
    /// "更多..." fragment by SSI instead of carrying the blocks.
    export: bool,
    /// The site's logo and favicon (filled by `brand`).
    brand: Brand,
}

/// The site's pictures in the page chrome.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Brand {
    /// The header logo: URL, and its size at 48 px high.
    logo: Option<(String, u32, u32)>,
    favicon: Option<(String, &'static str)>,
}

/// Height of the header logo.
const LOGO_HEIGHT: u32 = 48;

/// Load the site's logo and favicon pictures (a county site without its own
/// uses the main site's).
async fn brand(ctx: &mut Ctx<'_>) -> anyhow::Result<Brand> {
    let (brand, deps) = site_brand(ctx.env, ctx.sites, ctx.site).await?;
    ctx.deps.extend(deps);
    Ok(brand)
}

/// A site's logo and favicon, and the dependency keys they read.
pub(crate) async fn site_brand(
    env: &Env,
    sites: &[Site],
    site: &Site,
) -> anyhow::Result<(Brand, Vec<String>)> {
    let main = sites.iter().find(|s| s.is_main());
    let pick = |f: fn(&crate::domain::SiteSettings) -> Option<i64>| {
        f(&site.settings).or_else(|| main.and_then(|m| f(&m.settings)))
    };
    let (logo_id, icon_id) = (pick(|s| s.logo_image), pick(|s| s.favicon_image));
    let ids: Vec<i64> = logo_id.into_iter().chain(icon_id).collect();
    if ids.is_empty() {
        return Ok((Brand::default(), Vec::new()));
    }
    let found = env.cache.pictures(env.store.as_ref(), &ids).await?;
    let deps = found.keys().map(|id| format!("image:{id}")).collect();
    let logo = logo_id.and_then(|id| found.get(&id)).map(|p| {
        let w = (u64::from(p.width) * u64::from(LOGO_HEIGHT) / u64::from(p.height.max(1))).max(1);
        (p.url(), w as u32, LOGO_HEIGHT)
    });
    let favicon = icon_id.and_then(|id| found.get(&id)).map(|p| {
        match p.largest(Some(Ratio::Square)) {
            // a square crop unless the original is small and may be transparent
            Some((url, _, _)) if p.width > 256 || p.mime == "image/jpeg" => (url, "image/jpeg"),
            _ => (
                p.url(),
                crate::domain::media_key::content_type(&p.key).unwrap_or("image/png"),
            ),
        }
    });
    Ok((Brand { logo, favicon }, deps))
}

impl Ctx<'_> {
    fn chrome(&self, current_root: Option<&str>) -> Chrome {
        let cfg = self.env;
        chrome::chrome(
            self.sites,
            self.site,
            &self.tree,
            current_root,
            &cfg.public_url,
            cfg.scheme(),
        )
    }

    /// Link to a story of any site by its summary.
    fn story_url(&self, s: &ArticleSummary) -> String {
        let cfg = self.env;
        match self.sites.iter().find(|x| x.id == s.site_id) {
            Some(site) if site.id != self.site.id => {
                SiteUrls::new(site, &cfg.public_url, cfg.scheme()).link(&s.url_path)
            }
            _ => self.urls.link(&s.url_path),
        }
    }

    fn item(&self, s: &ArticleSummary, date: String) -> ListItem {
        ListItem {
            title: s.list_title(LIST_TITLE_CELLS),
            full_title: s.title.clone(),
            url: self.story_url(s),
            date,
            summary: s.summary.clone(),
            blurb: excerpt(&s.summary, 60),
            thumb: None,
            gallery: if s.kind == Kind::Gallery {
                s.pictures
            } else {
                0
            },
            video: if s.kind == Kind::Video && s.duration > 0 {
                crate::domain::video::clock(s.duration)
            } else {
                String::new()
            },
            ai: s.ai.label(),
        }
    }

    /// The library pictures `ids` names, each a dependency of the page.
    async fn pictures(
        &mut self,
        ids: &[i64],
    ) -> anyhow::Result<
        std::collections::HashMap<i64, std::sync::Arc<crate::domain::picture::Picture>>,
    > {
        let found = self
            .env
            .cache
            .pictures(self.env.store.as_ref(), ids)
            .await?;
        for id in found.keys() {
            self.deps.insert(format!("image:{id}"));
        }
        Ok(found)
    }

    /// Give each item its story's cover picture, cropped to `ratio`.
    async fn with_covers(
        &mut self,
        items: &mut [ListItem],
        stories: &[ArticleSummary],
        ratio: Ratio,
        sizes: &'static str,
        prefer_width: u32,
    ) -> anyhow::Result<()> {
        let ids: Vec<i64> = stories.iter().filter_map(|s| s.cover).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let found = self.pictures(&ids).await?;
        for (item, s) in items.iter_mut().zip(stories) {
            if let Some(p) = s.cover.and_then(|id| found.get(&id)) {
                item.thumb = Some(super::pictures::view(
                    p,
                    None,
                    Some(ratio),
                    sizes,
                    prefer_width,
                ));
            }
        }
        Ok(())
    }

    fn crumbs(&self, channel_path: &str) -> Vec<Crumb> {
        self.tree
            .chain(channel_path)
            .into_iter()
            .map(|c| Crumb {
                name: c.name.clone(),
                url: self.urls.link(&channel_page_path(&c.path, 1)),
            })
            .collect()
    }

    fn base(
        &self,
        page_title: String,
        description: String,
        canonical: Option<String>,
        current_root: Option<&str>,
    ) -> Base {
        Base {
            page_title,
            description,
            canonical,
            asset_base: "/",
            chrome: self.chrome(current_root),
            brand: self.brand.clone(),
        }
    }

    fn finish<C: Serialize>(self, status: u16, template: &str, ctx: C) -> anyhow::Result<Page> {
        let body = self
            .env
            .render
            .render(template, ctx)
            .with_context(|| format!("rendering {template}"))?;
        Ok(Page::html(status, body, self.deps))
    }

    async fn channel_block(
        &mut self,
        channel: &Channel,
        title: String,
        date_fmt: fn(i64) -> String,
    ) -> anyhow::Result<Block> {
        let dep = format!("channel:{}/{}", self.site.id, channel.path);
        let store = &self.env.store;
        let listed = self
            .env
            .cache
            .list(&dep, || async {
                Ok(Listed {
                    items: store.channel_page(channel.id, BLOCK_ITEMS, 0).await?,
                    ..Listed::default()
                })
            })
            .await?;
        self.deps.insert(dep);
        let mut items: Vec<ListItem> = listed
            .items
            .iter()
            .map(|s| self.item(s, date_fmt(s.signed_at)))
            .collect();
        if channel.list_style == ListStyle::Pictures {
            self.with_covers(&mut items, &listed.items, Ratio::Standard, SIZES_THUMB, 320)
                .await?;
        }
        Ok(Block {
            title,
            url: Some(self.urls.link(&channel_page_path(&channel.path, 1))),
            items,
            style: channel.list_style,
        })
    }

    async fn slot_block(
        &mut self,
        key: &str,
        title: impl Fn(&str) -> String,
    ) -> anyhow::Result<Option<Block>> {
        let dep = format!("slot:{}/{key}", self.site.id);
        let (store, site_id) = (&self.env.store, &self.site.id);
        let now = self.env.now();
        let listed = self
            .env
            .cache
            .list(&dep, || async {
                Ok(match store.slot(site_id, key).await? {
                    Some(slot) => Listed {
                        items: store.slot_items(slot.id, slot.size, now).await?,
                        name: Some(slot.name),
                        style: slot.style,
                    },
                    None => Listed::default(),
                })
            })
            .await?;
        self.deps.insert(dep);
        let Some(name) = &listed.name else {
            return Ok(None);
        };
        let mut items: Vec<ListItem> = listed
            .items
            .iter()
            .map(|s| self.item(s, date_mmdd(s.signed_at)))
            .collect();
        // the 焦点图 carousel shows its items wide; a 图文 block as thumbnails
        if key == LEAD_SLOT {
            self.with_covers(&mut items, &listed.items, Ratio::Wide, SIZES_LEAD, 960)
                .await?;
        } else if listed.style == ListStyle::Pictures {
            self.with_covers(&mut items, &listed.items, Ratio::Standard, SIZES_THUMB, 320)
                .await?;
        }
        Ok(Some(Block {
            title: title(name),
            url: None,
            items,
            style: listed.style,
        }))
    }
}

#[derive(Serialize)]
struct Base {
    page_title: String,
    description: String,
    canonical: Option<String>,
    asset_base: &'static str,
    chrome: Chrome,
    brand: Brand,
}

#[derive(Serialize)]
struct Crumb {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct ListItem {
    title: String,
    full_title: String,
    url: String,
    date: String,
    summary: String,
    /// The summary cut for a 图文 line.
    blurb: String,
    /// The cover picture (图文 lists, the carousel).
    thumb: Option<PictureView>,
    /// A gallery's picture count (0: not a gallery).
    gallery: i64,
    /// A video's length (`03:12`; empty: not a video).
    video: String,
    /// The explicit AI label beside the title (empty: not declared).
    ai: &'static str,
}

#[derive(Serialize)]
struct Block {
    title: String,
    url: Option<String>,
    items: Vec<ListItem>,
    style: ListStyle,
}

pub(super) async fn page(
    env: &Env,
    host: Option<&str>,
    path: &str,
    export: bool,
    preloaded: Option<super::Preloaded>,
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
    match route(&rel) {
        Route::Home => home(ctx).await,
        Route::Channel { path, page } => channel(ctx, &path, page).await,
        Route::ChannelNoSlash { path } if ctx.tree.get(&path).is_some() => {
            Ok(Page::redirect(ctx.urls.link(&channel_page_path(&path, 1))))
        }
        Route::Story { id } => story(ctx, &rel, id, preloaded).await,
        Route::MoreBlocks => more_fragment(ctx).await,
        Route::LiveEntries { id } => live_entries(ctx, id).await,
        Route::Feed { channel, atom } => match channel {
            None => super::feeds::feed(env, site, &ctx.tree, None, atom).await,
            Some(path) => match ctx.tree.get(&path).cloned() {
                Some(c) => super::feeds::feed(env, site, &ctx.tree, Some(&c), atom).await,
                None => not_found(ctx),
            },
        },
        // sitemaps and robots.txt belong to the main site (the host root)
        Route::SitemapIndex if site.is_main() => super::feeds::sitemap_index(env, &sites).await,
        Route::SitemapSections if site.is_main() => {
            super::feeds::sitemap_sections(env, &sites).await
        }
        Route::Sitemap { n } if site.is_main() => {
            match super::feeds::sitemap_block(env, &sites, n).await? {
                Some(p) => Ok(p),
                None => not_found(ctx),
            }
        }
        Route::NewsSitemap if site.is_main() => super::feeds::news_sitemap(env, &sites).await,
        Route::Robots if site.is_main() => Ok(super::feeds::robots(env)),
        Route::SitemapIndex
        | Route::SitemapSections
        | Route::Sitemap { .. }
        | Route::NewsSitemap
        | Route::Robots => not_found(ctx),
        Route::ChannelNoSlash { .. } | Route::NotFound => not_found(ctx),
    }
}

#[derive(Serialize)]
struct HomeCtx {
    #[serde(flatten)]
    base: Base,
    /// The 焦点图 carousel: the 焦点 slot's first items with their pictures.
    carousel: Option<Block>,
    headlines: Option<Block>,
    slot_blocks: Vec<Block>,
    channel_blocks: Vec<Block>,
}

async fn home(mut ctx: Ctx<'_>) -> anyhow::Result<Page> {
    let carousel = ctx
        .slot_block(LEAD_SLOT, |n| n.to_string())
        .await?
        .filter(|b| !b.items.is_empty())
        .map(|mut b| {
            b.items.truncate(CAROUSEL_ITEMS);
            b
        });
    let headlines = ctx.slot_block("toutiao", |n| n.to_string()).await?;
    // the slots an editor made (县区动态 ...), in their order
    let mut slot_blocks = Vec::new();
    for slot in ctx.env.store.slots(Some(&ctx.site.id)).await? {
        if HOME_SLOTS.contains(&slot.key.as_str()) {
            continue;
        }
        if let Some(b) = ctx.slot_block(&slot.key, |n| n.to_string()).await? {
            if !b.items.is_empty() {
                slot_blocks.push(b);
            }
        }
    }
    let roots: Vec<Channel> = ctx.tree.roots().cloned().collect();
    let mut channel_blocks = Vec::with_capacity(roots.len());
    for c in &roots {
        channel_blocks.push(ctx.channel_block(c, c.name.clone(), date_mmdd).await?);
    }
    let site = ctx.site;
    let title = ctx.chrome(None).site_title;
    let description = if site.settings.description.is_empty() {
        title.clone()
    } else {
        site.settings.description.clone()
    };
    let base = ctx.base(title, description, Some(ctx.urls.canonical("")), None);
    ctx.finish(
        200,
        "portal/home.html",
        HomeCtx {
            base,
            carousel,
            headlines,
            slot_blocks,
            channel_blocks,
        },
    )
}

#[derive(Serialize)]
struct PagerLink {
    n: u32,
    url: String,
    current: bool,
    gap: bool,
}

#[derive(Serialize)]
struct Pager {
    page: u32,
    pages: u32,
    total: i64,
    first: String,
    last: String,
    prev: Option<String>,
    next: Option<String>,
    links: Vec<PagerLink>,
}

#[derive(Serialize)]
struct ChannelCtx {
    #[serde(flatten)]
    base: Base,
    crumbs: Vec<Crumb>,
    channel: ChannelInfo,
    children: Vec<Crumb>,
    items: Vec<ListItem>,
    pager: Pager,
}

#[derive(Serialize)]
struct ChannelInfo {
    name: String,
    path: String,
    style: ListStyle,
}

/// Page numbers to link: the first, the last, and two either side of the current.
fn pager_window(page: u32, pages: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(page) <= 2 {
            if last_shown != 0 && n > last_shown + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last_shown = n;
        }
    }
    out
}

async fn channel(mut ctx: Ctx<'_>, path: &str, page: u32) -> anyhow::Result<Page> {
    let Some(channel) = ctx.tree.get(path).cloned() else {
        // not a channel: a site page (单页) at `{slug}/`, if one is live
        let rel = crate::domain::page::page_path(path);
        if page == 1 && crate::domain::page::slug_of(&rel).is_some() {
            if let Some(id) = ctx.env.store.page_at(&ctx.site.id, &rel).await? {
                return story(ctx, &rel, id, None).await;
            }
        }
        return not_found(ctx);
    };
    let size = channel.page_size.clamp(1, 200);
    let total = ctx.env.store.channel_count(channel.id).await?;
    let Some((offset, limit)) = paging::window(total, size, i64::from(page)) else {
        return not_found(ctx);
    };
    let pages = u32::try_from(paging::pages(total, size)).unwrap_or(u32::MAX);
    // page 1 moves with every story; older pages only when a block fills or
    // a change lands behind page 1 (`channel-pages:` in the change log)
    ctx.deps.insert(if page == 1 {
        format!("channel:{}/{}", ctx.site.id, channel.path)
    } else {
        format!("channel-pages:{}/{}", ctx.site.id, channel.path)
    });
    let summaries = ctx
        .env
        .store
        .channel_page(channel.id, limit, offset)
        .await?;
    let mut items: Vec<ListItem> = summaries
        .iter()
        .map(|s| ctx.item(s, date_iso(s.signed_at)))
        .collect();
    if channel.list_style == ListStyle::Pictures {
        ctx.with_covers(&mut items, &summaries, Ratio::Standard, SIZES_THUMB, 320)
            .await?;
    }
    let link = |n: u32| ctx.urls.link(&channel_page_path(&channel.path, n));
    let pager = Pager {
        page,
        pages,
        total,
        first: link(1),
        last: link(pages),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        links: pager_window(page, pages)
            .into_iter()
            .map(|n| match n {
                Some(n) => PagerLink {
                    n,
                    url: link(n),
                    current: n == page,
                    gap: false,
                },
                None => PagerLink {
                    n: 0,
                    url: String::new(),
                    current: false,
                    gap: true,
                },
            })
            .collect(),
    };
    let children = ctx
        .tree
        .children(&channel.path)
        .map(|c| Crumb {
            name: c.name.clone(),
            url: ctx.urls.link(&channel_page_path(&c.path, 1)),
        })
        .collect();
    let crumbs = ctx.crumbs(&channel.path);
    let site_title = ctx.chrome(None).site_title;
    let page_title = if page > 1 {
        format!("{}(第{page}页) - {site_title}", channel.name)
    } else {
        format!("{} - {site_title}", channel.name)
    };
    let description = format!("{site_title}{}栏目", channel.name);
    let root = crate::domain::channel::ancestry(&channel.path)[0].to_string();
    let base = ctx.base(
        page_title,
        description,
        Some(ctx.urls.canonical(&channel_page_path(&channel.path, page))),
        Some(&root),
    );
    let info = ChannelInfo {
        name: channel.name.clone(),
        path: channel.path.clone(),
        style: channel.list_style,
    };
    ctx.finish(
        200,
        "portal/channel.html",
        ChannelCtx {
            base,
            crumbs,
            channel: info,
            children,
            items,
            pager,
        },
    )
}

#[derive(Serialize)]
struct StoryView {
    title: String,
    subtitle: Option<String>,
    byline: String,
    signed_date: String,
    /// 更新: when a later revision went live, with the time of day.
    revised: Option<String>,
    /// 更正 notices: (date, text).
    corrections: Vec<(String, String)>,
    reprint: Option<Reprint>,
    body_html: String,
    editor: String,
    /// The 题图.
    lead: Option<PictureView>,
    /// A gallery's pictures, in order.
    gallery: Vec<PictureView>,
    /// A 视频 story's player.
    video: Option<super::video::VideoView>,
    /// A 直播 story's status and entries.
    live: Option<super::live::LiveView>,
    /// The explicit AI label (显式标识) and the notice under the title.
    ai_label: &'static str,
    ai_notice: &'static str,
}

#[derive(Serialize)]
struct StoryCtx {
    #[serde(flatten)]
    base: Base,
    crumbs: Vec<Crumb>,
    a: StoryView,
    /// JSON-LD `NewsArticle` (and `ImageGallery`), escaped for a `<script>` element.
    jsonld: String,
    og_url: String,
    /// The share card's picture: absolute URL, width, height, alt.
    og_image: Option<(String, u32, u32, String)>,
    /// The share card's video: absolute MP4 URL, width, height.
    og_video: Option<(String, u32, u32)>,
    related: Vec<ListItem>,
    blocks: Vec<Block>,
    /// In the export: the SSI path of the "更多..." fragment.
    more_include: Option<String>,
}

/// The "更多..." blocks under every story of a site (the site's settings say
/// which slots and channels).
async fn more_blocks(ctx: &mut Ctx<'_>) -> anyhow::Result<Vec<Block>> {
    let mut blocks = Vec::new();
    for source in ctx.site.settings.article_blocks.clone() {
        match source {
            BlockSource::Slot(key) => {
                if let Some(b) = ctx.slot_block(&key, |n| format!("更多{n}")).await? {
                    blocks.push(b);
                }
            }
            BlockSource::Channel(path) => {
                if let Some(c) = ctx.tree.get(&path).cloned() {
                    blocks.push(
                        ctx.channel_block(&c, format!("更多{}", c.name), date_mmdd)
                            .await?,
                    );
                }
            }
        }
    }
    Ok(blocks)
}

#[derive(Serialize)]
struct MoreCtx {
    blocks: Vec<Block>,
}

/// `_inc/more.html`: the blocks alone, byte for byte what a story page
/// carries in their place.
/// A 直播 story's entries snapshot (JSON): what readers' polls read; it
/// depends on `live:ID`, so the render cache and the export rewrite it once
/// per approved entry.
async fn live_entries(mut ctx: Ctx<'_>, id: i64) -> anyhow::Result<Page> {
    ctx.deps.insert(format!("story:{id}"));
    ctx.deps.insert(format!("live:{id}"));
    let a = match ctx.env.store.article(id).await? {
        Some(a)
            if a.site_id == ctx.site.id
                && a.kind == Kind::Live
                && a.status == crate::domain::Status::Published =>
        {
            a
        }
        _ => return not_found(ctx),
    };
    let planned = a.parts.live.as_ref().map_or(0, |l| l.starts_at);
    let json = super::live::snapshot(ctx.env, id, planned).await?;
    let mut page = Page::html(200, json.to_string(), ctx.deps);
    page.content_type = "application/json; charset=utf-8";
    Ok(page)
}

async fn more_fragment(mut ctx: Ctx<'_>) -> anyhow::Result<Page> {
    let blocks = more_blocks(&mut ctx).await?;
    ctx.finish(200, "portal/more_blocks.html", MoreCtx { blocks })
}

/// What `related` asks the store for a story.
pub(super) fn related_request(a: &crate::domain::Article) -> crate::db::TaggedBefore<'_> {
    crate::db::TaggedBefore {
        tags: &a.tags[..a.tags.len().min(RELATED_TAGS)],
        before: (a.signed_at.unwrap_or(i64::MAX), a.id),
    }
}

/// Tags a 相关新闻 block looks under.
const RELATED_TAGS: usize = 8;

/// 相关新闻: the newest earlier stories sharing the story's tags (see
/// `rank_related`). Only earlier stories, so a later sign-off never changes
/// the list: the live site and the static export agree.
async fn related(
    ctx: &mut Ctx<'_>,
    a: &crate::domain::Article,
    candidates: Option<Vec<Vec<ArticleSummary>>>,
) -> anyhow::Result<Vec<ListItem>> {
    let per_tag = match candidates {
        Some(c) => c,
        None => ctx
            .env
            .store
            .tagged_before(&[related_request(a)], RELATED_ITEMS as i64)
            .await?
            .pop()
            .unwrap_or_default(),
    };
    // no `story:` key per listed story: a write of a story logs `related:`
    // for every story whose list may show it (its next few under each tag,
    // before and after the write), and this page reads `related:{id}`
    let ranked = crate::domain::article::rank_related(&a.site_id, per_tag, RELATED_ITEMS);
    Ok(ranked
        .iter()
        .map(|s| ctx.item(s, date_iso(s.signed_at)))
        .collect())
}

async fn story(
    mut ctx: Ctx<'_>,
    rel: &str,
    id: i64,
    preloaded: Option<super::Preloaded>,
) -> anyhow::Result<Page> {
    // `related:{id}`: a story signed before this one may enter its 相关新闻
    ctx.deps
        .extend([format!("story:{id}"), format!("related:{id}")]);
    let (article, candidates) = match preloaded.filter(|p| p.article.id == id) {
        Some(p) => (Some(p.article), Some(p.related)),
        None => (ctx.env.store.article(id).await?, None),
    };
    let Some(a) =
        article.filter(|a| a.site_id == ctx.site.id && a.url_path.as_deref() == Some(rel))
    else {
        return not_found(ctx);
    };
    match a.status {
        Status::Published => {}
        Status::Withdrawn => return gone(ctx),
        _ => return not_found(ctx),
    }
    render_story(ctx, a, rel, candidates).await
}

/// A story of `env`'s site, as its public page shows it (used for the
/// newsroom's preview too, on content not yet live).
pub(crate) async fn preview(env: &Env, a: &crate::domain::Article) -> anyhow::Result<Page> {
    let sites = env.store.sites().await?;
    let site = sites
        .iter()
        .find(|s| s.id == a.site_id)
        .ok_or_else(|| anyhow::anyhow!("no site {}", a.site_id))?;
    let tree = std::sync::Arc::new(ChannelTree::new(env.store.channels(&site.id).await?));
    let cfg = env;
    let ctx = Ctx {
        env,
        sites: &sites,
        site,
        tree,
        urls: SiteUrls::new(site, &cfg.public_url, cfg.scheme()),
        deps: BTreeSet::new(),
        export: false,
        brand: Brand::default(),
    };
    let mut ctx = ctx;
    ctx.brand = brand(&mut ctx).await?;
    let rel = a.url_path.clone().unwrap_or_default();
    render_story(ctx, a.clone(), &rel, None).await
}

async fn render_story(
    mut ctx: Ctx<'_>,
    a: crate::domain::Article,
    rel: &str,
    related_candidates: Option<Vec<Vec<ArticleSummary>>>,
) -> anyhow::Result<Page> {
    let channel_path = ctx
        .tree
        .by_id(a.channel_id)
        .map(|c| c.path.clone())
        .unwrap_or_default();
    let is_page = a.kind == Kind::Page;
    let crumbs = if is_page {
        Vec::new()
    } else {
        ctx.crumbs(&channel_path)
    };
    let (blocks, more_include) = if is_page {
        (Vec::new(), None)
    } else if ctx.export {
        (
            Vec::new(),
            Some(format!("{}{MORE_BLOCKS_PATH}", ctx.site.prefix)),
        )
    } else {
        (more_blocks(&mut ctx).await?, None)
    };
    let related = if is_page {
        Vec::new()
    } else {
        related(&mut ctx, &a, related_candidates).await?
    };
    let body_html = body_with_dateline(&a.body_html, &a.source);
    // pictures: the 题图 and a gallery's from the library, and the body's own
    let parts = ctx.pictures(&a.parts.image_ids()).await?;
    let lead_picture = a
        .parts
        .lead
        .as_ref()
        .and_then(|u| Some((parts.get(&u.image_id)?.clone(), u)));
    let lead = lead_picture
        .as_ref()
        .map(|(p, u)| super::pictures::view(p, Some(u), None, super::pictures::SIZES_COLUMN, 960));
    let gallery: Vec<PictureView> = a
        .parts
        .gallery
        .iter()
        .filter_map(|u| {
            let p = parts.get(&u.image_id)?;
            Some(super::pictures::view(
                p,
                Some(u),
                None,
                super::pictures::SIZES_COLUMN,
                960,
            ))
        })
        .collect();
    let video = match (a.kind, &a.parts.video) {
        (Kind::Video, Some(u)) => {
            ctx.deps.insert(format!("video:{}", u.video_id));
            match ctx.env.store.video(u.video_id).await? {
                Some(v) if v.site_id == a.site_id => {
                    let poster = lead_picture
                        .as_ref()
                        .and_then(|(p, _)| p.largest(Some(Ratio::Wide)).map(|(url, _, _)| url));
                    Some(super::video::view(&v, poster))
                }
                _ => None,
            }
        }
        _ => None,
    };
    let live = match a.kind {
        Kind::Live => {
            let planned = a.parts.live.as_ref().map_or(0, |l| l.starts_at);
            let mut view = super::live::page_view(ctx.env, a.id, planned, &mut ctx.deps).await?;
            // a county site's snapshot is under its own prefix
            view.poll = format!(
                "{}{}",
                ctx.site.prefix,
                crate::domain::url::live_entries_path(a.id)
            );
            Some(view)
        }
        _ => None,
    };
    let keys = crate::domain::picture::body_keys(&body_html);
    let mut by_key = std::collections::HashMap::new();
    if !keys.is_empty() {
        for p in ctx.env.store.pictures_by_key(&a.site_id, &keys).await? {
            ctx.deps.insert(format!("image:{}", p.id));
            by_key.insert(p.key.clone(), std::sync::Arc::new(p));
        }
    }
    let body_html = super::pictures::body_with_pictures(&body_html, &by_key);
    // the picture share cards and search engines show: the 题图, else the gallery's first
    let cover = a
        .parts
        .cover()
        .and_then(|u| Some((parts.get(&u.image_id)?.clone(), u)));
    let origin = ctx.urls.origin().to_string();
    let absolute = |path: &str| format!("{origin}{path}");
    let og_image = cover.as_ref().and_then(|(p, u)| {
        let (url, w, h) = p.largest(Some(Ratio::Wide))?;
        let alt = if u.alt.is_empty() {
            p.alt.clone()
        } else {
            u.alt.clone()
        };
        Some((absolute(&url), w, h, alt))
    });
    let ld_images: Vec<String> = cover
        .as_ref()
        .map(|(p, _)| {
            Ratio::ALL
                .iter()
                .filter_map(|r| p.largest(Some(*r)).map(|(url, _, _)| absolute(&url)))
                .collect()
        })
        .unwrap_or_default();
    let logo = publisher_logo(&mut ctx).await?;
    let description = if a.summary.trim().is_empty() {
        html_excerpt(&body_html, 120)
    } else {
        excerpt(&a.summary, 120)
    };
    let site_title = ctx.chrome(None).site_title;
    let root = crate::domain::channel::ancestry(&channel_path)[0].to_string();
    let mut base = ctx.base(
        format!("{} - {site_title}", a.title),
        description,
        Some(ctx.urls.canonical(rel)),
        (!is_page).then_some(root.as_str()),
    );
    base.chrome
        .channels
        .iter_mut()
        .for_each(|c| c.current = false);
    let canonical = ctx.urls.canonical(rel);
    let publisher = ctx
        .sites
        .iter()
        .find(|s| s.is_main())
        .unwrap_or(ctx.site)
        .organisation()
        .to_string();
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": a.signed_at.map(crate::domain::text::datetime_rfc3339),
        "dateModified": a.revised_at.or(a.signed_at).map(crate::domain::text::datetime_rfc3339),
        "author": a.byline.iter().map(|b| serde_json::json!({"@type": "Person", "name": b.name})).collect::<Vec<_>>(),
        "publisher": match &logo {
            Some((url, w, h)) => serde_json::json!({"@type": "Organization", "name": publisher,
                "logo": {"@type": "ImageObject", "url": absolute(url), "width": w, "height": h}}),
            None => serde_json::json!({"@type": "Organization", "name": publisher}),
        },
        "mainEntityOfPage": canonical,
        "description": base.description,
        "image": ld_images,
    });
    let mut ld = ld;
    if let Some(t) = a.ai.digital_source_type() {
        ld["digitalSourceType"] = serde_json::json!(t);
    }
    if is_page {
        // a site page is the organisation's statement, not news
        ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": a.title,
            "url": canonical,
            "dateModified": ld["dateModified"],
            "publisher": ld["publisher"],
            "description": ld["description"],
        });
    }
    let mut also = Vec::new();
    if let Some(v) = video.as_ref().and_then(|v| {
        super::video::structured(
            v,
            &a.title,
            &base.description,
            a.signed_at.map(crate::domain::text::datetime_rfc3339),
            absolute,
        )
    }) {
        let mut v = v;
        v["@context"] = serde_json::json!("https://schema.org");
        also.push(v);
    }
    if let Some(l) = &live {
        also.push(super::live::structured(l, &a.title, &canonical));
    }
    let og_video = video
        .as_ref()
        .filter(|v| v.ready)
        .map(|v| (absolute(&v.mp4), v.width, v.height));
    let ld = if gallery.is_empty() {
        ld
    } else {
        let images: Vec<serde_json::Value> = gallery
            .iter()
            .map(|g| {
                serde_json::json!({
                    "@type": "ImageObject",
                    "contentUrl": absolute(&g.full),
                    "width": g.full_width,
                    "height": g.full_height,
                    "caption": g.caption,
                    "creditText": g.credit,
                    "description": g.alt,
                })
            })
            .collect();
        serde_json::json!([ld, {
            "@context": "https://schema.org",
            "@type": "ImageGallery",
            "name": a.title,
            "url": canonical,
            "associatedMedia": images,
        }])
    };
    let ld = match (ld, also.is_empty()) {
        (ld, true) => ld,
        (serde_json::Value::Array(mut list), false) => {
            list.extend(also);
            serde_json::Value::Array(list)
        }
        (ld, false) => {
            let mut list = vec![ld];
            list.extend(also);
            serde_json::Value::Array(list)
        }
    };
    // `<` never appears raw, so no text can close the script element
    let jsonld = ld
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let view = StoryView {
        title: a.title.clone(),
        subtitle: a.subtitle.clone().filter(|s| !s.trim().is_empty()),
        byline: byline_text(&a.byline),
        signed_date: a.signed_at.map(date_cn).unwrap_or_default(),
        revised: a.revised_at.map(|t| {
            crate::domain::text::to_cst(t)
                .format("%Y年%m月%d日 %H:%M")
                .to_string()
        }),
        corrections: a
            .corrections
            .iter()
            .map(|c| (date_cn(c.at), c.text.clone()))
            .collect(),
        reprint: a.reprint.clone().filter(|r| !r.source.trim().is_empty()),
        body_html,
        editor: a.editor.clone(),
        lead,
        gallery,
        video,
        live,
        ai_label: a.ai.label(),
        ai_notice: a.ai.notice(),
    };
    let template = match a.kind {
        Kind::Text => "portal/article.html",
        Kind::Gallery => "portal/gallery.html",
        Kind::Video => "portal/video.html",
        Kind::Live => "portal/live.html",
        Kind::Page => "portal/page.html",
    };
    let mut page = ctx.finish(
        200,
        template,
        StoryCtx {
            base,
            crumbs,
            a: view,
            jsonld,
            og_url: canonical,
            og_image,
            og_video,
            related,
            blocks,
            more_include,
        },
    )?;
    page.last_modified = Some(a.updated_at);
    Ok(page)
}

/// The publisher's logo for structured data: the main site's logo
/// picture (its original, with its size), if one is set.
async fn publisher_logo(ctx: &mut Ctx<'_>) -> anyhow::Result<Option<(String, u32, u32)>> {
    let main = ctx.sites.iter().find(|s| s.is_main()).unwrap_or(ctx.site);
    let Some(id) = main.settings.logo_image else {
        return Ok(None);
    };
    Ok(ctx
        .pictures(&[id])
        .await?
        .get(&id)
        .map(|p| (p.url(), p.width, p.height)))
}

#[derive(Serialize)]
struct ErrorCtx {
    #[serde(flatten)]
    base: Base,
    heading: &'static str,
    message: String,
}

/// A styled error page with the site's chrome.
fn error_page(
    ctx: Ctx<'_>,
    status: u16,
    heading: &'static str,
    message: &str,
) -> anyhow::Result<Page> {
    let site_title = ctx.chrome(None).site_title;
    let base = ctx.base(
        format!("{heading} - {site_title}"),
        heading.to_string(),
        None,
        None,
    );
    ctx.finish(
        status,
        "error.html",
        ErrorCtx {
            base,
            heading,
            message: message.to_string(),
        },
    )
}

fn not_found(ctx: Ctx<'_>) -> anyhow::Result<Page> {
    error_page(
        ctx,
        404,
        "页面不存在",
        "您访问的页面不存在或已被删除,请检查网址是否正确。",
    )
}

fn gone(ctx: Ctx<'_>) -> anyhow::Result<Page> {
    error_page(
        ctx,
        410,
        "稿件已撤回",
        "该稿件已被撤回(撤稿),不再提供浏览。",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_window_shows_edges_and_neighbours() {
        assert_eq!(pager_window(1, 1), vec![Some(1)]);
        assert_eq!(pager_window(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            pager_window(10, 20),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert_eq!(
            pager_window(20, 20),
            vec![Some(1), None, Some(18), Some(19), Some(20)]
        );
    }
}
