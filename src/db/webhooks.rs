//! A desk's group-chat robots (企业微信 / 钉钉) and the messages sent to
//! them: planning events queue one delivery per robot inside their own
//! transaction (never waiting on the robot); a job sends it and retries.

use async_trait::async_trait;

use super::{Actor, StoreResult};

#[derive(Debug, Clone)]
pub struct Webhook {
    pub id: i64,
    pub site_id: String,
    /// `""`: the whole site's desk.
    pub channel_path: String,
    /// `wecom` | `dingtalk`.
    pub format: String,
    pub url: String,
    /// 钉钉's 加签 secret (empty: unsigned).
    pub secret: String,
    /// May reach loopback and private addresses (a tested local server).
    pub allow_private: bool,
}

/// A message waiting to go to a robot.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub hook: Webhook,
    pub text: String,
    pub attempts: i64,
    pub delivered_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: String,
}

#[async_trait]
pub trait Webhooks: Send + Sync {
    async fn webhooks(&self, site_id: Option<&str>) -> StoreResult<Vec<Webhook>>;
    async fn add_webhook(&self, hook: &Webhook, actor: &Actor, now: i64) -> StoreResult<i64>;
    async fn remove_webhook(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<()>;
    async fn delivery(&self, id: i64) -> StoreResult<Option<Delivery>>;
    /// The newest deliveries of a site's robots.
    async fn deliveries(&self, site_id: &str, limit: i64) -> StoreResult<Vec<Delivery>>;
    /// Record an attempt: delivered (`error` `None`), failed (its job is
    /// tried again), or failed for the last time (`give_up`).
    async fn record_delivery(
        &self,
        id: i64,
        error: Option<&str>,
        give_up: bool,
        now: i64,
    ) -> StoreResult<()>;
}
