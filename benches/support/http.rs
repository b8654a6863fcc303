//! What the benchmark clients share: a plain HTTP/1.0 exchange with a
//! running `gazette serve` (no client library: each request is one
//! connection, as a browser's form post would be), signing in, and
//! percentiles. Included by each bench with `#[path]`.

#![allow(dead_code)]

use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Connect, retrying a while (a listen queue full under load).
pub async fn connect(addr: &str) -> std::io::Result<TcpStream> {
    for attempt in 0..50 {
        match TcpStream::connect(addr).await {
            Ok(s) => return Ok(s),
            Err(e) if attempt == 49 => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(20 * (attempt + 1))).await,
        }
    }
    unreachable!()
}

/// A plain blocking-free HTTP/1.0 exchange for the editor: (status, head, body).
pub async fn http(
    addr: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: &str,
) -> (u16, String, String) {
    let mut s = connect(addr).await.expect("connect");
    let mut req = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(form);
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

pub fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap()[2..].to_string()
}

/// Sign in; (cookie, csrf).
pub async fn login(addr: &str, user: &str, password: &str) -> (String, String) {
    let (status, head, _) = http(
        addr,
        "POST",
        "/admin/login",
        "",
        &format!("username={}&password={}", enc(user), enc(password)),
    )
    .await;
    assert!(status == 303, "login {user}: {status}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie:")
                .then(|| l[11..].trim().split(';').next().unwrap().to_string())
        })
        .expect("session cookie");
    let (_, _, body) = http(addr, "GET", "/admin/", &cookie, "").await;
    let csrf = body
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    (cookie, csrf)
}

pub fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
