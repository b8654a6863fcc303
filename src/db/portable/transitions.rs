//! Applying a workflow decision (`Stories::apply_transition`), compiled once
//! per backend: the story's state and live content, its sign-off and
//! address, its corrections, listings and slots (through `write_article`),
//! the record row, a scheduled publication's job and the change log, in one
//! transaction. The decision itself is `domain::workflow::decide`'s.

use sqlx::Row;

use super::article_write::{Bulk, load_article, site_channels, write_article};
use super::dialect;
use super::write::to_json;
use crate::db::{StoreError, StoreResult, Transition};
use crate::domain::Status;
use crate::domain::article::Correction;
use crate::domain::draft::Draft;
use crate::domain::planning::assignment::{Action, State, Who, action_name, decide};
use crate::domain::workflow::{Public, Work};

/// The public status a never-published story shows for its working state.
fn unpublished_status(work: Work) -> Status {
    match work {
        Work::Review { .. } => Status::InReview,
        Work::Scheduled { .. } => Status::Scheduled,
        Work::Draft | Work::Idle => Status::Draft,
    }
}

/// Apply `t` in one write transaction; `Conflict` when the story moved on
/// since the decision was taken.
pub(super) async fn apply(pool: &sqlx::Pool<super::Db>, t: &Transition<'_>) -> StoreResult<()> {
    let mut tx = dialect::begin_write(pool).await?;
    let mut a = load_article(&mut tx, t.article_id, true).await?;
    if a.version != t.expected_version {
        return Err(StoreError::Conflict(
            "稿件刚被他人处理过,请刷新页面后重试".into(),
        ));
    }
    let row = sqlx::query("SELECT work_revision, cycle_started FROM articles WHERE id = $1")
        .bind(t.article_id)
        .fetch_one(&mut *tx)
        .await?;
    let mut work_revision: Option<i64> = row.try_get("work_revision")?;
    let mut cycle: i64 = row.try_get("cycle_started")?;
    let channels = site_channels(&mut tx, Some(&a.site_id)).await?;
    let o = t.outcome;
    let draft: Option<Draft> = match work_revision {
        Some(rev) => {
            let content: Option<String> =
                sqlx::query_scalar("SELECT content FROM revisions WHERE id = $1")
                    .bind(rev)
                    .fetch_optional(&mut *tx)
                    .await?;
            content
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("revision: {e}")))?
        }
        None => None,
    };
    // the 初审 approver is the 责任编辑 unless an editor named one: the
    // revision under review says so from now on (shown in review, and on
    // the page once signed)
    let mut draft = draft;
    if let (true, Some(rev), Some(d)) = (o.names_editor, work_revision, draft.as_mut())
        && d.editor.trim().is_empty()
    {
        d.editor = t.actor.1.clone();
        sqlx::query("UPDATE revisions SET content = $1 WHERE id = $2")
            .bind(to_json(&*d))
            .bind(rev)
            .execute(&mut *tx)
            .await?;
    }
    let was_public = t.from.public != Public::Never;
    // the first sign-off is the story's 签发日期 and its place in lists; a
    // later revision's sign-off is recorded as 更新 when it goes live
    if o.signed && (!was_public || a.signed_at.is_none()) {
        a.signed_at = Some(t.now);
        a.signed_by = Some(t.actor.1.clone());
    }
    // the act a 举报 was closed with, now on the site (issue 24 §3)
    let mut settles: Option<&str> = None;
    if o.goes_live {
        if let Some(d) = &draft {
            d.apply_to(&mut a);
            if was_public {
                // a later revision's text goes live: 更新 (a 恢复 brings
                // back the text as it was, and is no update)
                a.revised_at = Some(t.now);
            }
            if was_public && !d.correction.trim().is_empty() {
                a.corrections.push(Correction {
                    at: t.now,
                    text: d.correction.trim().to_string(),
                });
                settles = Some("corrected");
            }
        }
        a.status = Status::Published;
        a.published_at.get_or_insert(t.now);
        if a.signed_at.is_none() {
            a.signed_at = Some(t.now);
        }
        if a.url_path.is_none() {
            let path = channels
                .iter()
                .find(|c| c.1 == a.channel_id)
                .map(|c| c.2.clone())
                .unwrap_or_default();
            // the kind's URL rule: a dated path, or a site page's name
            a.url_path =
                Some(
                    a.kind
                        .first_url(&path, a.signed_at.unwrap_or(t.now), a.id, &a.parts),
                );
        }
        work_revision = None;
    }
    match o.flow.public {
        Public::Withdrawn => a.status = Status::Withdrawn,
        Public::Live => a.status = Status::Published,
        Public::Never => a.status = unpublished_status(o.flow.work),
    }
    if t.from.public == Public::Live && o.flow.public == Public::Withdrawn {
        settles = Some("withdrawn");
    }
    write_article(&mut tx, &a, t.now, &channels, Bulk::No).await?;
    // the assignment this story fulfils follows it (交稿, 重新写稿, 完成)
    let step = if o.goes_live {
        Some(Action::Complete)
    } else if matches!(o.flow.work, Work::Review { .. })
        && matches!(t.from.work, Work::Draft | Work::Idle)
    {
        Some(Action::File)
    } else if matches!(o.flow.work, Work::Draft)
        && matches!(t.from.work, Work::Review { .. } | Work::Scheduled { .. })
    {
        Some(Action::Reopen)
    } else {
        None
    };
    if let Some(step) = step {
        follow_assignment(&mut tx, a.id, step, &t.actor, t.now).await?;
    }
    if let Some(outcome) = settles {
        settle_reports(&mut tx, a.id, outcome, t.now).await?;
    }
    let site_prefix: String = sqlx::query_scalar("SELECT prefix FROM sites WHERE id = $1")
        .bind(&a.site_id)
        .fetch_one(&mut *tx)
        .await?;
    let url = a
        .url_path
        .as_ref()
        .map(|p| format!("{site_prefix}{p}"))
        .unwrap_or_default();
    let audit_id: i64 = sqlx::query_scalar(
        "INSERT INTO audit (article_id, at, actor_id, actor, action, from_state, to_state, level, opinion, revision_id, title, url, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(a.id)
    .bind(t.now)
    .bind(t.actor.0)
    .bind(&t.actor.1)
    .bind(t.action)
    .bind(t.from.name())
    .bind(o.flow.name())
    .bind(o.level.map(i64::from))
    .bind(&o.opinion)
    .bind(row.try_get::<Option<i64>, _>("work_revision")?)
    .bind(&a.title)
    .bind(&url)
    .bind(t.detail)
    .fetch_one(&mut *tx)
    .await?;
    if o.cycle_ends {
        cycle = audit_id;
    }
    if let Work::Scheduled { at } = o.flow.work {
        sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($3, $1, $2)")
            .bind(a.id.to_string())
            .bind(at)
            .bind(crate::domain::job::JobKind::Publish.as_str())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "UPDATE articles SET work = $1, work_revision = $2, cycle_started = $3 WHERE id = $4",
    )
    .bind(to_json(&o.flow.work))
    .bind(work_revision)
    .bind(cycle)
    .bind(a.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Move the open assignment story `id` fulfils by `step`, as its workflow
/// did (`assignment::decide` with `Who::Story`; a step the assignment's
/// state does not allow, e.g. one cancelled meanwhile, leaves it be), with
/// its record row.
async fn follow_assignment(
    tx: &mut super::write::Tx<'_>,
    id: i64,
    step: Action,
    actor: &(Option<i64>, String),
    now: i64,
) -> StoreResult<()> {
    let row = sqlx::query(
        "SELECT a.id, a.state, a.plan_id, p.slug FROM assignments a JOIN plans p ON p.id = a.plan_id \
         WHERE a.article_id = $1 AND a.state NOT IN ('done', 'cancelled') ORDER BY a.id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let from: String = row.try_get("state")?;
    let Some(from) = State::parse(&from) else {
        return Err(StoreError::Corrupt(format!("assignments.state {from:?}")));
    };
    let Ok(to) = decide(from, step, Who::Story, "") else {
        return Ok(());
    };
    let assignment: i64 = row.try_get("id")?;
    sqlx::query(
        "UPDATE assignments SET state = $2, updated_at = $3, version = version + 1 WHERE id = $1",
    )
    .bind(assignment)
    .bind(to.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let plan_id: i64 = row.try_get("plan_id")?;
    super::write::insert_event(
        tx,
        &crate::db::Actor {
            id: actor.0,
            name: actor.1.clone(),
            address: String::new(),
        },
        &crate::db::Event {
            action: action_name(step),
            subject: format!("plan:{plan_id}"),
            article_id: Some(id),
            title: row.try_get("slug")?,
            detail: format!("{} → {}(随稿件流程)", from.label(), to.label()),
        },
        now,
    )
    .await
}

/// Close the 举报 of story `id` that wait (处理中) for an act of `outcome`
/// (`corrected`, `withdrawn`) now live, each with a record row.
async fn settle_reports(
    tx: &mut super::write::Tx<'_>,
    id: i64,
    outcome: &str,
    now: i64,
) -> StoreResult<()> {
    let receipts: Vec<String> = sqlx::query_scalar(
        "UPDATE reports SET state = 'done', handled_at = $3, updated_at = $3 \
         WHERE article_id = $1 AND state = 'awaiting' AND outcome = $2 RETURNING receipt",
    )
    .bind(id)
    .bind(outcome)
    .bind(now)
    .fetch_all(&mut **tx)
    .await?;
    let system = crate::db::Actor {
        id: None,
        name: "系统".into(),
        address: String::new(),
    };
    for receipt in receipts {
        let what = if outcome == "corrected" {
            "更正已签发"
        } else {
            "稿件已撤稿"
        };
        super::write::insert_event(
            tx,
            &system,
            &crate::db::Event {
                action: "report_resolve",
                subject: format!("report:{receipt}"),
                article_id: None,
                title: receipt.clone(),
                detail: format!("{what},举报自动办结"),
            },
            now,
        )
        .await?;
    }
    Ok(())
}
