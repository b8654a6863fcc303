//! The change log's followers in this process (DESIGN.md §1): the render
//! cache, the live fan-out and the search index. A local write wakes them
//! (`after_write`); other nodes' commits wake them through the store's
//! notifications (PostgreSQL); without them, or when one is missed, they
//! poll: a page is never stale for longer than `CACHE_POLL` after a commit
//! elsewhere.

use std::sync::Arc;
use std::time::Duration;

use crate::state::AppState;

/// How often the render cache reads the change log when nothing woke it: the
/// bound on a stale page after a missed notification.
pub const CACHE_POLL: Duration = Duration::from_millis(500);

/// After a local content write: drop the pages it changed before answering
/// (read-your-writes), push new live entries, then wake the other followers.
pub async fn after_write(state: &AppState) {
    state.cache.turn_year(state.now());
    if let Err(e) = state.cache.catch_up(state.store.as_ref()).await {
        tracing::error!(error = %format!("{e:#}"), "render cache catch-up failed");
    }
    if let Err(e) = state.live.catch_up(&state.env).await {
        tracing::error!(error = %format!("{e:#}"), "live fan-out catch-up failed");
    }
    if let Err(e) = state.boards.catch_up(&state.env).await {
        tracing::error!(error = %format!("{e:#}"), "board fan-out catch-up failed");
    }
    state.changed.send_modify(|n| *n += 1);
}

/// The running followers, stopped before the store closes (else their next
/// read meets a closed pool and logs an error at every graceful shutdown).
pub struct Followers(Vec<tokio::task::JoinHandle<()>>);

impl Followers {
    pub async fn stop(self) {
        for task in &self.0 {
            task.abort();
        }
        for task in self.0 {
            let _ = task.await;
        }
    }
}

/// Start following the change log in the background: the render cache and
/// the live fan-out (writes by other processes), and the search index.
pub async fn spawn(state: &AppState) -> Followers {
    let changed = state.changed.clone();
    match state
        .store
        .subscribe_changes(Arc::new(move || changed.send_modify(|n| *n += 1)))
        .await
    {
        Ok(true) => tracing::info!("following other nodes' changes by notification"),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "no change notifications; polling the change log"),
    }
    let search = state.search.clone().spawn_follower(
        state.store.clone(),
        state.changed.subscribe(),
        Duration::from_secs(1),
    );
    let state = state.clone();
    let mut rx = state.changed.subscribe();
    let pages = tokio::spawn(async move {
        loop {
            state.cache.turn_year(state.now());
            if let Err(e) = state.cache.catch_up(state.store.as_ref()).await {
                tracing::error!(error = %format!("{e:#}"), "render cache catch-up failed; will retry");
            }
            // other nodes' approvals reach this node's live readers
            if let Err(e) = state.live.catch_up(&state.env).await {
                tracing::error!(error = %format!("{e:#}"), "live fan-out catch-up failed; will retry");
            }
            // and the command boards (renders only where one is open)
            if let Err(e) = state.boards.catch_up(&state.env).await {
                tracing::error!(error = %format!("{e:#}"), "board fan-out catch-up failed; will retry");
            }
            // the CDN's purges, where proxies are configured
            wake_purge(&state).await;
            // a missed wake-up costs at most this long: the change log is durable
            let _ = tokio::time::timeout(CACHE_POLL, rx.changed()).await;
        }
    });
    Followers(vec![search, pages])
}

/// Queue a CDN purge (`jobs::cdn_purge`) where proxies are configured, if
/// the change log moved since this node last queued one (here, not in
/// `jobs`, which follows `after_write`: the two would import each other).
pub async fn wake_purge(state: &AppState) {
    use std::sync::atomic::Ordering;
    if state.config.purge_urls.is_empty() {
        return;
    }
    let head = state.cache.cursor();
    if head <= state.purge_queued.load(Ordering::Relaxed) {
        return;
    }
    let kind = crate::domain::job::JobKind::CdnPurge.as_str();
    let now = state.now();
    let queued = async {
        if !state.store.has_pending_job(kind, now).await? {
            state.store.enqueue_job(kind, &now.to_string(), now).await?;
        }
        Ok::<(), crate::db::StoreError>(())
    }
    .await;
    match queued {
        Ok(()) => state.purge_queued.store(head, Ordering::Relaxed),
        Err(e) => tracing::warn!(error = %e, "cannot queue a CDN purge; will try again"),
    }
}
