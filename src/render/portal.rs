//! The public pages: home, channel lists, stories, and the 404/410 pages,
//! each with the site chrome.

use std::collections::BTreeSet;

use anyhow::Context as _;
use serde::Serialize;

use super::Page;
use super::cache::Listed;
use super::chrome::{self, Chrome, SiteUrls};
use super::sanitize::body_with_dateline;
use crate::domain::article::byline_text;
use crate::domain::channel::paging;
use crate::domain::text::{LIST_TITLE_CELLS, date_cn, date_iso, date_mmdd, excerpt};
use crate::domain::url::{MORE_BLOCKS_PATH, Route, channel_page_path, route};
use crate::domain::{ArticleSummary, BlockSource, Channel, ChannelTree, Reprint, Site, Status};
use crate::state::AppState;

/// Items in each "更多..." block and home block.
const BLOCK_ITEMS: i64 = 8;
/// The slots the home page's top shows in their own places (焦点 leads, 头条 beside it).
const HOME_SLOTS: &[&str] = &["jiaodian", "toutiao"];

/// Everything a page needs about its site while rendering.
struct Ctx<'a> {
    state: &'a AppState,
    sites: &'a [Site],
    site: &'a Site,
    tree: std::sync::Arc<ChannelTree>,
    urls: SiteUrls,
    deps: BTreeSet<String>,
    /// Rendering for the static export: story pages include the shared
    /// "更多..." fragment by SSI instead of carrying the blocks.
    export: bool,
}

impl Ctx<'_> {
    fn chrome(&self, current_root: Option<&str>) -> Chrome {
        let cfg = &self.state.config;
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
        let cfg = &self.state.config;
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
        }
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
        }
    }

    fn finish<C: Serialize>(self, status: u16, template: &str, ctx: C) -> anyhow::Result<Page> {
        let body = self
            .state
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
        let store = &self.state.store;
        let listed = self
            .state
            .cache
            .list(&dep, || async {
                Ok(Listed {
                    name: None,
                    items: store.channel_page(channel.id, BLOCK_ITEMS, 0).await?,
                })
            })
            .await?;
        self.deps.insert(dep);
        Ok(Block {
            title,
            url: Some(self.urls.link(&channel_page_path(&channel.path, 1))),
            items: listed
                .items
                .iter()
                .map(|s| self.item(s, date_fmt(s.signed_at)))
                .collect(),
        })
    }

    async fn slot_block(
        &mut self,
        key: &str,
        title: impl Fn(&str) -> String,
    ) -> anyhow::Result<Option<Block>> {
        let dep = format!("slot:{}/{key}", self.site.id);
        let (store, site_id) = (&self.state.store, &self.site.id);
        let now = self.state.now();
        let listed = self
            .state
            .cache
            .list(&dep, || async {
                Ok(match store.slot(site_id, key).await? {
                    Some(slot) => Listed {
                        items: store.slot_items(slot.id, slot.size, now).await?,
                        name: Some(slot.name),
                    },
                    None => Listed::default(),
                })
            })
            .await?;
        self.deps.insert(dep);
        let Some(name) = &listed.name else {
            return Ok(None);
        };
        Ok(Some(Block {
            title: title(name),
            url: None,
            items: listed
                .items
                .iter()
                .map(|s| self.item(s, date_mmdd(s.signed_at)))
                .collect(),
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
}

#[derive(Serialize)]
struct Block {
    title: String,
    url: Option<String>,
    items: Vec<ListItem>,
}

pub(super) async fn page(
    state: &AppState,
    host: Option<&str>,
    path: &str,
    export: bool,
    preloaded: Option<super::Preloaded>,
) -> anyhow::Result<Page> {
    let sites = state.cache.sites(state.store.as_ref()).await?;
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
    let tree = state.cache.channels(state.store.as_ref(), &site.id).await?;
    let cfg = &state.config;
    let mut ctx = Ctx {
        state,
        sites: &sites,
        site,
        tree,
        urls: SiteUrls::new(site, &cfg.public_url, cfg.scheme()),
        deps: BTreeSet::new(),
        export,
    };
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
        Route::Feed { channel, atom } => match channel {
            None => super::feeds::feed(state, site, &ctx.tree, None, atom).await,
            Some(path) => match ctx.tree.get(&path).cloned() {
                Some(c) => super::feeds::feed(state, site, &ctx.tree, Some(&c), atom).await,
                None => not_found(ctx),
            },
        },
        // sitemaps and robots.txt belong to the main site (the host root)
        Route::SitemapIndex if site.is_main() => super::feeds::sitemap_index(state, &sites).await,
        Route::SitemapSections if site.is_main() => {
            super::feeds::sitemap_sections(state, &sites).await
        }
        Route::Sitemap { n } if site.is_main() => {
            match super::feeds::sitemap_block(state, &sites, n).await? {
                Some(p) => Ok(p),
                None => not_found(ctx),
            }
        }
        Route::NewsSitemap if site.is_main() => super::feeds::news_sitemap(state, &sites).await,
        Route::Robots if site.is_main() => Ok(super::feeds::robots(state)),
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
    lead: Option<ListItem>,
    headlines: Option<Block>,
    slot_blocks: Vec<Block>,
    channel_blocks: Vec<Block>,
}

async fn home(mut ctx: Ctx<'_>) -> anyhow::Result<Page> {
    let lead = ctx
        .slot_block("jiaodian", |n| n.to_string())
        .await?
        .and_then(|b| b.items.into_iter().next());
    let headlines = ctx.slot_block("toutiao", |n| n.to_string()).await?;
    // the slots an editor made (县区动态 ...), in their order
    let mut slot_blocks = Vec::new();
    for slot in ctx.state.store.slots(Some(&ctx.site.id)).await? {
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
            lead,
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
        return not_found(ctx);
    };
    let size = channel.page_size.clamp(1, 200);
    let total = ctx.state.store.channel_count(channel.id).await?;
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
        .state
        .store
        .channel_page(channel.id, limit, offset)
        .await?;
    let items = summaries
        .iter()
        .map(|s| ctx.item(s, date_iso(s.signed_at)))
        .collect();
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
}

#[derive(Serialize)]
struct StoryCtx {
    #[serde(flatten)]
    base: Base,
    crumbs: Vec<Crumb>,
    a: StoryView,
    /// JSON-LD `NewsArticle`, escaped for a `<script>` element.
    jsonld: String,
    og_url: String,
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

/// Items of the 相关新闻 block.
pub const RELATED_ITEMS: usize = 6;
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
            .state
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
        None => (ctx.state.store.article(id).await?, None),
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

/// A story of `state`'s site, as its public page shows it (used for the
/// newsroom's preview too, on content not yet live).
pub(crate) async fn preview(state: &AppState, a: &crate::domain::Article) -> anyhow::Result<Page> {
    let sites = state.store.sites().await?;
    let site = sites
        .iter()
        .find(|s| s.id == a.site_id)
        .ok_or_else(|| anyhow::anyhow!("no site {}", a.site_id))?;
    let tree = std::sync::Arc::new(ChannelTree::new(state.store.channels(&site.id).await?));
    let cfg = &state.config;
    let ctx = Ctx {
        state,
        sites: &sites,
        site,
        tree,
        urls: SiteUrls::new(site, &cfg.public_url, cfg.scheme()),
        deps: BTreeSet::new(),
        export: false,
    };
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
    let crumbs = ctx.crumbs(&channel_path);
    let (blocks, more_include) = if ctx.export {
        (
            Vec::new(),
            Some(format!("{}{MORE_BLOCKS_PATH}", ctx.site.prefix)),
        )
    } else {
        (more_blocks(&mut ctx).await?, None)
    };
    let related = related(&mut ctx, &a, related_candidates).await?;
    let body_html = body_with_dateline(&a.body_html, &a.source);
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
        Some(&root),
    );
    base.chrome
        .channels
        .iter_mut()
        .for_each(|c| c.current = false);
    let canonical = ctx.urls.canonical(rel);
    let publisher = {
        let main = ctx.sites.iter().find(|s| s.is_main()).unwrap_or(ctx.site);
        if main.settings.organizer.is_empty() {
            main.name.clone()
        } else {
            main.settings.organizer.clone()
        }
    };
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": a.signed_at.map(crate::domain::text::datetime_rfc3339),
        "dateModified": a.revised_at.or(a.signed_at).map(crate::domain::text::datetime_rfc3339),
        "author": a.byline.iter().map(|b| serde_json::json!({"@type": "Person", "name": b.name})).collect::<Vec<_>>(),
        "publisher": {"@type": "Organization", "name": publisher},
        "mainEntityOfPage": canonical,
        "description": base.description,
    });
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
    };
    let mut page = ctx.finish(
        200,
        "portal/article.html",
        StoryCtx {
            base,
            crumbs,
            a: view,
            jsonld,
            og_url: canonical,
            related,
            blocks,
            more_include,
        },
    )?;
    page.last_modified = Some(a.updated_at);
    Ok(page)
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

/// `excerpt(&html_to_text(html), max_chars)`, reading only as much of
/// `html` as that needs: a story's description is 120 characters of a body
/// of kilobytes.
fn html_excerpt(html: &str, max_chars: usize) -> String {
    let mut end = max_chars * 8;
    while end < html.len() {
        let mut cut = end;
        while !html.is_char_boundary(cut) {
            cut += 1;
        }
        let text = html_to_text(&html[..cut]);
        // the prefix may end in a cut tag or entity; past a margin beyond
        // them, its first `max_chars` are the whole body's
        let collapsed: usize = text.split_whitespace().map(|w| w.chars().count() + 1).sum();
        if collapsed > max_chars + 16 {
            return excerpt(&text, max_chars);
        }
        end *= 2;
    }
    excerpt(&html_to_text(html), max_chars)
}

/// Text of sanitized HTML: tags dropped, the common entities decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
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

    #[test]
    fn a_description_reads_only_the_start_of_a_long_body_but_says_the_same() {
        let para = "<p>滨州市召开&amp;部署 <b>会议</b>,要求&lt;各级&gt;单位 抓好落实。</p>\n";
        for n in [1, 3, 10, 200] {
            let body = para.repeat(n);
            assert_eq!(
                html_excerpt(&body, 120),
                excerpt(&html_to_text(&body), 120),
                "{n} paragraphs"
            );
        }
        assert!(html_excerpt(&para.repeat(200), 120).ends_with('…'));
        // wherever the cut falls inside a tag, an entity or a character
        for pad in 0..para.len() {
            let body = format!("<p>{}</p>{}", "a".repeat(pad), para.repeat(40));
            assert_eq!(
                html_excerpt(&body, 120),
                excerpt(&html_to_text(&body), 120),
                "pad {pad}"
            );
        }
    }

    #[test]
    fn html_to_text_drops_tags() {
        assert_eq!(
            html_to_text("<p>a &amp; b</p><p>c</p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            vec!["a", "&", "b", "c"]
        );
    }
}
