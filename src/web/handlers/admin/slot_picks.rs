//! What the slot screen offers to place (issue 24 §5): stories found by
//! title, and today's signed stories, of the sites the slot takes and of
//! the kinds it takes, not already in it; and each item's picture (the
//! 焦点 is a picture slot: its curator sees what readers will).

use std::collections::HashMap;

use crate::db::{Slot, StoryFilter};
use crate::domain::text::cst_day_start;
use crate::state::AppState;
use crate::web::error::AppError;

/// A story offered to the slot.
#[derive(serde::Serialize)]
pub(super) struct Pick {
    id: i64,
    title: String,
    site: String,
    signed: String,
    thumb: Option<String>,
}

/// Whether the slot takes a story of `site` and `kind` (the store refuses
/// the rest on placing, with the reason; here they are not offered).
fn offered(slot: &Slot, site: &str, kind: crate::domain::kind::Kind, shares: bool) -> bool {
    crate::domain::slot::accepts(
        (&slot.site_id, &slot.kinds, &slot.sites),
        kind,
        site,
        shares,
    )
    .is_ok()
}

/// Stories whose title holds `find` (when given) and today's signed
/// stories, both as the slot takes them and without its own items.
pub(super) async fn picks(
    state: &AppState,
    slot: &Slot,
    find: &str,
    held: &[i64],
) -> Result<(Vec<Pick>, Vec<Pick>), AppError> {
    let sites = state.store.sites().await?;
    let shares: HashMap<&str, bool> = sites
        .iter()
        .map(|s| (s.id.as_str(), s.settings.shares_stories))
        .collect();
    let name = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    };
    let take = |r: &crate::db::StoryRow| {
        !held.contains(&r.id)
            && offered(
                slot,
                &r.site_id,
                r.kind,
                shares.get(r.site_id.as_str()).copied().unwrap_or(false),
            )
    };
    let mut found = Vec::new();
    if !find.trim().is_empty() {
        let mut rows = Vec::new();
        for site in std::iter::once(&slot.site_id).chain(slot.sites.iter()) {
            rows.extend(
                state
                    .store
                    .stories(&StoryFilter {
                        state: Some("live".into()),
                        site_id: Some(site.clone()),
                        title_contains: Some(find.trim().chars().take(50).collect()),
                        limit: 20,
                        ..Default::default()
                    })
                    .await?,
            );
        }
        found = rows.into_iter().filter(|r| take(r)).take(20).collect();
    }
    // today in Beijing time, by 签发
    let today = crate::domain::text::to_cst(state.now())
        .format("%Y-%m-%d")
        .to_string();
    let start = cst_day_start(&today).unwrap_or(0);
    let todays: Vec<_> = state
        .store
        .recently_signed(100)
        .await?
        .into_iter()
        .filter(|r| r.signed_at.is_some_and(|t| t >= start) && take(r))
        .take(20)
        .collect();
    let mut out = (Vec::new(), Vec::new());
    for (rows, into) in [(found, &mut out.0), (todays, &mut out.1)] {
        let thumbs = thumbs(state, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
        for r in rows {
            into.push(Pick {
                id: r.id,
                title: r.title,
                site: name(&r.site_id),
                signed: r.signed_at.map(super::datetime).unwrap_or_default(),
                thumb: thumbs.get(&r.id).cloned(),
            });
        }
    }
    Ok(out)
}

/// Each story's cover picture (its 题图, else a gallery's first) as a small
/// thumbnail, by story id.
pub(super) async fn thumbs(
    state: &AppState,
    ids: &[i64],
) -> Result<HashMap<i64, String>, AppError> {
    let mut covers = Vec::new();
    for id in ids {
        if let Some(a) = state.store.article(*id).await?
            && let Some(u) = a.parts.cover()
        {
            covers.push((*id, u.image_id));
        }
    }
    let pictures = state
        .store
        .pictures(&covers.iter().map(|(_, p)| *p).collect::<Vec<_>>())
        .await?;
    Ok(covers
        .into_iter()
        .filter_map(|(id, pic)| {
            let p = pictures.iter().find(|p| p.id == pic)?;
            Some((id, p.sources(None, 160).src))
        })
        .collect())
}
