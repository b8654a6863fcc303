//! A story in the newsroom (`db::Stories`), compiled once per backend: a
//! new story, a saved revision (optimistically locked by version), its
//! working side, its revisions, the workflow's decisions (`transitions.rs`)
//! and each person's autosaved working copy (never a revision).

use async_trait::async_trait;
use sqlx::Row;

use super::article_write::{Bulk, load_article, site_channels, write_article};
use super::rows::work_from;
use super::story_create::{insert_story, next_revision};
use super::write::to_json;
use super::{DbRow, StoreImpl, dialect};
use crate::db::{Revision, StoreError, StoreResult, Stories, Transition, WorkState};
use crate::domain::Status;
use crate::domain::draft::Draft;
use crate::domain::user::User;

fn revision_from_row(row: &DbRow) -> StoreResult<Revision> {
    let content: String = row.try_get("content")?;
    Ok(Revision {
        id: row.try_get("id")?,
        article_id: row.try_get("article_id")?,
        number: row.try_get("number")?,
        draft: serde_json::from_str(&content)
            .map_err(|e| StoreError::Corrupt(format!("revision: {e}")))?,
        author_id: row.try_get("author_id")?,
        author: row.try_get("author")?,
        created_at: row.try_get("created_at")?,
    })
}

const REVISION_COLUMNS: &str = "id, article_id, number, content, author_id, author, created_at";

#[async_trait]
impl Stories for StoreImpl {
    async fn create_story(
        &self,
        site_id: &str,
        draft: &Draft,
        author: &User,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let id = insert_story(&mut tx, site_id, draft, author, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn save_draft(
        &self,
        id: i64,
        expected_version: i64,
        draft: &Draft,
        author: &User,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let mut a = load_article(&mut tx, id, true).await?;
        if a.version != expected_version {
            return Err(StoreError::Conflict(format!(
                "稿件已被他人修改(您编辑的是第 {expected_version} 版,现在是第 {} 版)",
                a.version
            )));
        }
        let (rev, _) = next_revision(&mut tx, id, draft, author, now).await?;
        if matches!(
            a.status,
            Status::Draft | Status::InReview | Status::Scheduled
        ) {
            // never published: the row follows the draft
            let channels = site_channels(&mut tx, Some(&a.site_id)).await?;
            draft.apply_to(&mut a);
            write_article(&mut tx, &a, now, &channels, Bulk::No).await?;
        } else {
            sqlx::query("UPDATE articles SET version = version + 1, updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE articles SET work_revision = $1 WHERE id = $2")
            .bind(rev)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let version: i64 = sqlx::query_scalar("SELECT version FROM articles WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    async fn work_state(&self, id: i64) -> StoreResult<Option<WorkState>> {
        let mut tx = dialect::begin_read(&self.pool).await?;
        let article = match load_article(&mut tx, id, false).await {
            Ok(a) => a,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let row = sqlx::query(
            "SELECT work, author_id, work_revision, cycle_started FROM articles WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let cycle: i64 = row.try_get("cycle_started")?;
        let acts: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT level, actor_id FROM audit WHERE article_id = $1 AND id > $2 AND level IS NOT NULL \
             AND action IN ('approve', 'reject')",
        )
        .bind(id)
        .bind(cycle)
        .fetch_all(&mut *tx)
        .await?;
        let editors: Vec<Option<i64>> = sqlx::query_scalar(
            "SELECT DISTINCT author_id FROM revisions WHERE article_id = $1 AND id > COALESCE(\
             (SELECT MAX(revision_id) FROM audit WHERE article_id = $1 AND to_state = 'live/idle' \
              AND revision_id IS NOT NULL), 0)",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(WorkState {
            editors: editors.into_iter().flatten().collect(),
            article,
            work: work_from(&row.try_get::<String, _>("work")?)?,
            author_id: row.try_get("author_id")?,
            work_revision: row.try_get("work_revision")?,
            acts: acts
                .into_iter()
                .filter_map(|(l, a)| Some((u8::try_from(l).ok()?, a?)))
                .collect(),
        }))
    }

    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<Revision>> {
        let rows = sqlx::query(&format!(
            "SELECT {REVISION_COLUMNS} FROM revisions WHERE article_id = $1 ORDER BY number"
        ))
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(revision_from_row).collect()
    }

    async fn revision(&self, article_id: i64, number: i64) -> StoreResult<Option<Revision>> {
        let row = sqlx::query(&format!(
            "SELECT {REVISION_COLUMNS} FROM revisions WHERE article_id = $1 AND number = $2"
        ))
        .bind(article_id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(revision_from_row).transpose()
    }

    async fn working_revision(&self, article_id: i64) -> StoreResult<Option<Revision>> {
        let row = sqlx::query(&format!(
            "SELECT {REVISION_COLUMNS} FROM revisions WHERE article_id = $1 AND id = \
             COALESCE((SELECT work_revision FROM articles WHERE id = $1), \
                      (SELECT MAX(id) FROM revisions WHERE article_id = $1))"
        ))
        .bind(article_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(revision_from_row).transpose()
    }

    async fn apply_transition(&self, t: &Transition<'_>) -> StoreResult<()> {
        super::transitions::apply(&self.pool, t).await
    }

    async fn put_autosave(
        &self,
        article_id: i64,
        user_id: i64,
        draft: &Draft,
        base_version: i64,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO autosaves (article_id, user_id, content, base_version, saved_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (article_id, user_id) DO UPDATE SET \
             content = excluded.content, base_version = excluded.base_version, saved_at = excluded.saved_at",
        )
        .bind(article_id)
        .bind(user_id)
        .bind(to_json(draft))
        .bind(base_version)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn autosave(
        &self,
        article_id: i64,
        user_id: i64,
    ) -> StoreResult<Option<(Draft, i64, i64)>> {
        let row: Option<(String, i64, i64)> = sqlx::query_as(
            "SELECT content, base_version, saved_at FROM autosaves WHERE article_id = $1 AND user_id = $2",
        )
        .bind(article_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(content, base, at)| {
            serde_json::from_str(&content)
                .map(|d| (d, base, at))
                .map_err(|e| StoreError::Corrupt(format!("autosave: {e}")))
        })
        .transpose()
    }

    async fn drop_autosave(&self, article_id: i64, user_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM autosaves WHERE article_id = $1 AND user_id = $2")
            .bind(article_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
