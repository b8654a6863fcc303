//! The video library (`db::Videos`), compiled once per backend.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::write::{Tx, insert_event, log_change, to_json};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{Actor, Event, NewVideo, StoreError, StoreResult, Videos};
use crate::domain::video::{Video, VideoMade, VideoState};

const COLUMNS: &str = "id, site_id, key, name, bytes, probe, state, progress, error, made, \
     subtitles, uploader, created_at";

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("video {what}: {e}"))
}

fn video_from_row(row: &DbRow) -> StoreResult<Video> {
    let probe: String = row.try_get("probe")?;
    let made: Option<String> = row.try_get("made")?;
    let state: String = row.try_get("state")?;
    Ok(Video {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        bytes: row.try_get("bytes")?,
        probe: serde_json::from_str(&probe).map_err(|e| corrupt("probe", e))?,
        state: VideoState::parse(&state).ok_or_else(|| corrupt("state", &state))?,
        progress: row.try_get::<i64, _>("progress")?.clamp(0, 100) as u8,
        error: row.try_get("error")?,
        made: made
            .map(|m| serde_json::from_str::<VideoMade>(&m))
            .transpose()
            .map_err(|e| corrupt("files", e))?,
        subtitles: row.try_get("subtitles")?,
        uploader: row.try_get("uploader")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn load(tx: &mut Tx<'_>, id: i64) -> StoreResult<Video> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM videos WHERE id = $1{}",
        dialect::FOR_UPDATE
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("视频 {id} 不存在")))?;
    video_from_row(&row)
}

/// Log `video:ID`: every page showing the video re-renders.
async fn video_changed(tx: &mut Tx<'_>, v: &Video, now: i64) -> StoreResult<()> {
    log_change(
        tx,
        now,
        "video",
        Some(&v.site_id),
        None,
        &[format!("video:{}", v.id)],
    )
    .await
}

#[async_trait]
impl Videos for StoreImpl {
    async fn add_video(&self, v: &NewVideo, actor: &Actor, now: i64) -> StoreResult<(Video, bool)> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let existing = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM videos WHERE site_id = $1 AND key = $2"
        ))
        .bind(&v.site_id)
        .bind(&v.key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            let old = video_from_row(&row)?;
            if old.state != crate::domain::video::VideoState::Failed {
                return Ok((old, false));
            }
            // the same file again after a failure: another attempt (the
            // failure may have been the machine's, since fixed), not the
            // failed video handed back
            sqlx::query(
                "UPDATE videos SET state = 'queued', progress = 0, error = '' WHERE id = $1",
            )
            .bind(old.id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3)")
                .bind(crate::domain::job::JobKind::VideoProcess.as_str())
                .bind(old.id.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            insert_event(
                &mut tx,
                actor,
                &Event {
                    action: "video_upload",
                    subject: format!("video:{}", old.id),
                    article_id: None,
                    title: v.name.clone(),
                    detail: format!("重新上传,再次处理(上次:{})", old.error),
                },
                now,
            )
            .await?;
            let video = load(&mut tx, old.id).await?;
            tx.commit().await?;
            return Ok((video, true));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO videos (site_id, key, name, bytes, probe, uploader_id, uploader, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&v.site_id)
        .bind(&v.key)
        .bind(&v.name)
        .bind(v.bytes)
        .bind(to_json(&v.probe))
        .bind(actor.id)
        .bind(&actor.name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3)")
            .bind(crate::domain::job::JobKind::VideoProcess.as_str())
            .bind(id.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "video_upload",
                subject: format!("video:{id}"),
                article_id: None,
                title: v.name.clone(),
                detail: format!(
                    "{} x {},{},{} 字节",
                    v.probe.width,
                    v.probe.height,
                    crate::domain::video::clock(v.probe.seconds()),
                    v.bytes
                ),
            },
            now,
        )
        .await?;
        let video = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok((video, true))
    }

    async fn video_declared(&self, id: i64) -> StoreResult<bool> {
        // the story's video is its parts' `{"video_id":ID,"seconds":N}`
        // (serde writes the fields in this order); no table lists uses of
        // a video, and a story holds one
        let hit: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM articles WHERE kind = $2 AND ai <> '' AND status = 'published' \
             AND parts LIKE $1 LIMIT 1",
        )
        .bind(format!("%\"video_id\":{id},%"))
        .bind(crate::domain::kind::Kind::Video.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(hit.is_some())
    }

    async fn video_uses(&self, id: i64) -> StoreResult<Vec<crate::db::PictureUseOf>> {
        // as `video_declared`: the parts' `{"video_id":ID,` names it
        let rows = sqlx::query(
            "SELECT id, title, status FROM articles WHERE kind = $2 AND parts LIKE $1              ORDER BY updated_at DESC, id DESC LIMIT 200",
        )
        .bind(format!("%\"video_id\":{id},%"))
        .bind(crate::domain::kind::Kind::Video.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::db::PictureUseOf {
                    article_id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    status: r.try_get("status")?,
                })
            })
            .collect()
    }

    async fn video_queue(
        &self,
        now: i64,
        since: i64,
    ) -> StoreResult<Vec<crate::domain::video::Queued>> {
        let kind = crate::domain::job::JobKind::VideoProcess.as_str();
        let rows = sqlx::query(
            "SELECT j.id, j.run_at, v.uploader_id, v.probe FROM jobs j \
             JOIN videos v ON v.id = CAST(j.key AS BIGINT) \
             WHERE j.kind = $1 AND j.done_at IS NULL AND j.run_at <= $2 \
             AND (j.claimed_until IS NULL OR j.claimed_until < $2) \
             ORDER BY j.run_at, j.id LIMIT 200",
        )
        .bind(kind)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        // each uploader's videos done since `since`, or running now
        let recent: Vec<(Option<i64>, i64)> = sqlx::query_as(
            "SELECT v.uploader_id, COUNT(*) FROM jobs j JOIN videos v ON v.id = CAST(j.key AS BIGINT) \
             WHERE j.kind = $1 AND (j.done_at >= $2 OR (j.done_at IS NULL AND j.claimed_until >= $3)) \
             GROUP BY v.uploader_id",
        )
        .bind(kind)
        .bind(since)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let uploader_id: Option<i64> = r.try_get("uploader_id")?;
                Ok(crate::domain::video::Queued {
                    job_id: r.try_get("id")?,
                    run_at: r.try_get("run_at")?,
                    uploader_id,
                    probe: serde_json::from_str(&r.try_get::<String, _>("probe")?)
                        .map_err(|e| StoreError::Corrupt(format!("video probe: {e}")))?,
                    uploader_recent: recent
                        .iter()
                        .find(|(u, _)| *u == uploader_id && u.is_some())
                        .map_or(0, |(_, n)| *n),
                })
            })
            .collect()
    }

    async fn video(&self, id: i64) -> StoreResult<Option<Video>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM videos WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(video_from_row).transpose()
    }

    async fn videos(&self, ids: &[i64]) -> StoreResult<Vec<Video>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b: QueryBuilder<'_, super::Db> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM videos WHERE id IN ("));
        let mut list = b.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        b.push(")");
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(video_from_row).collect()
    }

    async fn video_library(&self, q: &crate::db::VideoQuery) -> StoreResult<Vec<Video>> {
        if q.sites.as_ref().is_some_and(|s| s.is_empty()) {
            return Ok(Vec::new());
        }
        let mut b: QueryBuilder<'_, super::Db> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM videos WHERE 1 = 1"));
        if let Some(sites) = &q.sites {
            b.push(" AND site_id IN (''");
            for s in sites {
                b.push(", ").push_bind(s.clone());
            }
            b.push(")");
        }
        if !q.q.trim().is_empty() {
            // a name holds it (LIKE's own characters taken literally)
            let escaped =
                q.q.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
            b.push(" AND name LIKE ")
                .push_bind(format!("%{escaped}%"))
                .push(" ESCAPE '\\'");
        }
        if let Some(s) = q.state {
            b.push(" AND state = ").push_bind(s.as_str());
        }
        if let Some((at, id)) = q.before {
            b.push(" AND (created_at < ")
                .push_bind(at)
                .push(" OR (created_at = ")
                .push_bind(at)
                .push(" AND id < ")
                .push_bind(id)
                .push("))");
        }
        b.push(" ORDER BY created_at DESC, id DESC LIMIT ")
            .push_bind(q.limit.clamp(1, 200));
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(video_from_row).collect()
    }

    async fn video_stories(&self) -> StoreResult<Vec<(i64, crate::db::PictureUseOf)>> {
        let rows = sqlx::query("SELECT id, title, status, parts FROM articles WHERE kind = $1")
            .bind(crate::domain::kind::Kind::Video.as_str())
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let parts: crate::domain::kind::Parts =
                serde_json::from_str(&r.try_get::<String, _>("parts")?).unwrap_or_default();
            if let Some(v) = parts.video {
                out.push((
                    v.video_id,
                    crate::db::PictureUseOf {
                        article_id: r.try_get("id")?,
                        title: r.try_get("title")?,
                        status: r.try_get("status")?,
                    },
                ));
            }
        }
        Ok(out)
    }

    async fn recent_videos(&self, sites: Option<&[String]>, limit: i64) -> StoreResult<Vec<Video>> {
        let mut b: QueryBuilder<'_, super::Db> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM videos WHERE 1 = 1"));
        if let Some(sites) = sites {
            b.push(" AND site_id IN (''");
            for s in sites {
                b.push(", ").push_bind(s.clone());
            }
            b.push(")");
        }
        b.push(" ORDER BY created_at DESC, id DESC LIMIT ")
            .push_bind(limit.clamp(1, 200));
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(video_from_row).collect()
    }

    async fn video_progress(
        &self,
        id: i64,
        state: VideoState,
        progress: u8,
        error: &str,
    ) -> StoreResult<()> {
        // never back to "processing" once ready: a late progress report of
        // a job run twice must not hide the made files
        sqlx::query(
            "UPDATE videos SET state = $1, progress = $2, error = $3 \
             WHERE id = $4 AND state <> 'ready'",
        )
        .bind(state.as_str())
        .bind(i64::from(progress.min(100)))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn set_video_made(&self, id: i64, made: &VideoMade, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let old = load(&mut tx, id).await?;
        sqlx::query(
            "UPDATE videos SET made = $1, state = 'ready', progress = 100, error = '' WHERE id = $2",
        )
        .bind(to_json(made))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        video_changed(&mut tx, &old, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_video_subtitles(
        &self,
        id: i64,
        key: Option<&str>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Video> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let old = load(&mut tx, id).await?;
        sqlx::query("UPDATE videos SET subtitles = $1 WHERE id = $2")
            .bind(key)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "video_subtitles",
                subject: format!("video:{id}"),
                article_id: None,
                title: old.name.clone(),
                detail: match key {
                    Some(k) => format!("字幕 {k}"),
                    None => "删除字幕".into(),
                },
            },
            now,
        )
        .await?;
        video_changed(&mut tx, &old, now).await?;
        let video = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(video)
    }
}
