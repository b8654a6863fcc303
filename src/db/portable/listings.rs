//! What public pages list (`db::Listings`), compiled once per backend: a
//! channel's page read inside the listings index, the 相关新闻 candidates
//! of many stories in one round trip, a site's newest, and the live stories
//! sitemaps and the static build walk.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::StoreImpl;
use super::rows::{SUMMARY_COLUMNS, summary_from_row};
use crate::db::{Listings, StoreResult, TaggedBefore};
use crate::domain::ArticleSummary;

#[async_trait]
impl Listings for StoreImpl {
    async fn channel_page(
        &self,
        channel_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let sql = format!(
            // skip rows inside the covering index only, then read just the page's stories
            "SELECT {SUMMARY_COLUMNS} FROM (SELECT article_id, sort_at FROM listings WHERE channel_id = $1 \
             ORDER BY sort_at DESC, article_id DESC LIMIT $2 OFFSET $3) l JOIN articles a ON a.id = l.article_id \
             ORDER BY l.sort_at DESC, l.article_id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(channel_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn neighbours(
        &self,
        channel_id: i64,
        (sort_at, id): (i64, i64),
    ) -> StoreResult<crate::domain::article::Neighbours> {
        // one index seek each way (listings_order)
        let older = format!(
            "SELECT {SUMMARY_COLUMNS} FROM (SELECT article_id FROM listings WHERE channel_id = $1 \
             AND (sort_at < $2 OR (sort_at = $2 AND article_id < $3)) \
             ORDER BY sort_at DESC, article_id DESC LIMIT 1) l JOIN articles a ON a.id = l.article_id"
        );
        let newer = format!(
            "SELECT {SUMMARY_COLUMNS} FROM (SELECT article_id FROM listings WHERE channel_id = $1 \
             AND (sort_at > $2 OR (sort_at = $2 AND article_id > $3)) \
             ORDER BY sort_at, article_id LIMIT 1) l JOIN articles a ON a.id = l.article_id"
        );
        let mut out = Vec::with_capacity(2);
        for sql in [older, newer] {
            let row = sqlx::query(&sql)
                .bind(channel_id)
                .bind(sort_at)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            out.push(row.as_ref().map(summary_from_row).transpose()?);
        }
        let newer = out.pop().flatten();
        Ok((out.pop().flatten(), newer))
    }

    async fn tagged_before(
        &self,
        requests: &[TaggedBefore<'_>],
        limit: i64,
    ) -> StoreResult<Vec<Vec<Vec<ArticleSummary>>>> {
        let mut out: Vec<Vec<Vec<ArticleSummary>>> = requests
            .iter()
            .map(|r| vec![Vec::new(); r.tags.len()])
            .collect();
        // one index range per (request, tag), a few hundred per round trip
        // (SQLite allows 500 terms in a compound SELECT)
        let pairs: Vec<(usize, usize)> = requests
            .iter()
            .enumerate()
            .flat_map(|(r, req)| (0..req.tags.len()).map(move |t| (r, t)))
            .collect();
        for chunk in pairs.chunks(400) {
            let mut q = QueryBuilder::new(format!(
                "SELECT t.req AS req, t.tag AS tag, {SUMMARY_COLUMNS} FROM ("
            ));
            for (i, (r, t)) in chunk.iter().enumerate() {
                let req = &requests[*r];
                if i > 0 {
                    q.push(" UNION ALL ");
                }
                q.push(format!("SELECT * FROM (SELECT CAST({r} AS BIGINT) AS req, CAST({t} AS BIGINT) AS tag, article_id, sort_at FROM tag_listings WHERE tag = "))
                    .push_bind(req.tags[*t].as_str())
                    // `sort_at <=` seeks the index; the rest drops the story
                    // itself and later ones signed the same second
                    .push(" AND sort_at <= ")
                    .push_bind(req.before.0)
                    .push(" AND (sort_at < ")
                    .push_bind(req.before.0)
                    .push(" OR article_id < ")
                    .push_bind(req.before.1)
                    .push(format!(
                        ") ORDER BY sort_at DESC, article_id DESC LIMIT {limit}) AS t{i}"
                    ));
            }
            q.push(
                ") AS t JOIN articles a ON a.id = t.article_id \
                 ORDER BY t.sort_at DESC, t.article_id DESC",
            );
            for row in q.build().fetch_all(&self.pool).await? {
                let r: i64 = row.try_get("req")?;
                let t: i64 = row.try_get("tag")?;
                if let Some(list) = out
                    .get_mut(r as usize)
                    .and_then(|tags| tags.get_mut(t as usize))
                {
                    list.push(summary_from_row(&row)?);
                }
            }
        }
        Ok(out)
    }

    async fn site_latest(&self, site_id: &str, limit: i64) -> StoreResult<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.site_id = $1 AND a.status = 'published' \
             ORDER BY a.signed_at DESC, a.id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(site_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn tag_listings_after(
        &self,
        after: (&str, i64),
        limit: i64,
    ) -> StoreResult<Vec<(String, i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT tag, article_id, sort_at FROM tag_listings \
             WHERE (tag, article_id) > ($1, $2) ORDER BY tag, article_id LIMIT $3",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn facet_page(
        &self,
        facet: crate::domain::url::Facet,
        site_id: &str,
        value: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>> {
        // the value's list in order (its `_order` index), the site's on the way
        let (table, col) = facet_table(facet);
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {table} t JOIN articles a ON a.id = t.article_id \
             WHERE t.{col} = $1 AND a.site_id = $2 ORDER BY t.sort_at DESC, t.article_id DESC LIMIT $3 OFFSET $4"
        );
        let rows = sqlx::query(&sql)
            .bind(value)
            .bind(site_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn facet_count(
        &self,
        facet: crate::domain::url::Facet,
        site_id: &str,
        value: &str,
    ) -> StoreResult<i64> {
        let (table, col) = facet_table(facet);
        Ok(sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} t JOIN articles a ON a.id = t.article_id \
             WHERE t.{col} = $1 AND a.site_id = $2"
        ))
        .bind(value)
        .bind(site_id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn facet_values(
        &self,
        facet: crate::domain::url::Facet,
        site_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        let (table, col) = facet_table(facet);
        Ok(sqlx::query_as(&format!(
            "SELECT t.{col}, COUNT(*) FROM {table} t JOIN articles a ON a.id = t.article_id \
             WHERE a.site_id = $1 GROUP BY t.{col} ORDER BY t.{col}"
        ))
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn channel_listings_after(
        &self,
        after: (i64, i64),
        limit: i64,
    ) -> StoreResult<Vec<(i64, i64, i64)>> {
        // the primary key's order
        Ok(sqlx::query_as(
            "SELECT channel_id, article_id, sort_at FROM listings \
             WHERE (channel_id, article_id) > ($1, $2) ORDER BY channel_id, article_id LIMIT $3",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn live_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<(ArticleSummary, i64)>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.status = 'published' AND a.id > $1 \
             ORDER BY a.id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let s = summary_from_row(r)?;
                let modified = s.modified_at;
                Ok((s, modified))
            })
            .collect()
    }

    async fn sitemap_blocks(&self) -> StoreResult<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(&format!(
            "SELECT (id - 1) / {block} + 1 AS n, MAX(COALESCE(revised_at, signed_at, 0)) \
             FROM articles WHERE status = 'published' GROUP BY (id - 1) / {block} + 1 ORDER BY n",
            block = crate::domain::url::SITEMAP_BLOCK
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn withdrawn_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, site_id, url_path FROM articles WHERE status = 'withdrawn' AND id > $1 \
             AND url_path IS NOT NULL ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn live_since(&self, since: i64, limit: i64) -> StoreResult<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.status = 'published' AND a.signed_at >= $1 \
             ORDER BY a.signed_at DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(since)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn live_count(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM articles WHERE status = 'published'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn channel_count(&self, channel_id: i64) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT live_count FROM channels WHERE id = $1")
                .bind(channel_id)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(0),
        )
    }
}

/// A facet's listings table and its value column (fixed names, never input).
fn facet_table(facet: crate::domain::url::Facet) -> (&'static str, &'static str) {
    match facet {
        crate::domain::url::Facet::Tag => ("tag_listings", "tag"),
        crate::domain::url::Facet::Author => ("author_listings", "name"),
    }
}
