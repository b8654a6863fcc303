//! Rows that several aggregates read, and how they become the crate's
//! types: the article and its summary (with their column lists), the slot,
//! the working side of a story. A leaf: the aggregate files use it and never
//! each other for it. Compiled once per backend.

use sqlx::Row;

use super::DbRow;
use crate::db::{Slot, StoreError, StoreResult};
use crate::domain::workflow::Work;
use crate::domain::{Article, ArticleSummary, Status};

pub(super) const ARTICLE_COLUMNS: &str = "id, site_id, channel_id, title, short_title, subtitle, byline, source, reprint, \
     editor, body_html, summary, tags, status, signed_at, signed_by, published_at, url_path, \
     created_at, updated_at, version, corrections, revised_at, kind, parts, ai";

pub(super) const SUMMARY_COLUMNS: &str = "a.id, a.site_id, a.title, a.short_title, a.summary, a.url_path, a.signed_at, \
     COALESCE(a.revised_at, a.signed_at) AS modified_at, a.kind, a.cover, a.pictures, a.duration, a.ai, \
     CAST(CASE WHEN EXISTS (SELECT 1 FROM live_clocks lc WHERE lc.article_id = a.id \
     AND lc.started_at IS NOT NULL AND lc.ended_at IS NULL) THEN 1 ELSE 0 END AS BIGINT) AS on_air";

pub(super) fn json_err(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
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

pub(super) fn summary_from_row(row: &DbRow) -> StoreResult<ArticleSummary> {
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
        on_air: row.try_get::<i64, _>("on_air")? != 0,
    })
}

pub(super) const SLOT_COLUMNS: &str = "id, site_id, key, name, size, sort, style, kinds, sites";

pub(super) fn slot_from_row(row: &DbRow) -> StoreResult<Slot> {
    Ok(Slot {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        size: row.try_get("size")?,
        sort: row.try_get("sort")?,
        style: crate::domain::channel::ListStyle::parse(&row.try_get::<String, _>("style")?),
        kinds: row
            .try_get::<String, _>("kinds")?
            .split(',')
            .filter_map(crate::domain::kind::Kind::parse)
            .collect(),
        sites: row
            .try_get::<String, _>("sites")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// A story's working side, stored as JSON.
pub(super) fn work_from(s: &str) -> StoreResult<Work> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("work state: {e}")))
}
