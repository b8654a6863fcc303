//! Two `gazette serve` processes on loopback ports sharing one PostgreSQL
//! database (a fresh schema): a sign-off through node A shows on node B within
//! a second, even after B's notification connection was cut; a node killed
//! while it holds job claims leaves its jobs to the other; 100 stories
//! scheduled for the same time are each published exactly once.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gazette::db::{DynStore, Location, NewUser};
use gazette::domain::user::{Role, Scope};

use crate::util::backend::{fresh_schema, pg_available, pg_url};

const PASSWORD: &str = "correct horse battery staple";

struct Resp {
    status: u16,
    head: String,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<String> {
        let want = format!("{}:", name.to_ascii_lowercase());
        self.head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with(&want)
                .then(|| l[want.len()..].trim().to_string())
        })
    }
}

/// One HTTP/1.0 exchange (the server closes the connection after it).
fn http(port: u16, method: &str, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Resp {
    try_http(port, method, path, cookie, form)
        .unwrap_or_else(|e| panic!("{method} {path} on port {port}: {e}"))
}

/// One request; an error when the node does not answer (not up yet, or gone).
fn try_http(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = serde_urlencoded::to_string(form).unwrap();
    let mut req = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Ok(Resp {
        status: head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        head: head.to_string(),
        body: body.to_string(),
    })
}

struct Node {
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(schema: &str, name: &str, env: &[(&str, &str)]) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gazette"));
    cmd.args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--database-url", &pg_url(), "--database-schema", schema])
        .args(["--node-id", name, "--job-lease", "2"])
        .env("GAZETTE_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    crate::util::wait::until(
        &format!("node {name} ready"),
        Duration::from_secs(30),
        || http_ok(port, "/readyz").is_some(),
    );
    Node {
        port,
        child,
        _dir: dir,
    }
}

/// A GET answered 200, or `None` (no answer yet, or another status).
fn http_ok(port: u16, path: &str) -> Option<Resp> {
    try_http(port, "GET", path, None, &[])
        .ok()
        .filter(|r| r.status == 200)
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Session {
    cookie: String,
    csrf: String,
}

fn login(port: u16, user: &str) -> Session {
    let r = http(
        port,
        "POST",
        "/admin/login",
        None,
        &[
            ("username", user),
            ("password", PASSWORD),
            ("next", "/admin/"),
        ],
    );
    assert_eq!(r.status, 303, "login {user}: {}", r.body);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    session_on(port, &cookie)
}

/// The session's CSRF token as node `port` shows it.
fn session_on(port: u16, cookie: &str) -> Session {
    let dash = http(port, "GET", "/admin/", Some(cookie), &[]);
    assert_eq!(dash.status, 200, "{}", dash.body);
    let doc = scraper::Html::parse_document(&dash.body);
    let sel = scraper::Selector::parse("input[name=_csrf]").unwrap();
    let csrf = doc
        .select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("csrf")
        .to_string();
    Session {
        cookie: cookie.to_string(),
        csrf,
    }
}

fn post(port: u16, s: &Session, path: &str, form: &[(&str, &str)]) -> Resp {
    let mut all = vec![("_csrf", s.csrf.as_str())];
    all.extend_from_slice(form);
    http(port, "POST", path, Some(&s.cookie), &all)
}

fn write_story(port: u16, s: &Session, channel: i64, title: &str) -> i64 {
    let channel = channel.to_string();
    let r = post(
        port,
        s,
        "/admin/stories/new",
        &[
            ("title", title),
            ("byline_role", "记者"),
            ("byline_name", "丁春贵"),
            ("source", "滨州日报/滨州网讯"),
            ("editor", "闫晓亮"),
            ("channel_id", &channel),
            ("body", "<p>滨州网讯 多节点测试稿件正文。</p>"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    r.header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

struct Desk {
    rt: tokio::runtime::Runtime,
    store: DynStore,
}

impl Desk {
    fn version(&self, id: i64) -> String {
        self.rt
            .block_on(self.store.work_state(id))
            .unwrap()
            .unwrap()
            .article
            .version
            .to_string()
    }

    fn act(&self, port: u16, s: &Session, id: i64, action: &str, extra: &[(&str, &str)]) {
        let v = self.version(id);
        let mut form = vec![
            ("action", action),
            ("opinion", "同意"),
            ("version", v.as_str()),
        ];
        form.extend_from_slice(extra);
        let r = post(port, s, &format!("/admin/stories/{id}/act"), &form);
        assert_eq!(r.status, 303, "{action} {id}: {}", r.body);
    }

    fn publishes(&self, id: i64) -> usize {
        self.rt
            .block_on(self.store.audit_of(id))
            .unwrap()
            .iter()
            .filter(|e| e.action == "publish")
            .count()
    }
}

#[test]
fn two_nodes_share_one_postgres_database() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if !rt.block_on(pg_available("two_nodes_share_one_postgres_database")) {
        return;
    }
    let schema = fresh_schema("multinode");
    let _cleanup = crate::util::backend::PgSchema {
        url: pg_url(),
        name: schema.clone(),
    };
    let store = rt
        .block_on(gazette::db::open(&Location::Postgres {
            url: pg_url(),
            schema: Some(schema.clone()),
        }))
        .expect("open PostgreSQL");
    let now = chrono::Utc::now().timestamp();
    let media_dir = tempfile::tempdir().unwrap();
    let media = gazette::media::LocalMedia::new(media_dir.path().join("media"));
    rt.block_on(gazette::demo::load(store.as_ref(), &media, now))
        .unwrap();
    // the demo's pictures and videos are in a media directory neither node
    // has: their jobs could never run there, and this test is about publish jobs
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&pg_url()).await.unwrap();
        sqlx::query(&format!(
            "DELETE FROM {schema}.jobs WHERE kind IN ('picture_variants', 'video_process')"
        ))
        .execute(&mut c)
        .await
        .unwrap();
    });
    for (name, role) in [
        ("reporter", Role::Reporter),
        ("editor", Role::Editor),
        ("second", Role::Reviewer(2)),
        ("signer", Role::Signer),
        ("guessed", Role::Reporter),
    ] {
        rt.block_on(store.create_user(
            &NewUser {
                username: name.into(),
                display_name: format!("{name}名"),
                password_hash: gazette::accounts::hash_password(PASSWORD).unwrap(),
                roles: vec![role],
                scopes: vec![Scope {
                    site_id: "main".into(),
                    channel_path: None,
                }],
            },
            now,
        ))
        .unwrap();
    }
    let yw = rt
        .block_on(store.channels("main"))
        .unwrap()
        .into_iter()
        .find(|c| c.path == "zw/yw")
        .unwrap()
        .id;
    let desk = Desk { rt, store };

    let a = start(&schema, "node-a", &[]);
    let b = start(&schema, "node-b", &[]);

    // sessions live in the database: a login on A works on B
    let reporter = login(a.port, "reporter");
    let on_b = session_on(b.port, &reporter.cookie);
    assert_eq!(on_b.csrf, reporter.csrf);
    let editor = login(a.port, "editor");
    let second = login(b.port, "second");
    let signer = login(a.port, "signer");
    // failed sign-ins count on every node: five on A lock the account (from this address) on B too
    for _ in 0..gazette::accounts::PAIR_LIMIT {
        let wrong = [("username", "guessed"), ("password", "wrong password!")];
        assert_eq!(
            http(a.port, "POST", "/admin/login", None, &wrong).status,
            401
        );
    }
    let right = [("username", "guessed"), ("password", PASSWORD)];
    let refused = http(b.port, "POST", "/admin/login", None, &right);
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.body.contains("分钟后重试"));

    // B has the channel page cached before the sign-off
    let before = http(b.port, "GET", "/zw/yw/", None, &[]);
    assert_eq!(before.status, 200);
    let sign_off_through_a = |title: &str| -> (i64, Instant) {
        let id = write_story(a.port, &reporter, yw, title);
        desk.act(a.port, &reporter, id, "submit", &[]);
        desk.act(a.port, &editor, id, "approve", &[]);
        desk.act(b.port, &second, id, "approve", &[]);
        desk.act(a.port, &signer, id, "approve", &[]);
        (id, Instant::now())
    };
    let visible_on_b_within = |title: &str, signed: Instant| -> Duration {
        loop {
            let page = http(b.port, "GET", "/zw/yw/", None, &[]);
            if page.body.contains(title) {
                return signed.elapsed();
            }
            assert!(
                signed.elapsed() < Duration::from_secs(5),
                "node B still serves a stale channel page"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let (id, signed) = sign_off_through_a("节点甲签发的稿件");
    let took = visible_on_b_within("节点甲签发的稿件", signed);
    assert!(took < Duration::from_secs(1), "B showed it after {took:?}");
    let story = desk.rt.block_on(desk.store.article(id)).unwrap().unwrap();
    let page = http(
        b.port,
        "GET",
        &format!("/{}", story.url_path.unwrap()),
        None,
        &[],
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains("节点甲签发的稿件"));

    // a live entry approved on A reaches a reader listening on B within a second
    let live = gazette::demo::LIVE_ID;
    let mut sse = TcpStream::connect(("127.0.0.1", b.port)).unwrap();
    sse.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    sse.write_all(
        format!(
            "GET /live/{live}/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            b.port
        )
        .as_bytes(),
    )
    .unwrap();
    let read_until = |sse: &mut TcpStream, seen: &mut String, want: &str, within: Duration| {
        let start = Instant::now();
        let mut buf = [0u8; 8192];
        while !seen.contains(want) && start.elapsed() < within {
            if let Ok(n) = sse.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
        seen.contains(want)
    };
    let mut seen = String::new();
    assert!(
        read_until(&mut sse, &mut seen, "retry:", Duration::from_secs(5)),
        "{seen}"
    );
    let r = post(
        a.port,
        &reporter,
        &format!("/admin/live/{live}/entries"),
        &[("body", "节点甲写的直播条目")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let entry = desk
        .rt
        .block_on(desk.store.entries(live, false))
        .unwrap()
        .last()
        .unwrap()
        .id;
    let approve = post(
        a.port,
        &editor,
        &format!("/admin/live/entries/{entry}/act"),
        &[("op", "approve")],
    );
    assert_eq!(approve.status, 303, "{}", approve.body);
    let approved = Instant::now();
    assert!(
        read_until(
            &mut sse,
            &mut seen,
            "节点甲写的直播条目",
            Duration::from_secs(5)
        ),
        "node B's reader never got it: {seen}"
    );
    let took = approved.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "B's reader got it after {took:?}"
    );
    drop(sse);

    // a missed notification: cut B's listening connection, then sign off;
    // B finds the change by polling the change log within the stated bound
    let cut: i64 = desk.rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&pg_url()).await.unwrap();
        sqlx::query_scalar(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = 'gazette' AND query ILIKE 'LISTEN%'",
        )
        .fetch_one(&mut c)
        .await
        .unwrap()
    });
    assert!(cut >= 1, "found the nodes' listening connections");
    let (_, signed) = sign_off_through_a("通知丢失后签发的稿件");
    let took = visible_on_b_within("通知丢失后签发的稿件", signed);
    assert!(
        took < gazette::follow::CACHE_POLL + Duration::from_millis(500),
        "stale for {took:?}, longer than the stated bound"
    );
    drop(a);
    drop(b);

    // 100 stories signed off for the same time, with both nodes running; node
    // A is slow (it holds its claims before running them) and is killed
    // while it holds them: B takes them over after the lease
    let a = start(
        &schema,
        "node-a",
        &[("GAZETTE_FAULT_JOB_PAUSE_MS", "60000")],
    );
    let b = start(&schema, "node-b", &[]);
    let reporter = login(a.port, "reporter");
    let editor = login(a.port, "editor");
    let second = login(b.port, "second");
    let signer = login(b.port, "signer");
    let mut ids = Vec::new();
    for i in 0..100 {
        let id = write_story(a.port, &reporter, yw, &format!("定时稿件{i:03}"));
        desk.act(a.port, &reporter, id, "submit", &[]);
        desk.act(a.port, &editor, id, "approve", &[]);
        desk.act(b.port, &second, id, "approve", &[]);
        ids.push(id);
    }
    let due = chrono::Utc::now().timestamp() + 15;
    let at = gazette::domain::text::to_cst(due)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    for (i, id) in ids.iter().enumerate() {
        let port = if i % 2 == 0 { a.port } else { b.port };
        desk.act(port, &signer, *id, "approve", &[("publish_at", &at)]);
    }
    // wait until A holds claims it has not finished, then kill it
    let deadline = Instant::now() + Duration::from_secs(60);
    let held = loop {
        let held: i64 = desk.rt.block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&pg_url()).await.unwrap();
            sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {schema}.jobs WHERE claimed_by = 'node-a' AND done_at IS NULL"
            ))
            .fetch_one(&mut c)
            .await
            .unwrap()
        });
        if held > 0 {
            break held;
        }
        assert!(Instant::now() < deadline, "node A never claimed a job");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut a = a;
    a.child.kill().unwrap(); // SIGKILL
    a.child.wait().unwrap();
    // B publishes every story, A's too, each exactly once
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = ids.iter().filter(|id| desk.publishes(**id) > 0).count();
        if done == ids.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{done} of {} published (A held {held})",
            ids.len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    for id in &ids {
        assert_eq!(desk.publishes(*id), 1, "story {id} published once");
    }
    let page = http(b.port, "GET", "/zw/yw/", None, &[]);
    assert!(page.body.contains("定时稿件099"));
    drop(b);

    // graceful shutdown gives claims back: A alone, slow again, claims a
    // due job; SIGTERM makes it stop and release the claim at once (an
    // expired lease would still name node-a)
    let a = start(
        &schema,
        "node-a",
        &[("GAZETTE_FAULT_JOB_PAUSE_MS", "60000")],
    );
    let (reporter, editor, second, signer) = (
        login(a.port, "reporter"),
        login(a.port, "editor"),
        login(a.port, "second"),
        login(a.port, "signer"),
    );
    let id = write_story(a.port, &reporter, yw, "停机前认领的稿件");
    desk.act(a.port, &reporter, id, "submit", &[]);
    desk.act(a.port, &editor, id, "approve", &[]);
    desk.act(a.port, &second, id, "approve", &[]);
    let at = gazette::domain::text::to_cst(chrono::Utc::now().timestamp() + 3)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    desk.act(a.port, &signer, id, "approve", &[("publish_at", &at)]);
    let job_state = || -> (Option<String>, Option<i64>) {
        desk.rt.block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&pg_url()).await.unwrap();
            sqlx::query_as(&format!(
                "SELECT claimed_by, done_at FROM {schema}.jobs WHERE key = $1"
            ))
            .bind(id.to_string())
            .fetch_one(&mut c)
            .await
            .unwrap()
        })
    };
    crate::util::wait::until("node A claims the job", Duration::from_secs(30), || {
        job_state().0.as_deref() == Some("node-a")
    });
    let mut a = a;
    let stopped = Instant::now();
    assert!(
        Command::new("kill")
            .args(["-TERM", &a.child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = a.child.wait().unwrap();
    assert!(status.success(), "clean exit: {status:?}");
    assert!(
        stopped.elapsed() < Duration::from_secs(10),
        "stopped promptly"
    );
    assert_eq!(job_state(), (None, None), "claim released, job not done");
    assert_eq!(desk.publishes(id), 0);
    // another node runs it at once, without waiting for a lease
    let b = start(&schema, "node-b", &[]);
    crate::util::wait::until(
        "node B takes the released job",
        Duration::from_secs(10),
        || desk.publishes(id) > 0,
    );
    assert_eq!(desk.publishes(id), 1);
    drop(b);
}
