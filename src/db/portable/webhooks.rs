//! Group-chat robots (`db::Webhooks`), compiled once per backend: the
//! robots of each desk and the deliveries queued for them (by
//! `write::queue_notices`, inside the planning act's own transaction).

use async_trait::async_trait;
use sqlx::Row;

use super::write::insert_event;
use super::{DbRow, StoreImpl, dialect};
use crate::db::{Actor, Delivery, Event, StoreError, StoreResult, Webhook, Webhooks};

const HOOK_COLUMNS: &str =
    "h.id, h.site_id, h.channel_path, h.format, h.url, h.secret, h.allow_private";

fn hook_from_row(r: &DbRow) -> StoreResult<Webhook> {
    Ok(Webhook {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        channel_path: r.try_get("channel_path")?,
        format: r.try_get("format")?,
        url: r.try_get("url")?,
        secret: r.try_get("secret")?,
        allow_private: r.try_get::<i64, _>("allow_private")? != 0,
    })
}

fn delivery_from_row(r: &DbRow) -> StoreResult<Delivery> {
    Ok(Delivery {
        id: r.try_get("delivery_id")?,
        hook: hook_from_row(r)?,
        text: r.try_get("text")?,
        attempts: r.try_get("attempts")?,
        delivered_at: r.try_get("delivered_at")?,
        failed_at: r.try_get("failed_at")?,
        last_error: r.try_get("last_error")?,
    })
}

const DELIVERY_SELECT: &str = "SELECT d.id AS delivery_id, d.text, d.attempts, d.delivered_at, d.failed_at, \
     d.last_error, h.id, h.site_id, h.channel_path, h.format, h.url, h.secret, h.allow_private \
     FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id";

#[async_trait]
impl Webhooks for StoreImpl {
    async fn webhooks(&self, site_id: Option<&str>) -> StoreResult<Vec<Webhook>> {
        let rows = sqlx::query(&format!(
            "SELECT {HOOK_COLUMNS} FROM webhooks h WHERE h.active = 1 AND ($1 = '' OR h.site_id = $1) \
             ORDER BY h.site_id, h.channel_path, h.id"
        ))
        .bind(site_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(hook_from_row).collect()
    }

    async fn add_webhook(&self, h: &Webhook, actor: &Actor, now: i64) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhooks (site_id, channel_path, format, url, secret, allow_private, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&h.site_id)
        .bind(&h.channel_path)
        .bind(&h.format)
        .bind(&h.url)
        .bind(&h.secret)
        .bind(i64::from(h.allow_private))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "plan_hook_add",
                subject: format!("hook:{}", h.site_id),
                article_id: None,
                title: "群机器人".into(),
                detail: format!(
                    "{} {}",
                    if h.channel_path.is_empty() {
                        "全站"
                    } else {
                        &h.channel_path
                    },
                    h.format
                ),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn remove_webhook(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let row = sqlx::query(
            "SELECT site_id, channel_path, format FROM webhooks WHERE id = $1 AND active = 1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound("这个群机器人已不存在".into()))?;
        // kept (inactive) so its deliveries still say where they went
        sqlx::query("UPDATE webhooks SET active = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let site: String = row.try_get("site_id")?;
        let path: String = row.try_get("channel_path")?;
        let format: String = row.try_get("format")?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "plan_hook_remove",
                subject: format!("hook:{site}"),
                article_id: None,
                title: "群机器人".into(),
                detail: format!("{} {format}", if path.is_empty() { "全站" } else { &path }),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>> {
        let row = sqlx::query(&format!("{DELIVERY_SELECT} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(delivery_from_row).transpose()
    }

    async fn deliveries(&self, site_id: &str, limit: i64) -> StoreResult<Vec<Delivery>> {
        let rows = sqlx::query(&format!(
            "{DELIVERY_SELECT} WHERE h.site_id = $1 ORDER BY d.id DESC LIMIT $2"
        ))
        .bind(site_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    async fn record_delivery(
        &self,
        id: i64,
        error: Option<&str>,
        give_up: bool,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_own(&self.pool).await?;
        match error {
            None => sqlx::query(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = $2, last_error = '' WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?,
            Some(e) => sqlx::query(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2, failed_at = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(e.chars().take(500).collect::<String>())
            .bind(give_up.then_some(now))
            .execute(&mut *tx)
            .await?,
        };
        tx.commit().await?;
        Ok(())
    }
}
