//! Stories as whole rows (`db::Articles`), compiled once per backend: read
//! one or many, save one, import a batch in one transaction, a site's pages.
//! Every write goes through `write_article`.

use std::collections::BTreeSet;

use async_trait::async_trait;
use sqlx::Row;

use super::article_lists::LiveCounts;
use super::article_write::{Bulk, load_article, site_channels, write_article};
use super::rows::{ARTICLE_COLUMNS, SUMMARY_COLUMNS, article_from_row, summary_from_row};
use super::{StoreImpl, dialect};
use crate::db::{Articles, Imported, StoreResult};
use crate::domain::kind::Kind;
use crate::domain::{Article, ArticleSummary, Status};

#[async_trait]
impl Articles for StoreImpl {
    async fn article(&self, id: i64) -> StoreResult<Option<Article>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let extra: Vec<i64> = sqlx::query_scalar(
            "SELECT channel_id FROM article_channels WHERE article_id = $1 ORDER BY channel_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        article_from_row(&row, extra).map(Some)
    }

    async fn save_article(&self, a: &Article, now: i64) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let channels = site_channels(&mut tx, Some(&a.site_id)).await?;
        let id = write_article(&mut tx, a, now, &channels, Bulk::No)
            .await?
            .id;
        tx.commit().await?;
        Ok(id)
    }

    async fn release_scheduled(&self, id: i64, now: i64) -> StoreResult<bool> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let idle: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT work, work_revision FROM articles WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        // a story in the newsroom's workflow goes live through it
        if !matches!(idle, Some((w, None)) if w.contains("\"idle\"")) {
            return Ok(false);
        }
        let mut a = load_article(&mut tx, id, true).await?;
        if a.status != Status::Scheduled || a.signed_at.is_none_or(|t| t > now) {
            return Ok(false);
        }
        a.status = Status::Published;
        let channels = site_channels(&mut tx, Some(&a.site_id)).await?;
        write_article(&mut tx, &a, now, &channels, Bulk::No).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn import_batch(
        &self,
        articles: &[Article],
        updatable: Option<&BTreeSet<i64>>,
        now: i64,
    ) -> StoreResult<Vec<Imported>> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let channels = site_channels(&mut tx, None).await?;
        // which of the batch's ids exist, and which of those the newsroom
        // has, in one query (ids are integers we parsed)
        let ids: Vec<String> = articles
            .iter()
            .filter(|a| a.id != 0)
            .map(|a| a.id.to_string())
            .collect();
        let mut existing = BTreeSet::new();
        let mut in_newsroom = BTreeSet::new();
        if !ids.is_empty() {
            let rows: Vec<(i64, String, bool)> = sqlx::query_as(&format!(
                "SELECT a.id, a.status, \
                 (a.work_revision IS NOT NULL OR EXISTS (SELECT 1 FROM revisions r WHERE r.article_id = a.id)) \
                 FROM articles a WHERE a.id IN ({})",
                ids.join(",")
            ))
            .fetch_all(&mut *tx)
            .await?;
            for (id, status, revised) in rows {
                existing.insert(id);
                // an import's own story dated ahead (scheduled, never in the
                // workflow) is the import's to update
                if revised || !matches!(status.as_str(), "published" | "withdrawn" | "scheduled") {
                    in_newsroom.insert(id);
                }
            }
        }
        // the id generator moves past the batch's ids first, so a story
        // without one never draws an id the batch writes
        if let Some(max) = articles.iter().map(|a| a.id).max().filter(|m| *m > 0) {
            dialect::note_explicit_article_id(&mut tx, max).await?;
        }
        let mut out = Vec::with_capacity(articles.len());
        let mut seen = BTreeSet::new();
        let mut counts = LiveCounts::default();
        let mut last_seq = None;
        for a in articles {
            if in_newsroom.contains(&a.id) {
                out.push(Imported::Refused(format!(
                    "id {}:这篇稿件在采编系统中(草稿、审核中、待发布或经过编辑),导入不能覆盖它",
                    a.id
                )));
                continue;
            }
            let before = existing.contains(&a.id);
            if before && updatable.is_some_and(|ids| !ids.contains(&a.id)) {
                out.push(Imported::Refused(format!(
                    "id {} 的稿件已经存在,没有覆盖它;确要用导入文件更新已有稿件,请加 --update",
                    a.id
                )));
                continue;
            }
            // a line repeating an id earlier in the batch updates that story
            let existed = a.id != 0 && (before || !seen.insert(a.id));
            let w = write_article(&mut tx, a, now, &channels, Bulk::Yes { existed }).await?;
            // dated ahead: it goes live at its 签发 time, as a scheduled sign-off does
            if a.status == Status::Scheduled {
                if let Some(at) = a.signed_at {
                    sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3)")
                        .bind(crate::domain::job::JobKind::Publish.as_str())
                        .bind(w.id.to_string())
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if existed {
                let state = match a.status {
                    Status::Withdrawn => "withdrawn/idle",
                    _ => "live/idle",
                };
                sqlx::query(
                    "INSERT INTO audit (article_id, at, actor_id, actor, action, from_state, to_state, opinion, title, url) \
                     VALUES ($1, $2, NULL, $3, 'import', $4, $4, $5, $6, $7)",
                )
                .bind(a.id)
                .bind(now)
                .bind("导入")
                .bind(state)
                .bind("导入文件更新了这篇稿件")
                .bind(&a.title)
                .bind(a.url_path.as_deref().unwrap_or_default())
                .execute(&mut *tx)
                .await?;
            }
            out.push(if w.created {
                Imported::Created
            } else {
                Imported::Updated
            });
            counts.merge(w.counts);
            last_seq = Some(w.seq);
        }
        counts.write(&mut tx).await?;
        if let Some(seq) = last_seq {
            dialect::after_change(&mut tx, seq).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn articles_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Article>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({list})");
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            let extra: Vec<(i64, i64)> = sqlx::query_as(&format!(
                "SELECT article_id, channel_id FROM article_channels WHERE article_id IN ({list}) ORDER BY channel_id"
            ))
            .fetch_all(&self.pool)
            .await?;
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let ex = extra
                    .iter()
                    .filter(|(a, _)| *a == id)
                    .map(|(_, c)| *c)
                    .collect();
                out.push(article_from_row(row, ex)?);
            }
        }
        Ok(out)
    }

    async fn published_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<Article>> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > $1 AND status = 'published' ORDER BY id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| article_from_row(r, vec![])).collect()
    }

    async fn page_at(&self, site_id: &str, rel: &str) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM articles WHERE site_id = $1 AND url_path = $2 AND kind = $3",
        )
        .bind(site_id)
        .bind(rel)
        .bind(Kind::Page.as_str())
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn site_pages(&self, site_id: &str) -> StoreResult<Vec<ArticleSummary>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.site_id = $1 AND a.kind = $2 ORDER BY a.title, a.id"
        ))
        .bind(site_id)
        .bind(Kind::Page.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row).collect()
    }
}
