//! A story's places in lists, kept in step inside its write transaction:
//! the channel listings (ancestors included) with each channel's live count,
//! where the story stood and stands on page 1 of each (so a write names
//! `channel-pages:` only when older pages move), and the tag listings with
//! the stories whose 相关新闻 may show it (`related:` keys). Used by
//! `article_write.rs`; compiled once per backend.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::QueryBuilder;

use super::write::Tx;
use crate::db::StoreResult;
use crate::domain::channel::{ancestry, paging};
use crate::domain::{Article, Status};

/// One story's channel lists around a write of it.
pub(super) struct Lists {
    /// The channels it was or is listed in.
    touched: BTreeSet<i64>,
    /// Where it stood and stands in each (worked out unless `!placed`).
    place: Vec<ListPlace>,
    /// Whether `place` was worked out; a batch names every list's older
    /// pages as changed instead.
    placed: bool,
    /// How the channels' live counts change (not written here).
    pub counts: LiveCounts,
}

/// Move the story's listings to where its status and channels put it:
/// every channel it is in and their ancestors, when it is live and listed.
/// `place_it`: work out where it stood and stands on each list's pages (a
/// batch does not: a round trip per story and list).
pub(super) async fn relist(
    tx: &mut Tx<'_>,
    a: &Article,
    id: i64,
    created: bool,
    now: i64,
    site_channels: &[(i64, String)],
    place_it: bool,
) -> StoreResult<Lists> {
    let mut listed = BTreeSet::new();
    if a.status == Status::Published && a.kind.listed() {
        for cid in std::iter::once(&a.channel_id).chain(&a.extra_channel_ids) {
            let path = site_channels
                .iter()
                .find(|(c, _)| c == cid)
                .map(|(_, p)| p.as_str())
                .unwrap_or_default();
            for p in ancestry(path) {
                if let Some((pid, _)) = site_channels.iter().find(|(_, cp)| cp == p) {
                    listed.insert(*pid);
                }
            }
        }
    }
    let sort_at = a.signed_at.unwrap_or(now);
    let old: Vec<(i64, i64)> = if created {
        Vec::new()
    } else {
        sqlx::query_as("SELECT channel_id, sort_at FROM listings WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
    };
    // where the story stood and stands in each list, for `channel-pages:` keys
    let touched: BTreeSet<i64> = listed
        .iter()
        .copied()
        .chain(old.iter().map(|o| o.0))
        .collect();
    let mut place: Vec<ListPlace> = Vec::new();
    if !touched.is_empty() && place_it {
        let ids = touched
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, live_count, page_size FROM channels WHERE id IN ({ids})"
        ))
        .fetch_all(&mut **tx)
        .await?;
        for (cid, total, size) in rows {
            let before = old.iter().find(|o| o.0 == cid).map(|o| o.1);
            let total_after =
                total - i64::from(before.is_some()) + i64::from(listed.contains(&cid));
            let newer_before = match before {
                Some(at) => Some(count_newer(tx, cid, at, id, total, size).await?),
                None => None,
            };
            place.push(ListPlace {
                channel: cid,
                size,
                total_before: total,
                total_after,
                newer_before,
                newer_after: None,
            });
        }
    }
    if !created {
        sqlx::query("DELETE FROM listings WHERE article_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    if !listed.is_empty() {
        // One multi-row insert: ids are integers we produced, the time is bound.
        let values = listed
            .iter()
            .map(|cid| format!("({cid}, {id}, $1)"))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(&format!(
            "INSERT INTO listings (channel_id, article_id, sort_at) VALUES {values}"
        ))
        .bind(sort_at)
        .execute(&mut **tx)
        .await?;
        for p in place.iter_mut().filter(|p| listed.contains(&p.channel)) {
            p.newer_after =
                Some(count_newer(tx, p.channel, sort_at, id, p.total_after, p.size).await?);
        }
    }

    // keep each channel's live count in step with its listings (a batch
    // adds its stories' counts up and writes them once: on PostgreSQL each
    // update of the same row in one transaction leaves a version behind)
    let old_set: BTreeSet<i64> = old.iter().map(|o| o.0).collect();
    let mut counts = LiveCounts::default();
    for c in old_set.difference(&listed) {
        counts.add(*c, -1);
    }
    for c in listed.difference(&old_set) {
        counts.add(*c, 1);
    }
    Ok(Lists {
        touched,
        place,
        placed: place_it,
        counts,
    })
}

impl Lists {
    /// The lists' dependency keys: `channel:` of every list it was or is
    /// in (ancestors included: home pages read the top-level ones), and
    /// `channel-pages:` of those whose older pages moved.
    pub(super) fn keys(&self, site_id: &str, site_channels: &[(i64, String)]) -> Vec<String> {
        let mut keys = Vec::new();
        for cid in &self.touched {
            if let Some(p) = site_channels.iter().find(|(c, _)| c == cid).map(|(_, p)| p) {
                keys.push(format!("channel:{site_id}/{p}"));
                let moved = !self.placed
                    || self
                        .place
                        .iter()
                        .find(|x| x.channel == *cid)
                        .is_some_and(|x| {
                            paging::older_pages_change(
                                x.size,
                                x.total_before,
                                x.total_after,
                                x.newer_before,
                                x.newer_after,
                            )
                        });
                if moved {
                    keys.push(format!("channel-pages:{site_id}/{p}"));
                }
            }
        }
        keys
    }
}

/// Tag listings (相关新闻): the live story under each of its tags. The
/// stories whose 相关新闻 may show it, before or after this write, are the
/// next few after it under each of its old and new tags: returns them, for
/// `related:` keys, so their pages need not record every story they list.
pub(super) async fn retag(
    tx: &mut Tx<'_>,
    a: &Article,
    id: i64,
    created: bool,
    now: i64,
) -> StoreResult<BTreeSet<i64>> {
    let mut related_of = BTreeSet::new();
    let mut places: Vec<(String, i64)> = Vec::new();
    if !created {
        places = sqlx::query_as("SELECT tag, sort_at FROM tag_listings WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
        if !places.is_empty() {
            sqlx::query("DELETE FROM tag_listings WHERE article_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    if a.status == Status::Published && a.kind.listed() {
        let tags: BTreeSet<&str> = a
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .take(crate::domain::draft::MAX_TAGS)
            .collect();
        let at = a.signed_at.unwrap_or(now);
        if !tags.is_empty() {
            let mut q = QueryBuilder::new("INSERT INTO tag_listings (tag, article_id, sort_at) ");
            q.push_values(&tags, |mut b, tag| {
                b.push_bind(*tag).push_bind(id).push_bind(at);
            });
            q.build().execute(&mut **tx).await?;
            places.extend(tags.iter().map(|t| (t.to_string(), at)));
        }
    }
    places.sort();
    places.dedup();
    if !places.is_empty() {
        // none for a story signed now: nothing comes after it yet
        let mut q = QueryBuilder::new("");
        for (i, (tag, at)) in places.iter().enumerate() {
            if i > 0 {
                q.push(" UNION ");
            }
            q.push("SELECT * FROM (SELECT article_id FROM tag_listings WHERE tag = ")
                .push_bind(tag.as_str())
                .push(" AND sort_at >= ")
                .push_bind(*at)
                .push(" AND (sort_at > ")
                .push_bind(*at)
                .push(" OR article_id > ")
                .push_bind(id)
                .push(format!(
                    ") ORDER BY sort_at, article_id LIMIT {}) AS t{i}",
                    crate::domain::article::RELATED_ITEMS
                ));
        }
        let later: Vec<i64> = q.build_query_scalar().fetch_all(&mut **tx).await?;
        related_of.extend(later);
    }
    Ok(related_of)
}

/// Changes to channels' live counts, by channel.
#[derive(Debug, Default)]
pub(super) struct LiveCounts(BTreeMap<i64, i64>);

impl LiveCounts {
    fn add(&mut self, channel: i64, delta: i64) {
        *self.0.entry(channel).or_default() += delta;
    }

    pub(super) fn merge(&mut self, other: LiveCounts) {
        for (c, d) in other.0 {
            self.add(c, d);
        }
    }

    /// One UPDATE per distinct change (ids and deltas are integers we made).
    pub(super) async fn write(&self, tx: &mut Tx<'_>) -> StoreResult<()> {
        let mut by_delta: BTreeMap<i64, Vec<String>> = Default::default();
        for (c, d) in self.0.iter().filter(|(_, d)| **d != 0) {
            by_delta.entry(*d).or_default().push(c.to_string());
        }
        for (delta, ids) in by_delta {
            sqlx::query(&format!(
                "UPDATE channels SET live_count = live_count + ({delta}) WHERE id IN ({})",
                ids.join(",")
            ))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// One story's place in one channel list, before and after a write.
struct ListPlace {
    channel: i64,
    size: i64,
    total_before: i64,
    total_after: i64,
    newer_before: Option<i64>,
    newer_after: Option<i64>,
}

/// How many stories of a channel's list are newer than (sort_at, id), counted
/// only as far as it matters: whether it is on page 1 of a `total`-story list.
async fn count_newer(
    tx: &mut Tx<'_>,
    channel: i64,
    sort_at: i64,
    id: i64,
    total: i64,
    size: i64,
) -> StoreResult<i64> {
    if paging::pages(total, size) <= 1 {
        return Ok(0);
    }
    // page 1 holds fewer than two pages' worth
    let cap = 2 * size.max(1);
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM listings WHERE channel_id = $1 AND sort_at >= $2 \
         AND (sort_at > $2 OR article_id > $3) LIMIT $4) AS newer",
    )
    .bind(channel)
    .bind(sort_at)
    .bind(id)
    .bind(cap)
    .fetch_one(&mut **tx)
    .await?)
}
