//! A channel's list pages with their pager (and a site page where a path
//! names no channel).

use serde::Serialize;

use super::ctx::{Base, Crumb, Ctx, ListItem, Trail};
use super::errors::not_found;
use super::story::story;
use crate::domain::channel::{ListStyle, paging};
use crate::domain::picture::Ratio;
use crate::domain::url::{Facet, channel_page_path, facet_page_path};
use crate::render::Page;
use crate::render::pictures::SIZES_THUMB;

#[derive(Serialize)]
struct PagerLink {
    n: u32,
    url: String,
    current: bool,
    gap: bool,
}

#[derive(Serialize)]
pub(super) struct Pager {
    page: u32,
    pages: u32,
    total: i64,
    first: String,
    last: String,
    prev: Option<String>,
    next: Option<String>,
    links: Vec<PagerLink>,
}

/// A list page (a channel's, a tag's, a 专题 section's ...): `portal/channel.html`.
#[derive(Serialize)]
pub(super) struct ChannelCtx {
    #[serde(flatten)]
    pub(super) base: Base,
    pub(super) crumbs: Trail,
    pub(super) channel: ChannelInfo,
    pub(super) children: Vec<Crumb>,
    pub(super) items: Vec<ListItem>,
    pub(super) pager: Pager,
}

#[derive(Serialize)]
pub(super) struct ChannelInfo {
    pub(super) name: String,
    pub(super) path: String,
    pub(super) style: ListStyle,
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

pub(super) fn pager(page: u32, pages: u32, total: i64, link: impl Fn(u32) -> String) -> Pager {
    Pager {
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
    }
}

/// Stories a tag page lists per page.
pub(crate) const TAG_PAGE_SIZE: i64 = 20;

/// A tag's or a person's page: the site's live stories carrying the tag or
/// with the person in their byline, newest first, paged like a channel; it
/// depends on `tag:{site}/{tag}` (`author:…`), which a write logs for the
/// tags and people a story had and has.
pub(super) async fn facet(
    mut ctx: Ctx<'_>,
    facet: Facet,
    tag: &str,
    page: u32,
) -> anyhow::Result<Page> {
    let total = ctx.env.store.facet_count(facet, &ctx.site.id, tag).await?;
    let Some((offset, limit)) = paging::window(total, TAG_PAGE_SIZE, i64::from(page)) else {
        return not_found(ctx);
    };
    if total == 0 {
        return not_found(ctx);
    }
    let pages = u32::try_from(paging::pages(total, TAG_PAGE_SIZE)).unwrap_or(u32::MAX);
    ctx.deps.insert(facet.key(&ctx.site.id, tag));
    let summaries = ctx
        .env
        .store
        .facet_page(facet, &ctx.site.id, tag, limit, offset)
        .await?;
    let items: Vec<ListItem> = summaries.iter().map(|s| ctx.line(s)).collect();
    let pager = pager(page, pages, total, |n| {
        ctx.urls.link(&facet_page_path(facet, tag, n))
    });
    let site_title = ctx.chrome(None).site_title;
    let name = match facet {
        Facet::Tag => format!("标签:{tag}"),
        Facet::Author => format!("{tag}的稿件"),
    };
    let page_title = if page > 1 {
        format!("{name}(第{page}页) - {site_title}")
    } else {
        format!("{name} - {site_title}")
    };
    let description = match facet {
        Facet::Tag => format!("{site_title}标有“{tag}”的稿件"),
        Facet::Author => format!("{site_title}署名有{tag}的稿件"),
    };
    let base = ctx.base(
        page_title,
        description,
        Some(ctx.urls.canonical(&facet_page_path(facet, tag, page))),
        None,
    );
    let crumbs = ctx.crumbs("", Some((name.clone(), facet_page_path(facet, tag, 1))));
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

pub(super) async fn channel(mut ctx: Ctx<'_>, path: &str, page: u32) -> anyhow::Result<Page> {
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
    let mut items: Vec<ListItem> = summaries.iter().map(|s| ctx.line(s)).collect();
    if channel.list_style == ListStyle::Pictures {
        ctx.with_covers(&mut items, &summaries, Ratio::Standard, SIZES_THUMB, 320)
            .await?;
    }
    let pager = pager(page, pages, total, |n| {
        ctx.urls.link(&channel_page_path(&channel.path, n))
    });
    let children = ctx
        .tree
        .children(&channel.path)
        .map(|c| Crumb {
            name: c.name.clone(),
            url: ctx.urls.link(&channel_page_path(&c.path, 1)),
        })
        .collect();
    let crumbs = ctx.crumbs(&channel.path, None);
    let site_title = ctx.chrome(None).site_title;
    let page_title = if page > 1 {
        format!("{}(第{page}页) - {site_title}", channel.name)
    } else {
        format!("{} - {site_title}", channel.name)
    };
    let description = format!("{site_title}{}栏目", channel.name);
    let root = crate::domain::channel::ancestry(&channel.path)[0].to_string();
    let mut base = ctx.base(
        page_title,
        description,
        Some(ctx.urls.canonical(&channel_page_path(&channel.path, page))),
        Some(&root),
    );
    // the channel's own feeds first (what a reader of this list subscribes to)
    let mut feeds = ctx.feeds(
        &format!("{}{site_title}", channel.name),
        &format!("{}/", channel.path),
    );
    feeds.append(&mut base.feeds);
    base.feeds = feeds;
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
