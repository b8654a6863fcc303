//! `/readyz` tells a load balancer the truth: not ready while the database
//! cannot take a write, or once it has been seen damaged.

use std::io::{Seek, SeekFrom, Write};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::util::TestApp;

async fn ready(app: &TestApp) -> (u16, serde_json::Value) {
    let (status, body) = app.raw_get("/readyz").await;
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
        let (status, body) = app.raw_get(path).await;
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

/// The ids a search of the index finds (no database re-read).
fn found(app: &TestApp, words: &str) -> Vec<i64> {
    app.state
        .search
        .search(
            words,
            &Default::default(),
            gazette::search::Sort::Relevance,
            0,
            10,
        )
        .expect("search")
        .ids
}

#[tokio::test]
async fn derived_data_notices_a_restored_database_and_rebuilds() {
    let app = TestApp::with_corpus(20).await;
    let backup = app.backup().await;
    // after the backup: a story the index and the cache see
    let after_backup = app
        .publish(
            700_001,
            "main",
            "zw/yw",
            "备份之后发的稿件",
            "2024-04-20T09:00:00+08:00",
        )
        .await;
    app.index().await;
    assert_eq!(found(&app, "备份之后发的稿件").len(), 1);
    assert_eq!(app.get("/").await.status, 200);
    let home = gazette::render::cache::RenderCache::key("main", "");
    assert!(
        app.state.cache.holds(&home).await,
        "the home page is cached"
    );

    // the database is restored from the backup; the index and cache stay.
    // Then a new story lands, under the seq numbers the index has seen.
    // Then, later, a story lands under the id and the seq the index has seen.
    let restored = gazette::db::open(&gazette::db::Location::Sqlite(backup))
        .await
        .unwrap();
    app.clock.advance(3_600);
    let mut other = after_backup.clone();
    other.title = "恢复之后发的稿件".into();
    restored
        .save_article(&other, app.state.now())
        .await
        .unwrap();

    app.state.search.catch_up(restored.as_ref()).await.unwrap();
    assert!(
        found(&app, "备份之后发的稿件").is_empty(),
        "a story the restored database never had"
    );
    assert_eq!(
        found(&app, "恢复之后发的稿件").len(),
        1,
        "the restored database's new story is indexed"
    );
    // the render cache drops what it rendered from the other log
    app.state.cache.catch_up(restored.as_ref()).await.unwrap();
    assert!(
        !app.state.cache.holds(&home).await,
        "pages of the other log are dropped"
    );
    assert_eq!(
        app.state.cache.cursor(),
        restored.last_change().await.unwrap()
    );
}

/// Damage in pages no request reads (an index of an empty table) is found
/// by the integrity check: at start-up, and from `/readyz` on its schedule;
/// `/readyz` then says what is wrong and what to do (issue 24 §4).
#[tokio::test]
async fn damage_no_request_meets_is_found_by_the_integrity_check() {
    let app = TestApp::with_corpus(50).await;
    let db = app.state.config.data_dir.join("gazette.db");
    let root: i64 = {
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
        sqlx::query_scalar("SELECT rootpage FROM sqlite_master WHERE name = 'reports_state'")
            .fetch_one(&mut c)
            .await
            .unwrap()
    };
    let page_size = 4096u64;
    let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
    f.seek(SeekFrom::Start((root as u64 - 1) * page_size))
        .unwrap();
    f.write_all(&vec![0xA5u8; page_size as usize]).unwrap();
    f.sync_all().unwrap();
    drop(f);
    // pages read as before: the damage is out of their way
    assert_eq!(app.raw_get("/").await.0, 200);
    // the check /readyz schedules finds it (the first probe starts it)
    let started = Instant::now();
    let body = loop {
        let (status, body) = ready(&app).await;
        if status == 503 {
            break body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the check found nothing: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let said = body["database"].as_str().unwrap();
    assert!(
        said.contains("完整性检查") && said.contains("docs/operations.md"),
        "{said}"
    );
    // a node started on the damaged file knows at once
    let fresh =
        gazette::state::AppState::open(app.state.config.as_ref().clone(), app.state.store.clone())
            .unwrap();
    gazette::health::check_at_start(&fresh.health, fresh.store.as_ref()).await;
    assert!(fresh.health.corrupt());
    assert!(fresh.health.integrity_damage().is_some());
}
