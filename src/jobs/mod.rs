//! Jobs are rows (DESIGN.md §6): a runner claims due rows, runs the idempotent
//! job, marks it done; a failed job is retried later, an expired claim too.

mod cdn_purge;
mod picture_variants;
mod publish;
mod rank_refresh;
mod report_contact;
mod slot_expiry;
mod tip_expiry;
mod video_process;
mod webhook;

pub use video_process::sweep_scratch as sweep_video_scratch;

use std::time::Duration;

use crate::domain::job::JobKind;
use crate::state::AppState;

const RETRY_SECS: i64 = 30;

/// Run every job that is due now, short and long; returns how many ran.
pub async fn run_due(state: &AppState) -> anyhow::Result<usize> {
    Ok(run_short(state).await? + run_long(state).await?)
}

/// Run due jobs of the long kinds (`JobKind::is_long`: videos), one at a time.
pub async fn run_long(state: &AppState) -> anyhow::Result<usize> {
    let mut n = 0;
    for kind in JobKind::ALL.into_iter().filter(|k| k.is_long()) {
        let claimed = match kind {
            JobKind::VideoProcess => fair_video(state).await?,
            _ => None,
        };
        let claimed = match claimed {
            Some(job) => Some(job),
            None => {
                state
                    .store
                    .claim_job_of(
                        kind.as_str(),
                        &state.config.node_id,
                        state.now(),
                        state.config.job_lease,
                    )
                    .await?
            }
        };
        let Some(job) = claimed else {
            continue;
        };
        n += 1;
        let result = run(state, &job).await;
        settle(state, &job, result).await?;
    }
    Ok(n)
}

/// Claim the video the fair queue serves next (`domain::video::fair_next`);
/// `None` when none is queued (or another node took the chosen one: the
/// next round chooses again).
async fn fair_video(state: &AppState) -> anyhow::Result<Option<crate::db::Job>> {
    let now = state.now();
    let queue = state.store.video_queue(now, now - 3600).await?;
    let Some(i) = crate::domain::video::fair_next(&queue, now) else {
        return Ok(None);
    };
    Ok(state
        .store
        .claim_job(
            queue[i].job_id,
            &state.config.node_id,
            now,
            state.config.job_lease,
        )
        .await?)
}

/// Run one claimed job: the one place a kind meets its file.
async fn run(state: &AppState, job: &crate::db::Job) -> anyhow::Result<()> {
    match JobKind::parse(&job.kind) {
        Some(JobKind::Publish) => publish::run(state, &job.key).await,
        Some(JobKind::PictureVariants) => picture_variants::run(state, &job.key).await,
        Some(JobKind::VideoProcess) => video_process::run(state, job).await,
        Some(JobKind::SlotExpiry) => slot_expiry::run(state).await,
        Some(JobKind::ReportContact) => report_contact::run(state, &job.key).await,
        Some(JobKind::RankRefresh) => rank_refresh::run(state).await,
        Some(JobKind::Webhook) => webhook::run(state, &job.key).await,
        Some(JobKind::TipExpiry) => tip_expiry::run(state, &job.key).await,
        Some(JobKind::CdnPurge) => cdn_purge::run(state).await,
        None => Err(anyhow::anyhow!("unknown job kind {:?}", job.kind)),
    }
}

async fn settle(
    state: &AppState,
    job: &crate::db::Job,
    result: anyhow::Result<()>,
) -> anyhow::Result<()> {
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
    Ok(())
}

/// Start the CDN purge follower where proxies are configured (at a node's
/// start).
pub async fn start_cdn_purge(state: &AppState) -> anyhow::Result<()> {
    cdn_purge::start(state).await
}

/// Queue the rankings' computation, due now, unless one is waiting (at a
/// node's start: one is always queued after).
pub async fn queue_rank_refresh(state: &AppState) -> anyhow::Result<()> {
    rank_refresh::queue(state, state.now(), i64::MIN).await
}

/// Run every due job of the short kinds; returns how many ran.
pub async fn run_short(state: &AppState) -> anyhow::Result<usize> {
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
        let result = run(state, &job).await;
        settle(state, &job, result).await?;
    }
    Ok(n)
}

/// Run due jobs every second until the process ends: the short kinds in
/// one task, the long kinds (videos) in another, so a transcode never holds
/// up a scheduled publication.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let long = {
            let state = state.clone();
            tokio::spawn(async move {
                loop {
                    if let Err(e) = run_long(&state).await {
                        tracing::error!(error = %format!("{e:#}"), "long job runner failed; will retry");
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            })
        };
        // aborting this task (shutdown) stops the long runner too
        let _long = AbortOnDrop(long);
        loop {
            if let Err(e) = run_short(&state).await {
                tracing::error!(error = %format!("{e:#}"), "job runner failed; will retry");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

/// A spawned task that ends with its owner (a job's heartbeat, the long
/// runner under the runner that `serve` stops).
pub(crate) struct AbortOnDrop(pub tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
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
