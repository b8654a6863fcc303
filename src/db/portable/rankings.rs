//! 热点排行 (`db::Rankings`), compiled once per backend: the lists as the
//! rule last computed them, rewritten whole per site, and editors'
//! removals. A list changes only through `write_places`, which logs
//! `rank:{site}` when an order changed.

use async_trait::async_trait;
use sqlx::Row;

use super::rows::{SUMMARY_COLUMNS, summary_from_row};
use super::write::{Tx, insert_event, log_change};
use super::{StoreImpl, dialect};
use crate::db::{Actor, Event, Ranked, Rankings, Removal, StoreError, StoreResult};
use crate::domain::rank::{Period, Place, key};

/// The site's lists as stored, in (channel, period, position) order.
async fn stored(tx: &mut Tx<'_>, site_id: &str) -> StoreResult<Vec<Place>> {
    let rows = sqlx::query(
        "SELECT channel, period, position, article_id, views FROM rankings \
         WHERE site_id = $1 ORDER BY channel, period, position",
    )
    .bind(site_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let period: String = r.try_get("period")?;
        out.push(Place {
            channel: r.try_get("channel")?,
            period: Period::parse(&period)
                .ok_or_else(|| StoreError::Corrupt(format!("rankings.period {period:?}")))?,
            position: r.try_get("position")?,
            article_id: r.try_get("article_id")?,
            views: r.try_get("views")?,
        });
    }
    Ok(out)
}

/// The order a reader sees: (channel, period, position, story), no counts.
fn order(places: &[Place]) -> Vec<(&str, Period, i64, i64)> {
    let mut o: Vec<_> = places
        .iter()
        .map(|p| (p.channel.as_str(), p.period, p.position, p.article_id))
        .collect();
    o.sort();
    o
}

/// Rewrite the site's lists as `places` when they differ from what is
/// stored; logs `rank:{site}` when an order changed. Returns whether one did.
async fn write_places(
    tx: &mut Tx<'_>,
    site_id: &str,
    places: &[Place],
    now: i64,
) -> StoreResult<bool> {
    let mut old = stored(tx, site_id).await?;
    let mut new = places.to_vec();
    old.sort();
    new.sort();
    if old == new {
        return Ok(false);
    }
    sqlx::query("DELETE FROM rankings WHERE site_id = $1")
        .bind(site_id)
        .execute(&mut **tx)
        .await?;
    for p in &new {
        sqlx::query(
            "INSERT INTO rankings (site_id, channel, period, position, article_id, views) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(site_id)
        .bind(&p.channel)
        .bind(p.period.as_str())
        .bind(p.position)
        .bind(p.article_id)
        .bind(p.views)
        .execute(&mut **tx)
        .await?;
    }
    let moved = order(&old) != order(&new);
    if moved {
        log_change(tx, now, "rank", Some(site_id), None, &[key(site_id)]).await?;
    }
    Ok(moved)
}

async fn title_of(tx: &mut Tx<'_>, article_id: i64) -> StoreResult<String> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT title FROM articles WHERE id = $1")
            .bind(article_id)
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or_default(),
    )
}

#[async_trait]
impl Rankings for StoreImpl {
    async fn ranking(
        &self,
        site_id: &str,
        channel: &str,
        period: Period,
        limit: i64,
    ) -> StoreResult<Vec<Ranked>> {
        let rows = sqlx::query(&format!(
            "SELECT r.position, r.views, {SUMMARY_COLUMNS} FROM rankings r \
             JOIN articles a ON a.id = r.article_id \
             WHERE r.site_id = $1 AND r.channel = $2 AND r.period = $3 \
             AND a.status = 'published' AND a.site_id = $1 \
             ORDER BY r.position LIMIT $4"
        ))
        .bind(site_id)
        .bind(channel)
        .bind(period.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Ranked {
                    position: r.try_get("position")?,
                    views: r.try_get("views")?,
                    story: summary_from_row(r)?,
                })
            })
            .collect()
    }

    async fn replace_rankings(
        &self,
        site_id: &str,
        places: &[Place],
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let moved = write_places(&mut tx, site_id, places, now).await?;
        tx.commit().await?;
        Ok(moved)
    }

    async fn removed_from_rankings(&self, site_id: &str) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT article_id FROM rank_removals WHERE site_id = $1 AND restored_at IS NULL",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn rank_removals(&self, site_id: &str, limit: i64) -> StoreResult<Vec<Removal>> {
        let rows = sqlx::query(
            "SELECT r.id, r.site_id, r.article_id, COALESCE(a.title, '') AS title, a.url_path, \
             r.reason, r.removed_by, r.removed_at, r.restored_by, r.restored_at \
             FROM rank_removals r LEFT JOIN articles a ON a.id = r.article_id \
             WHERE r.site_id = $1 ORDER BY r.id DESC LIMIT $2",
        )
        .bind(site_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Removal {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    article_id: r.try_get("article_id")?,
                    title: r.try_get("title")?,
                    url_path: r.try_get("url_path")?,
                    reason: r.try_get("reason")?,
                    removed_by: r.try_get("removed_by")?,
                    removed_at: r.try_get("removed_at")?,
                    restored_by: r.try_get("restored_by")?,
                    restored_at: r.try_get("restored_at")?,
                })
            })
            .collect()
    }

    async fn remove_from_rankings(
        &self,
        site_id: &str,
        article_id: i64,
        reason: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let reason = crate::domain::rank::check_reason(reason).map_err(StoreError::Invalid)?;
        let mut tx = dialect::begin_write(&self.pool).await?;
        let places = stored(&mut tx, site_id).await?;
        if !places.iter().any(|p| p.article_id == article_id) {
            return Err(StoreError::Invalid(
                "这篇稿件不在本站当前的排行中,无需移出".into(),
            ));
        }
        let already: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM rank_removals WHERE site_id = $1 AND article_id = $2 AND restored_at IS NULL",
        )
        .bind(site_id)
        .bind(article_id)
        .fetch_optional(&mut *tx)
        .await?;
        if already.is_some() {
            return Err(StoreError::Conflict("这篇稿件已移出排行".into()));
        }
        sqlx::query(
            "INSERT INTO rank_removals (site_id, article_id, reason, removed_by, removed_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(site_id)
        .bind(article_id)
        .bind(&reason)
        .bind(&actor.name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // out of every list now, the rest moving up; the next computation
        // fills the lists again from the counts
        let mut kept: Vec<Place> = Vec::with_capacity(places.len());
        for p in places.into_iter().filter(|p| p.article_id != article_id) {
            let position = kept
                .iter()
                .filter(|k| k.channel == p.channel && k.period == p.period)
                .count() as i64
                + 1;
            kept.push(Place { position, ..p });
        }
        write_places(&mut tx, site_id, &kept, now).await?;
        let title = title_of(&mut tx, article_id).await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "rank_remove",
                subject: key(site_id),
                article_id: Some(article_id),
                title,
                detail: format!("理由:{reason}"),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn restore_to_rankings(
        &self,
        site_id: &str,
        id: i64,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let row: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT article_id, restored_at FROM rank_removals WHERE id = $1 AND site_id = $2",
        )
        .bind(id)
        .bind(site_id)
        .fetch_optional(&mut *tx)
        .await?;
        let article_id = match row {
            None => return Err(StoreError::NotFound("没有这条移出记录".into())),
            Some((_, Some(_))) => {
                return Err(StoreError::Conflict("这条移出已经撤销".into()));
            }
            Some((a, None)) => a,
        };
        sqlx::query("UPDATE rank_removals SET restored_by = $2, restored_at = $3 WHERE id = $1")
            .bind(id)
            .bind(&actor.name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let title = title_of(&mut tx, article_id).await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "rank_restore",
                subject: key(site_id),
                article_id: Some(article_id),
                title,
                detail: "按计数重新参与排行".into(),
            },
            now,
        )
        .await?;
        // the rule page lists it as taken back
        log_change(&mut tx, now, "rank", Some(site_id), None, &[key(site_id)]).await?;
        tx.commit().await?;
        Ok(())
    }
}
