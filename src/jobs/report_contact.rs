//! A 举报's retention is over: its contact data goes (idempotent).

use crate::state::AppState;

pub(super) async fn run(state: &AppState, key: &str) -> anyhow::Result<()> {
    let id = key
        .parse::<i64>()
        .map_err(|_| anyhow::anyhow!("report job key is not an id"))?;
    state.store.clear_report_contact(id, state.now()).await?;
    Ok(())
}
