//! Newsroom accounts and signing in (`Users`): the accounts, their sessions
//! (tokens stored hashed) and the failed sign-ins the throttle counts.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::user::{Deputy, Role, Scope, User};

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub scopes: Vec<Scope>,
}

#[async_trait]
pub trait Users: Send + Sync {
    async fn create_user(&self, user: &NewUser, now: i64) -> StoreResult<i64>;
    async fn user(&self, id: i64) -> StoreResult<Option<User>>;
    /// The user and their password hash, by user name.
    async fn user_with_hash(&self, username: &str) -> StoreResult<Option<(User, String)>>;
    async fn users(&self) -> StoreResult<Vec<User>>;
    async fn update_user(&self, user: &User) -> StoreResult<()>;
    async fn set_password(&self, user_id: i64, hash: &str, now: i64) -> StoreResult<()>;

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
        expires: i64,
    ) -> StoreResult<()>;
    /// The live session's user and CSRF token.
    async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<(User, String)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// When each of `keys` failed to sign in at or after `since`.
    async fn login_failures(&self, keys: &[String], since: i64) -> StoreResult<Vec<(String, i64)>>;
    /// A failed sign-in at `at` under each of `keys`; failures before
    /// `forget_before` (of any key) are dropped.
    async fn record_login_failure(
        &self,
        keys: &[String],
        at: i64,
        forget_before: i64,
    ) -> StoreResult<()>;
    /// Forget the failures under `key` (a successful sign-in).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// Forget the failures of every key starting with `prefix`.
    async fn clear_login_failures_prefix(&self, prefix: &str) -> StoreResult<()>;
    async fn delete_sessions_of(&self, user_id: i64) -> StoreResult<()>;

    /// Every 代签 deputy, by desk.
    async fn deputies(&self) -> StoreResult<Vec<Deputy>>;
    /// Name `user_id` a deputy for `desk`; `Conflict` if already named.
    async fn add_deputy(&self, desk: &Scope, user_id: i64, now: i64) -> StoreResult<i64>;
    async fn remove_deputy(&self, id: i64) -> StoreResult<()>;
}
