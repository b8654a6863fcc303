//! Jobs are rows (DESIGN.md §6): a runner claims due rows, runs the idempotent
//! job, marks it done; a failed job is retried later, an expired claim too.

mod pictures;
mod publish;

use std::time::Duration;

use crate::state::AppState;

/// How long a claim holds before another runner may take the job, unless
/// configured (`--job-lease`): the longest a job waits after its node died.
pub const DEFAULT_LEASE_SECS: i64 = 30;
const RETRY_SECS: i64 = 30;

/// Run every job that is due now; returns how many ran.
pub async fn run_due(state: &AppState) -> anyhow::Result<usize> {
    let now = state.now();
    let jobs = state
        .store
        .claim_jobs(&state.config.node_id, now, state.config.job_lease, 50)
        .await?;
    let n = jobs.len();
    for job in jobs {
        if let Some(pause) = fault_pause() {
            // fault drills: hold the claim a while, as a slow node would
            tracing::warn!(
                job = job.id,
                ?pause,
                "GAZETTE_FAULT_JOB_PAUSE_MS: pausing before the job"
            );
            tokio::time::sleep(pause).await;
        }
        let result = match job.kind.as_str() {
            "publish" => publish::run(state, &job.key).await,
            "picture_variants" => pictures::run(state, &job.key).await,
            // a 推荐位 item's time is up: take every due item off (idempotent)
            "slot_expiry" => match state.store.expire_slot_items(state.now()).await {
                Ok(_) => {
                    state.after_write().await;
                    Ok(())
                }
                Err(e) => Err(e.into()),
            },
            other => Err(anyhow::anyhow!("unknown job kind {other:?}")),
        };
        match result {
            Ok(()) => state.store.finish_job(job.id, state.now()).await?,
            Err(e) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %format!("{e:#}"), "job failed; will retry");
                state
                    .store
                    .fail_job(job.id, &format!("{e:#}"), state.now() + RETRY_SECS)
                    .await?;
            }
        }
    }
    Ok(n)
}

/// Run due jobs every second until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = run_due(&state).await {
                tracing::error!(error = %format!("{e:#}"), "job runner failed; will retry");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

/// `GAZETTE_FAULT_JOB_PAUSE_MS`: a pause between claiming a job and running it,
/// for fault drills (kill a node while it holds a claim). Unset in production.
fn fault_pause() -> Option<Duration> {
    std::env::var("GAZETTE_FAULT_JOB_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
}
