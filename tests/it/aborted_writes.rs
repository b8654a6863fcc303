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

/// 策划指挥's writes cut off at every await point (issue 26): each act is
/// whole or absent (a plan never without its coverages, a started
/// assignment never without its story nor a story started without its
/// assignment, a 报题单 order never with a plan twice), and the database
/// still takes writes.
#[tokio::test]
async fn planning_writes_cut_off_are_whole_or_absent() {
    let app = TestApp::with_demo().await;
    let d = crate::util::desk::desk(&app).await;
    let (editor, reporter) = (&d.editor, &d.reporter);
    let day = gazette::domain::text::to_cst(app.state.now())
        .format("%Y-%m-%d")
        .to_string();
    let reporter_id = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string();
    let plan_form = |slug: &'static str| {
        vec![
            ("_csrf", editor.csrf.clone()),
            ("where", "main|sh".to_string()),
            ("slug", slug.to_string()),
            ("day", day.clone()),
            ("cov_id", String::new()),
            ("cov_medium", "text".to_string()),
            ("cov_status", "planned".to_string()),
            ("cov_id", String::new()),
            ("cov_medium", "video".to_string()),
            ("cov_status", "on_request".to_string()),
        ]
    };
    let pairs = |v: &[(&'static str, String)]| -> Vec<(String, String)> {
        v.iter().map(|(k, x)| (k.to_string(), x.clone())).collect()
    };
    // one plan to give out and arrange
    let made = editor
        .post(
            "/admin/planning/new",
            &plan_form("被打断前的选题")
                .iter()
                .skip(1)
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let plans = || async {
        app.state
            .store
            .plans(&gazette::db::PlanFilter::default(), 100)
            .await
            .unwrap()
    };
    let first = plans().await[0].clone();
    let cov = first.coverages[0].id;
    let cut = |name: &str, make: &dyn Fn() -> Request<Body>| {
        let name = name.to_string();
        let router = app.router_clone();
        let req: Vec<Request<Body>> = (1..=60).map(|_| make()).collect();
        async move {
            let mut finished = false;
            for (polls, r) in (1..=60).zip(req) {
                let out = CutOff {
                    fut: Box::pin(router.clone().oneshot(r)),
                    left: polls,
                }
                .await;
                if out.is_some() {
                    finished = true;
                    break;
                }
            }
            assert!(finished, "{name}: the request finished within 60 polls");
        }
    };
    let post = |path: String, cookie: String, v: Vec<(String, String)>| {
        move || {
            let refs: Vec<(&str, &str)> = v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            form(&path, Some(&cookie), &refs)
        }
    };
    cut(
        "new plan",
        &post(
            "/admin/planning/new".into(),
            editor.cookie.clone(),
            pairs(&plan_form("打断中的选题")),
        ),
    )
    .await;
    cut(
        "派题",
        &post(
            format!("/admin/planning/coverages/{cov}/assign"),
            editor.cookie.clone(),
            pairs(&[
                ("_csrf", editor.csrf.clone()),
                ("plan", first.id.to_string()),
                ("person", reporter_id.clone()),
            ]),
        ),
    )
    .await;
    let a = app
        .state
        .store
        .assignments(
            &gazette::db::AssignmentFilter {
                plans: vec![first.id],
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(
        a.len(),
        1,
        "one assignment however often the request was cut off"
    );
    cut(
        "开始写稿",
        &post(
            format!("/admin/assignments/{}/start", a[0].id),
            reporter.cookie.clone(),
            pairs(&[
                ("_csrf", reporter.csrf.clone()),
                ("version", a[0].version.to_string()),
            ]),
        ),
    )
    .await;
    let order: Vec<String> = plans().await.iter().map(|p| p.id.to_string()).collect();
    let version = app.state.store.budget("main", &day).await.unwrap().version;
    cut(
        "报题单 order",
        &post(
            "/admin/planning/order".into(),
            editor.cookie.clone(),
            pairs(&[
                ("_csrf", editor.csrf.clone()),
                ("site", "main".into()),
                ("day", day.clone()),
                ("version", version.to_string()),
                ("order", order.join(",")),
                ("_js", "1".into()),
            ]),
        ),
    )
    .await;
    cut(
        "线索",
        &post(
            "/admin/tips".into(),
            editor.cookie.clone(),
            pairs(&[
                ("_csrf", editor.csrf.clone()),
                ("site", "main".into()),
                ("kind", "note".into()),
                ("title", "打断中的线索".into()),
                ("body", "打断中的线索内容".into()),
            ]),
        ),
    )
    .await;
    // whole or absent
    for p in plans().await {
        assert!(!p.coverages.is_empty(), "plan {} has its coverages", p.id);
    }
    let all = app
        .state
        .store
        .assignments(&gazette::db::AssignmentFilter::default(), 100)
        .await
        .unwrap();
    for a in &all {
        assert_eq!(
            a.state.as_str() == "in_progress",
            a.story.is_some(),
            "an assignment is 进行中 exactly when it has its story"
        );
    }
    let drafts = app
        .state
        .store
        .stories(&gazette::db::StoryFilter {
            state: Some("draft".into()),
            title_contains: Some("被打断前的选题".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(drafts.len() <= 1, "one story started, not one per cut-off");
    if let Some(s) = drafts.first() {
        assert!(
            all.iter()
                .any(|a| a.story.as_ref().map(|x| x.id) == Some(s.id))
        );
    }
    let listed = app
        .state
        .store
        .plans(
            &gazette::db::PlanFilter {
                day: Some(day.clone()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap();
    let mut positions: Vec<i64> = listed.iter().map(|p| p.position).collect();
    positions.sort_unstable();
    positions.dedup();
    assert_eq!(
        positions.len(),
        listed.len(),
        "no two plans share a place on the list"
    );
    // and the database still takes writes
    let signed_in = tokio::time::timeout(Duration::from_secs(5), app.sign_in("reporter", PASSWORD))
        .await
        .expect("a sign-in does not hang");
    assert_eq!(signed_in.status, 303);
}
