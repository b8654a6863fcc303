//! A reader's latency while one client tries to take the site down, side by
//! side with the quiet figure (issue 24 §4), against a running `gazette
//! serve`:
//!
//! 1. quiet: REQUESTS page requests, one after another, each on a new
//!    connection (what a new reader does);
//! 2. streams: one address opens STREAMS live event streams and holds the
//!    ones it gets; the same page requests meanwhile;
//! 3. slow: SLOW clients connect and dribble their headers (a byte every
//!    2 s, never finishing); the same page requests meanwhile.
//!
//! Usage: cargo bench --bench overload -- ADDR STORY STREAMS SLOW REQUESTS
//! (bench/overload.sh starts the server and runs it). Prints, per phase:
//! what the attacker holds, then the page's p50/p99/max in milliseconds,
//! failures, and p99 against the quiet p99.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// One page request on a new connection: its time, or None if it failed or
/// took more than 5 s (a reader gone).
async fn page(addr: &str) -> Option<Duration> {
    let start = Instant::now();
    let work = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
        s.write_all(
            format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .ok()?;
        let mut body = Vec::new();
        s.read_to_end(&mut body).await.ok()?;
        body.starts_with(b"HTTP/1.1 200").then_some(())
    };
    tokio::time::timeout(Duration::from_secs(5), work)
        .await
        .ok()
        .flatten()
        .map(|()| start.elapsed())
}

struct Figures {
    p50: f64,
    p99: f64,
    max: f64,
    failed: usize,
}

async fn measure(addr: &str, n: usize) -> Figures {
    let mut times = Vec::with_capacity(n);
    let mut failed = 0;
    for _ in 0..n {
        match page(addr).await {
            Some(t) => times.push(t.as_secs_f64() * 1000.0),
            None => failed += 1,
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        if times.is_empty() {
            f64::NAN
        } else {
            times[((times.len() - 1) as f64 * q).round() as usize]
        }
    };
    Figures {
        p50: at(0.5),
        p99: at(0.99),
        max: times.last().copied().unwrap_or(f64::NAN),
        failed,
    }
}

/// Open `n` event streams from this one address, all at once; keep the
/// admitted ones. (One with no answer in 10 s counts as failed: the server
/// had no connection for it.)
async fn streams(addr: &str, story: i64, n: usize) -> (Vec<TcpStream>, usize, usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let addr = addr.to_string();
        tasks.spawn(async move {
            let mut s = TcpStream::connect(&addr).await.ok()?;
            let req = format!(
                "GET /live/{story}/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
            );
            s.write_all(req.as_bytes()).await.ok()?;
            let mut head = [0u8; 12];
            tokio::time::timeout(Duration::from_secs(10), s.read_exact(&mut head))
                .await
                .ok()?
                .ok()?;
            Some((&head[9..12] == b"200").then_some(s))
        });
    }
    let mut held = Vec::new();
    let (mut refused, mut failed) = (0, 0);
    while let Some(r) = tasks.join_next().await {
        match r.ok().flatten() {
            Some(Some(s)) => held.push(s),
            Some(None) => refused += 1,
            None => failed += 1,
        }
    }
    (held, refused, failed)
}

/// `n` clients that send half a request's headers, then a byte every 2 s,
/// and connect again when they are let go.
fn dribblers(addr: &str, n: usize) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n)
        .map(|_| {
            let addr = addr.to_string();
            // let go by the server, it comes straight back, as an attacker would
            tokio::spawn(async move {
                loop {
                    if let Ok(mut s) = TcpStream::connect(&addr).await
                        && s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.is_ok()
                    {
                        while s.write_all(b"X").await.is_ok() {
                            tokio::time::sleep(Duration::from_secs(2)).await;
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        })
        .collect()
}

fn row(phase: &str, held: &str, f: &Figures, quiet: f64) {
    println!(
        "{phase:<34} {held:<28} {:>8.1} {:>8.1} {:>8.1} {:>7} {:>9.1}x",
        f.p50,
        f.p99,
        f.max,
        f.failed,
        f.p99 / quiet
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [addr, story, n_streams, n_slow, n_requests] = args.as_slice() else {
        eprintln!("usage: overload ADDR STORY STREAMS SLOW REQUESTS");
        std::process::exit(2);
    };
    let story: i64 = story.parse().expect("STORY is a number");
    let n_streams: usize = n_streams.parse().expect("STREAMS is a number");
    let n_slow: usize = n_slow.parse().expect("SLOW is a number");
    let n: usize = n_requests.parse().expect("REQUESTS is a number");
    // warm the page into the server's cache
    let _ = page(addr).await;
    println!(
        "{:<34} {:<28} {:>8} {:>8} {:>8} {:>7} {:>10}",
        "phase", "the attacker holds", "p50 ms", "p99 ms", "max ms", "failed", "p99/quiet"
    );
    let quiet = measure(addr, n).await;
    row("quiet", "-", &quiet, quiet.p99);

    let (held, refused, failed) = streams(addr, story, n_streams).await;
    let f = measure(addr, n).await;
    row(
        "one address opens live streams",
        &format!("{} streams ({refused} 429, {failed} failed)", held.len()),
        &f,
        quiet.p99,
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let slow = dribblers(addr, n_slow);
    // let them connect and take their slots
    tokio::time::sleep(Duration::from_secs(3)).await;
    let f = measure(addr, n).await;
    row(
        "slow clients dribble headers",
        &format!("{n_slow} connections tried"),
        &f,
        quiet.p99,
    );
    for s in slow {
        s.abort();
    }
}
