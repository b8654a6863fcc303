//! The content tables (sites, channels, articles, listings, slots, the change
//! log), written once in the SQL that SQLite and PostgreSQL share. This file is
//! compiled once per backend (`#[path]` from `db/sqlite` and `db/postgres`):
//! `super` is the backend, which supplies the types (`Db`, `DbRow`,
//! `StoreImpl`) and the few statements the two dialects spell differently.

use std::collections::BTreeSet;

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::write::{Tx, append_change, log_change, to_json};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{Change, Slot, Store, StoreError, StoreResult, TaggedBefore};
use crate::domain::channel::{ancestry, paging};
use crate::domain::{Article, ArticleSummary, Channel, Site, SiteSettings, Status};

pub(super) const ARTICLE_COLUMNS: &str = "id, site_id, channel_id, title, short_title, subtitle, byline, source, reprint, \
     editor, body_html, summary, tags, status, signed_at, signed_by, published_at, url_path, \
     created_at, updated_at, version, corrections, revised_at, kind, parts, ai";

const SUMMARY_COLUMNS: &str = "a.id, a.site_id, a.title, a.short_title, a.summary, a.url_path, a.signed_at, \
     COALESCE(a.revised_at, a.signed_at) AS modified_at, a.kind, a.cover, a.pictures, a.duration, a.ai";

fn json_err(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn site_from_row(row: &DbRow) -> StoreResult<Site> {
    let settings: String = row.try_get("settings")?;
    Ok(Site {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        host: row.try_get("host")?,
        sort: row.try_get("sort")?,
        settings: serde_json::from_str::<SiteSettings>(&settings)
            .map_err(|e| json_err("site settings", e))?,
    })
}

fn channel_from_row(row: &DbRow) -> StoreResult<Channel> {
    Ok(Channel {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        path: row.try_get("path")?,
        name: row.try_get("name")?,
        sort: row.try_get("sort")?,
        page_size: row.try_get("page_size")?,
        review_levels: row.try_get("review_levels")?,
        list_style: crate::domain::channel::ListStyle::parse(
            &row.try_get::<String, _>("list_style")?,
        ),
    })
}

pub(super) fn article_from_row(row: &DbRow, extra_channel_ids: Vec<i64>) -> StoreResult<Article> {
    let byline: String = row.try_get("byline")?;
    let tags: String = row.try_get("tags")?;
    let reprint: Option<String> = row.try_get("reprint")?;
    let status: String = row.try_get("status")?;
    Ok(Article {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        channel_id: row.try_get("channel_id")?,
        extra_channel_ids,
        title: row.try_get("title")?,
        short_title: row.try_get("short_title")?,
        subtitle: row.try_get("subtitle")?,
        byline: serde_json::from_str(&byline).map_err(|e| json_err("byline", e))?,
        source: row.try_get("source")?,
        reprint: reprint
            .map(|r| serde_json::from_str(&r))
            .transpose()
            .map_err(|e| json_err("reprint", e))?,
        editor: row.try_get("editor")?,
        body_html: row.try_get("body_html")?,
        summary: row.try_get("summary")?,
        tags: serde_json::from_str(&tags).map_err(|e| json_err("tags", e))?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        signed_at: row.try_get("signed_at")?,
        signed_by: row.try_get("signed_by")?,
        published_at: row.try_get("published_at")?,
        url_path: row.try_get("url_path")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
        corrections: serde_json::from_str(&row.try_get::<String, _>("corrections")?)
            .map_err(|e| json_err("corrections", e))?,
        revised_at: row.try_get("revised_at")?,
        kind: kind_from_row(row)?,
        parts: serde_json::from_str(&row.try_get::<String, _>("parts")?)
            .map_err(|e| json_err("parts", e))?,
        ai: crate::domain::ai::Ai::parse(&row.try_get::<String, _>("ai")?),
    })
}

fn kind_from_row(row: &DbRow) -> StoreResult<crate::domain::kind::Kind> {
    let kind: String = row.try_get("kind")?;
    crate::domain::kind::Kind::parse(&kind)
        .ok_or_else(|| StoreError::Corrupt(format!("story kind {kind:?}")))
}

fn summary_from_row(row: &DbRow) -> StoreResult<ArticleSummary> {
    Ok(ArticleSummary {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        title: row.try_get("title")?,
        short_title: row.try_get("short_title")?,
        summary: row.try_get("summary")?,
        url_path: row
            .try_get::<Option<String>, _>("url_path")?
            .unwrap_or_default(),
        signed_at: row
            .try_get::<Option<i64>, _>("signed_at")?
            .unwrap_or_default(),
        modified_at: row
            .try_get::<Option<i64>, _>("modified_at")?
            .unwrap_or_default(),
        kind: kind_from_row(row)?,
        cover: row.try_get("cover")?,
        pictures: row.try_get("pictures")?,
        duration: row
            .try_get::<i64, _>("duration")?
            .clamp(0, i64::from(u32::MAX)) as u32,
        ai: crate::domain::ai::Ai::parse(&row.try_get::<String, _>("ai")?),
    })
}

#[async_trait]
impl Store for StoreImpl {
    async fn close(&self) {
        self.shutdown().await;
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.run_migrations().await
    }

    async fn subscribe_changes(&self, wake: crate::db::Wake) -> StoreResult<bool> {
        self.forward_changes(wake).await
    }

    async fn sites(&self) -> StoreResult<Vec<Site>> {
        let rows = sqlx::query(
            "SELECT id, name, prefix, host, sort, settings FROM sites \
             ORDER BY CASE WHEN prefix = '/' THEN 0 ELSE 1 END, sort, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(site_from_row).collect()
    }

    async fn put_site(&self, site: &Site, now: i64) -> StoreResult<()> {
        if !Site::valid_prefix(&site.prefix) {
            return Err(StoreError::Invalid(format!(
                "站点路径前缀“{}”无效:须以 / 开头和结尾,只含小写字母、数字和连字符",
                site.prefix
            )));
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO sites (id, name, prefix, host, sort, settings) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, prefix = excluded.prefix, \
             host = excluded.host, sort = excluded.sort, settings = excluded.settings",
        )
        .bind(&site.id)
        .bind(&site.name)
        .bind(&site.prefix)
        .bind(&site.host)
        .bind(site.sort)
        .bind(to_json(&site.settings))
        .execute(&mut *tx)
        .await?;
        log_change(
            &mut tx,
            now,
            "site",
            Some(&site.id),
            None,
            &[format!("site:{}", site.id)],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn channels(&self, site_id: &str) -> StoreResult<Vec<Channel>> {
        let rows = sqlx::query(
            "SELECT id, site_id, path, name, sort, page_size, review_levels, list_style FROM channels WHERE site_id = $1",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(channel_from_row).collect()
    }

    async fn ensure_channel(
        &self,
        site_id: &str,
        path: &str,
        name: &str,
        sort: i64,
    ) -> StoreResult<Channel> {
        if !crate::domain::channel::valid_path(path) {
            return Err(StoreError::Invalid(format!(
                "栏目路径“{path}”无效:用小写字母、数字和连字符,层级以 / 分隔"
            )));
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        let inserted = sqlx::query(
            "INSERT INTO channels (site_id, path, name, sort) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (site_id, path) DO NOTHING",
        )
        .bind(site_id)
        .bind(path)
        .bind(name)
        .bind(sort)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            // a new channel shows in the site's navigation: every page of the site
            log_change(
                &mut tx,
                0,
                "site",
                Some(site_id),
                None,
                &[format!("site:{site_id}")],
            )
            .await?;
        }
        tx.commit().await?;
        let row = sqlx::query(
            "SELECT id, site_id, path, name, sort, page_size, review_levels, list_style FROM channels \
             WHERE site_id = $1 AND path = $2",
        )
        .bind(site_id)
        .bind(path)
        .fetch_one(&self.pool)
        .await?;
        channel_from_row(&row)
    }

    async fn update_channel(&self, c: &Channel, now: i64) -> StoreResult<()> {
        if !(1..=9).contains(&c.review_levels)
            || !(1..=200).contains(&c.page_size)
            || c.name.trim().is_empty()
        {
            return Err(StoreError::Invalid(
                "栏目名称不能为空,审核级数为 1 到 9,每页条数为 1 到 200".into(),
            ));
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        let n = sqlx::query("UPDATE channels SET name = $1, sort = $2, page_size = $3, review_levels = $4, list_style = $5 WHERE id = $6")
            .bind(c.name.trim())
            .bind(c.sort)
            .bind(c.page_size)
            .bind(c.review_levels)
            .bind(c.list_style.as_str())
            .bind(c.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("栏目 {} 不存在", c.id)));
        }
        // a channel's name shows in every page of its site (navigation, breadcrumbs)
        log_change(
            &mut tx,
            now,
            "site",
            Some(&c.site_id),
            None,
            &[
                format!("site:{}", c.site_id),
                format!("channel:{}/{}", c.site_id, c.path),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

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

    async fn import_batch(
        &self,
        articles: &[Article],
        updatable: Option<&BTreeSet<i64>>,
        now: i64,
    ) -> StoreResult<Vec<crate::db::Imported>> {
        use crate::db::Imported;
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
                if revised || !matches!(status.as_str(), "published" | "withdrawn") {
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
                mark: crate::db::change_mark(seq, at, &kind, article_id, &keys),
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
        Ok(row.map(|(at, kind, article, keys)| {
            crate::db::change_mark(seq, at, &kind, article, &keys)
        }))
    }

    async fn identity(&self) -> StoreResult<String> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'identity'")
                .fetch_optional(&self.pool)
                .await?;
        id.ok_or_else(|| StoreError::Corrupt("the database has no identity row".into()))
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

    async fn last_change(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM changes")
                .fetch_one(&self.pool)
                .await?
                .unwrap_or(0),
        )
    }

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

    async fn page_at(&self, site_id: &str, rel: &str) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM articles WHERE site_id = $1 AND url_path = $2 AND kind = 'page'",
        )
        .bind(site_id)
        .bind(rel)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn site_pages(&self, site_id: &str) -> StoreResult<Vec<ArticleSummary>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.site_id = $1 AND a.kind = 'page' ORDER BY a.title, a.id"
        ))
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn slot(&self, site_id: &str, key: &str) -> StoreResult<Option<Slot>> {
        let row = sqlx::query(&format!(
            "SELECT {SLOT_COLUMNS} FROM slots WHERE site_id = $1 AND key = $2"
        ))
        .bind(site_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(slot_from_row).transpose()
    }

    async fn slot_items(
        &self,
        slot_id: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM slot_items s JOIN articles a ON a.id = s.article_id \
             WHERE s.slot_id = $1 AND a.status = 'published' \
             AND (s.expires_at IS NULL OR s.expires_at > $3) ORDER BY s.position LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(slot_id)
            .bind(limit)
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn put_slot(
        &self,
        site_id: &str,
        key: &str,
        name: &str,
        ids: &[i64],
        now: i64,
    ) -> StoreResult<Slot> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let slot_id: i64 = sqlx::query_scalar(
            "INSERT INTO slots (site_id, key, name) VALUES ($1, $2, $3) \
             ON CONFLICT (site_id, key) DO UPDATE SET name = excluded.name RETURNING id",
        )
        .bind(site_id)
        .bind(key)
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM slot_items WHERE slot_id = $1")
            .bind(slot_id)
            .execute(&mut *tx)
            .await?;
        let mut seen = BTreeSet::new();
        for (pos, id) in ids.iter().filter(|id| seen.insert(**id)).enumerate() {
            sqlx::query(
                "INSERT INTO slot_items (slot_id, position, article_id, placed_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(slot_id)
            .bind(pos as i64)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::Invalid(format!("推荐位中的稿件 {id} 不存在"))
                }
                e => StoreError::Db(e),
            })?;
        }
        log_change(
            &mut tx,
            now,
            "slot",
            Some(site_id),
            None,
            &[format!("slot:{site_id}/{key}")],
        )
        .await?;
        tx.commit().await?;
        self.slot(site_id, key)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("推荐位 {key}")))
    }
}

pub(super) const SLOT_COLUMNS: &str = "id, site_id, key, name, size, sort, style";

pub(super) fn slot_from_row(row: &DbRow) -> StoreResult<Slot> {
    Ok(Slot {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        size: row.try_get("size")?,
        sort: row.try_get("sort")?,
        style: crate::domain::channel::ListStyle::parse(&row.try_get::<String, _>("style")?),
    })
}

/// Channels as (site, id, path), of one site or of all.
pub(super) async fn site_channels(
    tx: &mut Tx<'_>,
    site: Option<&str>,
) -> StoreResult<Vec<(String, i64, String)>> {
    let rows: Vec<(String, i64, String)> = match site {
        Some(site) => {
            sqlx::query_as("SELECT site_id, id, path FROM channels WHERE site_id = $1")
                .bind(site)
                .fetch_all(&mut **tx)
                .await?
        }
        None => {
            sqlx::query_as("SELECT site_id, id, path FROM channels")
                .fetch_all(&mut **tx)
                .await?
        }
    };
    Ok(rows)
}

/// Insert or replace one article inside a transaction: its row, extra channels,
/// listings and change-log row. Returns (id, whether it was created).
/// Whether a write is one of many (an import batch). Then it does not work
/// out whether older list pages moved (it names them all as changed), the
/// caller has read whether the story exists for the whole batch, and the
/// caller moves the id generator and wakes other nodes once per batch: a
/// round trip each per story was most of an import's time on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Bulk {
    Yes { existed: bool },
    No,
}

pub(super) async fn write_article(
    tx: &mut Tx<'_>,
    a: &Article,
    now: i64,
    channels: &[(String, i64, String)],
    bulk: Bulk,
) -> StoreResult<Written> {
    let site_channels: Vec<(i64, String)> = channels
        .iter()
        .filter(|c| c.0 == a.site_id)
        .map(|c| (c.1, c.2.clone()))
        .collect();
    let path_of = |id: i64| {
        site_channels
            .iter()
            .find(|(cid, _)| *cid == id)
            .map(|(_, p)| p.as_str())
    };
    for cid in std::iter::once(&a.channel_id).chain(&a.extra_channel_ids) {
        if path_of(*cid).is_none() {
            return Err(StoreError::Invalid(format!(
                "栏目 {cid} 不属于站点 {}",
                a.site_id
            )));
        }
    }
    if a.status == Status::Published && (a.signed_at.is_none() || a.url_path.is_none()) {
        return Err(StoreError::Invalid(
            "已发布的稿件必须有签发时间和网址".into(),
        ));
    }
    let existed = match bulk {
        _ if a.id == 0 => false,
        Bulk::Yes { existed } => existed,
        Bulk::No => sqlx::query_scalar::<_, i64>("SELECT id FROM articles WHERE id = $1")
            .bind(a.id)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    };
    let sql = format!(
        "INSERT INTO articles (id, site_id, channel_id, title, short_title, subtitle, byline, source, reprint, \
                editor, body_html, summary, tags, status, signed_at, signed_by, published_at, url_path, \
                created_at, updated_at, version, corrections, revised_at, kind, parts, cover, pictures, duration, ai) \
             VALUES ({}, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29) \
             ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, channel_id = excluded.channel_id, \
                title = excluded.title, short_title = excluded.short_title, subtitle = excluded.subtitle, \
                byline = excluded.byline, source = excluded.source, reprint = excluded.reprint, \
                editor = excluded.editor, body_html = excluded.body_html, summary = excluded.summary, \
                tags = excluded.tags, status = excluded.status, signed_at = excluded.signed_at, \
                signed_by = excluded.signed_by, published_at = excluded.published_at, \
                url_path = COALESCE(articles.url_path, excluded.url_path), \
                updated_at = excluded.updated_at, version = articles.version + 1, \
                corrections = excluded.corrections, revised_at = excluded.revised_at, \
                kind = excluded.kind, parts = excluded.parts, cover = excluded.cover, \
                pictures = excluded.pictures, duration = excluded.duration, ai = excluded.ai \
             RETURNING id",
        dialect::ARTICLE_ID
    );
    let id = sqlx::query_scalar::<_, i64>(&sql)
        .bind(a.id)
        .bind(&a.site_id)
        .bind(a.channel_id)
        .bind(&a.title)
        .bind(&a.short_title)
        .bind(&a.subtitle)
        .bind(to_json(&a.byline))
        .bind(&a.source)
        .bind(a.reprint.as_ref().map(to_json))
        .bind(&a.editor)
        .bind(&a.body_html)
        .bind(&a.summary)
        .bind(to_json(&a.tags))
        .bind(a.status.as_str())
        .bind(a.signed_at)
        .bind(&a.signed_by)
        .bind(a.published_at)
        .bind(&a.url_path)
        .bind(a.created_at)
        .bind(now)
        .bind(a.version.max(1))
        .bind(to_json(&a.corrections))
        .bind(a.revised_at)
        .bind(a.kind.as_str())
        .bind(to_json(&a.parts))
        .bind(a.parts.cover().map(|c| c.image_id))
        .bind(a.parts.gallery.len() as i64)
        .bind(a.parts.video.as_ref().map_or(0, |v| i64::from(v.seconds)))
        .bind(a.ai.as_str())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!(
                "网址 {} 已被其他稿件使用",
                a.url_path.as_deref().unwrap_or("")
            )),
            e => StoreError::Db(e),
        })?;

    let created = !existed;
    if created && a.id != 0 && bulk == Bulk::No {
        // an id chosen by the caller: keep the id generator ahead of it
        dialect::note_explicit_article_id(tx, id).await?;
    }
    if !created {
        sqlx::query("DELETE FROM article_channels WHERE article_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for cid in a
        .extra_channel_ids
        .iter()
        .filter(|c| **c != a.channel_id)
        .collect::<BTreeSet<_>>()
    {
        sqlx::query("INSERT INTO article_channels (article_id, channel_id) VALUES ($1, $2)")
            .bind(id)
            .bind(cid)
            .execute(&mut **tx)
            .await?;
    }

    super::pictures::record_uses(tx, id, &a.parts, &a.body_html, !created).await?;
    if a.status == Status::Published && a.ai.is_declared() && bulk == Bulk::No {
        // the pictures of a declared story carry the implicit label: their
        // job makes labelled files (a no-op for those that have them)
        sqlx::query(
            "INSERT INTO jobs (kind, key, run_at) SELECT 'picture_variants', CAST(image_id AS TEXT), $1 \
             FROM image_uses WHERE article_id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        // and a declared 视频 story's video gets labelled renditions
        if let Some(v) = &a.parts.video {
            sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ('video_process', $1, $2)")
                .bind(v.video_id.to_string())
                .bind(now)
                .execute(&mut **tx)
                .await?;
        }
    }

    // Listings: every channel the story is in, and their ancestors.
    let mut listed = BTreeSet::new();
    if a.status == Status::Published && a.kind.listed() {
        for cid in std::iter::once(&a.channel_id).chain(&a.extra_channel_ids) {
            let path = path_of(*cid).unwrap_or_default();
            for p in ancestry(path) {
                if let Some((pid, _)) = site_channels.iter().find(|(_, cp)| cp == p) {
                    listed.insert(*pid);
                }
            }
        }
    }
    let sort_at = a.signed_at.unwrap_or(now);
    let old: Vec<(i64, i64)> = if created {
        Vec::new()
    } else {
        sqlx::query_as("SELECT channel_id, sort_at FROM listings WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
    };
    // where the story stood and stands in each list, for `channel-pages:` keys
    let touched: BTreeSet<i64> = listed
        .iter()
        .copied()
        .chain(old.iter().map(|o| o.0))
        .collect();
    let mut place: Vec<ListPlace> = Vec::new();
    if !touched.is_empty() && bulk == Bulk::No {
        let ids = touched
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, live_count, page_size FROM channels WHERE id IN ({ids})"
        ))
        .fetch_all(&mut **tx)
        .await?;
        for (cid, total, size) in rows {
            let before = old.iter().find(|o| o.0 == cid).map(|o| o.1);
            let total_after =
                total - i64::from(before.is_some()) + i64::from(listed.contains(&cid));
            let newer_before = match before {
                Some(at) => Some(count_newer(tx, cid, at, id, total, size).await?),
                None => None,
            };
            place.push(ListPlace {
                channel: cid,
                size,
                total_before: total,
                total_after,
                newer_before,
                newer_after: None,
            });
        }
    }
    if !created {
        sqlx::query("DELETE FROM listings WHERE article_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    if !listed.is_empty() {
        // One multi-row insert: ids are integers we produced, the time is bound.
        let values = listed
            .iter()
            .map(|cid| format!("({cid}, {id}, $1)"))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(&format!(
            "INSERT INTO listings (channel_id, article_id, sort_at) VALUES {values}"
        ))
        .bind(sort_at)
        .execute(&mut **tx)
        .await?;
        for p in place.iter_mut().filter(|p| listed.contains(&p.channel)) {
            p.newer_after =
                Some(count_newer(tx, p.channel, sort_at, id, p.total_after, p.size).await?);
        }
    }

    // tag listings (相关新闻): the live story under each of its tags. The
    // stories whose 相关新闻 may show it, before or after this write, are the
    // next few after it under each of its old and new tags: they get
    // `related:` keys, so their pages need not record every story they list.
    let mut related_of = BTreeSet::new();
    let mut places: Vec<(String, i64)> = Vec::new();
    if !created {
        places = sqlx::query_as("SELECT tag, sort_at FROM tag_listings WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
        if !places.is_empty() {
            sqlx::query("DELETE FROM tag_listings WHERE article_id = $1")
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    if a.status == Status::Published && a.kind.listed() {
        let tags: BTreeSet<&str> = a
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .take(crate::domain::draft::MAX_TAGS)
            .collect();
        let at = a.signed_at.unwrap_or(now);
        if !tags.is_empty() {
            let mut q = QueryBuilder::new("INSERT INTO tag_listings (tag, article_id, sort_at) ");
            q.push_values(&tags, |mut b, tag| {
                b.push_bind(*tag).push_bind(id).push_bind(at);
            });
            q.build().execute(&mut **tx).await?;
            places.extend(tags.iter().map(|t| (t.to_string(), at)));
        }
    }
    places.sort();
    places.dedup();
    if !places.is_empty() {
        // none for a story signed now: nothing comes after it yet
        let mut q = QueryBuilder::new("");
        for (i, (tag, at)) in places.iter().enumerate() {
            if i > 0 {
                q.push(" UNION ");
            }
            q.push("SELECT * FROM (SELECT article_id FROM tag_listings WHERE tag = ")
                .push_bind(tag.as_str())
                .push(" AND sort_at >= ")
                .push_bind(*at)
                .push(" AND (sort_at > ")
                .push_bind(*at)
                .push(" OR article_id > ")
                .push_bind(id)
                .push(format!(
                    ") ORDER BY sort_at, article_id LIMIT {}) AS t{i}",
                    crate::domain::article::RELATED_ITEMS
                ));
        }
        let later: Vec<i64> = q.build_query_scalar().fetch_all(&mut **tx).await?;
        related_of.extend(later);
    }

    // keep each channel's live count in step with its listings (a batch
    // adds its stories' counts up and writes them once: on PostgreSQL each
    // update of the same row in one transaction leaves a version behind)
    let old_set: BTreeSet<i64> = old.iter().map(|o| o.0).collect();
    let mut counts = LiveCounts::default();
    for c in old_set.difference(&listed) {
        counts.add(*c, -1);
    }
    for c in listed.difference(&old_set) {
        counts.add(*c, 1);
    }
    if bulk == Bulk::No {
        counts.write(tx).await?;
    }

    // the story's page, its channels' lists (ancestors included: home pages read
    // the top-level ones) and the site's feeds; never the whole site
    let mut keys = vec![
        format!("story:{id}"),
        format!("feed:{}", a.site_id),
        "sitemap".to_string(),
        format!("sitemap:{}", crate::domain::url::sitemap_block_of(id)),
    ];
    keys.extend(related_of.iter().map(|r| format!("related:{r}")));
    for cid in &touched {
        if let Some(p) = site_channels.iter().find(|(c, _)| c == cid).map(|(_, p)| p) {
            keys.push(format!("channel:{}/{}", a.site_id, p));
            let moved = matches!(bulk, Bulk::Yes { .. })
                || place.iter().find(|x| x.channel == *cid).is_some_and(|x| {
                    paging::older_pages_change(
                        x.size,
                        x.total_before,
                        x.total_after,
                        x.newer_before,
                        x.newer_after,
                    )
                });
            if moved {
                keys.push(format!("channel-pages:{}/{}", a.site_id, p));
            }
        }
    }
    // the 推荐位 that hold it: their lists show its title and drop it when it
    // is no longer live (a story new to the database is in none)
    if !matches!(bulk, Bulk::Yes { existed: false }) {
        let held: Vec<(String, String)> = sqlx::query_as(
            "SELECT s.site_id, s.key FROM slot_items i JOIN slots s ON s.id = i.slot_id \
             WHERE i.article_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        keys.extend(
            held.into_iter()
                .map(|(site, key)| format!("slot:{site}/{key}")),
        );
    }
    let kind = match a.status {
        Status::Published => "publish",
        Status::Withdrawn => "withdraw",
        _ => "edit",
    };
    let seq = append_change(tx, now, kind, Some(&a.site_id), Some(id), &keys).await?;
    if bulk == Bulk::No {
        dialect::after_change(tx, seq).await?;
    }
    Ok(Written {
        id,
        created,
        counts,
        seq,
    })
}

/// What `write_article` did.
pub(super) struct Written {
    pub id: i64,
    /// The story is new.
    pub created: bool,
    /// How the channels' live counts change; already written unless the
    /// write was part of a batch.
    pub counts: LiveCounts,
    /// The change-log seq of the write (other nodes are already woken
    /// unless the write was part of a batch).
    pub seq: i64,
}

/// Changes to channels' live counts, by channel.
#[derive(Debug, Default)]
pub(super) struct LiveCounts(std::collections::BTreeMap<i64, i64>);

impl LiveCounts {
    fn add(&mut self, channel: i64, delta: i64) {
        *self.0.entry(channel).or_default() += delta;
    }

    fn merge(&mut self, other: LiveCounts) {
        for (c, d) in other.0 {
            self.add(c, d);
        }
    }

    /// One UPDATE per distinct change (ids and deltas are integers we made).
    async fn write(&self, tx: &mut Tx<'_>) -> StoreResult<()> {
        let mut by_delta: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
        for (c, d) in self.0.iter().filter(|(_, d)| **d != 0) {
            by_delta.entry(*d).or_default().push(c.to_string());
        }
        for (delta, ids) in by_delta {
            sqlx::query(&format!(
                "UPDATE channels SET live_count = live_count + ({delta}) WHERE id IN ({})",
                ids.join(",")
            ))
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// One story's place in one channel list, before and after a write.
struct ListPlace {
    channel: i64,
    size: i64,
    total_before: i64,
    total_after: i64,
    newer_before: Option<i64>,
    newer_after: Option<i64>,
}

/// How many stories of a channel's list are newer than (sort_at, id), counted
/// only as far as it matters: whether it is on page 1 of a `total`-story list.
async fn count_newer(
    tx: &mut Tx<'_>,
    channel: i64,
    sort_at: i64,
    id: i64,
    total: i64,
    size: i64,
) -> StoreResult<i64> {
    if paging::pages(total, size) <= 1 {
        return Ok(0);
    }
    // page 1 holds fewer than two pages' worth
    let cap = 2 * size.max(1);
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM listings WHERE channel_id = $1 AND sort_at >= $2 \
         AND (sort_at > $2 OR article_id > $3) LIMIT $4) AS newer",
    )
    .bind(channel)
    .bind(sort_at)
    .bind(id)
    .bind(cap)
    .fetch_one(&mut **tx)
    .await?)
}
