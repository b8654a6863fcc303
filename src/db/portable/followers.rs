//! The outward followers' cursors (`db::Followers`), compiled once per
//! backend: read, and moved by compare-and-set.

use async_trait::async_trait;

use super::StoreImpl;
use crate::db::{Followers, StoreResult};

#[async_trait]
impl Followers for StoreImpl {
    async fn follower_cursor(&self, name: &str) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT seq FROM follower_cursors WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn move_follower(
        &self,
        name: &str,
        from: Option<i64>,
        to: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let moved = match from {
            None => sqlx::query(
                "INSERT INTO follower_cursors (name, seq, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(to)
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected(),
            Some(from) => sqlx::query(
                "UPDATE follower_cursors SET seq = $3, updated_at = $4 WHERE name = $1 AND seq = $2",
            )
            .bind(name)
            .bind(from)
            .bind(to)
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected(),
        };
        Ok(moved == 1)
    }
}
