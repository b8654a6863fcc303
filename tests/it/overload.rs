//! One client cannot take the site down: live event streams are capped per
//! address and in total (the rest of the readers poll), and when slow or
//! silent clients fill every connection slot, a reader is still answered at
//! once (a connection waiting for its headers is let go for him).

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::live::{live_story, open_events, sse_until};
use crate::util::TestApp;
use crate::util::desk::desk;

/// The status line's code of the answer on `s` (waits up to 10 s).
async fn status_of(s: &mut tokio::net::TcpStream) -> String {
    let mut seen = String::new();
    assert!(sse_until(s, &mut seen, "\r\n").await, "no answer: {seen}");
    seen.split_whitespace().nth(1).unwrap_or("").to_string()
}

/// `GET path` on a fresh connection: (status, how long it took).
async fn timed_get(addr: std::net::SocketAddr, path: &str) -> (String, Duration) {
    let start = Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut head = [0u8; 12];
    let read = tokio::time::timeout(Duration::from_secs(8), s.read_exact(&mut head)).await;
    assert!(read.is_ok(), "{path}: no answer within 8 s");
    (
        String::from_utf8_lossy(&head[9..12]).to_string(),
        start.elapsed(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_streams_are_capped_per_address_and_in_total_and_pages_still_answer() {
    let app = TestApp::with_config(|c| {
        c.limits.live_streams_per_address = 3;
        c.limits.live_streams_total = 5;
        // the test speaks for several readers through a trusted proxy
        c.limits.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let d = desk(&app).await;
    let story = live_story(&d).await;
    let addr = app.serve().await;
    let from = |ip: &str| format!("X-Real-IP: {ip}\r\n");
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = open_events(addr, story, &from("203.0.113.7")).await;
        assert_eq!(status_of(&mut s).await, "200");
        held.push(s);
    }
    // a fourth from the same address is refused, and told when to try again
    let mut fourth = open_events(addr, story, &from("203.0.113.7")).await;
    let mut answer = String::new();
    assert!(
        sse_until(&mut fourth, &mut answer, "自动刷新").await,
        "{answer}"
    );
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 30"),
        "{answer}"
    );
    // an IPv6 reader counts by its /64: a neighbour in it shares its share
    for ip in ["2001:db8:5:6::1", "2001:db8:5:6::2"] {
        let mut s = open_events(addr, story, &from(ip)).await;
        assert_eq!(status_of(&mut s).await, "200", "{ip}");
        held.push(s);
    }
    // five held in all: a new address is refused too, and polls instead
    let mut sixth = open_events(addr, story, &from("198.51.100.1")).await;
    assert_eq!(status_of(&mut sixth).await, "429");
    let poll = app.get(&format!("/live/{story}/entries.json")).await;
    assert!(poll.status.is_success(), "{}", poll.status);
    // pages and health answer while the streams are held
    for path in ["/", "/healthz", "/readyz"] {
        let (status, _) = timed_get(addr, path).await;
        assert_eq!(status, "200", "{path}");
    }
    assert_eq!(
        app.state
            .live
            .streams
            .load(std::sync::atomic::Ordering::SeqCst),
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_dribbling_headers_at_the_cap_do_not_keep_a_reader_waiting() {
    let app = TestApp::with_config(|c| {
        c.limits.max_connections = 16;
        c.limits.header_timeout = Duration::from_secs(30);
    })
    .await;
    let d = desk(&app).await;
    let story = live_story(&d).await;
    let addr = app.serve().await;
    // a reader holds a live stream: a request in progress is never let go
    let mut stream = open_events(addr, story, "").await;
    assert_eq!(status_of(&mut stream).await, "200");
    // fifteen clients take the other slots and send half their headers
    let mut slow = Vec::new();
    for _ in 0..15 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: sl")
            .await
            .unwrap();
        slow.push(s);
    }
    // a reader (accepted after them, in order) is answered, well before any header timeout
    for _ in 0..3 {
        let (status, took) = timed_get(addr, "/").await;
        assert_eq!(status, "200");
        assert!(took < Duration::from_secs(5), "the reader waited {took:?}");
    }
    // the live stream is still open: it got no end of file
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_millis(300), stream.read(&mut buf)).await;
    assert!(
        !matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "the live stream was closed"
    );
    // and a dribbler was let go for the first of them: it found its
    // connection closed (the others' slots came back as they finished)
    let mut closed = 0;
    for s in &mut slow {
        if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(50), s.read(&mut buf)).await {
            closed += 1;
        }
    }
    assert!(closed >= 1, "{closed} of 15 slow clients let go");
}
