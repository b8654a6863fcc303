//! Fragments: the "更多..." blocks under a story, and `_inc/more/{channel}.html`
//! (the same blocks alone, which the static export includes by SSI).

use serde::Serialize;

use super::ctx::{Block, Ctx};
use super::errors::not_found;
use crate::domain::{BlockSource, Channel};
use crate::render::Page;

/// The "更多..." blocks under a story of `own` channel: that channel's first,
/// then the site's (its settings say which slots and channels), as many
/// blocks as the settings name, none twice.
pub(super) async fn more_blocks(
    ctx: &mut Ctx<'_>,
    own: Option<&Channel>,
) -> anyhow::Result<Vec<Block>> {
    let sources = ctx.site.settings.article_blocks.clone();
    let wanted = sources.len().max(1);
    let mut blocks = Vec::new();
    if let Some(c) = own {
        blocks.push(ctx.channel_block(c, format!("更多{}", c.name)).await?);
    }
    for source in sources {
        if blocks.len() >= wanted {
            break;
        }
        let block = match source {
            BlockSource::Slot(key) => ctx.slot_block(&key, |n| format!("更多{n}")).await?,
            BlockSource::Channel(path) if own.is_some_and(|c| c.path == path) => None,
            BlockSource::Channel(path) => match ctx.tree.get(&path).cloned() {
                Some(c) => Some(ctx.channel_block(&c, format!("更多{}", c.name)).await?),
                None => None,
            },
        };
        // two blocks never carry the same heading
        if let Some(b) = block.filter(|b| blocks.iter().all(|x: &Block| x.title != b.title)) {
            blocks.push(b);
        }
    }
    Ok(blocks)
}

#[derive(Serialize)]
struct MoreCtx {
    blocks: Vec<Block>,
}

/// `_inc/more/{channel}.html`: the blocks alone, byte for byte what a story
/// page of that channel carries in their place.
pub(super) async fn more_fragment(mut ctx: Ctx<'_>, channel: &str) -> anyhow::Result<Page> {
    let Some(own) = ctx.tree.get(channel).cloned() else {
        return not_found(ctx);
    };
    let blocks = more_blocks(&mut ctx, Some(&own)).await?;
    ctx.finish(200, "portal/more_blocks.html", MoreCtx { blocks })
}
