//! The 举报 flood (bench/reports.sh): RATE reports a second for SECS seconds
//! from ADDRESSES client addresses (`X-Forwarded-For`, the server trusting
//! loopback as its proxy) against a running `gazette serve`. Each report
//! answers a challenge fetched beforehand (each is good for one report).
//! Prints how many were accepted (a receipt), limited (429), refused
//! otherwise and lost (a receipt that the lookup does not find), and the
//! filing latency.
//!
//!   reports ADDR RATE SECS ADDRESSES

use std::sync::Arc;
use std::time::{Duration, Instant};

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// (token, answer) from a form page.
fn challenge(html: &str) -> Option<(String, String)> {
    let t = html
        .split("name=\"token\" value=\"")
        .nth(1)?
        .split('"')
        .next()?
        .to_string();
    let q = html.split("验证题:").nth(1)?.split('(').next()?;
    let n: Vec<usize> = q
        .split_whitespace()
        .filter_map(|w| DIGITS.iter().position(|d| *d == w))
        .collect();
    (n.len() == 2).then(|| (t, (n[0] + n[1]).to_string()))
}

fn body(token: &str, answer: &str, i: usize) -> (String, Vec<u8>) {
    let b = "benchboundary42";
    let mut out = String::new();
    for (k, v) in [
        ("site", "main"),
        ("category", "rumor"),
        ("url", "/zw/yw/2023-06/01/900001.html"),
        (
            "description",
            &format!("压力测试举报 {i}:报道数字与事实不符。"),
        ),
        ("contact", ""),
        ("website", ""),
        ("token", token),
        ("answer", answer),
    ] {
        out.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    out.push_str(&format!("--{b}--\r\n"));
    (
        format!("multipart/form-data; boundary={b}"),
        out.into_bytes(),
    )
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let addr = args
        .first()
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:18193".into());
    let rate: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let secs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let addresses: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(50);
    let total = rate * secs;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(512)
        .build()
        .unwrap();
    let base = format!("http://{addr}");

    // the challenges, fetched before the clock starts
    let started = Instant::now();
    let mut tokens = Vec::with_capacity(total);
    let mut fetches = tokio::task::JoinSet::new();
    for _ in 0..total.div_ceil(100) {
        let (client, base) = (client.clone(), base.clone());
        fetches.spawn(async move {
            let mut got = Vec::new();
            for _ in 0..100 {
                let html = client
                    .get(format!("{base}/jubao/"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                got.push(challenge(&html).expect("a challenge on the form"));
            }
            got
        });
    }
    while let Some(r) = fetches.join_next().await {
        tokens.extend(r.unwrap());
    }
    tokens.truncate(total);
    println!(
        "fetched {} challenges in {:.1} s",
        tokens.len(),
        started.elapsed().as_secs_f64()
    );
    println!("READY");

    // the flood: one filing every 1/RATE s, whatever the answers take
    let tokens = Arc::new(tokens);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sends = tokio::task::JoinSet::new();
    let flood = Instant::now();
    for i in 0..total {
        tick.tick().await;
        let (client, base, tokens) = (client.clone(), base.clone(), tokens.clone());
        sends.spawn(async move {
            let (token, answer) = &tokens[i];
            let (ct, b) = body(token, answer, i);
            let from = format!(
                "10.9.{}.{}",
                (i % addresses) / 250,
                (i % addresses) % 250 + 1
            );
            let t0 = Instant::now();
            let r = client
                .post(format!("{base}/jubao/"))
                .header("content-type", ct)
                .header("x-forwarded-for", from)
                .body(b)
                .send()
                .await;
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            match r {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let receipt = r
                        .headers()
                        .get("location")
                        .and_then(|l| l.to_str().ok())
                        .and_then(|l| l.split("no=").nth(1))
                        .map(|l| l.split('&').next().unwrap_or("").to_string());
                    (status, receipt, ms)
                }
                Err(_) => (0, None, ms),
            }
        });
    }
    let offered = flood.elapsed().as_secs_f64();
    let mut accepted = Vec::new();
    let (mut limited, mut other, mut failed) = (0, 0, 0);
    let mut lat = Vec::new();
    while let Some(r) = sends.join_next().await {
        let (status, receipt, ms) = r.unwrap();
        lat.push(ms);
        match status {
            303 => accepted.push(receipt.unwrap_or_default()),
            429 => limited += 1,
            0 => failed += 1,
            _ => other += 1,
        }
    }
    let wall = flood.elapsed().as_secs_f64();
    println!("DONE");
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    // lost: a receipt the reader was given that the lookup cannot find
    let mut lost = 0;
    for r in &accepted {
        let s = client
            .get(format!("{base}/jubao/chaxun?no={r}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        if s != 200 {
            lost += 1;
        }
    }
    println!(
        "offered {total} reports in {offered:.1} s ({:.0}/s) from {addresses} addresses; all answered in {wall:.1} s",
        total as f64 / offered
    );
    println!(
        "accepted {}  limited (429) {limited}  other {other}  connection errors {failed}  lost {lost}",
        accepted.len()
    );
    println!(
        "filing latency ms: p50 {:.1}  p99 {:.1}  max {:.1}",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0)
    );
}
