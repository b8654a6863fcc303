//! A client that hangs up mid-request must never leave a write half-done or
//! the database locked: every write endpoint is cut off at each of its await
//! points in turn (the handler's future dropped, as hyper does when the
//! connection closes), and afterwards a sign-in and a story save still work.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use gazette::domain::user::Role;
use tower::ServiceExt;

use crate::util::TestApp;
use crate::util::agent::PASSWORD;
use crate::util::desk::BODY;
use crate::util::upload::{multipart, png};

/// Drive `fut` until it has been polled `polls` times, then drop it (the
/// client is gone); Some(output) if it finished first.
struct CutOff<F> {
    fut: Pin<Box<F>>,
    left: usize,
}

impl<F: Future> Future for CutOff<F> {
    type Output = Option<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        match self.fut.as_mut().poll(cx) {
            Poll::Ready(v) => Poll::Ready(Some(v)),
            Poll::Pending => Poll::Pending,
        }
    }
}

fn form(path: &str, cookie: Option<&str>, pairs: &[(&str, &str)]) -> Request<Body> {
    let mut req =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(serde_urlencoded::to_string(pairs).unwrap()))
        .unwrap()
}

#[tokio::test]
async fn writes_cut_off_at_every_await_point_leave_the_database_writable() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let admin = app.login("admin").await;
    let reporter = app.login("reporter").await;
    let yw = app.channel_id("main", "zw/yw").await;
    let story = reporter.write(yw, "被打断的稿件", BODY).await;
    let yw_s = yw.to_string();
    let (upload_type, upload_body) = multipart(&admin.csrf, &png(400, 300));
    let toutiao = app
        .state
        .store
        .slot("main", "toutiao")
        .await
        .unwrap()
        .unwrap()
        .id;
    let story_s = story.to_string();

    // every write endpoint, as a request factory
    type Make<'a> = Box<dyn Fn() -> Request<Body> + 'a>;
    let endpoints: Vec<(&str, Make)> = vec![
        (
            "sign-in",
            Box::new(|| {
                form(
                    "/admin/login",
                    None,
                    &[
                        ("username", "reporter"),
                        ("password", PASSWORD),
                        ("next", "/admin/"),
                    ],
                )
            }),
        ),
        (
            "new story",
            Box::new(|| {
                form(
                    "/admin/stories/new",
                    Some(&reporter.cookie),
                    &[
                        ("_csrf", &reporter.csrf),
                        ("title", "新稿"),
                        ("channel_id", &yw_s),
                        ("body", BODY),
                    ],
                )
            }),
        ),
        (
            "submit",
            Box::new(|| {
                form(
                    &format!("/admin/stories/{story}/act"),
                    Some(&reporter.cookie),
                    &[
                        ("_csrf", &reporter.csrf),
                        ("action", "submit"),
                        ("opinion", ""),
                    ],
                )
            }),
        ),
        (
            "word list",
            Box::new(|| {
                form(
                    "/admin/words",
                    Some(&admin.cookie),
                    &[
                        ("_csrf", &admin.csrf),
                        ("word", "违禁词"),
                        ("level", "block"),
                    ],
                )
            }),
        ),
        (
            "site settings",
            Box::new(|| {
                form(
                    "/admin/sites/main",
                    Some(&admin.cookie),
                    &[
                        ("_csrf", &admin.csrf),
                        ("name", "滨州网"),
                        ("icp", "鲁ICP备09072207号-3"),
                    ],
                )
            }),
        ),
        (
            "推荐位 reorder",
            Box::new(|| {
                form(
                    &format!("/admin/slots/{toutiao}/act"),
                    Some(&admin.cookie),
                    &[
                        ("_csrf", &admin.csrf),
                        ("op", "down"),
                        ("article_id", "900101"),
                        ("position", "1"),
                    ],
                )
            }),
        ),
        (
            "autosave",
            Box::new(|| {
                form(
                    &format!("/admin/stories/{story}/autosave"),
                    Some(&reporter.cookie),
                    &[
                        ("_csrf", &reporter.csrf),
                        ("title", "自动保存"),
                        ("channel_id", &yw_s),
                        ("body", BODY),
                    ],
                )
            }),
        ),
        (
            "bulk submit",
            Box::new(|| {
                form(
                    "/admin/stories/bulk",
                    Some(&reporter.cookie),
                    &[
                        ("_csrf", &reporter.csrf),
                        ("bulk", "submit"),
                        ("ids", &story_s),
                    ],
                )
            }),
        ),
        (
            "picture words and focal point",
            Box::new(|| {
                form(
                    "/admin/images/1",
                    Some(&admin.cookie),
                    &[
                        ("_csrf", &admin.csrf),
                        ("caption", "打断时的说明"),
                        ("credit", ""),
                        ("alt", "图"),
                        ("focal_x", "30"),
                        ("focal_y", "40"),
                    ],
                )
            }),
        ),
        (
            "upload",
            Box::new(|| {
                Request::post("/admin/media")
                    .header("content-type", &upload_type)
                    .header("cookie", &admin.cookie)
                    .body(Body::from(upload_body.clone()))
                    .unwrap()
            }),
        ),
    ];
    for (name, make) in &endpoints {
        let mut finished = false;
        for polls in 1..=60 {
            let fut = app.router_clone().oneshot(make());
            let out = CutOff {
                fut: Box::pin(fut),
                left: polls,
            }
            .await;
            if out.is_some() {
                finished = true;
                break;
            }
        }
        assert!(
            finished,
            "{name}: the request finished within 60 polls when left alone"
        );
        // the write path still takes writes, well within SQLite's busy timeout
        let signed_in =
            tokio::time::timeout(Duration::from_secs(5), app.sign_in("reporter", PASSWORD))
                .await
                .unwrap_or_else(|_| panic!("after cutting off {name}: a sign-in hangs"));
        assert_eq!(
            signed_in.status, 303,
            "after cutting off {name}: {}",
            signed_in.body
        );
    }
    // a story still saves and reads back whole
    let id = tokio::time::timeout(
        Duration::from_secs(5),
        reporter.write(yw, "打断之后的稿件", BODY),
    )
    .await
    .expect("a story save does not hang");
    let page = reporter.get(&format!("/admin/stories/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("打断之后的稿件"));
    // the slot's list is whole: every item once, none lost to a cut-off reorder
    let items = app.state.store.slot_list(toutiao).await.unwrap();
    let ids: std::collections::BTreeSet<i64> = items.iter().map(|i| i.entry.article_id).collect();
    assert_eq!(ids.len(), items.len());
    assert!(ids.contains(&900_101));
    // an oversized autosave is refused with the form limit, and the copy is untouched
    let huge = "<p>字</p>".repeat(400_000);
    let r = reporter
        .post(
            &format!("/admin/stories/{id}/autosave"),
            &[("title", "x"), ("body", &huge)],
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(
        app.state
            .store
            .autosave(id, reporter_id(&app).await)
            .await
            .unwrap()
            .is_none()
    );
    // the accepted uploads get their sizes made
    app.run_jobs().await;
}

async fn reporter_id(app: &TestApp) -> i64 {
    app.state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0
        .id
}

/// A video job killed mid-way (kill -9) leaves its scratch directory: a
/// copy of the source and partial renditions. The next video job removes
/// it before it starts, as start-up does (issue 24 §4); a video whose
/// original is gone fails with words, and the same file uploaded again
/// after a failure is tried again, not handed back failed.
#[tokio::test]
async fn stale_video_scratch_is_swept_and_a_failed_video_can_be_tried_again() {
    let app = TestApp::new().await;
    let tmp = app.state.config.data_dir.join("tmp");
    let stale = tmp.join("video-77-deadbeef");
    std::fs::create_dir_all(stale.join("out")).unwrap();
    std::fs::write(stale.join("source.mp4"), vec![0u8; 64 * 1024]).unwrap();
    std::fs::write(stale.join("out/clip_720p.mp4"), vec![0u8; 1024]).unwrap();
    let other = tmp.join("keep-me");
    std::fs::create_dir_all(&other).unwrap();
    let actor = gazette::db::Actor {
        id: None,
        name: "测试".into(),
        address: String::new(),
    };
    let new = gazette::db::NewVideo {
        site_id: "main".into(),
        key: "2026/12/0123456789abcdef0123.mp4".into(),
        name: "不在存储里的视频.mp4".into(),
        bytes: 1000,
        probe: gazette::domain::video::Probe {
            duration_ms: 2000,
            width: 640,
            height: 360,
            fps: 25.0,
            demuxer: "mov".into(),
            ..Default::default()
        },
    };
    let (v, fresh) = app
        .state
        .store
        .add_video(&new, &actor, app.state.now())
        .await
        .unwrap();
    assert!(fresh);
    app.run_jobs().await;
    assert!(!stale.exists(), "the stale scratch was swept");
    assert!(other.exists(), "only video scratch is swept");
    let failed = app.state.store.video(v.id).await.unwrap().unwrap();
    if failed.state == gazette::domain::video::VideoState::Queued {
        // no ffmpeg here: the job waits for it (the sweep ran all the same)
        assert!(std::env::var_os("CI").is_none(), "CI installs ffmpeg");
        eprintln!("NOT RUN (the failed-video retry): ffmpeg is not installed");
        return;
    }
    assert_eq!(failed.state, gazette::domain::video::VideoState::Failed);
    assert!(
        failed.error.contains("原始视频文件缺失"),
        "{}",
        failed.error
    );
    // the same file again: queued for another attempt, with its job
    let (again, _) = app
        .state
        .store
        .add_video(&new, &actor, app.state.now())
        .await
        .unwrap();
    assert_eq!(again.id, v.id);
    assert_eq!(again.state, gazette::domain::video::VideoState::Queued);
    assert!(again.error.is_empty());
    app.run_jobs().await;
}
