//! The content API's storage (`db::Api`), compiled once per backend: public
//! stories by filter in keyset pages, API keys (digests only), and the
//! per-minute counters nodes claim a key's limit from.

use async_trait::async_trait;
use sqlx::Row;

use super::keyset::{and_in, newest_first};
use super::rows::{ARTICLE_COLUMNS, article_from_row};
use super::write::{insert_event, log_change, to_json};
use super::{Db, DbRow, StoreImpl, dialect};
use crate::db::api::KEYS_CHANGED;
use crate::db::{Actor, Api, ApiKey, Event, NewApiKey, PublicStories, StoreError, StoreResult};
use crate::domain::api::Sort;

/// The time a story was last changed for readers: its 更新 or correction,
/// else its 签发 (the expression `articles_api_updated` indexes).
const UPDATED: &str = "COALESCE(revised_at, signed_at)";

const KEY_COLUMNS: &str = "id, name, digest, shown, sites, per_minute, created_at, created_by, \
     revoked_at, revoked_by, last_used_at";

fn key_from_row(r: &DbRow) -> StoreResult<ApiKey> {
    let sites: String = r.try_get("sites")?;
    Ok(ApiKey {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        digest: r.try_get("digest")?,
        shown: r.try_get("shown")?,
        sites: serde_json::from_str(&sites)
            .map_err(|e| super::rows::json_err("api_keys.sites", e))?,
        per_minute: r.try_get("per_minute")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
        revoked_at: r.try_get("revoked_at")?,
        revoked_by: r.try_get("revoked_by")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

#[async_trait]
impl Api for StoreImpl {
    async fn public_stories(
        &self,
        q: &PublicStories<'_>,
    ) -> StoreResult<Vec<crate::domain::Article>> {
        if q.sites.is_empty() || q.kinds.is_empty() || q.limit <= 0 {
            return Ok(Vec::new());
        }
        let time = match q.sort {
            Sort::Signed => "signed_at",
            Sort::Updated => UPDATED,
        };
        let mut b = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE status = 'published'"
        ));
        and_in(&mut b, "site_id", q.sites.iter());
        and_in(&mut b, "kind", q.kinds.iter().copied());
        if let Some(c) = q.channel_id {
            // the channel's list holds its sub-channels' stories too
            b.push(" AND id IN (SELECT article_id FROM listings WHERE channel_id = ")
                .push_bind(c)
                .push(")");
        }
        if let Some(t) = q.tag {
            b.push(" AND id IN (SELECT article_id FROM tag_listings WHERE tag = ")
                .push_bind(t.to_string())
                .push(")");
        }
        if let Some(t) = q.updated_since {
            b.push(format!(" AND {UPDATED} >= ")).push_bind(t);
        }
        if let Some(t) = q.signed_from {
            b.push(" AND signed_at >= ").push_bind(t);
        }
        if let Some(t) = q.signed_to {
            b.push(" AND signed_at < ").push_bind(t);
        }
        newest_first(&mut b, (time, "id"), q.after, q.limit);
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(|r| article_from_row(r, vec![])).collect()
    }

    async fn api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        let rows = sqlx::query(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys ORDER BY id DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(key_from_row).collect()
    }

    async fn add_api_key(&self, k: &NewApiKey, actor: &Actor, now: i64) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_keys (name, digest, shown, sites, per_minute, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&k.name)
        .bind(&k.digest)
        .bind(&k.shown)
        .bind(to_json(&k.sites))
        .bind(k.per_minute)
        .bind(now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "api_key_add",
                subject: format!("api-key:{id}"),
                article_id: None,
                title: k.name.clone(),
                detail: format!(
                    "{} · {} · 每分钟 {} 次",
                    k.shown,
                    if k.sites.is_empty() {
                        "全部站点".to_string()
                    } else {
                        k.sites.join("、")
                    },
                    k.per_minute
                ),
            },
            now,
        )
        .await?;
        log_change(&mut tx, now, "api", None, None, &[KEYS_CHANGED.to_string()]).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn revoke_api_key(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let row = sqlx::query("SELECT name, shown, revoked_at FROM api_keys WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound("这个 API 密钥不存在".into()))?;
        if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
            return Ok(());
        }
        sqlx::query("UPDATE api_keys SET revoked_at = $2, revoked_by = $3 WHERE id = $1")
            .bind(id)
            .bind(now)
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "api_key_revoke",
                subject: format!("api-key:{id}"),
                article_id: None,
                title: row.try_get("name")?,
                detail: row.try_get("shown")?,
            },
            now,
        )
        .await?;
        log_change(&mut tx, now, "api", None, None, &[KEYS_CHANGED.to_string()]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_api_quota(
        &self,
        key_id: i64,
        minute: i64,
        want: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        // one statement adds the claim and answers the minute's total, so
        // two nodes claiming at once each see the other's share
        let used: i64 = sqlx::query_scalar(
            "INSERT INTO api_usage (key_id, minute, used) VALUES ($1, $2, $3) \
             ON CONFLICT (key_id, minute) DO UPDATE SET used = api_usage.used + excluded.used \
             RETURNING used",
        )
        .bind(key_id)
        .bind(minute)
        .bind(want)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
            .bind(key_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // the counters of minutes long gone
        sqlx::query("DELETE FROM api_usage WHERE key_id = $1 AND minute < $2")
            .bind(key_id)
            .bind(minute - 60)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        // what was left before this claim, at most what it asked for
        Ok((limit - (used - want)).clamp(0, want))
    }
}
