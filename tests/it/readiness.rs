//! `/readyz` tells a load balancer the truth: not ready while the database
//! cannot take a write, or once it has been seen damaged.

use std::io::{Seek, SeekFrom, Write};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::util::TestApp;

/// A GET straight through the router (no test-side catch-up of the cache,
/// which would itself meet a damaged database): (status, body).
async fn raw_get(app: &TestApp, path: &str) -> (u16, String) {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let resp = app
        .router_clone()
        .oneshot(
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn ready(app: &TestApp) -> (u16, serde_json::Value) {
    let (status, body) = raw_get(app, "/readyz").await;
    (status, serde_json::from_str(&body).expect("JSON"))
}

#[tokio::test]
async fn readiness_fails_while_the_write_lock_is_held_and_recovers() {
    let app = TestApp::with_demo().await;
    let (status, body) = ready(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ready"], true);
    // another process holds SQLite's write lock (a stuck writer)
    let db = app.state.config.data_dir.join("gazette.db");
    let mut other = SqliteConnectOptions::from_str("sqlite://")
        .unwrap()
        .filename(&db)
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    // past the cached answer of the last probe
    tokio::time::sleep(gazette::health::PROBE_EVERY).await;
    let start = Instant::now();
    let (status, body) = ready(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["ready"], false);
    assert!(
        body["database"].as_str().unwrap().contains("写锁"),
        "{body}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "the probe is bounded"
    );
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    tokio::time::sleep(gazette::health::PROBE_EVERY).await;
    let (status, body) = ready(&app).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_damaged_database_is_not_ready_and_pages_say_so_without_internals() {
    let app = TestApp::with_corpus(200).await;
    let db = app.state.config.data_dir.join("gazette.db");
    {
        let mut c = SqliteConnectOptions::from_str("sqlite://")
            .unwrap()
            .filename(&db)
            .connect()
            .await
            .unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut c)
            .await
            .unwrap();
    }
    // damage every page after the first two (the header and schema survive)
    let len = std::fs::metadata(&db).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
    f.seek(SeekFrom::Start(8192)).unwrap();
    f.write_all(&vec![0xA5u8; (len - 8192) as usize]).unwrap();
    f.sync_all().unwrap();
    // readers meet the damage: a clear 503 page, never a 500 with internals
    let mut saw_damage = false;
    for path in ["/", "/zw/yw/", "/search?q=滨州", "/sitemap.xml", "/zw/"] {
        let (status, body) = raw_get(&app, path).await;
        assert_ne!(status, 500, "{path}: {body}");
        assert!(
            !body.contains("malformed") && !body.contains("sqlite"),
            "{path}: {body}"
        );
        if status == 503 {
            assert!(body.contains("数据库暂时无法读取"), "{path}: {body}");
            saw_damage = true;
        }
    }
    let (status, body) = ready(&app).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body["database"].as_str().unwrap().contains("损坏"),
        "{body}"
    );
    assert!(saw_damage, "some page met the damage");
}
