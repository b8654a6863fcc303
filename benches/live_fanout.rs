//! Live fan-out: READERS readers of one live story on a running `gazette
//! serve`, an editor approving ENTRIES entries one a second; for each entry,
//! the time from the approval request until each reader has it.
//!
//! Usage: cargo bench --bench live_fanout -- ADDR MODE READERS ENTRIES STORY REPORTER EDITOR PASSWORD
//!   MODE sse:  every reader holds `GET /live/STORY/events` (server-sent events)
//!   MODE poll: every reader polls `/live/STORY/BUCKET.json` every 10 s (what
//!              WordPress' liveblog does), each at its own phase
//! Prints, per mode: readers connected, per-entry delivery p50/p99/max
//! (milliseconds, over every reader and entry), readers that missed an
//! entry, requests made. bench/live_fanout.sh runs both against one server
//! and adds its memory and the story page's throughput.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

#[path = "support/http.rs"]
mod http;
use http::{connect, enc, http, login, pct};

/// What one reader saw: (seq, when) for each new seq, in order.
type Seen = Arc<Mutex<Vec<(i64, Instant)>>>;

fn seqs_in(text: &str, out: &mut Vec<i64>, pattern: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(pattern) {
        rest = &rest[i + pattern.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(n) = digits.parse() {
            out.push(n);
        }
    }
}

/// One SSE reader for its whole life: each `id: SEQ` line it reads.
async fn sse_reader(
    addr: String,
    story: i64,
    seen: Seen,
    ready: Arc<std::sync::atomic::AtomicUsize>,
) {
    let Ok(mut s) = connect(&addr).await else {
        return;
    };
    let req = format!(
        "GET /live/{story}/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).await.is_err() {
        return;
    }
    let mut buf = vec![0u8; 8192];
    let mut counted = false;
    let mut have: BTreeSet<i64> = BTreeSet::new();
    loop {
        let n = match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let text = String::from_utf8_lossy(&buf[..n]);
        if !counted && text.contains("retry:") {
            counted = true;
            ready.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        let mut found = Vec::new();
        seqs_in(&text, &mut found, "id: ");
        let now = Instant::now();
        for seq in found {
            if have.insert(seq) {
                seen.lock().unwrap().push((seq, now));
            }
        }
    }
}

/// One polling reader: every 10 s from its phase, the bucket's snapshot.
async fn poll_reader(
    addr: String,
    story: i64,
    seen: Seen,
    phase: Duration,
    until: Instant,
    requests: Arc<std::sync::atomic::AtomicUsize>,
    ready: Arc<std::sync::atomic::AtomicUsize>,
) {
    tokio::time::sleep(phase).await;
    let mut have: BTreeSet<i64> = BTreeSet::new();
    let mut first = true;
    while Instant::now() < until {
        let bucket = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            / 10;
        if let Ok(mut s) = connect(&addr).await {
            let req = format!("GET /live/{story}/{bucket}.json HTTP/1.0\r\nHost: {addr}\r\n\r\n");
            if s.write_all(req.as_bytes()).await.is_ok() {
                let mut body = Vec::new();
                if s.read_to_end(&mut body).await.is_ok() {
                    requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let text = String::from_utf8_lossy(&body);
                    let mut found = Vec::new();
                    seqs_in(&text, &mut found, "\"seq\":");
                    let now = Instant::now();
                    for seq in found {
                        if have.insert(seq) && !first {
                            seen.lock().unwrap().push((seq, now));
                        }
                    }
                    if first {
                        first = false;
                        ready.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [
        addr,
        mode,
        readers,
        entries,
        story,
        reporter,
        editor,
        password,
    ] = args.as_slice()
    else {
        eprintln!(
            "usage: cargo bench --bench live_fanout -- ADDR sse|poll READERS ENTRIES STORY REPORTER EDITOR PASSWORD"
        );
        std::process::exit(2);
    };
    let readers: usize = readers.parse().unwrap();
    let n_entries: usize = entries.parse().unwrap();
    let story: i64 = story.parse().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let rep = login(addr, reporter, password).await;
        let ed = login(addr, editor, password).await;
        let ready = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen: Vec<Seen> = (0..readers).map(|_| Arc::default()).collect();
        let started = Instant::now();
        let until = started + Duration::from_secs(60 + n_entries as u64 + 30);
        for (i, s) in seen.iter().enumerate() {
            let (addr, s, ready, requests) = (addr.clone(), s.clone(), ready.clone(), requests.clone());
            if mode == "sse" {
                tokio::spawn(sse_reader(addr, story, s, ready));
                // a few hundred connections at a time, as readers arrive
                if i % 200 == 199 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            } else {
                let phase = Duration::from_millis((i as u64 * 10_000) / readers as u64);
                tokio::spawn(poll_reader(addr, story, s, phase, until, requests, ready));
            }
        }
        // everyone in before the first approval
        let wait_until = Instant::now() + Duration::from_secs(60);
        while ready.load(std::sync::atomic::Ordering::SeqCst) < readers && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let connected = ready.load(std::sync::atomic::Ordering::SeqCst);
        println!("{mode}: {connected}/{readers} readers in after {:.1} s", started.elapsed().as_secs_f64());
        // signal the script (memory, page throughput) that approvals begin
        println!("APPROVING");
        let mut approved_at = Vec::new();
        for k in 0..n_entries {
            let tick = Instant::now();
            let (st, head, _) = http(
                addr,
                "POST",
                &format!("/admin/live/{story}/entries"),
                &rep.0,
                &format!("_csrf={}&body={}", enc(&rep.1), enc(&format!("压力测试条目 {k}:现场读者同时收到。"))),
            )
            .await;
            assert_eq!(st, 303, "write entry: {head}");
            // the entry's id: the newest pending on the desk
            let (_, _, desk) = http(addr, "GET", &format!("/admin/live/{story}"), &ed.0, "").await;
            let entry: i64 = desk
                .split("<li class=\"live-desk-entry pending\" id=\"e")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|s| s.parse().ok())
                .expect("a pending entry");
            let t0 = Instant::now();
            let (st, _, _) = http(
                addr,
                "POST",
                &format!("/admin/live/entries/{entry}/act"),
                &ed.0,
                &format!("_csrf={}&op=approve", enc(&ed.1)),
            )
            .await;
            assert_eq!(st, 303, "approve");
            approved_at.push(t0);
            let spent = tick.elapsed();
            if spent < Duration::from_secs(1) {
                tokio::time::sleep(Duration::from_secs(1) - spent).await;
            }
        }
        // let the last ones arrive (a poll may take up to its interval)
        let settle = if mode == "sse" { 3 } else { 12 };
        tokio::time::sleep(Duration::from_secs(settle)).await;
        println!("DONE");
        // the k-th new seq any reader saw is the k-th approval
        let mut all: BTreeSet<i64> = BTreeSet::new();
        for s in &seen {
            for (seq, _) in s.lock().unwrap().iter() {
                all.insert(*seq);
            }
        }
        let order: Vec<i64> = all.into_iter().collect();
        let mut lat = Vec::new();
        let mut missed = 0usize;
        let mut per_entry_max = vec![0f64; n_entries];
        for s in &seen {
            let got = s.lock().unwrap();
            for (k, t0) in approved_at.iter().enumerate() {
                let Some(seq) = order.get(order.len().saturating_sub(n_entries) + k) else {
                    missed += 1;
                    continue;
                };
                match got.iter().find(|(q, _)| q == seq) {
                    Some((_, t)) => {
                        let ms = t.saturating_duration_since(*t0).as_secs_f64() * 1000.0;
                        per_entry_max[k] = per_entry_max[k].max(ms);
                        lat.push(ms);
                    }
                    None => missed += 1,
                }
            }
        }
        lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let mut worst: Vec<f64> = per_entry_max.clone();
        worst.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{mode}: {} deliveries; delivery ms p50 {:.0}  p99 {:.0}  max {:.0}; time until every reader had an entry: median {:.0} ms, worst {:.0} ms; missed {missed}; poll requests {}",
            lat.len(),
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.last().copied().unwrap_or(f64::NAN),
            pct(&worst, 0.5),
            worst.last().copied().unwrap_or(f64::NAN),
            requests.load(std::sync::atomic::Ordering::SeqCst),
        );
        std::process::exit(0);
    });
}
