//! Reading the change log (`db::Changes`), compiled once per backend; it is
//! written by every content write, through `write.rs`.

use async_trait::async_trait;

use super::StoreImpl;
use crate::db::{Change, Changes, StoreResult, change_mark};

#[async_trait]
impl Changes for StoreImpl {
    async fn changes_since(&self, after: i64, limit: i64) -> StoreResult<Vec<Change>> {
        let rows: Vec<(i64, i64, String, Option<String>, Option<i64>, String)> = sqlx::query_as(
            "SELECT seq, at, kind, site_id, article_id, keys FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, at, kind, site_id, article_id, keys)| Change {
                mark: change_mark(seq, at, &kind, article_id, &keys),
                seq,
                kind,
                site_id,
                article_id,
                keys: serde_json::from_str(&keys).unwrap_or_default(),
            })
            .collect())
    }

    async fn change_mark(&self, seq: i64) -> StoreResult<Option<String>> {
        let row: Option<(i64, String, Option<i64>, String)> =
            sqlx::query_as("SELECT at, kind, article_id, keys FROM changes WHERE seq = $1")
                .bind(seq)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(at, kind, article, keys)| change_mark(seq, at, &kind, article, &keys)))
    }

    async fn last_change(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM changes")
                .fetch_one(&self.pool)
                .await?
                .unwrap_or(0),
        )
    }
}
