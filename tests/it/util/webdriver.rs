//! A minimal W3C WebDriver client over plain HTTP/1.1 (chromedriver on
//! loopback), enough for the browser test: no extra HTTP stack needed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    port: u16,
    session: String,
}

fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    )?;
    // Read the head, then exactly the body (chromedriver may keep the connection open).
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break raw.len();
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
    let lower = head.to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked =
        lower.contains("transfer-encoding: chunked") || lower.contains("transfer-encoding:chunked");
    loop {
        let have = raw.len() - head_end;
        let done = match length {
            Some(len) => have >= len,
            None if chunked => raw.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let body_raw = String::from_utf8_lossy(&raw[head_end..]).to_string();
    let body = if chunked {
        dechunk(&body_raw)
    } else {
        body_raw
    };
    Ok((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n.min(after.len())]);
        rest = after.get(n + 2..).unwrap_or("");
    }
    out
}

/// Wait (bounded) until chromedriver answers on `port`.
pub fn wait_ready(port: u16) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Ok((200, v)) = http(port, "GET", "/status", None) {
            if v["value"]["ready"] == json!(true) {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

impl Driver {
    pub fn new(port: u16, profile: &std::path::Path) -> Self {
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", "--window-size=1280,1800", "--lang=zh-CN",
                     format!("--user-data-dir={}", profile.display())]
        }}}});
        let (status, v) = http(port, "POST", "/session", Some(&caps)).expect("new session");
        assert_eq!(status, 200, "chromedriver refused a session: {v}");
        Driver {
            port,
            session: v["value"]["sessionId"]
                .as_str()
                .expect("session id")
                .to_string(),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.session);
        let (status, v) = http(self.port, method, &full, body.as_ref()).expect("webdriver call");
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn count(&self, css: &str) -> usize {
        self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map_or(0, Vec::len)
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub fn clear(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/clear"), Some(json!({})));
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), Some(json!({})));
    }

    /// The element's text, or `None` while it is not there: between a check
    /// and a read the page may navigate (a form posted, a redirect followed).
    pub fn try_text(&self, css: &str) -> Option<String> {
        let session = format!("/session/{}", self.session);
        let query = json!({"using": "css selector", "value": css});
        let (status, v) = http(
            self.port,
            "POST",
            &format!("{session}/element"),
            Some(&query),
        )
        .ok()?;
        let el = v["value"][ELEMENT]
            .as_str()
            .filter(|_| status == 200)?
            .to_string();
        let (status, v) = http(
            self.port,
            "GET",
            &format!("{session}/element/{el}/text"),
            None,
        )
        .ok()?;
        (status == 200).then(|| v["value"].as_str().unwrap_or_default().to_string())
    }

    pub fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.cmd("GET", &format!("/element/{el}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn script(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Wait (bounded) for a CSS selector to match.
    pub fn wait_for(&self, css: &str) {
        let start = Instant::now();
        while self.count(css) == 0 {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {css}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait (bounded) until the element's text contains `text` (after a navigation).
    pub fn wait_for_text(&self, css: &str, text: &str) {
        let start = Instant::now();
        loop {
            if self.try_text(css).is_some_and(|t| t.contains(text)) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {text:?} in {css}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Accept the page's confirm() dialog.
    pub fn accept_alert(&self) {
        self.cmd("POST", "/alert/accept", Some(json!({})));
    }

    /// Resize the window (1280 x 1800 at start; 390 x 844 is a phone).
    pub fn window(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    pub fn delete_cookies(&self) {
        self.cmd("DELETE", "/cookie", None);
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let bytes = base64_decode(b64.as_str().unwrap_or_default());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = s.bytes().filter_map(val).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk.iter().fold(0u32, |acc, d| (acc << 6) | d) << (6 * (4 - chunk.len()));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
}
