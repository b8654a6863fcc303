//! The demo's readers: a few hours of views for its live stories, so that
//! `serve --demo` shows 热点排行 lists (the home page's block, `phb/`) as a
//! running portal would. Only when no view was counted yet; tests load the
//! demo without it and count their own.

use crate::db::{Store, ViewCount};
use crate::domain::reach::{WEB, hour_of};

/// Add the demo's views (once) and compute the rankings.
pub async fn seed(store: &dyn Store, now: i64) -> anyhow::Result<()> {
    let sites = store.sites().await?;
    let hour = hour_of(now);
    for site in &sites {
        if !store
            .counted(&site.id, hour - 24 * 7, hour - 24)
            .await?
            .is_empty()
        {
            return Ok(());
        }
    }
    let mut rows = Vec::new();
    let mut after = 0;
    loop {
        let batch = store.live_after(after, 1000).await?;
        let Some(last) = batch.last().map(|(s, _)| s.id) else {
            break;
        };
        after = last;
        let ids: Vec<i64> = batch.iter().map(|(s, _)| s.id).collect();
        for a in store.articles_by_ids(&ids).await? {
            if !a.kind.listed() {
                continue;
            }
            // a spread that does not follow the ids: some stories read
            // much more than others, over the last few hours
            let weight = a.id.wrapping_mul(2_654_435_761).rem_euclid(97) + 3;
            for back in 0..3 {
                rows.push(ViewCount {
                    hour: hour - back * 5,
                    article_id: a.id,
                    outlet: WEB.into(),
                    site_id: a.site_id.clone(),
                    channel_id: a.channel_id,
                    count: weight * (3 - back),
                });
            }
            // and earlier in the week, another spread (the week's list differs)
            rows.push(ViewCount {
                hour: hour - 24 * (2 + a.id.rem_euclid(5)),
                article_id: a.id,
                outlet: WEB.into(),
                site_id: a.site_id.clone(),
                channel_id: a.channel_id,
                count: a.id.wrapping_mul(40_503).rem_euclid(400),
            });
        }
    }
    store.add_views(&rows).await?;
    crate::reach::refresh_rankings(store, now).await?;
    Ok(())
}
