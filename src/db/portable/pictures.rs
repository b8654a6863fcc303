//! The image library (`db::Pictures`), compiled once per backend.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::write::{Tx, insert_event, log_change};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{
    Actor, Event, LibraryQuery, NewPicture, PictureMeta, PictureUseOf, Pictures, StoreError,
    StoreResult,
};
use crate::domain::picture::{Focal, Made, Picture};

const COLUMNS: &str = "id, site_id, key, width, height, bytes, mime, caption, credit, alt, \
     focal_x, focal_y, animated, made, uploader, uploader_id, created_at, ai, aigc_found";

fn picture_from_row(row: &DbRow) -> StoreResult<Picture> {
    let made: Option<String> = row.try_get("made")?;
    Ok(Picture {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        key: row.try_get("key")?,
        width: row.try_get::<i64, _>("width")? as u32,
        height: row.try_get::<i64, _>("height")? as u32,
        bytes: row.try_get("bytes")?,
        mime: row.try_get("mime")?,
        caption: row.try_get("caption")?,
        credit: row.try_get("credit")?,
        alt: row.try_get("alt")?,
        focal: Focal::new(row.try_get("focal_x")?, row.try_get("focal_y")?),
        animated: row.try_get::<i64, _>("animated")? != 0,
        made: made
            .map(|m| serde_json::from_str::<Made>(&m))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("picture variants: {e}")))?,
        uploader: row.try_get("uploader")?,
        uploader_id: row.try_get("uploader_id")?,
        created_at: row.try_get("created_at")?,
        ai: crate::domain::ai::Ai::parse(&row.try_get::<String, _>("ai")?),
        aigc: row
            .try_get::<Option<String>, _>("aigc_found")?
            .as_deref()
            .and_then(crate::domain::ai::Aigc::parse),
    })
}

async fn load(tx: &mut Tx<'_>, id: i64) -> StoreResult<Picture> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM images WHERE id = $1{}",
        dialect::FOR_UPDATE
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("图片 {id} 不存在")))?;
    picture_from_row(&row)
}

/// Log `image:ID`: every page showing the picture re-renders.
async fn image_changed(tx: &mut Tx<'_>, p: &Picture, now: i64) -> StoreResult<()> {
    log_change(
        tx,
        now,
        "image",
        Some(&p.site_id),
        None,
        &[format!("image:{}", p.id)],
    )
    .await
}

async fn queue_variants(tx: &mut Tx<'_>, id: i64, now: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3)")
        .bind(crate::domain::job::JobKind::PictureVariants.as_str())
        .bind(id.to_string())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl Pictures for StoreImpl {
    async fn add_picture(
        &self,
        p: &NewPicture,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<(Picture, bool)> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let existing = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM images WHERE site_id = $1 AND key = $2"
        ))
        .bind(&p.site_id)
        .bind(&p.key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            return Ok((picture_from_row(&row)?, false));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO images (site_id, key, width, height, bytes, mime, caption, credit, alt, \
             animated, uploader_id, uploader, created_at, aigc_found) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(&p.site_id)
        .bind(&p.key)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .bind(p.bytes)
        .bind(&p.mime)
        .bind(&p.caption)
        .bind(&p.credit)
        .bind(&p.alt)
        .bind(i64::from(p.animated))
        .bind(actor.id)
        .bind(&actor.name)
        .bind(now)
        .bind(p.aigc.as_ref().map(crate::domain::ai::Aigc::to_json))
        .fetch_one(&mut *tx)
        .await?;
        queue_variants(&mut tx, id, now).await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "picture_upload",
                subject: format!("image:{id}"),
                article_id: None,
                title: if p.caption.is_empty() {
                    format!("图片 {id}")
                } else {
                    p.caption.clone()
                },
                detail: format!("{} x {},{} 字节", p.width, p.height, p.bytes),
            },
            now,
        )
        .await?;
        let picture = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok((picture, true))
    }

    async fn picture(&self, id: i64) -> StoreResult<Option<Picture>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM images WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(picture_from_row).transpose()
    }

    async fn pictures(&self, ids: &[i64]) -> StoreResult<Vec<Picture>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b: QueryBuilder<'_, super::Db> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM images WHERE id IN ("));
        let mut list = b.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        b.push(")");
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(picture_from_row).collect()
    }

    async fn pictures_by_key(&self, site_id: &str, keys: &[String]) -> StoreResult<Vec<Picture>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut b: QueryBuilder<'_, super::Db> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM images WHERE site_id = "));
        b.push_bind(site_id.to_string()).push(" AND key IN (");
        let mut list = b.separated(", ");
        for k in keys {
            list.push_bind(k.clone());
        }
        b.push(")");
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(picture_from_row).collect()
    }

    async fn library(&self, q: &LibraryQuery) -> StoreResult<Vec<Picture>> {
        let mut b: QueryBuilder<'_, super::Db> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM images WHERE 1 = 1"));
        if let Some(sites) = &q.sites {
            b.push(" AND site_id IN (''");
            for s in sites {
                b.push(", ").push_bind(s.clone());
            }
            b.push(")");
        }
        let words = q.words.trim().replace(['%', '_', '\\'], "");
        if !words.is_empty() {
            let like = format!("%{words}%");
            b.push(" AND (caption LIKE ")
                .push_bind(like.clone())
                .push(" OR credit LIKE ")
                .push_bind(like.clone())
                .push(" OR alt LIKE ")
                .push_bind(like)
                .push(")");
        }
        if !q.uploader.trim().is_empty() {
            b.push(" AND uploader = ")
                .push_bind(q.uploader.trim().to_string());
        }
        if let Some(t) = q.from {
            b.push(" AND created_at >= ").push_bind(t);
        }
        if let Some(t) = q.until {
            b.push(" AND created_at < ").push_bind(t);
        }
        super::keyset::newest_first(
            &mut b,
            ("created_at", "id"),
            q.before,
            q.limit.clamp(1, 200),
        );
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(picture_from_row).collect()
    }

    async fn edit_picture(
        &self,
        id: i64,
        meta: &PictureMeta,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Picture> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let old = load(&mut tx, id).await?;
        sqlx::query(
            "UPDATE images SET caption = $1, credit = $2, alt = $3, focal_x = $4, focal_y = $5, ai = $6 \
             WHERE id = $7",
        )
        .bind(&meta.caption)
        .bind(&meta.credit)
        .bind(&meta.alt)
        .bind(i64::from(meta.focal.x))
        .bind(i64::from(meta.focal.y))
        .bind(meta.ai.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut changed = Vec::new();
        for (label, a, b) in [
            ("说明", &old.caption, &meta.caption),
            ("摄影/来源", &old.credit, &meta.credit),
            ("替代文字", &old.alt, &meta.alt),
        ] {
            if a != b {
                changed.push(format!("{label}:{a} → {b}"));
            }
        }
        if old.ai != meta.ai {
            changed.push(format!(
                "人工智能生成:{} → {}",
                old.ai.choice(),
                meta.ai.choice()
            ));
            // the files get (or lose) the implicit label
            queue_variants(&mut tx, id, now).await?;
        }
        if old.focal != meta.focal {
            changed.push(format!(
                "焦点:{},{} → {},{}",
                old.focal.x, old.focal.y, meta.focal.x, meta.focal.y
            ));
            queue_variants(&mut tx, id, now).await?;
        }
        if !changed.is_empty() {
            insert_event(
                &mut tx,
                actor,
                &Event {
                    action: "picture_edit",
                    subject: format!("image:{id}"),
                    article_id: None,
                    title: if meta.caption.is_empty() {
                        format!("图片 {id}")
                    } else {
                        meta.caption.clone()
                    },
                    detail: changed.join(";"),
                },
                now,
            )
            .await?;
            image_changed(&mut tx, &old, now).await?;
        }
        let picture = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(picture)
    }

    async fn adopt_picture_words(
        &self,
        uses: &[crate::domain::picture::PictureUse],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<usize> {
        let wanted: Vec<_> = uses
            .iter()
            .filter(|u| !(u.caption.is_empty() && u.credit.is_empty() && u.alt.is_empty()))
            .collect();
        if wanted.is_empty() {
            return Ok(0);
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        let mut adopted = 0;
        for u in wanted {
            let Ok(old) = load(&mut tx, u.image_id).await else {
                continue;
            };
            let mut changed = Vec::new();
            let mut fill = |label: &str, have: &str, given: &str| -> Option<String> {
                (have.is_empty() && !given.is_empty()).then(|| {
                    changed.push(format!("{label}:{given}"));
                    given.to_string()
                })
            };
            let caption = fill("说明", &old.caption, &u.caption).unwrap_or(old.caption.clone());
            let credit = fill("摄影/来源", &old.credit, &u.credit).unwrap_or(old.credit.clone());
            let alt = fill("替代文字", &old.alt, &u.alt).unwrap_or(old.alt.clone());
            if changed.is_empty() {
                continue;
            }
            sqlx::query("UPDATE images SET caption = $1, credit = $2, alt = $3 WHERE id = $4")
                .bind(&caption)
                .bind(&credit)
                .bind(&alt)
                .bind(u.image_id)
                .execute(&mut *tx)
                .await?;
            insert_event(
                &mut tx,
                actor,
                &Event {
                    action: "picture_edit",
                    subject: format!("image:{}", u.image_id),
                    article_id: None,
                    title: caption.clone(),
                    detail: format!("从稿件补入图片库:{}", changed.join(";")),
                },
                now,
            )
            .await?;
            image_changed(&mut tx, &old, now).await?;
            adopted += 1;
        }
        tx.commit().await?;
        Ok(adopted)
    }

    async fn used_by_declared(&self, id: i64) -> StoreResult<bool> {
        let hit: Option<i64> = sqlx::query_scalar(
            "SELECT u.article_id FROM image_uses u JOIN articles a ON a.id = u.article_id \
             WHERE u.image_id = $1 AND a.ai <> '' AND a.status = 'published' LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(hit.is_some())
    }

    async fn set_made(&self, id: i64, made: &Made, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let old = load(&mut tx, id).await?;
        sqlx::query("UPDATE images SET made = $1 WHERE id = $2")
            .bind(super::write::to_json(made))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        image_changed(&mut tx, &old, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn picture_uses(&self, id: i64) -> StoreResult<Vec<PictureUseOf>> {
        let rows = sqlx::query(
            "SELECT a.id, a.title, a.status FROM image_uses u JOIN articles a ON a.id = u.article_id \
             WHERE u.image_id = $1 ORDER BY a.updated_at DESC, a.id DESC LIMIT 200",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PictureUseOf {
                    article_id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    status: r.try_get("status")?,
                })
            })
            .collect()
    }
}
