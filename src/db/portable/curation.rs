//! 推荐位 storage (`db::Curation`), compiled once per backend. A change reads
//! the slot's list, applies the pure operation (`domain::slot`), rewrites the
//! positions, and appends its record row and its change-log row, all in one
//! transaction. Pages read a slot's live stories (`slot_items`).

use std::collections::BTreeSet;

use async_trait::async_trait;
use sqlx::Row;

use super::rows::{SLOT_COLUMNS, SUMMARY_COLUMNS, slot_from_row, summary_from_row};
use super::write::{Tx, insert_event, log_change};
use super::{StoreImpl, dialect};
use crate::db::{Actor, Curation, Event, Slot, SlotItem, StoreError, StoreResult};
use crate::domain::ArticleSummary;
use crate::domain::slot::{self, Entry, Op};
use crate::domain::text::to_cst;

async fn load_list(tx: &mut Tx<'_>, slot_id: i64) -> StoreResult<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT article_id, pinned, expires_at, placed_at, placed_by FROM slot_items \
         WHERE slot_id = $1 ORDER BY position",
    )
    .bind(slot_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                article_id: r.try_get("article_id")?,
                pinned: r.try_get::<i64, _>("pinned")? != 0,
                expires_at: r.try_get("expires_at")?,
                placed_at: r.try_get("placed_at")?,
                placed_by: r.try_get("placed_by")?,
            })
        })
        .collect()
}

async fn store_list(tx: &mut Tx<'_>, slot_id: i64, list: &[Entry]) -> StoreResult<()> {
    sqlx::query("DELETE FROM slot_items WHERE slot_id = $1")
        .bind(slot_id)
        .execute(&mut **tx)
        .await?;
    for (pos, e) in list.iter().enumerate() {
        sqlx::query(
            "INSERT INTO slot_items (slot_id, position, article_id, pinned, expires_at, placed_at, placed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(slot_id)
        .bind(pos as i64)
        .bind(e.article_id)
        .bind(i64::from(e.pinned))
        .bind(e.expires_at)
        .bind(e.placed_at)
        .bind(&e.placed_by)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn load_slot(tx: &mut Tx<'_>, id: i64) -> StoreResult<Slot> {
    let row = sqlx::query(&format!(
        "SELECT {SLOT_COLUMNS} FROM slots WHERE id = $1{}",
        dialect::FOR_UPDATE
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("推荐位 {id} 不存在")))?;
    slot_from_row(&row)
}

/// Whether site `id` lets other sites' slots take its stories.
async fn site_shares(tx: &mut Tx<'_>, id: &str) -> StoreResult<bool> {
    let settings: Option<String> = sqlx::query_scalar("SELECT settings FROM sites WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(settings
        .and_then(|s| serde_json::from_str::<crate::domain::site::SiteSettings>(&s).ok())
        .is_some_and(|s| s.shares_stories))
}

fn when(t: Option<i64>) -> String {
    t.map_or_else(
        || "不自动下线".to_string(),
        |t| format!("{} 下线", to_cst(t).format("%Y-%m-%d %H:%M")),
    )
}

#[async_trait]
impl Curation for StoreImpl {
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
    async fn slots(&self, site_id: Option<&str>) -> StoreResult<Vec<Slot>> {
        let rows = sqlx::query(&format!(
            "SELECT {SLOT_COLUMNS} FROM slots WHERE ($1 IS NULL OR site_id = $1) \
             ORDER BY site_id, sort, id"
        ))
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(slot_from_row).collect()
    }

    async fn slot_by_id(&self, id: i64) -> StoreResult<Option<Slot>> {
        let row = sqlx::query(&format!("SELECT {SLOT_COLUMNS} FROM slots WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(slot_from_row).transpose()
    }

    async fn slot_list(&self, slot_id: i64) -> StoreResult<Vec<SlotItem>> {
        let rows = sqlx::query(
            "SELECT s.article_id, s.pinned, s.expires_at, s.placed_at, s.placed_by, a.title, \
             a.site_id, a.status FROM slot_items s JOIN articles a ON a.id = s.article_id \
             WHERE s.slot_id = $1 ORDER BY s.position",
        )
        .bind(slot_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SlotItem {
                    entry: Entry {
                        article_id: r.try_get("article_id")?,
                        pinned: r.try_get::<i64, _>("pinned")? != 0,
                        expires_at: r.try_get("expires_at")?,
                        placed_at: r.try_get("placed_at")?,
                        placed_by: r.try_get("placed_by")?,
                    },
                    title: r.try_get("title")?,
                    site_id: r.try_get("site_id")?,
                    live: r.try_get::<String, _>("status")? == "published",
                })
            })
            .collect()
    }

    async fn slots_holding(&self, article_id: i64) -> StoreResult<Vec<(Slot, i64)>> {
        let rows = sqlx::query(
            "SELECT s.id, s.site_id, s.key, s.name, s.size, s.sort, s.style, s.kinds, s.sites, i.position \
             FROM slot_items i JOIN slots s ON s.id = i.slot_id WHERE i.article_id = $1 \
             ORDER BY s.site_id, s.sort, s.id",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((slot_from_row(r)?, r.try_get::<i64, _>("position")? + 1)))
            .collect()
    }

    async fn save_slot(&self, s: &Slot, actor: &Actor, now: i64) -> StoreResult<i64> {
        slot::check_definition(&s.key, &s.name, s.size).map_err(StoreError::Invalid)?;
        let mut tx = dialect::begin_write(&self.pool).await?;
        let (id, event) = if s.id == 0 {
            let (kinds, sites) = s.stored_lists();
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO slots (site_id, key, name, size, sort, style, kinds, sites) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&s.site_id)
            .bind(&s.key)
            .bind(s.name.trim())
            .bind(s.size)
            .bind(s.sort)
            .bind(s.style.as_str())
            .bind(kinds)
            .bind(sites)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    StoreError::Invalid(format!("推荐位标识 {} 已被使用,请换一个", s.key))
                }
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::Invalid(format!("站点 {} 不存在", s.site_id))
                }
                e => StoreError::Db(e),
            })?;
            let detail = format!("名称「{}」,显示 {} 条", s.name.trim(), s.size);
            (id, ("slot_create", detail))
        } else {
            let old = load_slot(&mut tx, s.id).await?;
            let (kinds, sites) = s.stored_lists();
            sqlx::query(
                "UPDATE slots SET name = $2, size = $3, sort = $4, style = $5, kinds = $6, sites = $7 \
                 WHERE id = $1",
            )
            .bind(s.id)
            .bind(s.name.trim())
            .bind(s.size)
            .bind(s.sort)
            .bind(s.style.as_str())
            .bind(&kinds)
            .bind(&sites)
            .execute(&mut *tx)
            .await?;
            let mut changed = Vec::new();
            if old.stored_lists() != (kinds.clone(), sites.clone()) {
                let kinds_label = |k: &[crate::domain::kind::Kind]| {
                    if k.is_empty() {
                        "各类稿件".to_string()
                    } else {
                        k.iter().map(|k| k.label()).collect::<Vec<_>>().join("、")
                    }
                };
                let sites_label = |s: &[String]| {
                    if s.is_empty() {
                        "仅本站".to_string()
                    } else {
                        format!("本站及 {}", s.join("、"))
                    }
                };
                changed.push(format!(
                    "采用范围:{},{} → {},{}",
                    kinds_label(&old.kinds),
                    sites_label(&old.sites),
                    kinds_label(&s.kinds),
                    sites_label(&s.sites)
                ));
            }
            if old.name != s.name.trim() {
                changed.push(format!("名称:「{}」→「{}」", old.name, s.name.trim()));
            }
            if old.size != s.size {
                changed.push(format!("显示条数:{} → {}", old.size, s.size));
            }
            if old.sort != s.sort {
                changed.push(format!("排序:{} → {}", old.sort, s.sort));
            }
            if old.style != s.style {
                changed.push(format!(
                    "显示方式:{} → {}",
                    old.style.label(),
                    s.style.label()
                ));
            }
            (s.id, ("slot_update", changed.join(";")))
        };
        let slot = load_slot(&mut tx, id).await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: event.0,
                subject: format!("slot:{}/{}", slot.site_id, slot.key),
                title: slot.name.clone(),
                detail: event.1,
                ..Event::default()
            },
            now,
        )
        .await?;
        log_change(
            &mut tx,
            now,
            "slot",
            Some(&slot.site_id),
            None,
            &[
                format!("slot:{}/{}", slot.site_id, slot.key),
                // the home page lists the site's slots
                format!("site:{}", slot.site_id),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn curate(&self, slot_id: i64, op: &Op, actor: &Actor, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let slot = load_slot(&mut tx, slot_id).await?;
        let list = load_list(&mut tx, slot_id).await?;
        let title = match op.article_id() {
            Some(id) => {
                let row: Option<(String, String, String, String)> = sqlx::query_as(
                    "SELECT title, status, kind, site_id FROM articles WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                match row {
                    Some((_, status, ..))
                        if matches!(op, Op::Place { .. }) && status != "published" =>
                    {
                        return Err(StoreError::Invalid(format!(
                            "稿件 {id} 尚未发布或已撤稿,只有已发布的稿件可以放入推荐位"
                        )));
                    }
                    Some((title, _, kind, site)) => {
                        if matches!(op, Op::Place { .. }) {
                            // the slot's kinds and sites (issue 24 §2)
                            let shares =
                                site != slot.site_id && site_shares(&mut tx, &site).await?;
                            let kind = crate::domain::kind::Kind::parse(&kind).unwrap_or_default();
                            slot::accepts(
                                (&slot.site_id, &slot.kinds, &slot.sites),
                                kind,
                                &site,
                                shares,
                            )
                            .map_err(StoreError::Invalid)?;
                        }
                        title
                    }
                    None => return Err(StoreError::Invalid(format!("稿件 {id} 不存在"))),
                }
            }
            None => String::new(),
        };
        let next = slot::apply(&list, op, now, &actor.name).map_err(StoreError::Invalid)?;
        store_list(&mut tx, slot_id, &next).await?;
        let position = |id: i64| next.iter().position(|e| e.article_id == id).map(|p| p + 1);
        let detail = match op {
            Op::Place {
                article_id,
                expires_at,
            } => format!(
                "放在第 {} 位,{}",
                position(*article_id).unwrap_or(1),
                when(*expires_at)
            ),
            Op::Remove { .. } => "移出".to_string(),
            Op::Reorder { order } => format!(
                "新顺序:{}",
                order
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Op::Move { article_id, .. } => {
                format!("移到第 {} 位", position(*article_id).unwrap_or(0))
            }
            Op::Pin {
                article_id,
                pinned: true,
            } => {
                format!("固定在第 {} 位", position(*article_id).unwrap_or(0))
            }
            Op::Pin { .. } => "取消固定,随新稿下移".to_string(),
            Op::SetExpiry { expires_at, .. } => when(*expires_at),
        };
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: op.action(),
                subject: format!("slot:{}/{}", slot.site_id, slot.key),
                article_id: op.article_id(),
                title: if title.is_empty() {
                    slot.name.clone()
                } else {
                    title
                },
                detail: format!("推荐位「{}」:{detail}", slot.name),
            },
            now,
        )
        .await?;
        // an expiry time is a job: the slot's pages change when it comes
        let expiry = match op {
            Op::Place { expires_at, .. } | Op::SetExpiry { expires_at, .. } => *expires_at,
            _ => None,
        };
        if let Some(at) = expiry {
            sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($3, $1, $2)")
                .bind(slot_id.to_string())
                .bind(at)
                .bind(crate::domain::job::JobKind::SlotExpiry.as_str())
                .execute(&mut *tx)
                .await?;
        }
        log_change(
            &mut tx,
            now,
            "slot",
            Some(&slot.site_id),
            None,
            &[format!("slot:{}/{}", slot.site_id, slot.key)],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn expire_slot_items(&self, now: i64) -> StoreResult<usize> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let due: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT slot_id FROM slot_items WHERE expires_at IS NOT NULL AND expires_at <= $1",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let mut gone = 0;
        for slot_id in due {
            let slot = load_slot(&mut tx, slot_id).await?;
            let list = load_list(&mut tx, slot_id).await?;
            let next = slot::expire(&list, now);
            for e in list.iter().filter(|e| !next.contains(e)) {
                let title: Option<String> =
                    sqlx::query_scalar("SELECT title FROM articles WHERE id = $1")
                        .bind(e.article_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                insert_event(
                    &mut tx,
                    &Actor {
                        name: "系统(定时)".into(),
                        ..Actor::default()
                    },
                    &Event {
                        action: "slot_expired",
                        subject: format!("slot:{}/{}", slot.site_id, slot.key),
                        article_id: Some(e.article_id),
                        title: title.unwrap_or_default(),
                        detail: format!("推荐位「{}」:到期下线", slot.name),
                    },
                    now,
                )
                .await?;
                gone += 1;
            }
            store_list(&mut tx, slot_id, &next).await?;
            log_change(
                &mut tx,
                now,
                "slot",
                Some(&slot.site_id),
                None,
                &[format!("slot:{}/{}", slot.site_id, slot.key)],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(gone)
    }
}
