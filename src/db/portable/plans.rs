//! 选题 and 报题 (`db::Plans`), compiled once per backend: plans with their
//! coverages, pitches settled, and each day's 报题单 order and 定稿. Every
//! write logs `plan:ID` and `board:SITE` and records who did it.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::keyset::and_in;
use super::write::{Tx, insert_event, log_change, planning_written, queue_notices};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{
    Actor, Budget, Coverage, Event, Plan, PlanFilter, Plans, Proposer, StoreError, StoreResult,
};
use crate::domain::planning::plan::{
    CoverageInput, CoverageStatus, Medium, PitchAction, PlanInput, PlanState, check_order,
    check_reason,
};

const COLUMNS: &str = "id, site_id, channel_path, slug, description, day, priority, state, reason, \
     merged_into, tip_id, proposer_id, proposer, from_site, position, created_at, updated_at, version";

fn plan_from_row(r: &DbRow) -> StoreResult<Plan> {
    let state: String = r.try_get("state")?;
    Ok(Plan {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        channel_path: r.try_get("channel_path")?,
        slug: r.try_get("slug")?,
        description: r.try_get("description")?,
        day: r.try_get("day")?,
        priority: r.try_get("priority")?,
        state: PlanState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("plans.state {state:?}")))?,
        reason: r.try_get("reason")?,
        merged_into: r.try_get("merged_into")?,
        tip_id: r.try_get("tip_id")?,
        proposer_id: r.try_get("proposer_id")?,
        proposer: r.try_get("proposer")?,
        from_site: r.try_get("from_site")?,
        position: r.try_get("position")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
        coverages: Vec::new(),
    })
}

/// The coverages of `plans`, attached in order.
async fn attach_coverages<'e, E>(exec: E, plans: &mut [Plan]) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = super::Db>,
{
    if plans.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::new(
        "SELECT id, plan_id, medium, status, time, note FROM coverages WHERE 1 = 1",
    );
    and_in(&mut q, "plan_id", plans.iter().map(|p| p.id));
    q.push(" ORDER BY plan_id, position, id");
    for r in q.build().fetch_all(exec).await? {
        let medium: String = r.try_get("medium")?;
        let status: String = r.try_get("status")?;
        let c = Coverage {
            id: r.try_get("id")?,
            plan_id: r.try_get("plan_id")?,
            medium: Medium::parse(&medium)
                .ok_or_else(|| StoreError::Corrupt(format!("coverages.medium {medium:?}")))?,
            status: CoverageStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("coverages.status {status:?}")))?,
            time: r.try_get("time")?,
            note: r.try_get("note")?,
        };
        if let Some(p) = plans.iter_mut().find(|p| p.id == c.plan_id) {
            p.coverages.push(c);
        }
    }
    Ok(())
}

async fn load(tx: &mut Tx<'_>, id: i64) -> StoreResult<Plan> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM plans WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("选题 {id} 不存在")))?;
    let mut p = [plan_from_row(&row)?];
    attach_coverages(&mut **tx, &mut p).await?;
    let [p] = p;
    Ok(p)
}

fn keys(p: &Plan) -> Vec<String> {
    vec![format!("plan:{}", p.id), format!("board:{}", p.site_id)]
}

async fn changed(tx: &mut Tx<'_>, p: &Plan, now: i64) -> StoreResult<()> {
    log_change(tx, now, "plan", Some(&p.site_id), None, &keys(p)).await
}

async fn record(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: &'static str,
    p: &Plan,
    detail: String,
    now: i64,
) -> StoreResult<()> {
    insert_event(
        tx,
        actor,
        &Event {
            action,
            subject: format!("plan:{}", p.id),
            article_id: None,
            title: p.slug.clone(),
            detail,
        },
        now,
    )
    .await
}

/// The end of a day's 报题单 (and its version bumped: the list changed).
async fn next_position(tx: &mut Tx<'_>, site_id: &str, day: Option<&str>) -> StoreResult<i64> {
    let Some(day) = day else {
        return Ok(0);
    };
    bump_budget(tx, site_id, day).await?;
    let max: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(position) FROM plans WHERE site_id = $1 AND day = $2 AND state = 'planned'",
    )
    .bind(site_id)
    .bind(day)
    .fetch_one(&mut **tx)
    .await?;
    Ok(max.unwrap_or(0) + 1)
}

async fn bump_budget(tx: &mut Tx<'_>, site_id: &str, day: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO budgets (site_id, day, version) VALUES ($1, $2, 2) \
         ON CONFLICT (site_id, day) DO UPDATE SET version = budgets.version + 1",
    )
    .bind(site_id)
    .bind(day)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_coverage(
    tx: &mut Tx<'_>,
    plan_id: i64,
    c: &CoverageInput,
    position: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO coverages (plan_id, medium, status, time, note, position) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(plan_id)
    .bind(c.medium.as_str())
    .bind(c.status.as_str())
    .bind(&c.time)
    .bind(&c.note)
    .bind(position)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The plan at `expected_version`, locked for this transaction, or `Conflict`.
async fn current(tx: &mut Tx<'_>, id: i64, expected_version: i64) -> StoreResult<Plan> {
    let p = load(tx, id).await?;
    if p.version != expected_version {
        return Err(StoreError::Conflict(
            "选题刚被他人修改过,请刷新页面后再操作(你填写的内容已保留)".into(),
        ));
    }
    Ok(p)
}

async fn set_state(
    tx: &mut Tx<'_>,
    id: i64,
    state: PlanState,
    reason: &str,
    position: i64,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE plans SET state = $2, reason = $3, position = $4, updated_at = $5, version = version + 1 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(state.as_str())
    .bind(reason)
    .bind(position)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn day_str(input: &PlanInput) -> Option<String> {
    input.day.map(|d| d.format("%Y-%m-%d").to_string())
}

#[async_trait]
impl Plans for StoreImpl {
    async fn create_plan(
        &self,
        site_id: &str,
        input: &PlanInput,
        state: PlanState,
        by: &Proposer<'_>,
        tip_id: Option<i64>,
        now: i64,
    ) -> StoreResult<i64> {
        if !matches!(state, PlanState::Pitched | PlanState::Planned) {
            return Err(StoreError::Invalid("新选题只能是报题或已立项".into()));
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM channels WHERE site_id = $1 AND path = $2")
                .bind(site_id)
                .bind(&input.channel_path)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(
                "所选栏目不在这个站点,请重新选择".into(),
            ));
        }
        let day = day_str(input);
        let position = if state == PlanState::Planned {
            next_position(&mut tx, site_id, day.as_deref()).await?
        } else {
            0
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plans (site_id, channel_path, slug, description, day, priority, state, tip_id, \
             proposer_id, proposer, from_site, position, created_at, updated_at, pitched) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id",
        )
        .bind(site_id)
        .bind(&input.channel_path)
        .bind(&input.slug)
        .bind(&input.description)
        .bind(&day)
        .bind(input.priority)
        .bind(state.as_str())
        .bind(tip_id)
        .bind(by.actor.id)
        .bind(&by.actor.name)
        .bind(by.from_site)
        .bind(position)
        .bind(now)
        .bind(i64::from(state == PlanState::Pitched))
        .fetch_one(&mut *tx)
        .await?;
        for (i, c) in input.coverages.iter().enumerate() {
            insert_coverage(&mut tx, id, c, i as i64 + 1).await?;
        }
        if let Some(tip) = tip_id {
            let n = sqlx::query(
                "UPDATE tips SET state = 'planned', plan_id = $2, updated_at = $3 \
                 WHERE id = $1 AND site_id = $4 AND state = 'new'",
            )
            .bind(tip)
            .bind(id)
            .bind(now)
            .bind(site_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict(
                    "这条线索已立项或已搁置,请刷新线索列表".into(),
                ));
            }
        }
        let p = load(&mut tx, id).await?;
        let (action, detail) = if state == PlanState::Pitched {
            let upward = if by.from_site != site_id {
                format!("({} 报送)", by.from_site)
            } else {
                String::new()
            };
            ("plan_pitch", format!("报题{upward}"))
        } else {
            (
                "plan_create",
                format!("日期 {}", day.as_deref().unwrap_or("待定")),
            )
        };
        record(&mut tx, by.actor, action, &p, detail, now).await?;
        if state == PlanState::Pitched {
            let text = format!(
                "【新报题】{}({},{} 报送)",
                p.slug, p.channel_path, by.actor.name
            );
            queue_notices(&mut tx, site_id, &p.channel_path, &text, now).await?;
        }
        changed(&mut tx, &p, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_plan(
        &self,
        id: i64,
        expected_version: i64,
        input: &PlanInput,
        coverage_ids: &[Option<i64>],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let p = current(&mut tx, id, expected_version).await?;
        if !matches!(p.state, PlanState::Pitched | PlanState::Planned) {
            return Err(StoreError::Invalid(format!(
                "选题{},不能再修改",
                p.state.label()
            )));
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM channels WHERE site_id = $1 AND path = $2")
                .bind(&p.site_id)
                .bind(&input.channel_path)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(
                "所选栏目不在这个站点,请重新选择".into(),
            ));
        }
        let day = day_str(input);
        let mut position = p.position;
        if p.state == PlanState::Planned && day != p.day {
            if let Some(old) = &p.day {
                bump_budget(&mut tx, &p.site_id, old).await?;
            }
            position = next_position(&mut tx, &p.site_id, day.as_deref()).await?;
        }
        sqlx::query(
            "UPDATE plans SET channel_path = $2, slug = $3, description = $4, day = $5, priority = $6, \
             position = $7, updated_at = $8, version = version + 1 WHERE id = $1",
        )
        .bind(id)
        .bind(&input.channel_path)
        .bind(&input.slug)
        .bind(&input.description)
        .bind(&day)
        .bind(input.priority)
        .bind(position)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if coverage_ids.len() != input.coverages.len() {
            return Err(StoreError::Invalid(
                "报道项目与表单不符,请刷新后重试".into(),
            ));
        }
        let mut next = p.coverages.len() as i64;
        for (cid, c) in coverage_ids.iter().zip(&input.coverages) {
            match cid {
                Some(cid) => {
                    let Some(old) = p.coverages.iter().find(|x| x.id == *cid) else {
                        return Err(StoreError::Conflict(
                            "报道项目已变化,请刷新页面后再修改".into(),
                        ));
                    };
                    if old.medium != c.medium {
                        return Err(StoreError::Invalid(
                            "已有报道项目的形式不能更改:请取消它,另加一项".into(),
                        ));
                    }
                    sqlx::query(
                        "UPDATE coverages SET status = $2, time = $3, note = $4 WHERE id = $1",
                    )
                    .bind(cid)
                    .bind(c.status.as_str())
                    .bind(&c.time)
                    .bind(&c.note)
                    .execute(&mut *tx)
                    .await?;
                    if c.status == CoverageStatus::Cancelled && old.status != c.status {
                        cancel_open(&mut tx, &[*cid], "报道已取消", now).await?;
                    }
                }
                None => {
                    next += 1;
                    insert_coverage(&mut tx, id, c, next).await?;
                }
            }
        }
        let p2 = load(&mut tx, id).await?;
        record(&mut tx, actor, "plan_update", &p2, describe(&p, &p2), now).await?;
        changed(&mut tx, &p2, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn settle_pitch(
        &self,
        id: i64,
        expected_version: i64,
        action: PitchAction,
        into: Option<i64>,
        reason: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let p = current(&mut tx, id, expected_version).await?;
        let to = crate::domain::planning::plan::decide_pitch(p.state, action, reason)
            .map_err(StoreError::Invalid)?;
        let reason = reason.trim();
        match action {
            PitchAction::Accept => {
                let position = next_position(&mut tx, &p.site_id, p.day.as_deref()).await?;
                set_state(&mut tx, id, to, "", position, now).await?;
                record(&mut tx, actor, "plan_accept", &p, "采用为选题".into(), now).await?;
            }
            PitchAction::Decline => {
                set_state(&mut tx, id, to, reason, 0, now).await?;
                record(
                    &mut tx,
                    actor,
                    "plan_decline",
                    &p,
                    format!("理由:{reason}"),
                    now,
                )
                .await?;
            }
            PitchAction::Merge => {
                let into =
                    into.ok_or_else(|| StoreError::Invalid("请选择要合并到的选题".into()))?;
                let target = load(&mut tx, into).await?;
                if target.site_id != p.site_id || target.id == p.id {
                    return Err(StoreError::Invalid("只能合并到本站点的另一个选题".into()));
                }
                if !matches!(target.state, PlanState::Planned | PlanState::Pitched) {
                    return Err(StoreError::Invalid(format!(
                        "选题「{}」{},不能合并进去",
                        target.slug,
                        target.state.label()
                    )));
                }
                let base = target.coverages.len() as i64;
                for (i, c) in p.coverages.iter().enumerate() {
                    sqlx::query("UPDATE coverages SET plan_id = $2, position = $3 WHERE id = $1")
                        .bind(c.id)
                        .bind(into)
                        .bind(base + i as i64 + 1)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE assignments SET plan_id = $2 WHERE plan_id = $1")
                    .bind(id)
                    .bind(into)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE plans SET merged_into = $2 WHERE id = $1")
                    .bind(id)
                    .bind(into)
                    .execute(&mut *tx)
                    .await?;
                set_state(&mut tx, id, to, reason, 0, now).await?;
                sqlx::query(
                    "UPDATE plans SET version = version + 1, updated_at = $2 WHERE id = $1",
                )
                .bind(into)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                record(
                    &mut tx,
                    actor,
                    "plan_merge",
                    &p,
                    format!("并入选题「{}」", target.slug),
                    now,
                )
                .await?;
                changed(&mut tx, &target, now).await?;
            }
        }
        changed(&mut tx, &p, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn cancel_plan(
        &self,
        id: i64,
        expected_version: i64,
        reason: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let reason = check_reason(reason, "撤销选题").map_err(StoreError::Invalid)?;
        let mut tx = dialect::begin_write(&self.pool).await?;
        let p = current(&mut tx, id, expected_version).await?;
        if !matches!(p.state, PlanState::Planned | PlanState::Pitched) {
            return Err(StoreError::Invalid(format!(
                "选题{},不能撤销",
                p.state.label()
            )));
        }
        if let Some(day) = &p.day {
            bump_budget(&mut tx, &p.site_id, day).await?;
        }
        set_state(&mut tx, id, PlanState::Cancelled, &reason, 0, now).await?;
        sqlx::query("UPDATE coverages SET status = 'cancelled' WHERE plan_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let ids: Vec<i64> = p.coverages.iter().map(|c| c.id).collect();
        cancel_open(&mut tx, &ids, &reason, now).await?;
        record(
            &mut tx,
            actor,
            "plan_cancel",
            &p,
            format!("理由:{reason}"),
            now,
        )
        .await?;
        changed(&mut tx, &p, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn plan(&self, id: i64) -> StoreResult<Option<Plan>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut p = [plan_from_row(&row)?];
        attach_coverages(&self.pool, &mut p).await?;
        let [p] = p;
        Ok(Some(p))
    }

    async fn plans(&self, f: &PlanFilter, limit: i64) -> StoreResult<Vec<Plan>> {
        let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM plans WHERE 1 = 1"));
        if let Some(sites) = &f.sites {
            if sites.is_empty() {
                return Ok(Vec::new());
            }
            and_in(&mut q, "site_id", sites.iter().cloned());
        }
        if !f.states.is_empty() {
            and_in(&mut q, "state", f.states.iter().map(|s| s.as_str()));
        }
        if let Some(p) = f.proposer {
            q.push(" AND pitched = 1 AND proposer_id = ").push_bind(p);
        }
        match f.day.as_deref() {
            Some("") => {
                q.push(" AND day IS NULL");
            }
            Some(d) => {
                q.push(" AND day = ").push_bind(d.to_string());
            }
            None => {}
        }
        if f.day.as_deref().is_some_and(|d| !d.is_empty()) {
            q.push(" ORDER BY position, id");
        } else {
            q.push(" ORDER BY id DESC");
        }
        q.push(" LIMIT ").push_bind(limit);
        let rows = q.build().fetch_all(&self.pool).await?;
        let mut out = rows
            .iter()
            .map(plan_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        attach_coverages(&self.pool, &mut out).await?;
        Ok(out)
    }

    async fn budget(&self, site_id: &str, day: &str) -> StoreResult<Budget> {
        let row = sqlx::query(
            "SELECT version, final_by, final_at FROM budgets WHERE site_id = $1 AND day = $2",
        )
        .bind(site_id)
        .bind(day)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Budget {
                version: r.try_get("version")?,
                final_by: r.try_get("final_by")?,
                final_at: r.try_get("final_at")?,
            },
            None => Budget {
                version: 1,
                ..Budget::default()
            },
        })
    }

    async fn arrange_budget(
        &self,
        site_id: &str,
        day: &str,
        expected_version: i64,
        order: &[i64],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let version: i64 =
            sqlx::query_scalar("SELECT version FROM budgets WHERE site_id = $1 AND day = $2")
                .bind(site_id)
                .bind(day)
                .fetch_optional(&mut *tx)
                .await?
                .unwrap_or(1);
        let current: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM plans WHERE site_id = $1 AND day = $2 AND state = 'planned' ORDER BY position, id",
        )
        .bind(site_id)
        .bind(day)
        .fetch_all(&mut *tx)
        .await?;
        if version != expected_version {
            return Err(StoreError::Conflict(
                "报题单刚被他人调整过,请刷新后再排序".into(),
            ));
        }
        check_order(&current, order).map_err(StoreError::Conflict)?;
        for (i, id) in order.iter().enumerate() {
            sqlx::query("UPDATE plans SET position = $2 WHERE id = $1")
                .bind(id)
                .bind(i as i64 + 1)
                .execute(&mut *tx)
                .await?;
        }
        bump_budget(&mut tx, site_id, day).await?;
        let detail = format!("{} 个选题重新排序", order.len());
        budget_written(
            &mut tx,
            actor,
            "plan_budget_order",
            (site_id, day),
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn finalize_budget(
        &self,
        site_id: &str,
        day: &str,
        final_: bool,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        bump_budget(&mut tx, site_id, day).await?;
        sqlx::query(
            "UPDATE budgets SET final_by = $3, final_at = $4 WHERE site_id = $1 AND day = $2",
        )
        .bind(site_id)
        .bind(day)
        .bind(final_.then_some(actor.name.as_str()))
        .bind(final_.then_some(now))
        .execute(&mut *tx)
        .await?;
        let detail = if final_ { "定稿" } else { "取消定稿" };
        budget_written(
            &mut tx,
            actor,
            "plan_budget_final",
            (site_id, day),
            detail.into(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A day's 报题单 changed: its record row and the board's change.
async fn budget_written(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: &'static str,
    (site_id, day): (&str, &str),
    detail: String,
    now: i64,
) -> StoreResult<()> {
    let event = Event {
        action,
        subject: format!("budget:{site_id}/{day}"),
        article_id: None,
        title: format!("{day} 报题单"),
        detail,
    };
    planning_written(tx, actor, &event, site_id, &[], now).await
}

/// Cancel the open assignments of coverages `ids` (their plan or coverage
/// was cancelled).
async fn cancel_open(tx: &mut Tx<'_>, ids: &[i64], reason: &str, now: i64) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::new("UPDATE assignments SET state = 'cancelled', reason = ");
    q.push_bind(reason.to_string())
        .push(", updated_at = ")
        .push_bind(now)
        .push(", version = version + 1 WHERE state NOT IN ('done', 'cancelled')");
    and_in(&mut q, "coverage_id", ids.iter().copied());
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// What an edit changed, in words for the record.
fn describe(old: &Plan, new: &Plan) -> String {
    let mut parts = Vec::new();
    if old.slug != new.slug {
        parts.push(format!("名称:{} → {}", old.slug, new.slug));
    }
    if old.day != new.day {
        parts.push(format!(
            "日期:{} → {}",
            old.day.as_deref().unwrap_or("待定"),
            new.day.as_deref().unwrap_or("待定")
        ));
    }
    if old.channel_path != new.channel_path {
        parts.push(format!("栏目:{} → {}", old.channel_path, new.channel_path));
    }
    if old.priority != new.priority {
        parts.push("优先级".into());
    }
    if old.description != new.description {
        parts.push("说明".into());
    }
    if old.coverages.len() != new.coverages.len() {
        parts.push(format!(
            "报道项目 {} → {} 项",
            old.coverages.len(),
            new.coverages.len()
        ));
    }
    for (a, b) in old.coverages.iter().zip(&new.coverages) {
        if a.status != b.status {
            parts.push(format!(
                "{}:{} → {}",
                a.medium.label(),
                a.status.label(),
                b.status.label()
            ));
        }
    }
    if parts.is_empty() {
        "未改动内容".into()
    } else {
        parts.join(";")
    }
}
