//! The static export under nginx with the documented configuration
//! (`bench/nginx/static.conf`, as docs/deploy-static.md says): pages with
//! their 更多 fragment included equal what `serve` answers, a withdrawn
//! story's URL answers 410 with its page, a missing one 404, feeds and
//! sitemaps carry their types in UTF-8, fingerprinted assets are cached for
//! good. Needs nginx (apt install nginx); without it the test says NOT RUN,
//! and fails under CI.

use std::path::Path;

use crate::util::TestApp;

fn nginx() -> Option<&'static str> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A GET to nginx: status, headers (lower-cased names) and body.
async fn fetch(port: u16, path: &str) -> (u16, Vec<(String, String)>, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body = &raw[end + 4..];
    // nginx sends SSI-assembled pages chunked
    let body = if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v == "chunked")
    {
        let mut out = Vec::new();
        let mut rest = body;
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest = &rest[line_end + 2 + size + 2..];
        }
        out
    } else {
        body.to_vec()
    };
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn the_export_under_the_documented_nginx_config() {
    let Some(bin) = nginx() else {
        let msg = "NOT RUN: the nginx test needs nginx (apt install nginx)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    };
    let app = TestApp::with_demo().await;
    let gone = app
        .publish(
            7201,
            "main",
            "sh",
            "将被撤回的稿件",
            "2024-04-20T08:00:00+08:00",
        )
        .await;
    let gone_path = TestApp::path_of(&gone);
    let kept = app
        .publish(
            7202,
            "main",
            "sh",
            "留下的稿件",
            "2024-04-20T09:00:00+08:00",
        )
        .await;
    let kept_path = TestApp::path_of(&kept);
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    gazette::export::build(&app.state, &site, false, false)
        .await
        .unwrap();
    // withdrawn after the full build: the incremental build keeps its 410
    let mut a = app.state.store.article(7201).await.unwrap().unwrap();
    app.withdraw(&mut a).await;
    let report = gazette::export::build(&app.state, &site, true, false)
        .await
        .unwrap();
    assert!(!report.full);
    assert!(report.removed.contains(&gone_path), "{:?}", report.removed);

    let (port, plain) = (free_port(), free_port());
    std::fs::create_dir_all(work.path().join("tmp")).unwrap();
    let conf = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/nginx/static.conf"),
    )
    .unwrap()
    .replace("@ROOT@", site.to_str().unwrap())
    .replace("@WORK@", work.path().to_str().unwrap())
    .replace("@PORT@", &port.to_string())
    .replace("@PLAINPORT@", &plain.to_string());
    let conf_path = work.path().join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let out = std::process::Command::new(bin)
        .arg("-c")
        .arg(&conf_path)
        .arg("-e")
        .arg(work.path().join("nginx-error.log"))
        .output()
        .expect("start nginx");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    struct Stop(std::path::PathBuf, &'static str);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = std::process::Command::new(self.1)
                .arg("-c")
                .arg(&self.0)
                .arg("-s")
                .arg("stop")
                .output();
        }
    }
    let _stop = Stop(conf_path.clone(), bin);
    crate::util::wait::until("nginx listens", std::time::Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });

    // a live story: the page serve answers, its fragment included
    let (status, h, body) = fetch(port, &kept_path).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(
        body,
        app.get(&kept_path).await.body,
        "nginx with SSI equals serve"
    );
    // the withdrawn one: 410 with the page serve answers
    let (status, _, body) = fetch(port, &gone_path).await;
    assert_eq!(status, 410);
    let served = app.get(&gone_path).await;
    assert_eq!(served.status, 410);
    assert_eq!(body, served.body);
    // an unknown one: 404 with the styled page
    let (status, _, body) = fetch(port, "/sh/2024-04/20/9999999.html").await;
    assert_eq!(status, 404);
    assert!(body.contains("页面不存在"));
    // the 410 pages are not reachable as pages of their own
    let (status, _, _) = fetch(port, &format!("/_gone{gone_path}")).await;
    assert_eq!(status, 404);
    // feeds and sitemaps with their types, in UTF-8
    for (path, ct) in [
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/zw/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
    ] {
        let (status, h, _) = fetch(port, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&h, "content-type"), Some(ct), "{path}");
    }
    // the stylesheet by the name pages link: cached for good
    let css = app
        .get("/")
        .await
        .select_attr("link[rel=stylesheet]", "href")[0]
        .clone();
    let (status, h, body) = fetch(port, &css).await;
    assert_eq!(status, 200, "{css}");
    assert_eq!(
        header(&h, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(body, app.get(&css).await.body);
}
