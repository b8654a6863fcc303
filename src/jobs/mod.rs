//! Jobs are rows (DESIGN.md §6): a runner claims due rows, runs the idempotent
//! job, marks it done; a failed job is retried later, an expired claim too.

mod publish;

use std::time::Duration;

use crate::state::AppState;

/// How long a claim holds before another runner may take the job.
const LEASE_SECS: i64 = 120;
const RETRY_SECS: i64 = 30;

/// Run every job that is due now; returns how many ran.
pub async fn run_due(state: &AppState) -> anyhow::Result<usize> {
    let now = state.now();
    let jobs = state.store.claim_jobs(now, LEASE_SECS, 50).await?;
    let n = jobs.len();
    for job in jobs {
        let result = match job.kind.as_str() {
            "publish" => publish::run(state, &job.key).await,
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
