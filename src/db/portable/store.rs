//! The database's lifecycle (`db::Store`), compiled once per backend:
//! migrations, change notifications, closing, the identity drawn at
//! creation and the readiness probe's write.

use async_trait::async_trait;

use super::StoreImpl;
use crate::db::{Store, StoreError, StoreResult, Wake};

#[async_trait]
impl Store for StoreImpl {
    async fn close(&self) {
        self.shutdown().await;
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.run_migrations().await
    }

    async fn subscribe_changes(&self, wake: Wake) -> StoreResult<bool> {
        self.forward_changes(wake).await
    }

    async fn identity(&self) -> StoreResult<String> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'identity'")
                .fetch_optional(&self.pool)
                .await?;
        id.ok_or_else(|| StoreError::Corrupt("the database has no identity row".into()))
    }

    async fn integrity_check(&self) -> StoreResult<Option<String>> {
        let Some(sql) = super::dialect::INTEGRITY_CHECK else {
            return Ok(None);
        };
        let found: Vec<String> = match sqlx::query_scalar(sql).fetch_all(&self.pool).await {
            Ok(rows) => rows,
            // damage that stops the check itself is damage
            Err(e) => {
                let e = StoreError::from(e);
                if e.is_corrupt() {
                    return Ok(Some(e.to_string()));
                }
                return Err(e);
            }
        };
        Ok(match found.as_slice() {
            [one] if one == "ok" => None,
            lines => Some(lines.join("; ")),
        })
    }

    async fn probe_write(&self, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('probe', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(now.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
