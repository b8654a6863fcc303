//! Live coverage (`db::Live`), compiled once per backend.

use async_trait::async_trait;
use sqlx::Row;

use super::article_write::lists_showing;
use super::write::{Tx, insert_event, log_change, log_change_seq};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{Actor, Awaiting, Event, Live, NewEntry, StoreError, StoreResult};
use crate::domain::live::{Entry, EntryAct, EntryState, LiveClock, Proposal};

const COLUMNS: &str = "id, article_id, body_html, image_id, video_id, author_id, author, \
     created_at, state, approved_by, approved_at, pinned, key_event, corrected_at, correction, seq, ai, \
     proposed_html, proposed_note, proposed_by_id, proposed_by, proposed_at";

fn entry_from_row(row: &DbRow) -> StoreResult<Entry> {
    let state: String = row.try_get("state")?;
    Ok(Entry {
        id: row.try_get("id")?,
        article_id: row.try_get("article_id")?,
        body_html: row.try_get("body_html")?,
        image_id: row.try_get("image_id")?,
        video_id: row.try_get("video_id")?,
        author_id: row.try_get("author_id")?,
        author: row.try_get("author")?,
        created_at: row.try_get("created_at")?,
        state: EntryState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("live entry state {state:?}")))?,
        approved_by: row.try_get("approved_by")?,
        approved_at: row.try_get("approved_at")?,
        pinned: row.try_get::<i64, _>("pinned")? != 0,
        key_event: row.try_get::<i64, _>("key_event")? != 0,
        corrected_at: row.try_get("corrected_at")?,
        correction: row.try_get("correction")?,
        seq: row.try_get("seq")?,
        ai: crate::domain::ai::Ai::parse(&row.try_get::<String, _>("ai")?),
        proposed: match row.try_get::<Option<String>, _>("proposed_html")? {
            Some(body_html) => Some(Proposal {
                body_html,
                note: row.try_get("proposed_note")?,
                by_id: row.try_get("proposed_by_id")?,
                by: row.try_get("proposed_by")?,
                at: row.try_get::<Option<i64>, _>("proposed_at")?.unwrap_or(0),
            }),
            None => None,
        },
    })
}

async fn load(tx: &mut Tx<'_>, id: i64) -> StoreResult<Entry> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM live_entries WHERE id = $1{}",
        dialect::FOR_UPDATE
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("直播条目 {id} 不存在")))?;
    entry_from_row(&row)
}

/// The story's site and title (for the change log and the record).
async fn story(tx: &mut Tx<'_>, article_id: i64) -> StoreResult<(String, String)> {
    sqlx::query_as::<_, (String, String)>("SELECT site_id, title FROM articles WHERE id = $1")
        .bind(article_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("稿件 {article_id} 不存在")))
}

/// A short quote of an entry for the record.
fn quote(html: &str) -> String {
    let text = crate::domain::html::html_to_text(html);
    let t: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        format!("{t}…")
    } else {
        t
    }
}

#[async_trait]
impl Live for StoreImpl {
    async fn add_entry(&self, e: &NewEntry, actor: &Actor, now: i64) -> StoreResult<Entry> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let (_, title) = story(&mut tx, e.article_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO live_entries (article_id, body_html, image_id, video_id, author_id, author, created_at, ai) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(e.article_id)
        .bind(&e.body_html)
        .bind(e.image_id)
        .bind(e.video_id)
        .bind(actor.id)
        .bind(&actor.name)
        .bind(now)
        .bind(e.ai.as_str())
        .fetch_one(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: "live_entry_add",
                subject: format!("live-entry:{id}"),
                article_id: Some(e.article_id),
                title,
                detail: quote(&e.body_html),
            },
            now,
        )
        .await?;
        let entry = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(entry)
    }

    async fn awaiting_review(&self) -> StoreResult<Vec<Awaiting>> {
        // the partial index `live_entries_waiting` holds exactly these rows
        Ok(sqlx::query_as(
            "SELECT e.id AS entry_id, e.article_id, a.site_id, a.channel_id, a.title, \
             CASE WHEN e.state = 'pending' THEN e.author_id ELSE e.proposed_by_id END AS writer_id \
             FROM live_entries e JOIN articles a ON a.id = e.article_id \
             WHERE (e.state = 'pending' OR e.proposed_html IS NOT NULL) AND e.state <> 'removed' \
             ORDER BY e.article_id, e.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn entry(&self, id: i64) -> StoreResult<Option<Entry>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM live_entries WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(entry_from_row).transpose()
    }

    async fn entries(&self, article_id: i64, public: bool) -> StoreResult<Vec<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM live_entries WHERE article_id = $1{} ORDER BY created_at, id",
            if public {
                " AND state = 'approved'"
            } else {
                ""
            }
        );
        let rows = sqlx::query(&sql)
            .bind(article_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn entries_since(&self, article_id: i64, seq: i64) -> StoreResult<Vec<Entry>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM live_entries WHERE article_id = $1 AND seq > $2 ORDER BY seq, id"
        ))
        .bind(article_id)
        .bind(seq)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn act_on_entry(
        &self,
        id: i64,
        act: &EntryAct,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Entry> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let old = load(&mut tx, id).await?;
        let (site, title) = story(&mut tx, old.article_id).await?;
        let detail = match act {
            EntryAct::Approve => {
                sqlx::query(
                    "UPDATE live_entries SET state = 'approved', approved_by = $1, approved_at = $2 \
                     WHERE id = $3 AND state = 'pending'",
                )
                .bind(&actor.name)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                quote(&old.body_html)
            }
            EntryAct::Pin(on) => {
                sqlx::query("UPDATE live_entries SET pinned = $1 WHERE id = $2")
                    .bind(i64::from(*on))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if *on { "置顶" } else { "取消置顶" }.to_string()
            }
            EntryAct::KeyEvent(on) => {
                sqlx::query("UPDATE live_entries SET key_event = $1 WHERE id = $2")
                    .bind(i64::from(*on))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if *on { "标为要点" } else { "取消要点" }.to_string()
            }
            EntryAct::Correct { body_html, note } => {
                // a proposal: readers keep the approved text meanwhile
                let done = sqlx::query(
                    "UPDATE live_entries SET proposed_html = $1, proposed_note = $2, \
                     proposed_by_id = $3, proposed_by = $4, proposed_at = $5 \
                     WHERE id = $6 AND proposed_html IS NULL",
                )
                .bind(body_html)
                .bind(note)
                .bind(actor.id)
                .bind(&actor.name)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(
                        "这条已有一条待审的更正,请先审核或撤回它".into(),
                    ));
                }
                format!(
                    "提出更正:{} → {}(更正说明:{note})",
                    quote(&old.body_html),
                    quote(body_html)
                )
            }
            EntryAct::ApproveCorrection => {
                let Some(p) = old.proposed.as_ref() else {
                    return Err(StoreError::Conflict("这条没有待审的更正".into()));
                };
                // never the proposer's own (checked again under the lock)
                if p.by_id.is_some() && p.by_id == actor.id {
                    return Err(StoreError::Invalid(
                        "不能审核自己提出的更正,请另一位编辑审核".into(),
                    ));
                }
                sqlx::query(
                    "UPDATE live_entries SET body_html = proposed_html, correction = proposed_note, \
                     corrected_at = $1, proposed_html = NULL, proposed_note = '', \
                     proposed_by_id = NULL, proposed_by = '', proposed_at = NULL WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                format!(
                    "{} → {}(更正说明:{},{} 提出)",
                    quote(&old.body_html),
                    quote(&p.body_html),
                    p.note,
                    p.by
                )
            }
            EntryAct::DropCorrection => {
                let Some(p) = old.proposed.as_ref() else {
                    return Err(StoreError::Conflict("这条没有待审的更正".into()));
                };
                sqlx::query(
                    "UPDATE live_entries SET proposed_html = NULL, proposed_note = '', \
                     proposed_by_id = NULL, proposed_by = '', proposed_at = NULL WHERE id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                format!("撤回更正:{}({} 提出)", quote(&p.body_html), p.by)
            }
            EntryAct::Remove { reason } => {
                sqlx::query("UPDATE live_entries SET state = 'removed' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                format!("{}(原因:{reason})", quote(&old.body_html))
            }
        };
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: act.action(),
                subject: format!("live-entry:{id}"),
                article_id: Some(old.article_id),
                title,
                detail,
            },
            now,
        )
        .await?;
        // readers see it when it is (or was) public, and not a proposal
        let seen = (old.state == EntryState::Approved || matches!(act, EntryAct::Approve))
            && !matches!(act, EntryAct::Correct { .. } | EntryAct::DropCorrection);
        if seen {
            let seq = log_change_seq(
                &mut tx,
                now,
                "live",
                Some(&site),
                Some(old.article_id),
                &[format!("live:{}", old.article_id)],
            )
            .await?;
            sqlx::query("UPDATE live_entries SET seq = $1 WHERE id = $2")
                .bind(seq)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let entry = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(entry)
    }

    async fn live_clock(&self, article_id: i64) -> StoreResult<LiveClock> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT started_at, ended_at FROM live_clocks WHERE article_id = $1")
                .bind(article_id)
                .fetch_optional(&self.pool)
                .await?;
        let (started_at, ended_at) = row.unwrap_or_default();
        Ok(LiveClock {
            planned_at: 0,
            started_at,
            ended_at,
        })
    }

    async fn set_live_clock(
        &self,
        article_id: i64,
        start: bool,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<LiveClock> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let (site, title) = story(&mut tx, article_id).await?;
        if start {
            // opening again (after an early close) reopens it
            sqlx::query(
                "INSERT INTO live_clocks (article_id, started_at, ended_at) VALUES ($1, $2, NULL) \
                 ON CONFLICT (article_id) DO UPDATE SET started_at = COALESCE(live_clocks.started_at, excluded.started_at), ended_at = NULL",
            )
            .bind(article_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO live_clocks (article_id, started_at, ended_at) VALUES ($1, $2, $2) \
                 ON CONFLICT (article_id) DO UPDATE SET started_at = COALESCE(live_clocks.started_at, excluded.started_at), ended_at = excluded.ended_at",
            )
            .bind(article_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        insert_event(
            &mut tx,
            actor,
            &Event {
                action: if start { "live_start" } else { "live_end" },
                subject: format!("article:{article_id}"),
                article_id: Some(article_id),
                title,
                detail: String::new(),
            },
            now,
        )
        .await?;
        // every list shows 直播中 beside it while it runs
        let mut keys = vec![format!("live:{article_id}"), format!("story:{article_id}")];
        keys.extend(lists_showing(&mut tx, article_id).await?);
        log_change(&mut tx, now, "live", Some(&site), Some(article_id), &keys).await?;
        let row: (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT started_at, ended_at FROM live_clocks WHERE article_id = $1")
                .bind(article_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(LiveClock {
            planned_at: 0,
            started_at: row.0,
            ended_at: row.1,
        })
    }
}
