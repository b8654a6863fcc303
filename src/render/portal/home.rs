//! The home page: 头条 in large type, the 焦点图 carousel, the rest of the
//! 头条 slot beside it, the editors' slots and a block per root channel.

use serde::Serialize;

use super::ctx::{Base, Block, Ctx, LEAD_SLOT, ListItem};
use crate::domain::Channel;
use crate::render::Page;

/// The slot whose first story leads the page in large type (头条), the
/// rest of it listed beside the carousel.
const HEADLINE_SLOT: &str = "toutiao";
/// The slots the home page's top shows in their own places.
const HOME_SLOTS: &[&str] = &[LEAD_SLOT, HEADLINE_SLOT];
/// Items the carousel turns through.
const CAROUSEL_ITEMS: usize = 6;

#[derive(Serialize)]
struct HomeCtx {
    #[serde(flatten)]
    base: Base,
    /// 头条: the 头条 slot's first story, with its summary.
    top: Option<ListItem>,
    /// The 焦点图 carousel: the 焦点 slot's first items with their pictures.
    carousel: Option<Block>,
    headlines: Option<Block>,
    slot_blocks: Vec<Block>,
    channel_blocks: Vec<Block>,
    /// 专题: the site's newest live topics, with their banners.
    topics: Option<Block>,
    /// 热点排行: the site's most read of the last 24 hours.
    ranking: Option<Block>,
    /// JSON-LD `Organization` and `WebSite` with its search, escaped.
    jsonld: String,
    og_image: Option<String>,
}

pub(super) async fn home(mut ctx: Ctx<'_>) -> anyhow::Result<Page> {
    let keep_empty = ctx.site.settings.show_empty_blocks;
    let carousel = ctx
        .slot_block(LEAD_SLOT, |n| n.to_string())
        .await?
        .filter(|b| !b.items.is_empty())
        .map(|mut b| {
            b.items.truncate(CAROUSEL_ITEMS);
            b
        });
    let mut headlines = ctx.slot_block(HEADLINE_SLOT, |n| n.to_string()).await?;
    let top = headlines
        .as_mut()
        .filter(|b| !b.items.is_empty())
        .map(|b| b.items.remove(0));
    // the slots an editor made (县区动态 ...), in their order
    let mut slot_blocks = Vec::new();
    for slot in ctx.env.store.slots(Some(&ctx.site.id)).await? {
        if HOME_SLOTS.contains(&slot.key.as_str()) {
            continue;
        }
        if let Some(b) = ctx.slot_block(&slot.key, |n| n.to_string()).await? {
            slot_blocks.push(b);
        }
    }
    let roots: Vec<Channel> = ctx.tree.roots().cloned().collect();
    let mut channel_blocks: Vec<Block> = Vec::with_capacity(roots.len());
    for c in &roots {
        let b = ctx.channel_block(c, c.name.clone()).await?;
        // two blocks never carry one heading: a slot named as a channel
        // (滨州头条) stands for it and links to its page
        let named = headlines
            .iter_mut()
            .chain(slot_blocks.iter_mut())
            .find(|s| s.title == b.title);
        match named {
            Some(slot) => {
                slot.url.get_or_insert(b.url.clone().unwrap_or_default());
            }
            None if channel_blocks.iter().any(|x| x.title == b.title) => {}
            None => channel_blocks.push(b),
        }
    }
    // the newest 专题, linking to their list
    ctx.deps
        .insert(crate::domain::topic::site_key(&ctx.site.id));
    let newest = ctx.env.store.topic_page(&ctx.site.id, 3, 0).await?;
    let topics = if newest.is_empty() {
        None
    } else {
        let mut items: Vec<_> = newest.iter().map(|s| ctx.line(s)).collect();
        ctx.with_covers(
            &mut items,
            &newest,
            crate::domain::picture::Ratio::Standard,
            crate::render::pictures::SIZES_THUMB,
            320,
        )
        .await?;
        Some(Block {
            title: "专题".into(),
            url: Some(ctx.urls.link(&crate::domain::topic::list_path(1))),
            items,
            style: crate::domain::channel::ListStyle::Pictures,
        })
    };
    let ranking = super::rank::home_block(&mut ctx).await?;
    // an empty block says nothing: left out unless the site wants the placeholder
    if !keep_empty {
        headlines = headlines.filter(|b| !b.items.is_empty());
        slot_blocks.retain(|b| !b.items.is_empty());
        channel_blocks.retain(|b| !b.items.is_empty());
    }
    let site = ctx.site;
    let title = ctx.chrome(None).site_title;
    let description = if site.settings.description.is_empty() {
        title.clone()
    } else {
        site.settings.description.clone()
    };
    let origin = ctx.urls.origin().to_string();
    let publisher = super::jsonld::publisher(&mut ctx, &origin).await?;
    let jsonld = super::jsonld::script_text(&super::jsonld::home(
        &title,
        &ctx.urls.canonical(""),
        &ctx.urls.canonical("search?q={search_term_string}"),
        publisher,
    ));
    let og_image = carousel
        .as_ref()
        .and_then(|c| c.items.first())
        .and_then(|i| i.thumb.as_ref())
        .map(|t| format!("{origin}{}", t.src));
    let base = ctx.base(title, description, Some(ctx.urls.canonical("")), None);
    ctx.finish(
        200,
        "portal/home.html",
        HomeCtx {
            base,
            top,
            carousel,
            headlines,
            slot_blocks,
            channel_blocks,
            topics,
            ranking,
            jsonld,
            og_image,
        },
    )
}
