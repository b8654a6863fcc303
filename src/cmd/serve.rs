//! `gazette serve`: the portal over HTTP.

use anyhow::Context as _;

use crate::cli::ServeArgs;
use crate::config::{Config, MediaLocation, normalize_public_url};
use crate::state::AppState;

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let public_url = match &args.public_url {
        Some(u) => normalize_public_url(u).map_err(anyhow::Error::msg)?,
        None => format!("http://{}", args.addr),
    };
    let media = match &args.media_url {
        Some(u) => MediaLocation::parse(u).map_err(anyhow::Error::msg)?,
        None => MediaLocation::Local,
    };
    let store = super::open_store(&args.data).await?;
    // the connection cap the descriptor limit allows, before anything that
    // divides it (the live streams' share) reads it
    let (fds, max_connections) = crate::web::server::fit_connections(args.max_connections as usize);
    tracing::info!(fds, max_connections, "connection limits");
    let config = Config {
        data_dir: args.data.data_dir.clone(),
        theme_dir: args.theme_dir.clone(),
        public_url,
        cache_bytes: args.cache_mb * 1024 * 1024,
        node_id: args
            .node_id
            .clone()
            .unwrap_or_else(crate::config::default_node_id),
        job_lease: args.job_lease,
        media,
        limits: crate::config::Limits {
            max_connections,
            live_streams_per_address: args.live_streams_per_address as usize,
            trusted_proxies: args.trusted_proxies.clone(),
            metrics_allow: if args.metrics_allow.is_empty() {
                crate::config::loopback()
            } else {
                args.metrics_allow.clone()
            },
            metrics_token: args.metrics_token.clone().filter(|t| !t.is_empty()),
            api_cors_origins: args
                .api_cors_origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_string())
                .filter(|o| !o.is_empty())
                .collect(),
            ..Default::default()
        },
        video: crate::config::VideoConfig {
            ffmpeg: args.ffmpeg.clone(),
            threads: match args.video_threads {
                0 => crate::config::VideoConfig::default().threads,
                n => n,
            },
            max_bytes: args.video_max_mb * 1024 * 1024,
        },
        reports: crate::config::ReportsConfig {
            days: args.report_days,
            contact_days: args.report_contact_days,
            per_address: args.report_limit,
            global: args.report_global_limit,
            shots_hourly_bytes: args.report_shots_mb_per_hour * 1024 * 1024,
        },
        integrity_checks: !args.skip_integrity_check,
        count_views: !args.no_count_views,
        purge_urls: args
            .purge_urls
            .iter()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .map(|u| {
                if u.starts_with("http://") || u.starts_with("https://") {
                    Ok(u)
                } else {
                    Err(anyhow::anyhow!(
                        "--purge-url {u:?} is not an http(s) URL (e.g. http://127.0.0.1:6081/)"
                    ))
                }
            })
            .collect::<anyhow::Result<Vec<_>>>()?,
    };
    let state = AppState::open(config, store)?;
    if state.config.integrity_checks {
        crate::health::check_at_start(&state.health, state.store.as_ref()).await;
    }
    if args.demo {
        let created = crate::demo::load(state.store.as_ref(), state.media.as_ref(), state.now())
            .await
            .context("loading the demo content")?;
        tracing::info!(created, "demo content loaded");
        crate::demo::views::seed(state.store.as_ref(), state.now())
            .await
            .context("adding the demo's views")?;
        crate::demo::planning::seed(state.store.as_ref(), state.now())
            .await
            .context("adding the demo's 报题单")?;
    }
    // a video job killed mid-way (kill -9, a crash) left its scratch
    crate::jobs::sweep_video_scratch(&state.config.data_dir);
    // the 举报 form's secret is made now, so showing the form never writes
    if let Err(e) = state.report_secret().await {
        tracing::warn!(error = %e, "the 举报 form's secret could not be made yet; the form will try again");
    }
    let followers = crate::follow::spawn(&state).await;
    let jobs = crate::jobs::spawn(state.clone());
    let counting = state.views.spawn(state.store.clone());
    // the rankings are computed again every few minutes, by whichever node
    // claims the job; there is always one queued
    if let Err(e) = crate::jobs::start_cdn_purge(&state).await {
        tracing::error!(error = %format!("{e:#}"), "cannot start the CDN purge follower");
    }
    if let Err(e) = crate::jobs::queue_rank_refresh(&state).await {
        tracing::warn!(error = %e, "could not queue the rankings' computation; the next start will");
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {}; is another server using it? choose another with --addr",
                args.addr
            )
        })?;
    let addr = listener.local_addr()?;
    tracing::info!(
        %addr,
        data_dir = %args.data.data_dir.display(),
        media = %state.media.describe(),
        "serving"
    );
    println!(
        "Gazette is serving {} — open http://{addr}/",
        state.config.public_url
    );
    let app = crate::web::app(state.clone());
    // on SIGTERM or Ctrl-C: stop accepting, finish the requests in flight, stop
    // the job runner and give its unfinished claims back (another node runs
    // them at once), then close the database
    let live = state.live.clone();
    let boards = state.boards.clone();
    crate::web::server::serve(
        listener,
        app,
        &state.config.limits,
        max_connections,
        async move {
            shutdown_signal().await;
            // live readers' streams end (their browsers reconnect elsewhere)
            live.close();
            boards.close();
        },
    )
    .await;
    // a job cut off mid-way is rolled back with its transaction; its claim
    // is released just below
    jobs.abort();
    let _ = jobs.await;
    match state.store.release_jobs(&state.config.node_id).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(released = n, "job claims released"),
        Err(e) => {
            tracing::warn!(error = %e, "could not release job claims; they expire with their lease")
        }
    }
    // this node's last counted views go in before the database closes
    counting.abort();
    let _ = counting.await;
    if let Err(e) = state.views.flush(state.store.as_ref()).await {
        tracing::warn!(error = %format!("{e:#}"), "the last counted views could not be added");
    }
    followers.stop().await;
    state.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
