//! A reader's 报料 reaches the end of its retention: it goes, or, when a
//! plan was made of it, its contact and words do (idempotent).

use crate::state::AppState;

pub(super) async fn run(state: &AppState, key: &str) -> anyhow::Result<()> {
    let id = key
        .parse::<i64>()
        .map_err(|_| anyhow::anyhow!("tip job key is not an id"))?;
    state.store.expire_tip(id, state.now()).await?;
    Ok(())
}
