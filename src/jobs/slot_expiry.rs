//! 推荐位 items whose time is up leave their slots (idempotent: every due
//! item goes, whichever job found it).

use crate::state::AppState;

pub(super) async fn run(state: &AppState) -> anyhow::Result<()> {
    state.store.expire_slot_items(state.now()).await?;
    crate::follow::after_write(state).await;
    Ok(())
}
