//! Counted views (`db::Reach`), compiled once per backend: a batch is one
//! multi-row upsert per few hundred rows, adding to the hour's row, so
//! batches from every node add up and none overwrites another.

use async_trait::async_trait;
use sqlx::QueryBuilder;

use super::{Db, StoreImpl, dialect};
use crate::db::{CountedRow, Reach, StoreResult, ViewCount};

/// Rows per statement (well under both backends' bind limits: 6 per row).
const CHUNK: usize = 500;

async fn upsert(tx: &mut sqlx::Transaction<'_, Db>, views: &[ViewCount]) -> StoreResult<()> {
    for chunk in views.chunks(CHUNK) {
        let mut b: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO views (hour, article_id, outlet, site_id, channel_id, count) ",
        );
        b.push_values(chunk, |mut row, v| {
            row.push_bind(v.hour)
                .push_bind(v.article_id)
                .push_bind(v.outlet.clone())
                .push_bind(v.site_id.clone())
                .push_bind(v.channel_id)
                .push_bind(v.count);
        });
        b.push(
            " ON CONFLICT (hour, article_id, outlet) DO UPDATE SET count = views.count + excluded.count",
        );
        b.build().execute(&mut **tx).await?;
    }
    Ok(())
}

#[async_trait]
impl Reach for StoreImpl {
    async fn add_views(&self, views: &[ViewCount]) -> StoreResult<()> {
        if views.is_empty() {
            return Ok(());
        }
        let mut tx = dialect::begin_own(&self.pool).await?;
        upsert(&mut tx, views).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_logged_views(
        &self,
        source: &str,
        views: &[ViewCount],
        last_at: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_own(&self.pool).await?;
        upsert(&mut tx, views).await?;
        sqlx::query(
            "INSERT INTO view_imports (source, last_at) VALUES ($1, $2) \
             ON CONFLICT (source) DO UPDATE SET last_at = excluded.last_at",
        )
        .bind(source)
        .bind(last_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn view_import_mark(&self, source: &str) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT last_at FROM view_imports WHERE source = $1")
                .bind(source)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn counted(
        &self,
        site_id: &str,
        week_from: i64,
        day_from: i64,
    ) -> StoreResult<Vec<CountedRow>> {
        Ok(sqlx::query_as(
            "SELECT v.article_id, a.channel_id, COALESCE(a.signed_at, 0) AS signed_at, a.kind, \
             CAST(SUM(CASE WHEN v.hour >= $3 THEN v.count ELSE 0 END) AS BIGINT) AS day, \
             CAST(SUM(v.count) AS BIGINT) AS week \
             FROM views v JOIN articles a ON a.id = v.article_id \
             WHERE v.site_id = $1 AND v.hour >= $2 AND a.site_id = $1 AND a.status = 'published' \
             GROUP BY v.article_id, a.channel_id, a.signed_at, a.kind",
        )
        .bind(site_id)
        .bind(week_from)
        .bind(day_from)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn story_views(&self, article_id: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM views WHERE article_id = $1",
        )
        .bind(article_id)
        .fetch_one(&self.pool)
        .await?)
    }
}
