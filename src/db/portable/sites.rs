//! Sites and channels (`db::Sites`), compiled once per backend: a site's
//! settings and its channel tree, each change logged under `site:` so every
//! page of the site follows.

use async_trait::async_trait;
use sqlx::Row;

use super::rows::json_err;
use super::write::{log_change, to_json};
use super::{DbRow, StoreImpl, dialect};
use crate::db::{Sites, StoreError, StoreResult};
use crate::domain::{Channel, Site, SiteSettings};

fn site_from_row(row: &DbRow) -> StoreResult<Site> {
    let settings: String = row.try_get("settings")?;
    Ok(Site {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        host: row.try_get("host")?,
        sort: row.try_get("sort")?,
        settings: serde_json::from_str::<SiteSettings>(&settings)
            .map_err(|e| json_err("site settings", e))?,
    })
}

fn channel_from_row(row: &DbRow) -> StoreResult<Channel> {
    Ok(Channel {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        path: row.try_get("path")?,
        name: row.try_get("name")?,
        sort: row.try_get("sort")?,
        page_size: row.try_get("page_size")?,
        review_levels: row.try_get("review_levels")?,
        list_style: crate::domain::channel::ListStyle::parse(
            &row.try_get::<String, _>("list_style")?,
        ),
        feed_summary: row.try_get::<i64, _>("feed_summary")? != 0,
    })
}

#[async_trait]
impl Sites for StoreImpl {
    async fn sites(&self) -> StoreResult<Vec<Site>> {
        let rows = sqlx::query(
            "SELECT id, name, prefix, host, sort, settings FROM sites \
             ORDER BY CASE WHEN prefix = '/' THEN 0 ELSE 1 END, sort, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(site_from_row).collect()
    }

    async fn put_site(&self, site: &Site, now: i64) -> StoreResult<()> {
        if !Site::valid_prefix(&site.prefix) {
            return Err(StoreError::Invalid(format!(
                "站点路径前缀“{}”无效:须以 / 开头和结尾,只含小写字母、数字和连字符",
                site.prefix
            )));
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        sqlx::query(
            "INSERT INTO sites (id, name, prefix, host, sort, settings) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, prefix = excluded.prefix, \
             host = excluded.host, sort = excluded.sort, settings = excluded.settings",
        )
        .bind(&site.id)
        .bind(&site.name)
        .bind(&site.prefix)
        .bind(&site.host)
        .bind(site.sort)
        .bind(to_json(&site.settings))
        .execute(&mut *tx)
        .await?;
        log_change(
            &mut tx,
            now,
            "site",
            Some(&site.id),
            None,
            &[format!("site:{}", site.id)],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn channels(&self, site_id: &str) -> StoreResult<Vec<Channel>> {
        let rows = sqlx::query(
            "SELECT id, site_id, path, name, sort, page_size, review_levels, list_style, feed_summary FROM channels WHERE site_id = $1",
        )
        .bind(site_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(channel_from_row).collect()
    }

    async fn ensure_channel(
        &self,
        site_id: &str,
        path: &str,
        name: &str,
        sort: i64,
    ) -> StoreResult<Channel> {
        if !crate::domain::channel::valid_path(path) {
            return Err(StoreError::Invalid(format!(
                "栏目路径“{path}”无效:用小写字母、数字和连字符,层级以 / 分隔"
            )));
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        let inserted = sqlx::query(
            "INSERT INTO channels (site_id, path, name, sort) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (site_id, path) DO NOTHING",
        )
        .bind(site_id)
        .bind(path)
        .bind(name)
        .bind(sort)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            // a new channel shows in the site's navigation: every page of the site
            log_change(
                &mut tx,
                0,
                "site",
                Some(site_id),
                None,
                &[format!("site:{site_id}")],
            )
            .await?;
        }
        tx.commit().await?;
        let row = sqlx::query(
            "SELECT id, site_id, path, name, sort, page_size, review_levels, list_style, feed_summary FROM channels \
             WHERE site_id = $1 AND path = $2",
        )
        .bind(site_id)
        .bind(path)
        .fetch_one(&self.pool)
        .await?;
        channel_from_row(&row)
    }

    async fn update_channel(&self, c: &Channel, now: i64) -> StoreResult<()> {
        if !(1..=9).contains(&c.review_levels)
            || !(1..=200).contains(&c.page_size)
            || c.name.trim().is_empty()
        {
            return Err(StoreError::Invalid(
                "栏目名称不能为空,审核级数为 1 到 9,每页条数为 1 到 200".into(),
            ));
        }
        let mut tx = dialect::begin_write(&self.pool).await?;
        let n = sqlx::query("UPDATE channels SET name = $1, sort = $2, page_size = $3, review_levels = $4, list_style = $5, feed_summary = $6 WHERE id = $7")
            .bind(c.name.trim())
            .bind(c.sort)
            .bind(c.page_size)
            .bind(c.review_levels)
            .bind(c.list_style.as_str())
            .bind(i64::from(c.feed_summary))
            .bind(c.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("栏目 {} 不存在", c.id)));
        }
        // a channel's name shows in every page of its site (navigation, breadcrumbs)
        log_change(
            &mut tx,
            now,
            "site",
            Some(&c.site_id),
            None,
            &[
                format!("site:{}", c.site_id),
                format!("channel:{}/{}", c.site_id, c.path),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
