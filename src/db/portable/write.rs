//! What every write transaction shares, whichever aggregate it writes: the
//! transaction type, JSON columns, the change log (DESIGN.md §1) and rows
//! of the publication record. A leaf: the aggregate files use it and never
//! each other for it. Compiled once per backend.

use super::dialect;
use crate::db::{Actor, Event, StoreResult};

pub(super) type Tx<'c> = sqlx::Transaction<'c, super::Db>;

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serializes")
}

pub(super) async fn log_change(
    tx: &mut Tx<'_>,
    now: i64,
    kind: &str,
    site_id: Option<&str>,
    article_id: Option<i64>,
    keys: &[String],
) -> StoreResult<()> {
    let seq = append_change(tx, now, kind, site_id, article_id, keys).await?;
    dialect::after_change(tx, seq).await
}

/// `log_change`, answering the change's seq (a live entry records it).
pub(super) async fn log_change_seq(
    tx: &mut Tx<'_>,
    now: i64,
    kind: &str,
    site_id: Option<&str>,
    article_id: Option<i64>,
    keys: &[String],
) -> StoreResult<i64> {
    let seq = append_change(tx, now, kind, site_id, article_id, keys).await?;
    dialect::after_change(tx, seq).await?;
    Ok(seq)
}

/// Append to the change log without waking anyone (the caller does, once).
pub(super) async fn append_change(
    tx: &mut Tx<'_>,
    now: i64,
    kind: &str,
    site_id: Option<&str>,
    article_id: Option<i64>,
    keys: &[String],
) -> StoreResult<i64> {
    // Followers read `seq > cursor`, so seqs must become visible in order:
    // every transaction that logs a change is opened by
    // `dialect::begin_write`, which serializes writers where the backend
    // does not (PostgreSQL).
    Ok(sqlx::query_scalar(
        "INSERT INTO changes (at, kind, site_id, article_id, keys) VALUES ($1, $2, $3, $4, $5) RETURNING seq",
    )
    .bind(now)
    .bind(kind)
    .bind(site_id)
    .bind(article_id)
    .bind(to_json(&keys))
    .fetch_one(&mut **tx)
    .await?)
}

pub(super) async fn insert_event(
    tx: &mut Tx<'_>,
    actor: &Actor,
    event: &Event,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit (article_id, at, actor_id, actor, action, title, subject, detail, address) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.article_id)
    .bind(now)
    .bind(actor.id)
    .bind(&actor.name)
    .bind(event.action)
    .bind(&event.title)
    .bind(&event.subject)
    .bind(&event.detail)
    .bind(&actor.address)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Queue `text` for every active group-chat robot of the desk (site,
/// channel): one delivery row and its job each, in the caller's
/// transaction, so a planning act never waits on a robot and no event is
/// sent twice or lost. A robot of a channel hears its sub-channels too; one
/// of the whole site (`''`) hears everything.
pub(super) async fn queue_notices(
    tx: &mut Tx<'_>,
    site_id: &str,
    channel_path: &str,
    text: &str,
    now: i64,
) -> StoreResult<()> {
    let hooks: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, channel_path FROM webhooks WHERE site_id = $1 AND active = 1")
            .bind(site_id)
            .fetch_all(&mut **tx)
            .await?;
    for (hook, path) in hooks {
        let hears = path.is_empty()
            || channel_path == path
            || channel_path.starts_with(&format!("{path}/"));
        if !hears {
            continue;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (hook_id, text, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(hook)
        .bind(text)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3)")
            .bind(crate::domain::job::JobKind::Webhook.as_str())
            .bind(id.to_string())
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A planning act's record row and its change: `board:SITE` (every open
/// 指挥调度 board of the site renders again) and `keys` besides.
pub(super) async fn planning_written(
    tx: &mut Tx<'_>,
    actor: &Actor,
    event: &Event,
    site_id: &str,
    keys: &[String],
    now: i64,
) -> StoreResult<()> {
    insert_event(tx, actor, event, now).await?;
    let mut all = keys.to_vec();
    all.push(format!("board:{site_id}"));
    log_change(tx, now, "plan", Some(site_id), None, &all).await
}
