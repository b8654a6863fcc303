//! A blocking WebDriver client for the browser test (chromedriver on
//! loopback). It is a thin wrapper over `fantoccini`, a maintained W3C
//! WebDriver client, so the project keeps no HTTP or WebDriver wire code of
//! its own. The browser test drives the page step by step from inside
//! `tokio::task::spawn_blocking`, so every call here blocks on the test's
//! runtime (captured with `Handle::current()`). That runtime also runs
//! fantoccini's session task.
//! Loopback is plain http, so fantoccini is built without TLS
//! (`default-features = false`) and uses hyper-util's `HttpConnector`.

use std::future::Future;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::runtime::Handle;

pub struct Driver {
    client: Client,
    rt: Handle,
}

/// Wait (bounded) until chromedriver answers on `port` and says it is ready.
/// Call this from a blocking thread (such as `spawn_blocking`) inside a Tokio runtime.
pub fn wait_ready(port: u16) -> bool {
    let rt = Handle::current();
    let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build::<_, Empty<Bytes>>(HttpConnector::new());
    let uri: hyper::Uri = format!("http://127.0.0.1:{port}/status").parse().unwrap();
    let ready = || {
        rt.block_on(async {
            let rsp = http.get(uri.clone()).await.ok()?;
            if rsp.status() != 200 {
                return None;
            }
            let body = rsp.into_body().collect().await.ok()?.to_bytes();
            let v: Value = serde_json::from_slice(&body).ok()?;
            Some(v["value"]["ready"] == json!(true))
        })
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if ready() == Some(true) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

impl Driver {
    /// Start a headless Chromium session through the chromedriver on `port`.
    /// Call this from a blocking thread (such as `spawn_blocking`) inside a Tokio runtime.
    pub fn new(port: u16, profile: &std::path::Path) -> Self {
        let caps = json!({"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", "--window-size=1280,1800", "--lang=zh-CN",
                     format!("--user-data-dir={}", profile.display())]
        }});
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let rt = Handle::current();
        let client = rt
            .block_on(
                ClientBuilder::new(HttpConnector::new())
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .unwrap_or_else(|e| panic!("chromedriver refused a session: {e}"));
        Driver { client, rt }
    }

    /// Run one WebDriver call, panicking (with `what`) if it fails.
    fn run<T, E: std::fmt::Display>(&self, what: &str, f: impl Future<Output = Result<T, E>>) -> T {
        self.rt
            .block_on(f)
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    fn element(&self, css: &str) -> fantoccini::elements::Element {
        self.run(
            &format!("no element {css}"),
            self.client.find(Locator::Css(css)),
        )
    }

    pub fn goto(&self, url: &str) {
        self.run(&format!("goto {url}"), self.client.goto(url));
    }

    pub fn url(&self) -> String {
        self.run("url", self.client.current_url()).to_string()
    }

    pub fn count(&self, css: &str) -> usize {
        self.run(
            &format!("count {css}"),
            self.client.find_all(Locator::Css(css)),
        )
        .len()
    }

    /// Send keys to the element: WebDriver key codes such as `"\u{e007}"`
    /// (Enter) work, and for a file input `text` is the file's path.
    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.element(css);
        self.run(&format!("type into {css}"), el.send_keys(text));
    }

    pub fn clear(&self, css: &str) {
        let el = self.element(css);
        self.run(&format!("clear {css}"), el.clear());
    }

    pub fn click(&self, css: &str) {
        let el = self.element(css);
        self.run(&format!("click {css}"), el.click());
    }

    /// The element's text, or `None` while it is not there: between a check
    /// and a read the page may navigate (a form posted, a redirect followed).
    pub fn try_text(&self, css: &str) -> Option<String> {
        self.rt.block_on(async {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            el.text().await.ok()
        })
    }

    pub fn text(&self, css: &str) -> String {
        let el = self.element(css);
        self.run(&format!("text of {css}"), el.text())
    }

    /// Run `script` as a function body (WebDriver "Execute Script", no
    /// arguments) and give back what it returns (a returned promise is awaited).
    pub fn script(&self, script: &str) -> Value {
        self.run("script", self.client.execute(script, Vec::new()))
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

    /// Wait (bounded) until the script returns `true`: what a fixed sleep
    /// would guess at (pictures decoded, a scroll settled), asked instead.
    pub fn wait_until(&self, script: &str, what: &str) {
        let start = Instant::now();
        while self.script(script).as_bool() != Some(true) {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting until {what}"
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
        self.run("accept alert", self.client.accept_alert());
    }

    /// Resize the window (1280 x 1800 at start; 390 x 844 is a phone).
    pub fn window(&self, width: u32, height: u32) {
        self.run("window size", self.client.set_window_size(width, height));
    }

    pub fn delete_cookies(&self) {
        self.run("delete cookies", self.client.delete_all_cookies());
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        let png = self.run("screenshot", self.client.screenshot());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Driver {
    /// End the session (closing the browser), ignoring errors as before.
    fn drop(&mut self) {
        let _ = self.rt.block_on(self.client.clone().close());
    }
}
