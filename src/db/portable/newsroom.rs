//! The newsroom's tables: users, sessions, revisions, the workflow's working
//! side, the append-only audit record, jobs, sensitive words. Compiled once
//! per backend, like `content.rs`.

use async_trait::async_trait;
use sqlx::Row;

use super::content::{ARTICLE_COLUMNS, Bulk, article_from_row, site_channels, write_article};
use super::record::{AUDIT_SELECT, audit_from_row};
use super::write::{Tx, to_json};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{
    AuditEntry, InWork, Job, NewUser, Newsroom, Revision, StoreError, StoreResult, StoryFilter,
    StoryRow, Transition, WorkState,
};
use crate::domain::article::Correction;
use crate::domain::draft::Draft;
use crate::domain::screening::SensitiveWord;
use crate::domain::url::story_path;
use crate::domain::user::User;
use crate::domain::workflow::{Public, Work};
use crate::domain::{Article, Status};

const USER_COLUMNS: &str = "id, username, display_name, roles, scopes, active";

fn user_from_row(row: &DbRow) -> StoreResult<User> {
    let roles: String = row.try_get("roles")?;
    let scopes: String = row.try_get("scopes")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        roles: serde_json::from_str(&roles)
            .map_err(|e| StoreError::Corrupt(format!("roles: {e}")))?,
        scopes: serde_json::from_str(&scopes)
            .map_err(|e| StoreError::Corrupt(format!("scopes: {e}")))?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

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

fn work_from(s: &str) -> StoreResult<Work> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("work state: {e}")))
}

const REVISION_COLUMNS: &str = "id, article_id, number, content, author_id, author, created_at";

/// Read a story in a transaction; `lock` (a writer's read) locks its row
/// until the transaction ends where the backend can (PostgreSQL): a
/// concurrent writer waits, then sees the new version and gets `Conflict`.
async fn load_article(tx: &mut Tx<'_>, id: i64, lock: bool) -> StoreResult<Article> {
    let sql = format!(
        "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1{}",
        if lock { dialect::FOR_UPDATE } else { "" }
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("稿件 {id} 不存在")))?;
    let extra: Vec<i64> =
        sqlx::query_scalar("SELECT channel_id FROM article_channels WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    article_from_row(&row, extra)
}

async fn next_revision(
    tx: &mut Tx<'_>,
    id: i64,
    draft: &Draft,
    author: &User,
    now: i64,
) -> StoreResult<(i64, i64)> {
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE article_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let rev: i64 = sqlx::query_scalar(
        "INSERT INTO revisions (article_id, number, content, author_id, author, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(number)
    .bind(to_json(draft))
    .bind(author.id)
    .bind(&author.display_name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    super::pictures::record_uses(tx, id, &draft.parts, &draft.body_html, false).await?;
    Ok((rev, number))
}

/// The public status a never-published story shows for its working state.
fn unpublished_status(work: Work) -> Status {
    match work {
        Work::Review { .. } => Status::InReview,
        Work::Scheduled { .. } => Status::Scheduled,
        Work::Draft | Work::Idle => Status::Draft,
    }
}

#[async_trait]
impl Newsroom for StoreImpl {
    async fn create_user(&self, u: &NewUser, now: i64) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, roles, scopes, active, created_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
        )
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.password_hash)
        .bind(to_json(&u.roles))
        .bind(to_json(&u.scopes))
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict(format!("用户名“{}”已被使用", u.username))
            }
            e => StoreError::Db(e),
        })
    }

    async fn user(&self, id: i64) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_with_hash(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some((user_from_row(&r)?, r.try_get("password_hash")?))),
            None => Ok(None),
        }
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn update_user(&self, u: &User) -> StoreResult<()> {
        let n = sqlx::query("UPDATE users SET display_name = $1, roles = $2, scopes = $3, active = $4 WHERE id = $5")
            .bind(&u.display_name)
            .bind(to_json(&u.roles))
            .bind(to_json(&u.scopes))
            .bind(i64::from(u.active))
            .bind(u.id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("用户 {} 不存在", u.id)));
        }
        if !u.active {
            self.delete_sessions_of(u.id).await?;
        }
        Ok(())
    }

    async fn set_password(&self, user_id: i64, hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
        expires: i64,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(now)
            .bind(expires)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn login_failures(&self, keys: &[String], since: i64) -> StoreResult<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for key in keys {
            let times: Vec<i64> = sqlx::query_scalar(
                "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at",
            )
            .bind(key)
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
            out.extend(times.into_iter().map(|t| (key.clone(), t)));
        }
        Ok(out)
    }

    async fn record_login_failure(
        &self,
        keys: &[String],
        at: i64,
        forget_before: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(forget_before)
            .execute(&mut *tx)
            .await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn clear_login_failures_prefix(&self, prefix: &str) -> StoreResult<()> {
        // substr, not LIKE: the prefix holds a user name, which may hold % or _
        sqlx::query("DELETE FROM login_failures WHERE substr(key, 1, CAST($2 AS INTEGER)) = $1")
            .bind(prefix)
            .bind(prefix.chars().count() as i64)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<(User, String)>> {
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let row = sqlx::query(&format!(
            "SELECT {cols}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some((user_from_row(&r)?, r.try_get("csrf")?))),
            None => Ok(None),
        }
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, user_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_story(
        &self,
        site_id: &str,
        draft: &Draft,
        author: &User,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        let channels = site_channels(&mut tx, Some(site_id)).await?;
        let mut a = Article {
            id: 0,
            site_id: site_id.to_string(),
            channel_id: 0,
            extra_channel_ids: vec![],
            title: String::new(),
            short_title: None,
            subtitle: None,
            byline: vec![],
            source: String::new(),
            reprint: None,
            editor: String::new(),
            body_html: String::new(),
            summary: String::new(),
            tags: vec![],
            status: Status::Draft,
            signed_at: None,
            signed_by: None,
            published_at: None,
            url_path: None,
            created_at: now,
            updated_at: now,
            version: 1,
            corrections: vec![],
            revised_at: None,
            kind: Default::default(),
            ai: Default::default(),
            parts: Default::default(),
        };
        draft.apply_to(&mut a);
        let id = write_article(&mut tx, &a, now, &channels, Bulk::No)
            .await?
            .id;
        let (rev, _) = next_revision(&mut tx, id, draft, author, now).await?;
        sqlx::query(
            "UPDATE articles SET author_id = $1, work = $2, work_revision = $3 WHERE id = $4",
        )
        .bind(author.id)
        .bind(to_json(&Work::Draft))
        .bind(rev)
        .bind(id)
        .execute(&mut *tx)
        .await?;
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
        let mut tx = dialect::begin_write(&self.pool).await?;
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
        let was_public = t.from.public != Public::Never;
        // the first sign-off is the story's 签发日期 and its place in lists; a
        // later revision's sign-off is recorded as 更新 when it goes live
        if o.signed && (!was_public || a.signed_at.is_none()) {
            a.signed_at = Some(t.now);
            a.signed_by = Some(t.actor.1.clone());
        }
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
                a.url_path = Some(match (&a.kind, &a.parts.page) {
                    (crate::domain::kind::Kind::Page, Some(p)) => {
                        crate::domain::page::page_path(&p.slug)
                    }
                    _ => story_path(&path, a.signed_at.unwrap_or(t.now), a.id),
                });
            }
            work_revision = None;
        }
        match o.flow.public {
            Public::Withdrawn => a.status = Status::Withdrawn,
            Public::Live => a.status = Status::Published,
            Public::Never => a.status = unpublished_status(o.flow.work),
        }
        write_article(&mut tx, &a, t.now, &channels, Bulk::No).await?;
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
            sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ('publish', $1, $2)")
                .bind(a.id.to_string())
                .bind(at)
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

    async fn in_work(&self, author_id: i64) -> StoreResult<(Vec<InWork>, i64)> {
        // the condition is the partial index's own (articles_in_work)
        let rows = sqlx::query(
            "SELECT id, site_id, channel_id, author_id, work FROM articles \
             WHERE work <> '{\"state\":\"idle\"}'",
        )
        .fetch_all(&self.pool)
        .await?;
        let pending = rows
            .iter()
            .map(|r| {
                Ok(InWork {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    channel_id: r.try_get("channel_id")?,
                    author_id: r.try_get("author_id")?,
                    work: work_from(&r.try_get::<String, _>("work")?)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let returned: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles a WHERE a.work <> '{\"state\":\"idle\"}' \
             AND a.work = '{\"state\":\"draft\"}' \
             AND a.author_id = $1 AND (SELECT au.action FROM audit au \
             WHERE au.article_id = a.id AND au.subject = '' ORDER BY au.id DESC LIMIT 1) = 'reject'",
        )
        .bind(author_id)
        .fetch_one(&self.pool)
        .await?;
        Ok((pending, returned))
    }

    async fn stories(&self, f: &StoryFilter) -> StoreResult<Vec<StoryRow>> {
        // newest change first, paged by (updated_at, id): each page is one
        // index range whatever the page's depth (articles_updated and the
        // per-author, per-channel and per-signer indexes)
        if f.channel_ids.as_ref().is_some_and(|ids| ids.is_empty()) {
            return Ok(Vec::new());
        }
        const COLUMNS: &str = "id, site_id, channel_id, title, status, work, author_id, updated_at, \
             signed_at, url_path, version";
        let limit = f.limit.clamp(1, 500);
        let mut b: sqlx::QueryBuilder<'_, super::Db> = sqlx::QueryBuilder::new("");
        match f.before {
            None => {
                b.push(format!("SELECT {COLUMNS} FROM articles WHERE 1 = 1"));
                push_story_filters(&mut b, f, true);
            }
            Some((at, id)) => {
                // the rest of the cursor's second, then the older ones: two
                // index seeks. An import gives a million stories the same
                // updated_at; one range with `id < ?` on top would walk them.
                // The date range is folded into the bounds (a redundant range
                // beside the equality makes SQLite pick a worse plan).
                let in_range = f.from.is_none_or(|t| at >= t) && f.to.is_none_or(|t| at < t);
                b.push(format!("SELECT {COLUMNS} FROM ("));
                if in_range {
                    b.push(format!(
                        "SELECT * FROM (SELECT {COLUMNS} FROM articles WHERE updated_at = "
                    ))
                    .push_bind(at)
                    .push(" AND id < ")
                    .push_bind(id);
                    push_story_filters(&mut b, f, false);
                    b.push(" ORDER BY id DESC LIMIT ")
                        .push_bind(limit)
                        .push(") AS same_second UNION ALL ");
                }
                b.push(format!(
                    "SELECT * FROM (SELECT {COLUMNS} FROM articles WHERE updated_at < "
                ))
                .push_bind(f.to.map_or(at, |t| t.min(at)));
                if let Some(t) = f.from {
                    b.push(" AND updated_at >= ").push_bind(t);
                }
                push_story_filters(&mut b, f, false);
                b.push(" ORDER BY updated_at DESC, id DESC LIMIT ")
                    .push_bind(limit)
                    .push(") AS older) AS page WHERE 1 = 1");
            }
        }
        b.push(" ORDER BY updated_at DESC, id DESC LIMIT ")
            .push_bind(limit);
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(StoryRow {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    channel_id: r.try_get("channel_id")?,
                    title: r.try_get("title")?,
                    status: Status::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
                    work: work_from(&r.try_get::<String, _>("work")?)?,
                    author_id: r.try_get("author_id")?,
                    updated_at: r.try_get("updated_at")?,
                    signed_at: r.try_get("signed_at")?,
                    url_path: r.try_get("url_path")?,
                    version: r.try_get("version")?,
                })
            })
            .collect()
    }

    async fn audit_of(&self, article_id: i64) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "{AUDIT_SELECT} WHERE au.article_id = $1 ORDER BY au.id"
        ))
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_all(&self, since: Option<i64>, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "{AUDIT_SELECT} WHERE au.at >= $1 ORDER BY au.id LIMIT $2"
        ))
        .bind(since.unwrap_or(i64::MIN))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn enqueue_job(&self, kind: &str, key: &str, run_at: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO jobs (kind, key, run_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(kind)
        .bind(key)
        .bind(run_at)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn claim_jobs(
        &self,
        node: &str,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        // One statement. SQLite has one writer at a time; PostgreSQL locks
        // the chosen rows and skips rows another node is claiming, so no job
        // is handed to two runners.
        let sql = format!(
            "UPDATE jobs SET claimed_until = $1, claimed_by = $4, attempts = attempts + 1 WHERE id IN ( \
                SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 \
                AND (claimed_until IS NULL OR claimed_until < $2) AND kind NOT IN ({}) \
                ORDER BY run_at, id LIMIT $3{}) \
             RETURNING id, kind, key, run_at, attempts",
            crate::db::LONG_JOBS
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", "),
            dialect::SKIP_LOCKED
        );
        let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(limit)
            .bind(node)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, kind, key, run_at, attempts)| Job {
                id,
                kind,
                key,
                run_at,
                attempts,
            })
            .collect())
    }

    async fn claim_job_of(
        &self,
        kind: &str,
        node: &str,
        now: i64,
        lease: i64,
    ) -> StoreResult<Option<Job>> {
        let sql = format!(
            "UPDATE jobs SET claimed_until = $1, claimed_by = $4, attempts = attempts + 1 WHERE id IN ( \
                SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $2 AND kind = $3 \
                AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY run_at, id LIMIT 1{}) \
             RETURNING id, kind, key, run_at, attempts",
            dialect::SKIP_LOCKED
        );
        let row: Option<(i64, String, String, i64, i64)> = sqlx::query_as(&sql)
            .bind(now + lease)
            .bind(now)
            .bind(kind)
            .bind(node)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(id, kind, key, run_at, attempts)| Job {
            id,
            kind,
            key,
            run_at,
            attempts,
        }))
    }

    async fn extend_claim(&self, id: i64, node: &str, until: i64) -> StoreResult<bool> {
        Ok(sqlx::query(
            "UPDATE jobs SET claimed_until = $1 WHERE id = $2 AND claimed_by = $3 AND done_at IS NULL",
        )
        .bind(until)
        .bind(id)
        .bind(node)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1)
    }

    async fn release_jobs(&self, node: &str) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE jobs SET claimed_until = NULL, claimed_by = NULL \
             WHERE claimed_by = $1 AND done_at IS NULL",
        )
        .bind(node)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    async fn finish_job(&self, id: i64, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET done_at = $1, claimed_until = NULL, claimed_by = NULL WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn fail_job(&self, id: i64, error: &str, retry_at: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET last_error = $1, run_at = $2, claimed_until = NULL, claimed_by = NULL WHERE id = $3",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sensitive_words(&self) -> StoreResult<Vec<SensitiveWord>> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, word, category, severity FROM sensitive_words ORDER BY severity, word",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, word, category, severity)| SensitiveWord {
                id,
                word,
                category,
                severity,
            })
            .collect())
    }

    async fn add_sensitive_word(
        &self,
        word: &str,
        category: &str,
        severity: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sensitive_words (word, category, severity, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (word) DO UPDATE SET category = excluded.category, severity = excluded.severity",
        )
        .bind(word)
        .bind(category)
        .bind(severity)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_sensitive_word(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sensitive_words WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The story list's filters, after a `WHERE` (pushed once per branch of a
/// page's query); `dates`: the date range too (else the caller bounds it).
fn push_story_filters(b: &mut sqlx::QueryBuilder<'_, super::Db>, f: &StoryFilter, dates: bool) {
    if let Some(a) = f.author_id {
        b.push(" AND author_id = ").push_bind(a);
    }
    if let Some(c) = f.channel_id {
        b.push(" AND channel_id = ").push_bind(c);
    }
    if let Some(ids) = &f.channel_ids {
        b.push(" AND channel_id IN (");
        let mut sep = b.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        b.push(")");
    }
    if let Some(s) = &f.site_id {
        b.push(" AND site_id = ").push_bind(s.clone());
    }
    if let Some(id) = f.id {
        b.push(" AND id = ").push_bind(id);
    }
    if let Some(name) = &f.signer {
        b.push(" AND signed_by = ").push_bind(name.clone());
    }
    if dates {
        if let Some(t) = f.from {
            b.push(" AND updated_at >= ").push_bind(t);
        }
        if let Some(t) = f.to {
            b.push(" AND updated_at < ").push_bind(t);
        }
    }
    if let Some(q) = &f.title_contains {
        b.push(" AND title LIKE ")
            .push_bind(format!("%{}%", q.replace(['%', '_', '\\'], "")));
    }
    match f.state.as_deref() {
        // the partial index's own condition first (articles_in_work)
        Some("draft") => {
            b.push(" AND work <> '{\"state\":\"idle\"}' AND work = '{\"state\":\"draft\"}'");
        }
        Some("review") => {
            match f.review_level {
                Some(l) => {
                    b.push(" AND work <> '{\"state\":\"idle\"}' AND work = ")
                        .push_bind(format!("{{\"state\":\"review\",\"level\":{l}}}"));
                }
                None => {
                    b.push(" AND work <> '{\"state\":\"idle\"}' AND work LIKE '{\"state\":\"review\"%'");
                }
            }
        }
        Some("scheduled") => {
            b.push(" AND work <> '{\"state\":\"idle\"}' AND work LIKE '{\"state\":\"scheduled\"%'");
        }
        Some("live") => {
            b.push(" AND status = 'published'");
        }
        Some("withdrawn") => {
            b.push(" AND status = 'withdrawn'");
        }
        _ => {}
    }
}
