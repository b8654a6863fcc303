//! The 专题 pages beside a topic's own (which is its story's page): the
//! site's list of topics (`zt/`), a section's paged list
//! (`zt/{slug}/{n}/`), and a topic's feed (`zt/{slug}/rss.xml`). They
//! read `topic:{id}` (what its stories' writes log) or `topics:{site}`
//! (what a topic's own write logs).

use super::channel::{ChannelCtx, ChannelInfo, pager};
use super::ctx::{Ctx, ListItem};
use super::errors::not_found;
use super::story::story;
use crate::domain::channel::{ListStyle, paging};
use crate::domain::picture::Ratio;
use crate::domain::topic::{SECTION_PAGE_SIZE, key, list_path, section_path, site_key, topic_path};
use crate::domain::{Article, ArticleSummary, Status};
use crate::render::Page;
use crate::render::pictures::SIZES_THUMB;

/// Topics per page of a site's list.
const LIST_PAGE_SIZE: i64 = 20;

/// The live topic at `zt/{slug}/`, with its dependency keys recorded.
async fn live_topic(ctx: &mut Ctx<'_>, slug: &str) -> anyhow::Result<Option<Article>> {
    let rel = topic_path(slug);
    let Some(id) = ctx.env.store.topic_at(&ctx.site.id, &rel).await? else {
        return Ok(None);
    };
    ctx.deps.insert(format!("story:{id}"));
    ctx.deps.insert(key(id));
    Ok(ctx
        .env
        .store
        .article(id)
        .await?
        .filter(|a| a.status == Status::Published && a.parts.topic.is_some()))
}

/// `zt/{slug}/`: the topic's story page (410 once withdrawn).
pub(super) async fn topic(mut ctx: Ctx<'_>, rel: &str, slug: &str) -> anyhow::Result<Page> {
    match ctx
        .env
        .store
        .topic_at(&ctx.site.id, &topic_path(slug))
        .await?
    {
        Some(id) => story(ctx, rel, id, None).await,
        None => {
            ctx.deps.insert(site_key(&ctx.site.id));
            not_found(ctx)
        }
    }
}

/// Page `page` of section `n` of a topic: its picks, then what its rule
/// gathers, newest first, paged like a channel.
pub(super) async fn section(
    mut ctx: Ctx<'_>,
    slug: &str,
    n: usize,
    page: u32,
) -> anyhow::Result<Page> {
    let Some(a) = live_topic(&mut ctx, slug).await? else {
        return not_found(ctx);
    };
    let topic = a.parts.topic.clone().unwrap_or_default();
    let Some(sec) = topic.sections.get(n - 1) else {
        return not_found(ctx);
    };
    let store = ctx.env.store.clone();
    let picks = store.picked(&a.site_id, &sec.picks).await?;
    let gathered = if sec.rule.is_active() {
        store
            .gathered_count(&a.site_id, &sec.rule, &sec.picks)
            .await?
    } else {
        0
    };
    let total = picks.len() as i64 + gathered;
    let Some((offset, limit)) = paging::window(total, SECTION_PAGE_SIZE, i64::from(page)) else {
        return not_found(ctx);
    };
    if total == 0 && page > 1 {
        return not_found(ctx);
    }
    // the window over the picks, then over what the rule gathers
    let p = picks.len() as i64;
    let mut shown: Vec<ArticleSummary> = picks
        .into_iter()
        .skip(offset.min(p) as usize)
        .take(limit as usize)
        .collect();
    let rest = limit - shown.len() as i64;
    if rest > 0 && sec.rule.is_active() {
        let from = (offset - p).max(0);
        shown.extend(
            store
                .gathered(&a.site_id, &sec.rule, &sec.picks, rest, from)
                .await?,
        );
    }
    let items: Vec<ListItem> = shown.iter().map(|s| ctx.line(s)).collect();
    let pages = u32::try_from(paging::pages(total, SECTION_PAGE_SIZE)).unwrap_or(u32::MAX);
    let pager = pager(page, pages.max(1), total, |k| {
        ctx.urls.link(&section_path(slug, n, k))
    });
    let site_title = ctx.chrome(None).site_title;
    let name = format!("{}·{}", a.title, sec.name);
    let page_title = if page > 1 {
        format!("{name}(第{page}页) - {site_title}")
    } else {
        format!("{name} - {site_title}")
    };
    let base = ctx.base(
        page_title,
        format!("{site_title}专题“{}”的{}", a.title, sec.name),
        Some(ctx.urls.canonical(&section_path(slug, n, page))),
        None,
    );
    let crumbs = ctx.crumbs(
        "",
        [
            ("专题".to_string(), list_path(1)),
            (a.title.clone(), topic_path(slug)),
            (sec.name.clone(), section_path(slug, n, 1)),
        ],
    );
    ctx.finish(
        200,
        "portal/channel.html",
        ChannelCtx {
            base,
            crumbs,
            channel: ChannelInfo {
                name,
                path: String::new(),
                style: ListStyle::Text,
            },
            children: Vec::new(),
            items,
            pager,
        },
    )
}

/// `zt/`: the site's live topics, newest first, with their banners.
pub(super) async fn list(mut ctx: Ctx<'_>, page: u32) -> anyhow::Result<Page> {
    ctx.deps.insert(site_key(&ctx.site.id));
    let store = ctx.env.store.clone();
    let total = store.topic_count(&ctx.site.id).await?;
    let Some((offset, limit)) = paging::window(total, LIST_PAGE_SIZE, i64::from(page)) else {
        return not_found(ctx);
    };
    if total == 0 && page > 1 {
        return not_found(ctx);
    }
    let topics = store.topic_page(&ctx.site.id, limit, offset).await?;
    let mut items: Vec<ListItem> = topics.iter().map(|s| ctx.line(s)).collect();
    ctx.with_covers(&mut items, &topics, Ratio::Standard, SIZES_THUMB, 320)
        .await?;
    let pages = u32::try_from(paging::pages(total, LIST_PAGE_SIZE)).unwrap_or(u32::MAX);
    let pager = pager(page, pages.max(1), total, |k| ctx.urls.link(&list_path(k)));
    let site_title = ctx.chrome(None).site_title;
    let base = ctx.base(
        if page > 1 {
            format!("专题(第{page}页) - {site_title}")
        } else {
            format!("专题 - {site_title}")
        },
        format!("{site_title}的新闻专题"),
        Some(ctx.urls.canonical(&list_path(page))),
        None,
    );
    let crumbs = ctx.crumbs("", [("专题".to_string(), list_path(1))]);
    ctx.finish(
        200,
        "portal/channel.html",
        ChannelCtx {
            base,
            crumbs,
            channel: ChannelInfo {
                name: "专题".into(),
                path: String::new(),
                style: ListStyle::Pictures,
            },
            children: Vec::new(),
            items,
            pager,
        },
    )
}

/// `zt/{slug}/rss.xml`: the newest stories of every section of a topic.
pub(super) async fn feed(mut ctx: Ctx<'_>, slug: &str) -> anyhow::Result<Page> {
    let Some(a) = live_topic(&mut ctx, slug).await? else {
        return not_found(ctx);
    };
    let topic = a.parts.topic.clone().unwrap_or_default();
    let store = ctx.env.store.clone();
    let mut items: Vec<ArticleSummary> = store.picked(&a.site_id, &topic.lead).await?;
    for sec in &topic.sections {
        items.extend(store.picked(&a.site_id, &sec.picks).await?);
        if sec.rule.is_active() {
            items.extend(
                store
                    .gathered(&a.site_id, &sec.rule, &sec.picks, 30, 0)
                    .await?,
            );
        }
    }
    items.sort_by_key(|s| std::cmp::Reverse((s.signed_at, s.id)));
    items.dedup_by_key(|s| s.id);
    items.truncate(30);
    let mut page = crate::render::feeds::list_feed(
        ctx.env,
        ctx.site,
        crate::render::feeds::FeedOf {
            title: format!("{} - {}", a.title, ctx.site.name),
            link: ctx.urls.canonical(&topic_path(slug)),
            self_rel: format!("{}rss.xml", topic_path(slug)),
            full_text: true,
        },
        items,
        false,
    )
    .await?;
    page.deps.extend(ctx.deps);
    Ok(page)
}
