//! CDN purge by key against a real Varnish with the xkey vmod (issue 27
//! §5): pages cached by Varnish carry their dependency keys
//! (`Surrogate-Key`, copied to xkey by the VCL of docs/deploy.md); an edit
//! of one story sends its change's keys as a purge, and exactly the cached
//! pages that showed it are fetched again: the other story's page stays a
//! cache hit. A proxy that is down leaves the follower's cursor where it
//! was, and the purge goes once it is back.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::util::TestApp;

/// The VCL of docs/deploy.md (between its `vcl` markers), on `backend`.
fn vcl(backend: u16) -> String {
    let doc = include_str!("../../../docs/deploy.md");
    let start = doc.find("vcl 4.1;").expect("the VCL in docs/deploy.md");
    let end = start + doc[start..].find("```").expect("the VCL block's end");
    doc[start..end].replace("8080", &backend.to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running varnishd, stopped when dropped (its work directory with it).
struct Varnish {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Varnish {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn varnish(port: u16, backend: u16) -> Option<Varnish> {
    let has = Command::new("varnishd")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
        && std::path::Path::new("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so").exists();
    if !has {
        let msg = "NOT RUN: the purge test needs Varnish with the xkey vmod (apt install varnish varnish-modules)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gazette.vcl");
    std::fs::write(&file, vcl(backend)).unwrap();
    let child = Command::new("varnishd")
        .arg("-F")
        .args(["-n", dir.path().join("work").to_str().unwrap()])
        .args(["-a", &format!("127.0.0.1:{port}")])
        .args(["-f", file.to_str().unwrap()])
        .args(["-s", "malloc,32m"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("varnishd starts");
    Some(Varnish { child, _dir: dir })
}

/// (cached by Varnish, body) of a GET through it.
async fn through(port: u16, path: &str) -> (bool, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let resp = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}{path}"))
        .send()
        .await
        .expect("Varnish answers");
    // a hit names two transactions: this request's and the one that fetched it
    let hit = resp
        .headers()
        .get("x-varnish")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split_whitespace().count() == 2);
    (hit, resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_purges_exactly_the_pages_that_showed_it() {
    let port = free_port();
    let app = TestApp::with_config(|c| {
        c.purge_urls = vec![format!("http://127.0.0.1:{port}/")];
    })
    .await;
    // the demo's own jobs (picture variants: every page shows the logo) first
    app.run_jobs().await;
    let a = app
        .publish(
            9701,
            "main",
            "zw/yw",
            "清早的黄河大集",
            "2024-04-19T08:00:00+08:00",
        )
        .await;
    let b = app
        .publish(
            9702,
            "zouping",
            "sh",
            "社区阅读角开放",
            "2024-04-19T09:00:00+08:00",
        )
        .await;
    let addr = app.serve().await;
    let Some(_varnish) = varnish(port, addr.port()) else {
        return;
    };
    let pa = TestApp::path_of(&a);
    let pb = format!("/zouping/{}", b.url_path.as_deref().unwrap());
    let mut ready = false;
    let _ = rustls::crypto::ring::default_provider().install_default();
    for _ in 0..100 {
        if reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .is_ok()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "varnishd did not start");
    gazette::jobs::start_cdn_purge(&app.state).await.unwrap();
    for p in [&pa, &pb] {
        let (_, body) = through(port, p).await;
        assert!(body.contains(&b.title) || p == &pa, "{p}");
        let (hit, _) = through(port, p).await;
        assert!(hit, "{p} is cached by Varnish");
    }
    let (_, county) = through(port, &pb).await;
    assert!(!county.contains(&a.title), "B's page shows nothing of A");

    // an edit of story A: its page (and the lists showing it) are purged
    let mut edited = a.clone();
    edited.title = "清早的黄河大集(更新)".into();
    app.save(&edited).await;
    app.state
        .cache
        .catch_up(app.state.store.as_ref())
        .await
        .unwrap();
    gazette::follow::wake_purge(&app.state).await;
    app.run_jobs().await;
    let (hit, body) = through(port, &pa).await;
    assert!(!hit, "A was purged");
    assert!(body.contains("清早的黄河大集(更新)"));
    let (hit, _) = through(port, &pb).await;
    assert!(hit, "B showed nothing of A and stays cached");

    // the proxy down: the follower keeps its place and purges once it is back
    drop(_varnish);
    let mut again = edited.clone();
    again.title = "清早的黄河大集(再更新)".into();
    app.save(&again).await;
    app.state
        .cache
        .catch_up(app.state.store.as_ref())
        .await
        .unwrap();
    let before = app.state.store.follower_cursor("cdn_purge").await.unwrap();
    gazette::follow::wake_purge(&app.state).await;
    app.run_jobs().await;
    assert_eq!(
        app.state.store.follower_cursor("cdn_purge").await.unwrap(),
        before,
        "nothing passed on while the proxy is down"
    );
}
