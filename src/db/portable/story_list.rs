//! The newsroom's story lists (`db::StoryList`), compiled once per backend:
//! 稿件 filtered and paged newest change first by (updated_at, id), and the
//! stories with work pending that the navigation counts.

use async_trait::async_trait;
use sqlx::Row;

use super::StoreImpl;
use super::rows::work_from;
use crate::db::{InWork, StoreError, StoreResult, StoryFilter, StoryList, StoryRow};
use crate::domain::Status;

#[async_trait]
impl StoryList for StoreImpl {
    async fn in_work(&self, author_id: i64) -> StoreResult<(Vec<InWork>, i64)> {
        // the condition is the partial index's own (articles_in_work)
        let rows = sqlx::query(
            "SELECT id, site_id, channel_id, author_id, work FROM articles \
             WHERE work <> '{\"state\":\"idle\"}'",
        )
        .fetch_all(&self.pool)
        .await?;
        let pending = rows
            .iter()
            .map(|r| {
                Ok(InWork {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    channel_id: r.try_get("channel_id")?,
                    author_id: r.try_get("author_id")?,
                    work: work_from(&r.try_get::<String, _>("work")?)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let returned: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles a WHERE a.work <> '{\"state\":\"idle\"}' \
             AND a.work = '{\"state\":\"draft\"}' \
             AND a.author_id = $1 AND (SELECT au.action FROM audit au \
             WHERE au.article_id = a.id AND au.subject = '' ORDER BY au.id DESC LIMIT 1) = 'reject'",
        )
        .bind(author_id)
        .fetch_one(&self.pool)
        .await?;
        Ok((pending, returned))
    }

    async fn stories(&self, f: &StoryFilter) -> StoreResult<Vec<StoryRow>> {
        // newest change first, paged by (updated_at, id): each page is one
        // index range whatever the page's depth (articles_updated and the
        // per-author, per-channel and per-signer indexes)
        if f.channel_ids.as_ref().is_some_and(|ids| ids.is_empty()) {
            return Ok(Vec::new());
        }
        const COLUMNS: &str = STORY_ROW_COLUMNS;
        let limit = f.limit.clamp(1, 500);
        let mut b: sqlx::QueryBuilder<'_, super::Db> = sqlx::QueryBuilder::new("");
        match f.before {
            None => {
                b.push(format!("SELECT {COLUMNS} FROM articles WHERE 1 = 1"));
                push_story_filters(&mut b, f, true);
            }
            Some((at, id)) => {
                // the rest of the cursor's second, then the older ones: two
                // index seeks. An import gives a million stories the same
                // updated_at; one range with `id < ?` on top would walk them.
                // The date range is folded into the bounds (a redundant range
                // beside the equality makes SQLite pick a worse plan).
                let in_range = f.from.is_none_or(|t| at >= t) && f.to.is_none_or(|t| at < t);
                b.push(format!("SELECT {COLUMNS} FROM ("));
                if in_range {
                    b.push(format!(
                        "SELECT * FROM (SELECT {COLUMNS} FROM articles WHERE updated_at = "
                    ))
                    .push_bind(at)
                    .push(" AND id < ")
                    .push_bind(id);
                    push_story_filters(&mut b, f, false);
                    b.push(" ORDER BY id DESC LIMIT ")
                        .push_bind(limit)
                        .push(") AS same_second UNION ALL ");
                }
                b.push(format!(
                    "SELECT * FROM (SELECT {COLUMNS} FROM articles WHERE updated_at < "
                ))
                .push_bind(f.to.map_or(at, |t| t.min(at)));
                if let Some(t) = f.from {
                    b.push(" AND updated_at >= ").push_bind(t);
                }
                push_story_filters(&mut b, f, false);
                b.push(" ORDER BY updated_at DESC, id DESC LIMIT ")
                    .push_bind(limit)
                    .push(") AS older) AS page WHERE 1 = 1");
            }
        }
        b.push(" ORDER BY updated_at DESC, id DESC LIMIT ")
            .push_bind(limit);
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(story_row).collect()
    }

    async fn recently_signed(&self, limit: i64) -> StoreResult<Vec<StoryRow>> {
        // the partial index articles_signed, newest 签发 first; the kinds
        // no list shows (a 单页) are not news
        let mut b: sqlx::QueryBuilder<'_, super::Db> = sqlx::QueryBuilder::new(format!(
            "SELECT {STORY_ROW_COLUMNS} FROM articles WHERE status = 'published' \
             AND signed_at IS NOT NULL"
        ));
        for k in crate::domain::kind::Kind::ALL
            .iter()
            .filter(|k| !k.listed())
        {
            b.push(" AND kind <> ").push_bind(k.as_str());
        }
        b.push(" ORDER BY signed_at DESC, id DESC LIMIT ")
            .push_bind(limit.clamp(1, 200));
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(story_row).collect()
    }
}

const STORY_ROW_COLUMNS: &str = "id, site_id, channel_id, title, status, work, author_id, updated_at, \
     signed_at, signed_by, kind, url_path, version";

fn story_row(r: &super::DbRow) -> StoreResult<StoryRow> {
    let status: String = r.try_get("status")?;
    Ok(StoryRow {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        channel_id: r.try_get("channel_id")?,
        title: r.try_get("title")?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        work: work_from(&r.try_get::<String, _>("work")?)?,
        author_id: r.try_get("author_id")?,
        updated_at: r.try_get("updated_at")?,
        signed_at: r.try_get("signed_at")?,
        signed_by: r.try_get("signed_by")?,
        kind: crate::domain::kind::Kind::parse(&r.try_get::<String, _>("kind")?)
            .unwrap_or_default(),
        url_path: r.try_get("url_path")?,
        version: r.try_get("version")?,
    })
}

/// The story list's filters, after a `WHERE` (pushed once per branch of a
/// page's query); `dates`: the date range too (else the caller bounds it).
fn push_story_filters(b: &mut sqlx::QueryBuilder<'_, super::Db>, f: &StoryFilter, dates: bool) {
    if let Some(a) = f.author_id {
        b.push(" AND author_id = ").push_bind(a);
    }
    if let Some(c) = f.channel_id {
        b.push(" AND channel_id = ").push_bind(c);
    }
    if let Some(ids) = &f.channel_ids {
        b.push(" AND channel_id IN (");
        let mut sep = b.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        b.push(")");
    }
    if let Some(s) = &f.site_id {
        b.push(" AND site_id = ").push_bind(s.clone());
    }
    if let Some(id) = f.id {
        b.push(" AND id = ").push_bind(id);
    }
    if let Some(name) = &f.signer {
        b.push(" AND signed_by = ").push_bind(name.clone());
    }
    if dates {
        if let Some(t) = f.from {
            b.push(" AND updated_at >= ").push_bind(t);
        }
        if let Some(t) = f.to {
            b.push(" AND updated_at < ").push_bind(t);
        }
    }
    if let Some(q) = &f.title_contains {
        b.push(" AND title LIKE ")
            .push_bind(format!("%{}%", q.replace(['%', '_', '\\'], "")));
    }
    match f.state.as_deref() {
        // the partial index's own condition first (articles_in_work)
        Some("draft") => {
            b.push(" AND work <> '{\"state\":\"idle\"}' AND work = '{\"state\":\"draft\"}'");
        }
        Some("review") => {
            match f.review_level {
                Some(l) => {
                    b.push(" AND work <> '{\"state\":\"idle\"}' AND work = ")
                        .push_bind(format!("{{\"state\":\"review\",\"level\":{l}}}"));
                }
                None => {
                    b.push(" AND work <> '{\"state\":\"idle\"}' AND work LIKE '{\"state\":\"review\"%'");
                }
            }
        }
        Some("scheduled") => {
            b.push(" AND work <> '{\"state\":\"idle\"}' AND work LIKE '{\"state\":\"scheduled\"%'");
        }
        Some("live") => {
            b.push(" AND status = 'published'");
        }
        Some("withdrawn") => {
            b.push(" AND status = 'withdrawn'");
        }
        _ => {}
    }
}
