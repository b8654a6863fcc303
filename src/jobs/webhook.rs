//! A planning event goes to a desk's group-chat robot: posted once, retried
//! by the job queue until delivered or `MAX_ATTEMPTS` are spent. A robot
//! whose address resolves to a loopback or private network is refused
//! (unless the administrator allowed it), and the request goes to the very
//! address that was checked (no second lookup, no redirects).

use std::time::Duration;

use crate::domain::planning::notice::{self, Format, MAX_ATTEMPTS};
use crate::state::AppState;

/// Why a delivery did not go.
enum Failed {
    /// Trying again will not help (a refused address, a bad URL).
    Never(String),
    /// Perhaps next time (the robot did not answer, or answered an error).
    Now(String),
}

pub(super) async fn run(state: &AppState, key: &str) -> anyhow::Result<()> {
    let id = key
        .parse::<i64>()
        .map_err(|_| anyhow::anyhow!("webhook job key is not an id"))?;
    let Some(d) = state.store.delivery(id).await? else {
        return Ok(());
    };
    // once per event: a delivered or given-up message is never sent again
    if d.delivered_at.is_some() || d.failed_at.is_some() {
        return Ok(());
    }
    match send(&d.hook, &d.text, state.now()).await {
        Ok(()) => {
            state
                .store
                .record_delivery(id, None, false, state.now())
                .await?;
            tracing::info!(delivery = id, hook = d.hook.id, "robot message delivered");
            Ok(())
        }
        Err(Failed::Never(e)) => {
            tracing::warn!(delivery = id, hook = d.hook.id, error = %e, "robot message refused");
            state
                .store
                .record_delivery(id, Some(&e), true, state.now())
                .await?;
            Ok(())
        }
        Err(Failed::Now(e)) => {
            let give_up = d.attempts + 1 >= MAX_ATTEMPTS;
            state
                .store
                .record_delivery(id, Some(&e), give_up, state.now())
                .await?;
            if give_up {
                tracing::warn!(delivery = id, error = %e, "robot message given up");
                Ok(())
            } else {
                Err(anyhow::anyhow!("robot message not delivered: {e}"))
            }
        }
    }
}

async fn send(hook: &crate::db::Webhook, text: &str, now: i64) -> Result<(), Failed> {
    let format = Format::parse(&hook.format)
        .ok_or_else(|| Failed::Never(format!("unknown robot format {:?}", hook.format)))?;
    let (host, port) = notice::check_url(&hook.url).map_err(Failed::Never)?;
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| Failed::Now(format!("cannot resolve {host}: {e}")))?
        .collect();
    let Some(addr) = addrs.first().copied() else {
        return Err(Failed::Now(format!("{host} has no address")));
    };
    if !hook.allow_private && addrs.iter().any(|a| notice::is_internal(a.ip())) {
        return Err(Failed::Never(format!(
            "refused: {host} resolves to an internal address ({})",
            addr.ip()
        )));
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .resolve(&host, addr)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| Failed::Never(format!("client: {e}")))?;
    let url = notice::target(format, &hook.url, &hook.secret, now * 1000);
    let resp = client
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body(notice::body(text))
        .send()
        .await
        .map_err(|e| Failed::Now(format!("post: {e}")))?;
    let status = resp.status();
    let answer = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(Failed::Now(format!("robot answered {status}")));
    }
    // both robots answer {"errcode":0,...}; anything else is their refusal
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&answer)
        && let Some(code) = v.get("errcode").and_then(|c| c.as_i64())
        && code != 0
    {
        let msg = v.get("errmsg").and_then(|m| m.as_str()).unwrap_or("");
        return Err(Failed::Now(format!("robot refused: {code} {msg}")));
    }
    Ok(())
}
