//! Fragments: the "更多..." blocks under every story, and `_inc/more.html`
//! (the same blocks alone, which the static export includes by SSI).

use serde::Serialize;

use super::ctx::{Block, Ctx};
use crate::domain::BlockSource;
use crate::domain::text::date_mmdd;
use crate::render::Page;

/// The "更多..." blocks under every story of a site (the site's settings say
/// which slots and channels).
pub(super) async fn more_blocks(ctx: &mut Ctx<'_>) -> anyhow::Result<Vec<Block>> {
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
pub(super) async fn more_fragment(mut ctx: Ctx<'_>) -> anyhow::Result<Page> {
    let blocks = more_blocks(&mut ctx).await?;
    ctx.finish(200, "portal/more_blocks.html", MoreCtx { blocks })
}
