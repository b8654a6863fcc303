//! 专题 (`db::Topics`), compiled once per backend. A section's rule becomes
//! one query on the listings with the meaning of `domain::topic::Rule::matches`.

use async_trait::async_trait;
use sqlx::QueryBuilder;

use super::rows::{SUMMARY_COLUMNS, article_from_row, summary_from_row};
use super::{Db, StoreImpl};
use crate::db::{StoreResult, Topics};
use crate::domain::kind::Kind;
use crate::domain::topic::Rule;
use crate::domain::{Article, ArticleSummary};

/// The kinds whose stories gather others (their `KindSpec::gathers`).
fn gathering() -> Vec<&'static str> {
    Kind::ALL
        .into_iter()
        .filter(|k| k.spec().gathers)
        .map(Kind::as_str)
        .collect()
}

/// The kinds lists show.
fn listed() -> Vec<&'static str> {
    Kind::ALL
        .into_iter()
        .filter(|k| k.listed())
        .map(Kind::as_str)
        .collect()
}

fn push_in<'a>(b: &mut QueryBuilder<'a, Db>, values: impl IntoIterator<Item = String>) {
    let mut list = b.separated(", ");
    for v in values {
        list.push_bind(v);
    }
    list.push_unseparated(")");
}

/// `LIKE` pattern of a keyword, lower-cased, its wildcards escaped.
fn like(k: &str) -> String {
    let k = k
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{k}%")
}

/// `FROM ... WHERE ...` of the stories `rule` gathers on `site_id`.
fn gathered_from<'a>(b: &mut QueryBuilder<'a, Db>, site_id: &str, rule: &Rule, except: &[i64]) {
    b.push(" FROM articles a WHERE a.status = 'published' AND a.site_id = ")
        .push_bind(site_id.to_string());
    b.push(" AND a.kind IN (");
    push_in(b, listed().into_iter().map(String::from));
    if !rule.is_active() {
        b.push(" AND 1 = 0");
        return;
    }
    if !rule.tags.is_empty() {
        b.push(
            " AND EXISTS (SELECT 1 FROM tag_listings t WHERE t.article_id = a.id AND t.tag IN (",
        );
        push_in(b, rule.tags.iter().cloned());
        b.push(")");
    }
    if !rule.channels.is_empty() {
        b.push(
            " AND EXISTS (SELECT 1 FROM listings l JOIN channels c ON c.id = l.channel_id \
             WHERE l.article_id = a.id AND c.path IN (",
        );
        push_in(b, rule.channels.iter().cloned());
        b.push(")");
    }
    if !rule.keywords.is_empty() {
        b.push(" AND (");
        for (i, k) in rule.keywords.iter().enumerate() {
            if i > 0 {
                b.push(" OR ");
            }
            let pattern = like(k);
            b.push("LOWER(a.title) LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\' OR LOWER(a.summary) LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '\\'");
        }
        b.push(")");
    }
    if let Some(from) = rule.from {
        b.push(" AND a.signed_at >= ").push_bind(from);
    }
    if let Some(until) = rule.until {
        b.push(" AND a.signed_at < ").push_bind(until);
    }
    if !except.is_empty() {
        b.push(" AND a.id NOT IN (");
        let mut list = b.separated(", ");
        for id in except {
            list.push_bind(*id);
        }
        list.push_unseparated(")");
    }
}

#[async_trait]
impl Topics for StoreImpl {
    async fn topic_at(&self, site_id: &str, rel: &str) -> StoreResult<Option<i64>> {
        let mut b = QueryBuilder::<Db>::new("SELECT id FROM articles WHERE site_id = ");
        b.push_bind(site_id.to_string())
            .push(" AND url_path = ")
            .push_bind(rel.to_string())
            .push(" AND kind IN (");
        push_in(&mut b, gathering().into_iter().map(String::from));
        Ok(b.build_query_scalar().fetch_optional(&self.pool).await?)
    }

    async fn topic_page(
        &self,
        site_id: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let mut b = QueryBuilder::<Db>::new(format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.status = 'published' AND a.site_id = "
        ));
        b.push_bind(site_id.to_string()).push(" AND a.kind IN (");
        push_in(&mut b, gathering().into_iter().map(String::from));
        b.push(" ORDER BY a.signed_at DESC, a.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn topic_count(&self, site_id: &str) -> StoreResult<i64> {
        let mut b = QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM articles a WHERE a.status = 'published' AND a.site_id = ",
        );
        b.push_bind(site_id.to_string()).push(" AND a.kind IN (");
        push_in(&mut b, gathering().into_iter().map(String::from));
        Ok(b.build_query_scalar().fetch_one(&self.pool).await?)
    }

    async fn live_topics(&self, site_id: &str) -> StoreResult<Vec<Article>> {
        let mut b = QueryBuilder::<Db>::new(format!(
            "SELECT {} FROM articles WHERE status = 'published' AND site_id = ",
            super::rows::ARTICLE_COLUMNS
        ));
        b.push_bind(site_id.to_string()).push(" AND kind IN (");
        push_in(&mut b, gathering().into_iter().map(String::from));
        b.push(" ORDER BY signed_at DESC, id DESC");
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(|r| article_from_row(r, vec![])).collect()
    }

    async fn gathered(
        &self,
        site_id: &str,
        rule: &Rule,
        except: &[i64],
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let mut b = QueryBuilder::<Db>::new(format!("SELECT {SUMMARY_COLUMNS}"));
        gathered_from(&mut b, site_id, rule, except);
        b.push(" ORDER BY a.signed_at DESC, a.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = b.build().fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn gathered_count(&self, site_id: &str, rule: &Rule, except: &[i64]) -> StoreResult<i64> {
        let mut b = QueryBuilder::<Db>::new("SELECT COUNT(*)");
        gathered_from(&mut b, site_id, rule, except);
        Ok(b.build_query_scalar().fetch_one(&self.pool).await?)
    }

    async fn picked(&self, site_id: &str, ids: &[i64]) -> StoreResult<Vec<ArticleSummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut b = QueryBuilder::<Db>::new(format!(
            "SELECT {SUMMARY_COLUMNS} FROM articles a WHERE a.status = 'published' AND a.site_id = "
        ));
        b.push_bind(site_id.to_string()).push(" AND a.kind IN (");
        push_in(&mut b, listed().into_iter().map(String::from));
        b.push(" AND a.id IN (");
        let mut list = b.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        list.push_unseparated(")");
        let rows = b.build().fetch_all(&self.pool).await?;
        let found: Vec<ArticleSummary> = rows
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<_>>()?;
        Ok(ids
            .iter()
            .filter_map(|id| found.iter().find(|s| s.id == *id).cloned())
            .collect())
    }
}
