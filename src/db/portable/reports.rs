//! 举报 (`db::Reports`), compiled once per backend.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::write::{Tx, insert_event};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{
    Actor, Attempt, Event, Filing, Limits, NewReport, ReportFilter, Reports, StoreError,
    StoreResult,
};
use crate::domain::report::{self, Act, Category, Outcome, Report, State};

const COLUMNS: &str = "id, receipt, site_id, url, article_id, category, description, shots, contact, \
     contact_until, created_at, due_at, state, outcome, assignee_id, assignee, result, handled_at, updated_at";

fn report_from_row(row: &DbRow) -> StoreResult<Report> {
    let category: String = row.try_get("category")?;
    let state: String = row.try_get("state")?;
    let outcome: String = row.try_get("outcome")?;
    Ok(Report {
        id: row.try_get("id")?,
        receipt: row.try_get("receipt")?,
        site_id: row.try_get("site_id")?,
        url: row.try_get("url")?,
        article_id: row.try_get("article_id")?,
        category: Category::parse(&category)
            .ok_or_else(|| StoreError::Corrupt(format!("report category {category:?}")))?,
        description: row.try_get("description")?,
        shots: serde_json::from_str(&row.try_get::<String, _>("shots")?)
            .map_err(|e| StoreError::Corrupt(format!("report shots: {e}")))?,
        contact: row.try_get("contact")?,
        contact_until: row.try_get("contact_until")?,
        created_at: row.try_get("created_at")?,
        due_at: row.try_get("due_at")?,
        state: State::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("report state {state:?}")))?,
        outcome: Outcome::parse(&outcome),
        assignee_id: row.try_get("assignee_id")?,
        assignee: row.try_get("assignee")?,
        result: row.try_get("result")?,
        handled_at: row.try_get("handled_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Count an attempt inside `tx`: whether it is within the limits. The
/// attempt is counted either way, so hammering keeps an address out.
async fn attempt(tx: &mut Tx<'_>, who: &str, l: Limits, now: i64) -> StoreResult<Attempt> {
    dialect::lock_key(tx, &format!("report:{who}")).await?;
    let since = now - l.window_secs;
    // the window's old rows go a few at a time, so no attempt pays for all
    sqlx::query(
        "DELETE FROM report_hits WHERE at IN (SELECT at FROM report_hits WHERE at < $1 ORDER BY at LIMIT 200)",
    )
    .bind(since)
    .execute(&mut **tx)
    .await?;
    // counts stop at the limit: a flood costs each attempt a bounded
    // index range, not a scan of the hour
    let mine: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM report_hits WHERE who = $1 AND at >= $2 LIMIT $3) AS h",
    )
    .bind(who)
    .bind(since)
    .bind(l.per_address)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO report_hits (who, at) VALUES ($1, $2)")
        .bind(who)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    if mine >= l.per_address {
        return Ok(Attempt::AddressLimited);
    }
    // the portal's limit is on reports taken (what the handlers must read)
    let all: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM reports WHERE created_at >= $1 LIMIT $2) AS r",
    )
    .bind(since)
    .bind(l.global)
    .fetch_one(&mut **tx)
    .await?;
    Ok(if all >= l.global {
        Attempt::GlobalLimited
    } else {
        Attempt::Allowed
    })
}

async fn load(tx: &mut Tx<'_>, id: i64) -> StoreResult<Report> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM reports WHERE id = $1{}",
        dialect::FOR_UPDATE
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("举报 {id} 不存在")))?;
    report_from_row(&row)
}

/// What an act says in the record.
fn act_detail(before: &Report, act: &Act) -> String {
    match act {
        Act::Assign { name, .. } => format!("分派给 {name}"),
        Act::Check => format!("{} → 核实中", before.state.label()),
        Act::Escalate { name, note, .. } => format!("转交 {name}:{note}"),
        Act::Resolve {
            outcome,
            result,
            live: false,
        } if *outcome != crate::domain::report::Outcome::Rejected => {
            format!("{}(待生效):{result}", outcome.label())
        }
        Act::Resolve {
            outcome, result, ..
        } => format!("{}:{result}", outcome.label()),
    }
}

#[async_trait]
impl Reports for StoreImpl {
    async fn report_attempt(&self, who: &str, limits: Limits, now: i64) -> StoreResult<Attempt> {
        let mut tx = dialect::begin_own(&self.pool).await?;
        let a = attempt(&mut tx, who, limits, now).await?;
        tx.commit().await?;
        Ok(a)
    }

    async fn file_report(&self, r: &NewReport, now: i64) -> StoreResult<Filing> {
        let mut tx = dialect::begin_own(&self.pool).await?;
        let used: Option<i64> = sqlx::query_scalar("SELECT id FROM reports WHERE nonce = $1")
            .bind(&r.nonce)
            .fetch_optional(&mut *tx)
            .await?;
        if used.is_some() {
            tx.commit().await?;
            return Ok(Filing::Replayed);
        }
        let f = &r.filed;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reports (receipt, site_id, url, article_id, category, description, shots, contact, \
             contact_until, nonce, created_at, due_at, updated_at, shot_bytes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $13) RETURNING id",
        )
        .bind(&r.receipt)
        .bind(&r.site_id)
        .bind(&f.url)
        .bind(r.article_id)
        .bind(f.category.as_str())
        .bind(&f.description)
        .bind(serde_json::to_string(&r.shots).unwrap_or_else(|_| "[]".into()))
        .bind(&f.contact)
        .bind(f.contact.as_ref().map(|_| r.contact_until))
        .bind(&r.nonce)
        .bind(now)
        .bind(r.due_at)
        .bind(r.shot_bytes)
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            &Actor {
                id: None,
                name: "读者".into(),
                address: String::new(),
            },
            &Event {
                action: "report_filed",
                subject: format!("report:{}", r.receipt),
                article_id: r.article_id,
                title: format!("举报 {}", r.receipt),
                detail: format!("{}:{}", f.category.label(), f.url),
            },
            now,
        )
        .await?;
        if f.contact.is_some() {
            sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($3, $1, $2)")
                .bind(id.to_string())
                .bind(r.contact_until)
                .bind(crate::domain::job::JobKind::ReportContact.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let report = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Filing::Filed(Box::new(report)))
    }

    async fn report(&self, id: i64) -> StoreResult<Option<Report>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM reports WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn report_by_receipt(&self, receipt: &str) -> StoreResult<Option<Report>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM reports WHERE receipt = $1"))
            .bind(receipt)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn reports(&self, f: &ReportFilter) -> StoreResult<Vec<Report>> {
        let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM reports WHERE 1 = 1"));
        if let Some(s) = f.state {
            q.push(" AND state = ").push_bind(s.as_str());
        }
        if f.open {
            q.push(" AND state <> 'done'");
        }
        if let Some(c) = f.category {
            q.push(" AND category = ").push_bind(c.as_str());
        }
        if let Some(s) = &f.site_id {
            q.push(" AND site_id = ").push_bind(s.clone());
        }
        if let Some(sites) = &f.sites {
            if sites.is_empty() {
                return Ok(Vec::new());
            }
            q.push(" AND site_id IN (");
            let mut sep = q.separated(", ");
            for s in sites {
                sep.push_bind(s.clone());
            }
            q.push(")");
        }
        if let Some(at) = f.overdue_at {
            q.push(" AND state <> 'done' AND due_at <= ").push_bind(at);
        }
        if let Some(a) = f.assignee_id {
            q.push(" AND assignee_id = ").push_bind(a);
        }
        if let Some(from) = f.from {
            q.push(" AND created_at >= ").push_bind(from);
        }
        if let Some(to) = f.to {
            q.push(" AND created_at < ").push_bind(to);
        }
        super::keyset::newest_first(
            &mut q,
            ("created_at", "id"),
            f.before,
            f.limit.clamp(1, 100_000),
        );
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(report_from_row).collect()
    }

    async fn report_counts(&self, sites: Option<&[String]>, now: i64) -> StoreResult<(i64, i64)> {
        let mut q = QueryBuilder::new("SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at <= ");
        q.push_bind(now)
            .push(" THEN 1 ELSE 0 END), 0) FROM reports WHERE state <> 'done'");
        if let Some(sites) = sites {
            if sites.is_empty() {
                return Ok((0, 0));
            }
            q.push(" AND site_id IN (");
            let mut sep = q.separated(", ");
            for s in sites {
                sep.push_bind(s.clone());
            }
            q.push(")");
        }
        let row = q.build().fetch_one(&self.pool).await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    async fn act_on_report(
        &self,
        id: i64,
        act: &Act,
        seen: i64,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Report> {
        let mut tx = dialect::begin_own(&self.pool).await?;
        let before = load(&mut tx, id).await?;
        if before.updated_at != seen {
            return Err(StoreError::Conflict(format!(
                "举报 {} 刚被 {} 处理过,请刷新页面后再操作",
                before.receipt,
                if before.assignee.is_empty() {
                    "他人"
                } else {
                    &before.assignee
                }
            )));
        }
        let after = report::apply(&before, act, now).map_err(StoreError::Invalid)?;
        sqlx::query(
            "UPDATE reports SET state = $1, outcome = $2, assignee_id = $3, assignee = $4, result = $5, \
             handled_at = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(after.state.as_str())
        .bind(after.outcome.map_or("", Outcome::as_str))
        .bind(after.assignee_id)
        .bind(&after.assignee)
        .bind(&after.result)
        .bind(after.handled_at)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: act.action(),
                subject: format!("report:{}", before.receipt),
                article_id: before.article_id,
                title: format!("举报 {}", before.receipt),
                detail: act_detail(&before, act),
            },
            now,
        )
        .await?;
        let out = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn clear_report_contact(&self, id: i64, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE reports SET contact = NULL WHERE id = $1 AND contact IS NOT NULL AND contact_until <= $2",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn shot_bytes_since(&self, since: i64) -> StoreResult<i64> {
        // reports_created holds created_at: one index range
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(shot_bytes) AS BIGINT) FROM reports WHERE created_at >= $1",
        )
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(n.unwrap_or(0))
    }

    async fn report_secret(&self, fresh: &str) -> StoreResult<String> {
        // read first: once made, showing the form needs no write (a full
        // disk must not take the 举报 form down)
        let made: Option<String> =
            sqlx::query_scalar("SELECT value FROM meta WHERE key = 'report_secret'")
                .fetch_optional(&self.pool)
                .await?;
        if let Some(v) = made {
            return Ok(v);
        }
        let mut tx = dialect::begin_own(&self.pool).await?;
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('report_secret', $1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(fresh)
        .execute(&mut *tx)
        .await?;
        let v: String = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'report_secret'")
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(v)
    }
}
