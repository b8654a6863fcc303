//! Static-export bookkeeping (`crate::export`), compiled once per backend.

use async_trait::async_trait;
use sqlx::QueryBuilder;

use super::StoreImpl;
use crate::db::{ExportState, Exports, StoreResult};

/// Rows per multi-row statement (3 parameters each, far below SQLite's limit).
const CHUNK: usize = 300;

#[async_trait]
impl Exports for StoreImpl {
    async fn export_state(&self, out_dir: &str) -> StoreResult<Option<ExportState>> {
        let row: Option<(i64, i64, i64)> =
            sqlx::query_as("SELECT id, cursor, complete FROM exports WHERE out_dir = $1")
                .bind(out_dir)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id, cursor, complete)| ExportState {
            id,
            cursor,
            complete: complete != 0,
        }))
    }

    async fn export_start(&self, out_dir: &str, full: bool) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exports (out_dir) VALUES ($1)
             ON CONFLICT (out_dir) DO UPDATE SET out_dir = excluded.out_dir RETURNING id",
        )
        .bind(out_dir)
        .fetch_one(&mut *tx)
        .await?;
        if full {
            sqlx::query("UPDATE exports SET complete = 0 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM export_deps WHERE export_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn export_record(
        &self,
        export_id: i64,
        pages: &[(String, Vec<String>)],
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
        forget_paths(&mut tx, export_id, &paths).await?;
        let rows: Vec<(&str, &str)> = pages
            .iter()
            .flat_map(|(path, deps)| deps.iter().map(move |d| (d.as_str(), path.as_str())))
            .collect();
        for chunk in rows.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO export_deps (export_id, dep, path) ");
            q.push_values(chunk, |mut b, (dep, path)| {
                b.push_bind(export_id).push_bind(*dep).push_bind(*path);
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn export_forget(&self, export_id: i64, paths: &[String]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        forget_paths(&mut tx, export_id, &paths).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn export_paths(&self, export_id: i64, keys: &[String]) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for chunk in keys.chunks(CHUNK) {
            let mut q =
                QueryBuilder::new("SELECT DISTINCT path FROM export_deps WHERE export_id = ");
            q.push_bind(export_id).push(" AND dep IN (");
            let mut list = q.separated(", ");
            for k in chunk {
                list.push_bind(k);
            }
            q.push(")");
            out.extend(
                q.build_query_scalar::<String>()
                    .fetch_all(&self.pool)
                    .await?,
            );
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    async fn export_list(&self) -> StoreResult<Vec<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, out_dir FROM exports ORDER BY id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn export_drop(&self, export_id: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM export_deps WHERE export_id = $1")
            .bind(export_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM exports WHERE id = $1")
            .bind(export_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn export_finish(&self, export_id: i64, cursor: i64, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE exports SET cursor = $1, complete = 1, built_at = $2 WHERE id = $3")
            .bind(cursor)
            .bind(now)
            .bind(export_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Delete the dependency rows of these files of an export.
async fn forget_paths(
    tx: &mut super::write::Tx<'_>,
    export_id: i64,
    paths: &[&str],
) -> StoreResult<()> {
    for chunk in paths.chunks(CHUNK) {
        let mut q = QueryBuilder::new("DELETE FROM export_deps WHERE export_id = ");
        q.push_bind(export_id).push(" AND path IN (");
        let mut list = q.separated(", ");
        for path in chunk {
            list.push_bind(*path);
        }
        q.push(")");
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}
