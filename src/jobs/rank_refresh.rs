//! 热点排行: the lists computed again from the counted views
//! (`reach::refresh_rankings`); each run queues the next, so one is always
//! waiting whichever node claims it (two queued at once, after a race of
//! starting nodes, run twice harmlessly and become one again).

use crate::domain::job::JobKind;
use crate::domain::rank::REFRESH_SECS;
use crate::state::AppState;

pub(super) async fn run(state: &AppState) -> anyhow::Result<()> {
    let moved = crate::reach::refresh_rankings(state.store.as_ref(), state.now()).await?;
    if !moved.is_empty() {
        tracing::info!(sites = ?moved, "rankings moved");
        crate::follow::after_write(state).await;
    }
    // the next, unless one waits beyond this run (not this one: it is
    // still unfinished while it runs)
    queue(state, state.now() + REFRESH_SECS, state.now()).await
}

/// Queue a computation at `at` unless one due after `after` is waiting.
pub(super) async fn queue(state: &AppState, at: i64, after: i64) -> anyhow::Result<()> {
    let kind = JobKind::RankRefresh.as_str();
    if !state.store.has_pending_job(kind, after).await? {
        state.store.enqueue_job(kind, &at.to_string(), at).await?;
    }
    Ok(())
}
