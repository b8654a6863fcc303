//! 值班 (`domain::planning::roster`): who is on duty, and the sites whose
//! 值班总编 on duty signs (代签). Changes recorded.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::planning::roster::{Duty, OnDuty, Shift};

#[async_trait]
pub trait Roster: Send + Sync {
    /// The roster of `site_id` (`None`: every site) from `from` to `to`
    /// (`YYYY-MM-DD`, inclusive), by day, shift and duty.
    async fn roster(&self, site_id: Option<&str>, from: &str, to: &str)
    -> StoreResult<Vec<OnDuty>>;
    /// Put a person on duty (nothing if already there).
    #[allow(clippy::too_many_arguments)]
    async fn add_duty(
        &self,
        site_id: &str,
        day: &str,
        shift: Shift,
        duty: Duty,
        user_id: i64,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
    async fn remove_duty(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<()>;
    /// The sites whose 值班总编 on duty signs for the site.
    async fn roster_signing(&self) -> StoreResult<Vec<String>>;
    async fn set_roster_signs(
        &self,
        site_id: &str,
        signs: bool,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<()>;
}
