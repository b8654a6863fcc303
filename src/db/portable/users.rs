//! Accounts, sessions and failed sign-ins (`db::Users`), compiled once per
//! backend. Sessions are found by their token's hash; a deactivated
//! account's sessions end with it.

use async_trait::async_trait;
use sqlx::Row;

use super::write::to_json;
use super::{DbRow, StoreImpl};
use crate::db::{NewUser, StoreError, StoreResult, Users};
use crate::domain::user::{Deputy, Scope, User};

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

#[async_trait]
impl Users for StoreImpl {
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

    async fn deputies(&self) -> StoreResult<Vec<Deputy>> {
        let rows = sqlx::query(
            "SELECT id, site_id, channel_path, user_id FROM deputies ORDER BY site_id, channel_path, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let path: String = r.try_get("channel_path")?;
                Ok(Deputy {
                    id: r.try_get("id")?,
                    user_id: r.try_get("user_id")?,
                    desk: Scope {
                        site_id: r.try_get("site_id")?,
                        channel_path: Some(path).filter(|p| !p.is_empty()),
                    },
                })
            })
            .collect()
    }

    async fn add_deputy(&self, desk: &Scope, user_id: i64, now: i64) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO deputies (site_id, channel_path, user_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&desk.site_id)
        .bind(desk.channel_path.as_deref().unwrap_or(""))
        .bind(user_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict("这个账号已经是这里的代签人".into())
            }
            e => StoreError::Db(e),
        })
    }

    async fn remove_deputy(&self, id: i64) -> StoreResult<()> {
        let n = sqlx::query("DELETE FROM deputies WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("代签设置 {id} 不存在")));
        }
        Ok(())
    }
}
