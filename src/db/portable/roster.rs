//! 值班 (`db::Roster`), compiled once per backend: the roster and the sites
//! whose 值班总编 on duty signs. Every change is recorded and logs
//! `board:SITE` (the board shows who is on duty).

use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::Row;

use super::write::{Tx, planning_written};
use super::{StoreImpl, dialect};
use crate::db::{Actor, Event, Roster, StoreError, StoreResult};
use crate::domain::planning::roster::{Duty, OnDuty, Shift};

async fn written(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: &'static str,
    site_id: &str,
    detail: String,
    now: i64,
) -> StoreResult<()> {
    let event = Event {
        action,
        subject: format!("roster:{site_id}"),
        article_id: None,
        title: "值班表".into(),
        detail,
    };
    planning_written(tx, actor, &event, site_id, &[], now).await
}

async fn display_name(tx: &mut Tx<'_>, id: i64) -> StoreResult<String> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1 AND active = 1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    name.ok_or_else(|| StoreError::Invalid("值班人员不存在或账号已停用".into()))
}

#[async_trait]
impl Roster for StoreImpl {
    async fn roster(
        &self,
        site_id: Option<&str>,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<OnDuty>> {
        let rows = sqlx::query(
            "SELECT id, site_id, day, shift, duty, user_id FROM roster \
             WHERE ($1 = '' OR site_id = $1) AND day >= $2 AND day <= $3 \
             ORDER BY day, shift, duty, id",
        )
        .bind(site_id.unwrap_or(""))
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let day: String = r.try_get("day")?;
                let shift: String = r.try_get("shift")?;
                let duty: String = r.try_get("duty")?;
                Ok(OnDuty {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                        .map_err(|_| StoreError::Corrupt(format!("roster.day {day:?}")))?,
                    shift: Shift::parse(&shift)
                        .ok_or_else(|| StoreError::Corrupt(format!("roster.shift {shift:?}")))?,
                    duty: Duty::parse(&duty)
                        .ok_or_else(|| StoreError::Corrupt(format!("roster.duty {duty:?}")))?,
                    user_id: r.try_get("user_id")?,
                })
            })
            .collect()
    }

    async fn add_duty(
        &self,
        site_id: &str,
        day: &str,
        shift: Shift,
        duty: Duty,
        user_id: i64,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let name = display_name(&mut tx, user_id).await?;
        let n = sqlx::query(
            "INSERT INTO roster (site_id, day, shift, duty, user_id) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (site_id, day, shift, duty, user_id) DO NOTHING",
        )
        .bind(site_id)
        .bind(day)
        .bind(shift.as_str())
        .bind(duty.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(());
        }
        written(
            &mut tx,
            actor,
            "plan_roster_add",
            site_id,
            format!("{day} {} {}:{name}", shift.label(), duty.label()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_duty(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let row =
            sqlx::query("SELECT site_id, day, shift, duty, user_id FROM roster WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound("这条排班已不存在".into()))?;
        let site_id: String = row.try_get("site_id")?;
        let day: String = row.try_get("day")?;
        let shift = Shift::parse(&row.try_get::<String, _>("shift")?).map_or("", |s| s.label());
        let duty = Duty::parse(&row.try_get::<String, _>("duty")?).map_or("", |d| d.label());
        let user_id: i64 = row.try_get("user_id")?;
        let name: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or_default();
        sqlx::query("DELETE FROM roster WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        written(
            &mut tx,
            actor,
            "plan_roster_remove",
            &site_id,
            format!("{day} {shift} {duty}:{name}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn roster_signing(&self) -> StoreResult<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT site_id FROM roster_signs ORDER BY site_id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn set_roster_signs(
        &self,
        site_id: &str,
        signs: bool,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let n = if signs {
            sqlx::query(
                "INSERT INTO roster_signs (site_id) VALUES ($1) ON CONFLICT (site_id) DO NOTHING",
            )
            .bind(site_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        } else {
            sqlx::query("DELETE FROM roster_signs WHERE site_id = $1")
                .bind(site_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        };
        if n == 0 {
            return Ok(());
        }
        written(
            &mut tx,
            actor,
            "plan_roster_signs",
            site_id,
            if signs {
                "值班总编在值班时段代签本站稿件".into()
            } else {
                "值班表不再作为代签依据".into()
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
