//! The rankings computed from the counts (`domain::rank::compute`) and
//! stored, by the `rank_refresh` job on any node, after an editor's
//! removal, and after an access log was counted.

use std::collections::HashSet;

use crate::db::Store;
use crate::domain::ChannelTree;
use crate::domain::rank::{Counted, Period, compute};
use crate::domain::reach::hour_of;

/// Compute every site's rankings from the counts as of `now` and store
/// them (a list that moved logs `rank:{site}`); returns the sites whose
/// lists moved.
pub async fn refresh_rankings(store: &dyn Store, now: i64) -> anyhow::Result<Vec<String>> {
    let mut moved = Vec::new();
    for site in store.sites().await? {
        if refresh_site(store, &site.id, now).await? {
            moved.push(site.id);
        }
    }
    Ok(moved)
}

/// Compute one site's rankings as of `now`; whether a list moved.
pub async fn refresh_site(store: &dyn Store, site_id: &str, now: i64) -> anyhow::Result<bool> {
    let hour = hour_of(now);
    let rows = store
        .counted(
            site_id,
            hour - Period::Week.hours() + 1,
            hour - Period::Day.hours() + 1,
        )
        .await?;
    let tree = ChannelTree::new(store.channels(site_id).await?);
    let counted: Vec<Counted> = rows
        .into_iter()
        .filter(|r| crate::domain::kind::Kind::parse(&r.kind).is_some_and(|k| k.listed()))
        .map(|r| Counted {
            article_id: r.article_id,
            channel: tree
                .by_id(r.channel_id)
                .map(|c| c.path.clone())
                .unwrap_or_default(),
            signed_at: r.signed_at,
            day: r.day,
            week: r.week,
        })
        .collect();
    let removed: HashSet<i64> = store
        .removed_from_rankings(site_id)
        .await?
        .into_iter()
        .collect();
    let places = compute(&counted, &removed);
    Ok(store.replace_rankings(site_id, &places, now).await?)
}
