//! Startup failures end with a one-line message that says what to do.

use std::process::Command;

fn gazette() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
}

fn one_line_error(out: &std::process::Output) -> String {
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "exactly one error line: {stderr}");
    lines[0].to_string()
}

#[test]
fn unwritable_data_dir_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // a regular file where a directory should be: unwritable even for root
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let out = gazette()
        .args(["migrate", "--data-dir"])
        .arg(file.join("data"))
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(line.contains("data directory"), "{line}");
    assert!(line.contains("--data-dir"), "says what to do: {line}");
}

#[test]
fn database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ok = gazette()
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // pretend a newer gazette applied migration 9999
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let url = format!("sqlite://{}", dir.path().join("gazette.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', 1, x'00', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    });
    let out = gazette()
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(line.contains("newer version of Gazette"), "{line}");
    assert!(line.contains("9999"), "{line}");
}

#[test]
fn bad_listen_address_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = gazette()
        .args(["serve", "--addr", "not-an-address", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--addr"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn bad_media_url_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = gazette()
        .args([
            "serve",
            "--media-url",
            "ftp://media.example/photos",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let line = one_line_error(&out);
    assert!(line.contains("--media-url must be s3://BUCKET"), "{line}");
    assert!(line.contains("ftp://media.example/photos"), "{line}");
}

#[test]
fn migrate_is_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = gazette()
            .args(["migrate", "--data-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    }
}

#[tokio::test]
async fn health_and_readiness_answer_a_load_balancer() {
    let app = crate::util::TestApp::with_demo().await;
    let ask = |path: &'static str| app.raw_get(path);
    assert_eq!(ask("/healthz").await, (200, "ok\n".to_string()));
    let (status, body) = ask("/readyz").await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["ready"], true);
    assert_eq!(v["database"], "ok");
    assert!(
        v["changes"].as_i64().unwrap() > 0,
        "the demo logged changes"
    );
    // the database goes away: not ready, and it says why; still alive
    app.state.store.close().await;
    let (status, body) = ask("/readyz").await;
    assert_eq!(status, 503, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["ready"], false);
    assert!(
        v["database"].as_str().unwrap().starts_with("数据库不可用"),
        "{body}"
    );
    assert_eq!(ask("/healthz").await.0, 200);
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = gazette()
        .args(["serve", "--demo", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    crate::util::wait::serving(port, "/healthz", std::time::Duration::from_secs(30));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit status {:?}: {log}", out.status);
    assert!(
        log.contains("shutting down") && log.contains("stopped"),
        "{log}"
    );
    // a clean stop says nothing is wrong (the followers stop before the
    // database closes under them)
    assert!(!log.contains("ERROR"), "{log}");
}
