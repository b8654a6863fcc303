//! 相关新闻: the newest earlier stories sharing a story's tags.

use super::ctx::{Ctx, ListItem};
use crate::domain::ArticleSummary;
use crate::domain::article::RELATED_ITEMS;

/// What `related` asks the store for a story.
pub(crate) fn related_request(a: &crate::domain::Article) -> crate::db::TaggedBefore<'_> {
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
pub(super) async fn related(
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
    Ok(ranked.iter().map(|s| ctx.line(s)).collect())
}
