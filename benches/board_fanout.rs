//! The 指挥调度 board's fan-out (issue 26): BOARDS boards of the main site
//! open on a running `gazette serve` (server-sent events, one signed-in
//! viewer's session) while EDITORS editors act, each one act a second for
//! SECONDS seconds: each edits his own plan of today, renaming it to a
//! marker. For each act, the time from the request until each board shows
//! the marker.
//!
//! Usage: cargo bench --bench board_fanout -- ADDR BOARDS EDITORS SECONDS VIEWER EDITOR_PREFIX PASSWORD
//!   (the editors are EDITOR_PREFIX1 .. EDITOR_PREFIXn)
//! Prints: boards connected, acts made, update latency p50/p99/max
//! (milliseconds, over every board and act), board updates missed, frames
//! received. bench/board_fanout.sh runs it and adds the server's memory
//! and the warm story page's throughput with and without the boards.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

#[path = "support/http.rs"]
mod http;
use http::{connect, enc, http, login, pct};

/// A marker in a plan's name: `BX{editor}_{act}X`.
fn markers_in(text: &str, out: &mut Vec<(usize, usize)>) {
    let mut rest = text;
    while let Some(i) = rest.find("BX") {
        rest = &rest[i + 2..];
        let a: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = &rest[a.len()..];
        if let Some(after) = after.strip_prefix('_') {
            let b: String = after.chars().take_while(char::is_ascii_digit).collect();
            if after[b.len()..].starts_with('X')
                && let (Ok(a), Ok(b)) = (a.parse(), b.parse())
            {
                out.push((a, b));
            }
        }
    }
}

/// What one board saw: the first time of each marker.
type Seen = Arc<Mutex<HashMap<(usize, usize), Instant>>>;
/// The acts made: each marker and when its request began.
type Acts = Arc<Mutex<Vec<((usize, usize), Instant)>>>;

async fn board(
    addr: String,
    cookie: String,
    seen: Seen,
    ready: Arc<AtomicUsize>,
    frames: Arc<AtomicUsize>,
) {
    let Ok(mut s) = connect(&addr).await else {
        return;
    };
    let req = format!(
        "GET /admin/board/events?site=main HTTP/1.0\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
    );
    if s.write_all(req.as_bytes()).await.is_err() {
        return;
    }
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending = Vec::new();
    let mut counted = false;
    loop {
        let n = match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        pending.extend_from_slice(&buf[..n]);
        // whole events only: a frame may come in several reads
        while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
            let event: Vec<u8> = pending.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&event);
            if !text.contains("event: board") {
                continue;
            }
            if !counted {
                counted = true;
                ready.fetch_add(1, Ordering::SeqCst);
            }
            frames.fetch_add(1, Ordering::Relaxed);
            let mut found = Vec::new();
            markers_in(&text, &mut found);
            let now = Instant::now();
            let mut seen = seen.lock().unwrap();
            for m in found {
                seen.entry(m).or_insert(now);
            }
        }
    }
}

/// An editor's plan of today: (id, version, coverage id).
async fn own_plan(addr: &str, who: &(String, String), i: usize, day: &str) -> (i64, i64, String) {
    let (st, head, _) = http(
        addr,
        "POST",
        "/admin/planning/new",
        &who.0,
        &format!(
            "_csrf={}&where={}&slug={}&day={day}&priority=2&cov_id=&cov_medium=text&cov_status=planned&cov_time=&cov_note=",
            enc(&who.1),
            enc("main|sh"),
            enc(&format!("压测选题BX{i}_0X")),
        ),
    )
    .await;
    assert_eq!(st, 303, "plan: {head}");
    let id: i64 = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("location:")
                .then(|| l[9..].trim().to_string())
        })
        .and_then(|l| {
            l.trim_start_matches("/admin/planning/")
                .split('?')
                .next()
                .map(String::from)
        })
        .and_then(|s| s.parse().ok())
        .expect("the plan's id");
    let (_, _, page) = http(addr, "GET", &format!("/admin/planning/{id}"), &who.0, "").await;
    let cov = page
        .split("name=\"cov_id\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the coverage id")
        .to_string();
    (id, 1, cov)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [addr, boards, editors, seconds, viewer, prefix, password] = args.as_slice() else {
        eprintln!(
            "usage: cargo bench --bench board_fanout -- ADDR BOARDS EDITORS SECONDS VIEWER EDITOR_PREFIX PASSWORD"
        );
        std::process::exit(2);
    };
    let boards: usize = boards.parse().unwrap();
    let editors: usize = editors.parse().unwrap();
    let seconds: usize = seconds.parse().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let view = login(addr, viewer, password).await;
        let day = {
            let (_, _, page) = http(addr, "GET", "/admin/planning", &view.0, "").await;
            page.split("name=\"day\" value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .expect("today on the 报题单")
                .to_string()
        };
        let mut people = Vec::new();
        for i in 1..=editors {
            let who = login(addr, &format!("{prefix}{i}"), password).await;
            let plan = own_plan(addr, &who, i, &day).await;
            people.push((who, plan));
        }
        let ready = Arc::new(AtomicUsize::new(0));
        let frames = Arc::new(AtomicUsize::new(0));
        let seen: Vec<Seen> = (0..boards).map(|_| Arc::default()).collect();
        for s in &seen {
            tokio::spawn(board(addr.clone(), view.0.clone(), s.clone(), ready.clone(), frames.clone()));
        }
        let until = Instant::now() + Duration::from_secs(30);
        while ready.load(Ordering::SeqCst) < boards && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!("{}/{boards} boards open", ready.load(Ordering::SeqCst));
        println!("ACTING");
        frames.store(0, Ordering::SeqCst);
        let acts: Acts = Arc::default();
        let failed = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for (i, (who, (id, version, cov))) in people.into_iter().enumerate() {
            let (addr, acts, failed, day) = (addr.clone(), acts.clone(), failed.clone(), day.clone());
            let i = i + 1;
            tasks.push(tokio::spawn(async move {
                // each editor at his own phase within the second
                tokio::time::sleep(Duration::from_millis((i as u64 * 1000) / editors as u64)).await;
                let mut version = version;
                for k in 1..=seconds {
                    let tick = Instant::now();
                    let form = format!(
                        "_csrf={}&version={version}&where={}&slug={}&day={day}&priority=2&cov_id={cov}&cov_medium=text&cov_status=planned&cov_time=&cov_note=",
                        enc(&who.1),
                        enc("main|sh"),
                        enc(&format!("压测选题BX{i}_{k}X")),
                    );
                    let (st, _, _) = http(&addr, "POST", &format!("/admin/planning/{id}"), &who.0, &form).await;
                    if st == 303 {
                        version += 1;
                        acts.lock().unwrap().push(((i, k), tick));
                    } else {
                        failed.fetch_add(1, Ordering::SeqCst);
                    }
                    let spent = tick.elapsed();
                    if spent < Duration::from_secs(1) {
                        tokio::time::sleep(Duration::from_secs(1) - spent).await;
                    }
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        println!("DONE");
        let acts = acts.lock().unwrap().clone();
        let mut lat = Vec::new();
        let mut missed = 0usize;
        for s in &seen {
            let s = s.lock().unwrap();
            for (m, t0) in &acts {
                match s.get(m) {
                    Some(t) => lat.push(t.duration_since(*t0).as_secs_f64() * 1000.0),
                    None => missed += 1,
                }
            }
        }
        lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "acts {} ({} refused), board updates {} seen / {} missed; latency ms p50 {:.0} p99 {:.0} max {:.0}; frames received {}",
            acts.len(),
            failed.load(Ordering::SeqCst),
            lat.len(),
            missed,
            pct(&lat, 0.50),
            pct(&lat, 0.99),
            lat.last().copied().unwrap_or(f64::NAN),
            frames.load(Ordering::SeqCst),
        );
    });
}
