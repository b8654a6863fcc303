//! CDN / reverse-proxy purge by key (issue 27 §5, DESIGN.md §13): a
//! follower of the change log with its durable cursor (`Followers`,
//! "cdn_purge"). Every cached answer names its dependency keys in
//! `Surrogate-Key` (`domain::surrogate`); a run sends the keys of the
//! changes after the cursor to each configured proxy as `PURGE` with an
//! `xkey-purge` header (Varnish's xkey vmod, the VCL in docs/deploy.md), so
//! exactly the answers that read a changed key are dropped, and then moves
//! the cursor from where it read it: a proxy that fails leaves the cursor
//! where it was and the job is retried; two nodes never both move it.
//!
//! A run is queued when this node's render cache has followed the log past
//! what it last queued for (`follow::wake_purge`), not on a timer: no job
//! rows while nothing changes.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::domain::job::JobKind;
use crate::state::AppState;

/// The follower's name (its cursor's row).
const NAME: &str = "cdn_purge";
/// Changes read in one run; a longer backlog queues the next run at once.
const BATCH: i64 = 500;
/// The longest `xkey-purge` header one request carries.
const MAX_HEADER: usize = 6000;

/// At a node's start, with proxies configured: a follower that has never
/// run starts at the log's end (what proxies hold from before is theirs to
/// expire); one that has runs from its cursor, so a stopped cluster misses
/// nothing.
pub(super) async fn start(state: &AppState) -> anyhow::Result<()> {
    if state.config.purge_urls.is_empty() {
        return Ok(());
    }
    if state.store.follower_cursor(NAME).await?.is_none() {
        let head = state.store.last_change().await?;
        state
            .store
            .move_follower(NAME, None, head, state.now())
            .await?;
    }
    queue(state).await
}

async fn queue(state: &AppState) -> anyhow::Result<()> {
    let kind = JobKind::CdnPurge.as_str();
    let now = state.now();
    if !state.store.has_pending_job(kind, now).await? {
        state.store.enqueue_job(kind, &now.to_string(), now).await?;
    }
    Ok(())
}

pub(super) async fn run(state: &AppState) -> anyhow::Result<()> {
    // a node without proxies leaves the cursor for one with them
    if state.config.purge_urls.is_empty() {
        tracing::warn!("a CDN purge reached a node without --purge-url; left for another node");
        return Ok(());
    }
    let store = state.store.as_ref();
    let Some(cursor) = store.follower_cursor(NAME).await? else {
        return start(state).await;
    };
    let changes = store.changes_since(cursor, BATCH).await?;
    let Some(last) = changes.last().map(|c| c.seq) else {
        return Ok(());
    };
    let tags: BTreeSet<String> = changes
        .iter()
        .flat_map(|c| c.keys.iter())
        .map(|k| crate::domain::surrogate::tag(k))
        .collect();
    for header in batches(&tags) {
        for url in &state.config.purge_urls {
            purge(url, &header).await?;
        }
    }
    if store
        .move_follower(NAME, Some(cursor), last, state.now())
        .await?
    {
        tracing::info!(
            changes = changes.len(),
            keys = tags.len(),
            seq = last,
            "CDN purged"
        );
    } else {
        tracing::info!("another node passed these changes on first");
    }
    if changes.len() as i64 == BATCH {
        queue(state).await?;
    }
    Ok(())
}

/// The tags as `xkey-purge` header values of at most `MAX_HEADER` bytes.
fn batches(tags: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for t in tags {
        if !current.is_empty() && current.len() + 1 + t.len() > MAX_HEADER {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(t);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One `PURGE` to one proxy: 2xx, or the job fails (and is retried).
/// Proxies are the operator's own (`--purge-url`), on the same network as
/// the node: no address is refused, and no redirect is followed.
async fn purge(url: &str, keys: &str) -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()?;
    let method = reqwest::Method::from_bytes(b"PURGE")?;
    let resp = client
        .request(method, url)
        .header("xkey-purge", keys)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("purge {url}: {e}"))?;
    if !resp.status().is_success() {
        anyhow::bail!("purge {url}: the proxy answered {}", resp.status());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sent_in_headers_of_bounded_size() {
        let tags: BTreeSet<String> = (0..2000).map(|i| format!("story:{i}")).collect();
        let headers = batches(&tags);
        assert!(headers.len() > 1);
        assert!(headers.iter().all(|h| h.len() <= MAX_HEADER));
        let back: BTreeSet<String> = headers
            .iter()
            .flat_map(|h| h.split(' ').map(str::to_string))
            .collect();
        assert_eq!(back, tags, "every key, once");
        assert!(batches(&BTreeSet::new()).is_empty());
    }
}
