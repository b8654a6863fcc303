//! 线索 (`db::Tips`), compiled once per backend: editors' tips, readers'
//! 报料 (once per challenge, with the retention job in the same
//! transaction), 搁置, and the end of a reader's tip's retention.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::keyset::and_in;
use super::write::{Tx, insert_event, log_change, queue_notices};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{Actor, Event, ReaderTip, StoreError, StoreResult, Tip, TipFiling, Tips};
use crate::domain::planning::plan::check_reason;
use crate::domain::planning::tip::{TipInput, TipKind, TipState};

const COLUMNS: &str = "id, site_id, kind, title, body, place, starts_at, contact, receipt, state, \
     reason, plan_id, created_by_name, created_at, keep_until";

fn from_row(r: &DbRow) -> StoreResult<Tip> {
    let kind: String = r.try_get("kind")?;
    let state: String = r.try_get("state")?;
    Ok(Tip {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        kind: TipKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("tips.kind {kind:?}")))?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        place: r.try_get("place")?,
        starts_at: r.try_get("starts_at")?,
        contact: r.try_get("contact")?,
        receipt: r.try_get("receipt")?,
        state: TipState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("tips.state {state:?}")))?,
        reason: r.try_get("reason")?,
        plan_id: r.try_get("plan_id")?,
        created_by: r.try_get("created_by_name")?,
        created_at: r.try_get("created_at")?,
        keep_until: r.try_get("keep_until")?,
    })
}

async fn changed(tx: &mut Tx<'_>, site_id: &str, now: i64) -> StoreResult<()> {
    log_change(
        tx,
        now,
        "plan",
        Some(site_id),
        None,
        &[format!("board:{site_id}")],
    )
    .await
}

#[async_trait]
impl Tips for StoreImpl {
    async fn add_tip(
        &self,
        site_id: &str,
        t: &TipInput,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tips (site_id, kind, title, body, place, starts_at, contact, created_by, \
             created_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             RETURNING id",
        )
        .bind(site_id)
        .bind(t.kind.as_str())
        .bind(&t.title)
        .bind(&t.body)
        .bind(&t.place)
        .bind(t.starts_at)
        .bind(&t.contact)
        .bind(actor.id)
        .bind(&actor.name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "plan_tip_add",
                subject: format!("tip:{id}"),
                article_id: None,
                title: t.title.clone(),
                detail: t.kind.label().into(),
            },
            now,
        )
        .await?;
        changed(&mut tx, site_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn file_tip(&self, r: &ReaderTip, now: i64) -> StoreResult<TipFiling> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let used: Option<i64> = sqlx::query_scalar("SELECT id FROM tips WHERE nonce = $1")
            .bind(&r.nonce)
            .fetch_optional(&mut *tx)
            .await?;
        if used.is_some() {
            tx.commit().await?;
            return Ok(TipFiling::Replayed);
        }
        let t = &r.input;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tips (site_id, kind, title, body, place, contact, receipt, nonce, \
             created_by_name, created_at, keep_until, updated_at) \
             VALUES ($1, 'reader', $2, $3, $4, $5, $6, $7, '读者', $8, $9, $8) RETURNING id",
        )
        .bind(&r.site_id)
        .bind(&t.title)
        .bind(&t.body)
        .bind(&t.place)
        .bind(&t.contact)
        .bind(&r.receipt)
        .bind(&r.nonce)
        .bind(now)
        .bind(r.keep_until)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3)")
            .bind(crate::domain::job::JobKind::TipExpiry.as_str())
            .bind(id.to_string())
            .bind(r.keep_until)
            .execute(&mut *tx)
            .await?;
        let system = Actor {
            id: None,
            name: "读者".into(),
            address: String::new(),
        };
        insert_event(
            &mut tx,
            &system,
            &Event {
                action: "plan_tip_filed",
                subject: format!("tip:{id}"),
                article_id: None,
                title: t.title.clone(),
                detail: format!("报料编号 {}", r.receipt),
            },
            now,
        )
        .await?;
        queue_notices(
            &mut tx,
            &r.site_id,
            "",
            &format!("【读者报料】{}", t.title),
            now,
        )
        .await?;
        changed(&mut tx, &r.site_id, now).await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tips WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let tip = from_row(&row)?;
        tx.commit().await?;
        Ok(TipFiling::Filed(Box::new(tip)))
    }

    async fn tip(&self, id: i64) -> StoreResult<Option<Tip>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tips WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    async fn tip_by_receipt(&self, receipt: &str) -> StoreResult<Option<Tip>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tips WHERE receipt = $1"))
            .bind(receipt)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    async fn tips(
        &self,
        sites: Option<&[String]>,
        state: Option<TipState>,
        limit: i64,
    ) -> StoreResult<Vec<Tip>> {
        let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM tips WHERE 1 = 1"));
        if let Some(sites) = sites {
            if sites.is_empty() {
                return Ok(Vec::new());
            }
            and_in(&mut q, "site_id", sites.iter().cloned());
        }
        if let Some(s) = state {
            q.push(" AND state = ").push_bind(s.as_str());
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    async fn dismiss_tip(&self, id: i64, reason: &str, actor: &Actor, now: i64) -> StoreResult<()> {
        let reason = check_reason(reason, "搁置").map_err(StoreError::Invalid)?;
        let mut tx = dialect::begin_write(&self.pool).await?;
        let row = sqlx::query("SELECT site_id, title, state FROM tips WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("线索 {id} 不存在")))?;
        let site_id: String = row.try_get("site_id")?;
        let state: String = row.try_get("state")?;
        if state != TipState::New.as_str() {
            return Err(StoreError::Conflict(
                "这条线索已立项或已搁置,请刷新线索列表".into(),
            ));
        }
        sqlx::query(
            "UPDATE tips SET state = 'dismissed', reason = $2, updated_at = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(&reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "plan_tip_dismiss",
                subject: format!("tip:{id}"),
                article_id: None,
                title: row.try_get("title")?,
                detail: format!("理由:{reason}"),
            },
            now,
        )
        .await?;
        changed(&mut tx, &site_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn expire_tip(&self, id: i64, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let row = sqlx::query("SELECT site_id, plan_id, keep_until FROM tips WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(());
        };
        let keep_until: Option<i64> = row.try_get("keep_until")?;
        if keep_until.is_none_or(|k| k > now) {
            return Ok(());
        }
        let site_id: String = row.try_get("site_id")?;
        if row.try_get::<Option<i64>, _>("plan_id")?.is_some() {
            // the plan keeps its own words; the reader's contact goes
            sqlx::query(
                "UPDATE tips SET contact = NULL, body = '(已过保存期限)', place = '', keep_until = NULL, \
                 updated_at = $2 WHERE id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("DELETE FROM tips WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        changed(&mut tx, &site_id, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
