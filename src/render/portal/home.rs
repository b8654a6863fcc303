//! The home page: the 焦点图 carousel, 头条, the editors' slots and a block
//! per root channel.

use serde::Serialize;

use super::ctx::{Base, Block, Ctx, LEAD_SLOT};
use crate::domain::Channel;
use crate::domain::text::date_mmdd;
use crate::render::Page;

/// The slots the home page's top shows in their own places (焦点 leads, 头条 beside it).
const HOME_SLOTS: &[&str] = &[LEAD_SLOT, "toutiao"];
/// Items the carousel turns through.
const CAROUSEL_ITEMS: usize = 6;

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

pub(super) async fn home(mut ctx: Ctx<'_>) -> anyhow::Result<Page> {
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
