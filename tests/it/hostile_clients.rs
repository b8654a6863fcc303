//! Clients that hold connections open, dribble bytes, flood sign-ins or
//! claim to be someone else: none of them may starve the others.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use gazette::domain::user::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::util::agent::PASSWORD;
use crate::util::{TestApp, TestResponse};

/// One HTTP/1.1 GET over a fresh connection; the status code.
async fn get_status(addr: SocketAddr, path: &str) -> u16 {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let head = String::from_utf8_lossy(&buf);
    head.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// Wait until the server closes `s` (EOF or reset); how long that took.
async fn closed_within(mut s: TcpStream, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(limit.saturating_sub(start.elapsed()), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => continue, // an error answer before the close
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_and_never_starve_readers() {
    let app = TestApp::with_config(|c| {
        c.limits.max_connections = 32;
        c.limits.header_timeout = Duration::from_millis(400);
        c.limits.body_deadline = Duration::from_secs(1);
    })
    .await;
    let addr = app.serve().await;
    assert_eq!(get_status(addr, "/").await, 200);

    // 100 slowloris connections (three times the cap): headers never finish
    let mut slow = Vec::new();
    for _ in 0..100 {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    // and idle keep-alive connections after one request each
    let mut idle = Vec::new();
    for _ in 0..10 {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .unwrap();
        idle.push(s);
    }
    // a reader still gets the home page, once the server has shed the slow ones
    let start = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(10), get_status(addr, "/"))
        .await
        .expect("a normal request is answered while 110 sockets hang");
    assert_eq!(status, 200);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // every hanging connection is closed by the server, none left open
    for s in slow.into_iter().chain(idle) {
        assert!(
            closed_within(s, Duration::from_secs(8)).await.is_some(),
            "a slow or idle connection was left open"
        );
    }

    // a form body dribbled a byte at a time is cut off at the body deadline
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=",
    )
    .await
    .unwrap();
    let start = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        tokio::select! {
            r = s.read(&mut buf) => match r {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            },
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                assert!(start.elapsed() < Duration::from_secs(6), "a dribbled body kept the request open");
                if s.write_all(b"a").await.is_err() { break; }
            }
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&answer);
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
}

fn from_peer(peer: &str, real_ip: Option<&str>, username: &str, password: &str) -> Request<Body> {
    let body = serde_urlencoded::to_string([
        ("username", username),
        ("password", password),
        ("next", "/admin/"),
    ])
    .unwrap();
    let mut req = Request::post("/admin/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    if let Some(ip) = real_ip {
        req = req.header("x-real-ip", ip);
    }
    req.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn proxy_headers_are_believed_only_from_trusted_proxies() {
    let app = TestApp::with_config(|c| {
        c.limits.trusted_proxies = vec!["10.0.0.1/32".parse().unwrap()];
    })
    .await;
    let limit = gazette::accounts::ADDRESS_LIMIT;
    // a client rotating X-Real-IP is still one address: locked after the limit
    let mut last: Option<TestResponse> = None;
    for i in 0..=limit {
        let fake = format!("198.51.100.{i}");
        let r = app
            .request(from_peer(
                "203.0.113.7:40000",
                Some(&fake),
                &format!("user{i}"),
                "wrong password!",
            ))
            .await;
        last = Some(r);
    }
    let last = last.unwrap();
    assert_eq!(last.status, 429, "{}", last.body);
    // behind the trusted proxy, the named client is the one counted: others
    // behind the same proxy are not locked out with it
    for i in 0..limit {
        let r = app
            .request(from_peer(
                "10.0.0.1:5000",
                Some("192.0.2.50"),
                &format!("u{i}"),
                "wrong password!",
            ))
            .await;
        assert_eq!(r.status, 401);
    }
    let locked = app
        .request(from_peer(
            "10.0.0.1:5000",
            Some("192.0.2.50"),
            "x",
            "wrong password!",
        ))
        .await;
    assert_eq!(locked.status, 429);
    let other = app
        .request(from_peer(
            "10.0.0.1:5000",
            Some("192.0.2.51"),
            "x",
            "wrong password!",
        ))
        .await;
    assert_eq!(
        other.status, 401,
        "another client behind the proxy is not locked out"
    );
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_of_an_account() {
    let app = TestApp::with_config(|_| {}).await;
    app.add_user("signer", &[Role::Signer], &["main"]).await;
    for _ in 0..gazette::accounts::PAIR_LIMIT {
        let r = app
            .request(from_peer(
                "203.0.113.66:1",
                None,
                "signer",
                "guess guess guess",
            ))
            .await;
        assert_eq!(r.status, 401);
    }
    // the guesser's address is locked out of the account (even with the password)
    let r = app
        .request(from_peer("203.0.113.66:1", None, "signer", PASSWORD))
        .await;
    assert_eq!(r.status, 429);
    assert!(r.text().contains("分钟后重试"));
    // the owner, elsewhere, signs in: slowed down, not refused
    let start = Instant::now();
    let r = app
        .request(from_peer("192.0.2.10:1", None, "signer", PASSWORD))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "the account's tries are slowed down"
    );
    // and an administrator's 解除登录限制 (the users screen) clears the rest
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    let signer = app
        .state
        .store
        .user_with_hash("signer")
        .await
        .unwrap()
        .unwrap()
        .0;
    let unlocked = admin
        .post(&format!("/admin/users/{}/unlock", signer.id), &[])
        .await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.body);
    assert!(unlocked.text().contains("已解除"), "{}", unlocked.text());
    let r = app
        .request(from_peer("203.0.113.66:1", None, "signer", PASSWORD))
        .await;
    assert_eq!(r.status, 303);
}

#[tokio::test]
async fn cross_site_posts_and_bad_next_links_are_refused() {
    let app = TestApp::with_config(|_| {}).await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let login = |origin: Option<&str>, next: &str| {
        let body = serde_urlencoded::to_string([
            ("username", "reporter"),
            ("password", PASSWORD),
            ("next", next),
        ])
        .unwrap();
        let mut req = Request::post("/admin/login")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        req.body(Body::from(body)).unwrap()
    };
    // login CSRF: a form on another site signing the victim in as the attacker
    let forged = app
        .request(login(Some("https://evil.example"), "/admin/"))
        .await;
    assert_eq!(forged.status, 403);
    assert!(
        forged.text().contains("请求来自其他网站"),
        "{}",
        forged.body
    );
    assert!(forged.header("set-cookie").is_none());
    let ok = app
        .request(login(Some("http://127.0.0.1:8080"), "/admin/"))
        .await;
    assert_eq!(ok.status, 303);
    // a next= with control characters falls back to the dashboard, no 500
    for next in [
        "/admin/\r\nSet-Cookie: x=1",
        "/admin/\u{7f}",
        "//evil.example",
        "/admin//evil",
    ] {
        let r = app.request(login(None, next)).await;
        assert_eq!(r.status, 303, "{next:?}: {}", r.body);
        assert_eq!(r.header("location"), Some("/admin/"), "{next:?}");
    }
    // a malformed form is a Chinese page, not axum's English text
    let bad = app
        .request(
            Request::post("/admin/login")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("x"))
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status, 415);
    assert!(bad.text().contains("格式不正确"), "{}", bad.body);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::with_config(|c| c.limits.metrics_token = Some("s3cret-token".into())).await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let reporter = app.login("reporter").await;
    let upload = reporter
        .upload(&reporter.csrf, &crate::util::upload::png(400, 300))
        .await;
    let url = serde_json::from_str::<serde_json::Value>(&upload.body).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    for (what, resp) in [
        ("home", app.get("/").await),
        ("404", app.get("/no/such/page.html").await),
        ("admin", reporter.get("/admin/").await),
        ("login", app.get("/admin/login").await),
        ("media", app.get(&url).await),
        ("asset", app.get("/static/gazette.css").await),
    ] {
        assert!(resp.status.as_u16() < 500, "{what}: {}", resp.status);
        assert_eq!(
            resp.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(resp.header("x-frame-options"), Some("SAMEORIGIN"), "{what}");
        assert_eq!(
            resp.header("referrer-policy"),
            Some("strict-origin-when-cross-origin"),
            "{what}"
        );
        let csp = resp.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'self'"),
            "{what}: {csp}"
        );
    }
    // /metrics: not for the world; for loopback or the token
    let metrics = |peer: &str, token: Option<&str>| {
        let mut req =
            Request::get("/metrics").extension(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        req.body(Body::empty()).unwrap()
    };
    assert_eq!(
        app.request(metrics("203.0.113.9:1", None)).await.status,
        403
    );
    assert_eq!(
        app.request(metrics("203.0.113.9:1", Some("wrong")))
            .await
            .status,
        403
    );
    assert_eq!(
        app.request(metrics("203.0.113.9:1", Some("s3cret-token")))
            .await
            .status,
        200
    );
    assert_eq!(app.request(metrics("127.0.0.1:1", None)).await.status, 200);
    // the accepted uploads get their sizes made
    app.run_jobs().await;
}

#[tokio::test]
async fn uploads_are_bounded_in_pixels_and_in_concurrent_decodes() {
    let app = TestApp::with_config(|c| c.limits.decode_slots = 1).await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let reporter = app.login("reporter").await;
    // a small file claiming 60 megapixels is refused from its header
    let bomb = {
        let img = image::GrayImage::new(10_000, 6_000);
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageLuma8(img)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    let r = reporter.upload(&reporter.csrf, &bomb).await;
    assert_eq!(r.status, 415, "{}", r.body);
    assert!(r.body.contains("5000 万"), "{}", r.body);
    // while every decoding slot is busy, an upload is told to retry
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let state = app.state.clone();
    let holder =
        tokio::spawn(async move { state.work.decode.run(move || wait.recv().is_ok()).await });
    while app.state.work.decode.available() > 0 {
        tokio::task::yield_now().await;
    }
    let busy = reporter
        .upload(&reporter.csrf, &crate::util::upload::png(400, 300))
        .await;
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert!(busy.body.contains("稍后重试"), "{}", busy.body);
    assert!(busy.header("retry-after").is_some());
    release.send(()).unwrap();
    holder.await.unwrap().unwrap();
    let ok = reporter
        .upload(&reporter.csrf, &crate::util::upload::png(400, 300))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // the accepted uploads get their sizes made
    app.run_jobs().await;
}
