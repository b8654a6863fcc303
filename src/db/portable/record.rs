//! The publication record (`db::Record`), compiled once per backend: acts
//! other than story transitions, a story's record, the whole record, and
//! its filtered, keyset pages. Rows are `AuditEntry`'s `FromRow`.

use async_trait::async_trait;
use sqlx::{QueryBuilder, Row};

use super::write::insert_event;
use super::{StoreImpl, dialect};
use crate::db::{Actor, AuditEntry, AuditQuery, Event, Record, StoreResult};

/// The record's columns, with the revision's number as the screen counts it
/// and the review levels of the story's channel (for its state labels).
const AUDIT_SELECT: &str = "SELECT au.id, au.article_id, au.at, au.actor_id, au.actor, au.action, \
     au.from_state, au.to_state, au.level, au.opinion, au.revision_id, au.title, au.url, au.subject, \
     au.detail, au.address, r.number AS revision_number, c.review_levels AS levels \
     FROM audit au LEFT JOIN revisions r ON r.id = au.revision_id \
     LEFT JOIN articles a ON a.id = au.article_id LEFT JOIN channels c ON c.id = a.channel_id";

#[async_trait]
impl Record for StoreImpl {
    async fn record(&self, actor: &Actor, event: &Event, now: i64) -> StoreResult<()> {
        let mut tx = dialect::begin_write(&self.pool).await?;
        insert_event(&mut tx, actor, event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn stats_acts(
        &self,
        from: i64,
        to: i64,
    ) -> StoreResult<(Vec<crate::domain::stats::Act>, Vec<(i64, i64)>)> {
        let rows = sqlx::query(
            "SELECT au.article_id, au.at, au.actor_id, au.actor, au.action, au.from_state, \
             au.to_state, a.author_id, a.channel_id FROM audit au JOIN articles a ON a.id = au.article_id \
             WHERE au.at >= $1 AND au.at < $2 AND au.subject = ''",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let acts = rows
            .iter()
            .map(|r| {
                Ok(crate::domain::stats::Act {
                    article_id: r.try_get("article_id")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    from_state: r.try_get("from_state")?,
                    to_state: r.try_get("to_state")?,
                    author_id: r.try_get("author_id")?,
                    channel_id: r.try_get("channel_id")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let written: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT author_id, channel_id FROM articles WHERE created_at >= $1 AND created_at < $2 \
             AND author_id IS NOT NULL",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        Ok((acts, written))
    }

    async fn audit_of(&self, article_id: i64) -> StoreResult<Vec<AuditEntry>> {
        Ok(sqlx::query_as(&format!(
            "{AUDIT_SELECT} WHERE au.article_id = $1 ORDER BY au.id"
        ))
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn audit_all(&self, since: Option<i64>, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        Ok(sqlx::query_as(&format!(
            "{AUDIT_SELECT} WHERE au.at >= $1 ORDER BY au.id LIMIT $2"
        ))
        .bind(since.unwrap_or(i64::MIN))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn audit_page(&self, q: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        let mut b: QueryBuilder<'_, super::Db> = QueryBuilder::new(AUDIT_SELECT);
        b.push(" WHERE 1 = 1");
        if let Some(id) = q.actor_id {
            b.push(" AND au.actor_id = ").push_bind(id);
        }
        if let Some(name) = &q.actor {
            b.push(" AND au.actor = ").push_bind(name.clone());
        }
        if let Some(id) = q.article_id {
            b.push(" AND au.article_id = ").push_bind(id);
        }
        if let Some(a) = &q.action {
            b.push(" AND au.action = ").push_bind(a.clone());
        }
        if let Some(s) = &q.subject {
            b.push(" AND au.subject = ").push_bind(s.clone());
        }
        if let Some(t) = q.from {
            b.push(" AND au.at >= ").push_bind(t);
        }
        if let Some(t) = q.to {
            b.push(" AND au.at < ").push_bind(t);
        }
        if !q.actions.is_empty() {
            b.push(" AND au.action IN (");
            let mut list = b.separated(", ");
            for a in &q.actions {
                list.push_bind(a.clone());
            }
            b.push(")");
        }
        if !q.exclude.is_empty() {
            b.push(" AND au.action NOT IN (");
            let mut list = b.separated(", ");
            for a in &q.exclude {
                list.push_bind(a.clone());
            }
            b.push(")");
        }
        if let Some(scope) = &q.scope {
            push_scope(&mut b, scope);
        }
        super::keyset::newest_first(&mut b, ("au.at", "au.id"), q.before, q.limit);
        Ok(b.build_query_as().fetch_all(&self.pool).await?)
    }
}

/// `AND (...)`: the rows `scope` lets its reader see (`db::RecordScope`).
fn push_scope(b: &mut QueryBuilder<'_, super::Db>, scope: &crate::db::RecordScope) {
    b.push(" AND (au.actor_id = ").push_bind(scope.me);
    if !scope.sites.is_empty() {
        let sites = |b: &mut QueryBuilder<'_, super::Db>| {
            b.push("(");
            let mut list = b.separated(", ");
            for s in &scope.sites {
                list.push_bind(s.clone());
            }
            b.push(")");
        };
        // a story of the sites (an act on a 举报 only for its handlers)
        b.push(" OR (au.article_id IN (SELECT id FROM articles WHERE site_id IN ");
        sites(b);
        b.push(")");
        if !scope.reports {
            b.push(" AND au.subject NOT LIKE 'report:%'");
        }
        b.push(")");
        if scope.reports {
            b.push(
                " OR (au.subject LIKE 'report:%' AND EXISTS (SELECT 1 FROM reports r \
                     WHERE 'report:' || r.receipt = au.subject AND r.site_id IN ",
            );
            sites(b);
            b.push("))");
        }
        for s in &scope.sites {
            b.push(" OR au.subject LIKE ")
                .push_bind(format!("slot:{s}/%"));
        }
        for (prefix, table) in [("image:", "images"), ("video:", "videos")] {
            b.push(format!(
                " OR (au.subject LIKE '{prefix}%' AND EXISTS (SELECT 1 FROM {table} m \
                 WHERE '{prefix}' || m.id = au.subject AND m.site_id IN "
            ));
            sites(b);
            b.push("))");
        }
    }
    b.push(")");
}
