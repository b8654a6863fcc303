//! 派题 (`db::Assignments`), compiled once per backend: a coverage given to
//! a person or a desk, the steps the domain decided, and the story an
//! assignment starts (created in the same transaction). Every write logs
//! `plan:ID` and `board:SITE`, records who did it, and tells the desk's
//! group-chat robots.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::keyset::and_in;
use super::rows::work_from;
use super::story_create::insert_story;
use super::write::{Tx, planning_written, queue_notices};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{
    Actor, Assignee, Assignment, AssignmentFilter, Assignments, Event, StoreError, StoreResult,
    StoryState,
};
use crate::domain::Status;
use crate::domain::draft::Draft;
use crate::domain::planning::assignment::{Action, State, action_name};
use crate::domain::planning::plan::{CoverageStatus, Medium, PlanState, check_reason};
use crate::domain::user::User;

const SELECT: &str = "SELECT a.id, a.coverage_id, a.plan_id, a.site_id, p.channel_path, p.slug, p.day, \
     c.medium, a.assignee_id, u.display_name AS assignee_name, a.desk_site, a.desk_channel, \
     a.assigned_by, a.deadline, a.state, a.reason, a.article_id, s.title AS story_title, \
     s.status AS story_status, s.work AS story_work, s.url_path AS story_url, \
     a.created_at, a.updated_at, a.version \
     FROM assignments a JOIN plans p ON p.id = a.plan_id JOIN coverages c ON c.id = a.coverage_id \
     LEFT JOIN users u ON u.id = a.assignee_id LEFT JOIN articles s ON s.id = a.article_id";

fn from_row(r: &DbRow) -> StoreResult<Assignment> {
    let medium: String = r.try_get("medium")?;
    let state: String = r.try_get("state")?;
    let desk_site: Option<String> = r.try_get("desk_site")?;
    let desk_channel: Option<String> = r.try_get("desk_channel")?;
    let desk = desk_site.map(|s| (s, desk_channel.unwrap_or_default()));
    let assignee = match (&desk, r.try_get::<Option<String>, _>("assignee_name")?) {
        (Some((s, c)), _) => format!("{s}/{c}"),
        (None, Some(name)) => name,
        (None, None) => "(已删除的账号)".into(),
    };
    let story = match r.try_get::<Option<i64>, _>("article_id")? {
        Some(id) => {
            let status: Option<String> = r.try_get("story_status")?;
            match status {
                Some(status) => Some(StoryState {
                    id,
                    title: r.try_get("story_title")?,
                    status: Status::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
                    work: work_from(&r.try_get::<String, _>("story_work")?)?,
                    url_path: r.try_get("story_url")?,
                }),
                None => None,
            }
        }
        None => None,
    };
    Ok(Assignment {
        id: r.try_get("id")?,
        coverage_id: r.try_get("coverage_id")?,
        plan_id: r.try_get("plan_id")?,
        site_id: r.try_get("site_id")?,
        channel_path: r.try_get("channel_path")?,
        slug: r.try_get("slug")?,
        day: r.try_get("day")?,
        medium: Medium::parse(&medium)
            .ok_or_else(|| StoreError::Corrupt(format!("coverages.medium {medium:?}")))?,
        assignee_id: r.try_get("assignee_id")?,
        assignee,
        desk,
        assigned_by: r.try_get("assigned_by")?,
        deadline: r.try_get("deadline")?,
        state: State::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("assignments.state {state:?}")))?,
        reason: r.try_get("reason")?,
        story,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

async fn load(tx: &mut Tx<'_>, id: i64) -> StoreResult<Assignment> {
    let row = sqlx::query(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("派题 {id} 不存在")))?;
    from_row(&row)
}

/// A person's display name, or a desk's `site/channel` (checked to exist).
async fn name_of(tx: &mut Tx<'_>, to: &Assignee) -> StoreResult<String> {
    match to {
        Assignee::Person(id) => {
            let name: Option<String> =
                sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1 AND active = 1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
            name.ok_or_else(|| StoreError::Invalid("派给的人不存在或账号已停用".into()))
        }
        Assignee::Desk { site_id, channel } => {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM channels WHERE site_id = $1 AND path = $2")
                    .bind(site_id)
                    .bind(channel)
                    .fetch_optional(&mut **tx)
                    .await?;
            found
                .map(|_| format!("{site_id}/{channel}"))
                .ok_or_else(|| StoreError::Invalid("派给的栏目不存在".into()))
        }
    }
}

async fn written(
    tx: &mut Tx<'_>,
    a: &Assignment,
    actor: &Actor,
    action: &'static str,
    detail: String,
    article_id: Option<i64>,
    now: i64,
) -> StoreResult<()> {
    let event = Event {
        action,
        subject: format!("plan:{}", a.plan_id),
        article_id,
        title: a.slug.clone(),
        detail,
    };
    let plan = [format!("plan:{}", a.plan_id)];
    planning_written(tx, actor, &event, &a.site_id, &plan, now).await
}

fn set_assignee(to: &Assignee) -> (Option<i64>, Option<String>, Option<String>) {
    match to {
        Assignee::Person(id) => (Some(*id), None, None),
        Assignee::Desk { site_id, channel } => (None, Some(site_id.clone()), Some(channel.clone())),
    }
}

#[async_trait]
impl Assignments for StoreImpl {
    async fn assign(
        &self,
        coverage_id: i64,
        to: &Assignee,
        deadline: Option<i64>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let row = sqlx::query(
            "SELECT c.plan_id, c.status, c.medium, p.site_id, p.state, p.slug, p.channel_path \
             FROM coverages c JOIN plans p ON p.id = c.plan_id WHERE c.id = $1",
        )
        .bind(coverage_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("报道项目 {coverage_id} 不存在")))?;
        let plan_id: i64 = row.try_get("plan_id")?;
        let site_id: String = row.try_get("site_id")?;
        let channel: String = row.try_get("channel_path")?;
        let slug: String = row.try_get("slug")?;
        let status = CoverageStatus::parse(&row.try_get::<String, _>("status")?);
        if row.try_get::<String, _>("state")? != PlanState::Planned.as_str() {
            return Err(StoreError::Invalid("只有已立项的选题可以派题".into()));
        }
        if !status.is_some_and(CoverageStatus::assignable) {
            return Err(StoreError::Invalid(
                "这项报道不安排或已取消,不能派题;先把它改为“计划中”或“视情况”".into(),
            ));
        }
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM assignments WHERE coverage_id = $1 AND state NOT IN ('done', 'cancelled', 'handed_back')",
        )
        .bind(coverage_id)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Err(StoreError::Conflict(
                "这项报道已经派出;如需换人请用“改派”".into(),
            ));
        }
        let name = name_of(&mut tx, to).await?;
        let (person, desk_site, desk_channel) = set_assignee(to);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assignments (coverage_id, plan_id, site_id, assignee_id, desk_site, desk_channel, \
             assigned_by, assigned_by_id, deadline, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'offered', $10, $10) RETURNING id",
        )
        .bind(coverage_id)
        .bind(plan_id)
        .bind(&site_id)
        .bind(person)
        .bind(desk_site)
        .bind(desk_channel)
        .bind(&actor.name)
        .bind(actor.id)
        .bind(deadline)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let a = load(&mut tx, id).await?;
        let when = deadline
            .map(|d| {
                format!(
                    ",截稿 {}",
                    crate::domain::text::to_cst(d).format("%m-%d %H:%M")
                )
            })
            .unwrap_or_default();
        written(
            &mut tx,
            &a,
            actor,
            "plan_assign",
            format!("{}派给 {name}{when}", a.medium.label()),
            None,
            now,
        )
        .await?;
        queue_notices(
            &mut tx,
            &site_id,
            &channel,
            &format!("【派题】{slug}({}):{name}{when}", a.medium.label()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn move_assignment(
        &self,
        id: i64,
        expected_version: i64,
        action: Action,
        to: State,
        reason: &str,
        reassign_to: Option<&Assignee>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let a = load(&mut tx, id).await?;
        if a.version != expected_version {
            return Err(StoreError::Conflict(
                "派题刚被他人处理过,请刷新页面后再操作".into(),
            ));
        }
        let reason = if matches!(action, Action::HandBack | Action::Cancel) {
            check_reason(reason, action.label()).map_err(StoreError::Invalid)?
        } else {
            String::new()
        };
        let mut detail = format!("{} → {}", a.state.label(), to.label());
        if !reason.is_empty() {
            detail.push_str(&format!(",理由:{reason}"));
        }
        if action == Action::Reassign {
            let to_whom =
                reassign_to.ok_or_else(|| StoreError::Invalid("请选择改派给谁".into()))?;
            let name = name_of(&mut tx, to_whom).await?;
            let (person, desk_site, desk_channel) = set_assignee(to_whom);
            sqlx::query(
                "UPDATE assignments SET assignee_id = $2, desk_site = $3, desk_channel = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(person)
            .bind(desk_site)
            .bind(desk_channel)
            .execute(&mut *tx)
            .await?;
            detail = format!("由 {} 改派给 {name}", a.assignee);
        }
        sqlx::query(
            "UPDATE assignments SET state = $2, reason = $3, updated_at = $4, version = version + 1 WHERE id = $1",
        )
        .bind(id)
        .bind(to.as_str())
        .bind(&reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        written(
            &mut tx,
            &a,
            actor,
            action_name(action),
            detail.clone(),
            a.story.as_ref().map(|s| s.id),
            now,
        )
        .await?;
        if matches!(action, Action::HandBack | Action::Reassign | Action::Cancel) {
            queue_notices(
                &mut tx,
                &a.site_id,
                &a.channel_path,
                &format!("【{}】{}:{detail}", action.label(), a.slug),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn start_assignment(
        &self,
        id: i64,
        expected_version: i64,
        site_id: &str,
        draft: &Draft,
        author: &User,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let a = load(&mut tx, id).await?;
        if a.version != expected_version {
            return Err(StoreError::Conflict(
                "派题刚被他人处理过,请刷新页面后再操作".into(),
            ));
        }
        if a.story.is_some() {
            return Err(StoreError::Conflict("这条派题已经开始写稿".into()));
        }
        let article_id = insert_story(&mut tx, site_id, draft, author, now).await?;
        sqlx::query(
            "UPDATE assignments SET state = 'in_progress', article_id = $2, updated_at = $3, \
             version = version + 1 WHERE id = $1",
        )
        .bind(id)
        .bind(article_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let actor = Actor {
            id: Some(author.id),
            name: author.display_name.clone(),
            address: String::new(),
        };
        written(
            &mut tx,
            &a,
            &actor,
            "plan_assign_start",
            format!("{} → 进行中,稿件 {article_id}", a.state.label()),
            Some(article_id),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(article_id)
    }

    async fn assignment(&self, id: i64) -> StoreResult<Option<Assignment>> {
        let row = sqlx::query(&format!("{SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    async fn assignment_of_story(&self, article_id: i64) -> StoreResult<Option<Assignment>> {
        let row = sqlx::query(&format!(
            "{SELECT} WHERE a.article_id = $1 ORDER BY a.id DESC LIMIT 1"
        ))
        .bind(article_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    async fn assignments(&self, f: &AssignmentFilter, limit: i64) -> StoreResult<Vec<Assignment>> {
        let mut q = QueryBuilder::new(format!("{SELECT} WHERE 1 = 1"));
        if f.open_only {
            q.push(" AND a.state NOT IN ('done', 'cancelled')");
        }
        if let Some(sites) = &f.sites {
            if sites.is_empty() {
                return Ok(Vec::new());
            }
            and_in(&mut q, "a.site_id", sites.iter().cloned());
        }
        if !f.plans.is_empty() {
            and_in(&mut q, "a.plan_id", f.plans.iter().copied());
        }
        if f.assignee.is_some() || !f.desks.is_empty() {
            q.push(" AND (1 = 0");
            if let Some(u) = f.assignee {
                q.push(" OR a.assignee_id = ").push_bind(u);
            }
            for (site, channel) in &f.desks {
                q.push(" OR (a.desk_site = ").push_bind(site.clone());
                if let Some(c) = channel {
                    q.push(" AND (a.desk_channel = ")
                        .push_bind(c.clone())
                        .push(" OR a.desk_channel LIKE ")
                        .push_bind(format!("{c}/%"))
                        .push(")");
                }
                q.push(")");
            }
            q.push(")");
        }
        q.push(" ORDER BY CASE WHEN a.deadline IS NULL THEN 1 ELSE 0 END, a.deadline, a.id DESC LIMIT ")
            .push_bind(limit);
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }
}
