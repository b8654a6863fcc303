//! 热点排行 (issue 25): views counted by every node without anything about
//! the reader, crawlers and prefetches left out, the lists computed from
//! the sums on a schedule and the same for everyone, the published rule,
//! an editor's removal recorded with its reason and no way to insert, and
//! a static export's views read from the access log.

use axum::body::Body;
use axum::http::Request;
use gazette::domain::user::Role;

use crate::util::TestApp;

const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const BAIDU: &str =
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)";

/// A GET of `path` as `user_agent` with `extra` headers, through `router`.
async fn visit(router: &axum::Router, path: &str, user_agent: &str, extra: &[(&str, &str)]) -> u16 {
    use tower::ServiceExt as _;
    let mut req = Request::get(path).header("user-agent", user_agent);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A second node on the same database: its own render cache and its own
/// counts in memory.
fn second_node(app: &TestApp) -> (gazette::state::AppState, axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = gazette::config::Config::for_data_dir(dir.path());
    config.node_id = "node-b".into();
    let state = gazette::state::AppState::open(config, app.state.store.clone())
        .unwrap()
        .with_clock(std::sync::Arc::new(app.clock.clone()));
    let router = gazette::web::router(state.clone());
    (state, router, dir)
}

/// The full titles of a ranking page's list (`day` or `week`).
async fn listed(app: &TestApp, path: &str, period: &str) -> Vec<String> {
    app.get(path)
        .await
        .select_attr(&format!("#rank-{period} + ol li a"), "title")
}

/// Three stories of the main site: 社会民生 ×2 and 政务要闻.
async fn three_stories(app: &TestApp) -> [String; 3] {
    let a = app
        .publish(
            8101,
            "main",
            "sh",
            "阅读最多的民生新闻",
            "2024-04-20T08:00:00+08:00",
        )
        .await;
    let b = app
        .publish(
            8102,
            "main",
            "sh",
            "阅读第二的民生新闻",
            "2024-04-20T09:00:00+08:00",
        )
        .await;
    let c = app
        .publish(
            8103,
            "main",
            "zw/yw",
            "政务要闻一则",
            "2024-04-20T10:00:00+08:00",
        )
        .await;
    [&a, &b, &c].map(TestApp::path_of)
}

async fn refresh(app: &TestApp) {
    gazette::jobs::queue_rank_refresh(&app.state).await.unwrap();
    app.run_jobs().await;
}

#[tokio::test]
async fn views_from_two_nodes_add_up_and_crawlers_do_not_count() {
    let app = TestApp::with_demo().await;
    let [a, b, c] = three_stories(&app).await;
    let (node_b, router_b, _dir) = second_node(&app);
    let router_a = app.router_clone();
    for _ in 0..3 {
        assert_eq!(visit(&router_a, &a, BROWSER, &[]).await, 200);
    }
    for _ in 0..3 {
        assert_eq!(visit(&router_b, &a, BROWSER, &[]).await, 200);
    }
    for _ in 0..4 {
        assert_eq!(visit(&router_b, &b, BROWSER, &[]).await, 200);
    }
    assert_eq!(visit(&router_a, &c, BROWSER, &[]).await, 200);
    // none of these is a reader's view
    for _ in 0..20 {
        assert_eq!(visit(&router_a, &c, BAIDU, &[]).await, 200);
        assert_eq!(visit(&router_b, &c, "curl/8.5.0", &[]).await, 200);
        assert_eq!(
            visit(&router_a, &c, BROWSER, &[("sec-purpose", "prefetch")]).await,
            200
        );
        let head = Request::head(c.as_str())
            .header("user-agent", BROWSER)
            .body(Body::empty())
            .unwrap();
        assert_eq!(app.request(head).await.status, 200);
        // a page that is not a story's
        assert_eq!(visit(&router_a, "/sh/", BROWSER, &[]).await, 200);
    }
    // a reader's revalidation is a view (their browser shows the page)
    let etag = app.get(&b).await.header("etag").unwrap().to_string();
    assert_eq!(
        visit(&router_a, &b, BROWSER, &[("if-none-match", &etag)]).await,
        304
    );
    // nothing reaches the database before a node's batch
    assert_eq!(app.state.store.story_views(8101).await.unwrap(), 0);
    app.state
        .views
        .flush(app.state.store.as_ref())
        .await
        .unwrap();
    node_b.views.flush(node_b.store.as_ref()).await.unwrap();
    let views = |id| {
        let store = app.state.store.clone();
        async move { store.story_views(id).await.unwrap() }
    };
    assert_eq!(views(8101).await, 6, "three views on each node add up");
    assert_eq!(views(8102).await, 5);
    assert_eq!(
        views(8103).await,
        1,
        "crawlers, scripts, prefetches and HEADs are not views"
    );
    // the lists are what the job last computed: nothing before it runs
    assert!(listed(&app, "/phb/", "day").await.is_empty());
    refresh(&app).await;
    let day = listed(&app, "/phb/", "day").await;
    assert_eq!(
        day,
        ["阅读最多的民生新闻", "阅读第二的民生新闻", "政务要闻一则"]
    );
    assert_eq!(listed(&app, "/phb/", "week").await, day);
    // a channel's list holds its own stories (and its sub-channels')
    assert_eq!(
        listed(&app, "/phb/sh/", "day").await,
        ["阅读最多的民生新闻", "阅读第二的民生新闻"]
    );
    assert_eq!(listed(&app, "/phb/zw/", "day").await, ["政务要闻一则"]);
    assert_eq!(app.get("/phb/nosuch/").await.status, 404);
    // the other node shows the same list (its own cache, the same rows)
    let other = visit(&router_b, "/phb/", BROWSER, &[]).await;
    assert_eq!(other, 200);
    // the home page leads its block with the most read
    let home = app.get("/").await;
    let block = home.select_attr(".block-rank li a", "title");
    assert_eq!(block[0], "阅读最多的民生新闻");
    // the job queued its next run and nothing is due now
    assert!(
        app.state
            .store
            .has_pending_job("rank_refresh", app.state.now())
            .await
            .unwrap()
    );
    // a day later the 24 hours' list is empty, the week's still holds them
    app.clock.advance(25 * 3600);
    refresh(&app).await;
    assert!(listed(&app, "/phb/", "day").await.is_empty());
    assert_eq!(listed(&app, "/phb/", "week").await, day);
    // a withdrawn story leaves the lists at once
    let mut first = app.state.store.article(8101).await.unwrap().unwrap();
    app.withdraw(&mut first).await;
    assert_eq!(
        listed(&app, "/phb/", "week").await,
        ["阅读第二的民生新闻", "政务要闻一则"]
    );
}

#[tokio::test]
async fn an_editor_removes_with_a_recorded_reason_and_cannot_insert() {
    let app = TestApp::with_demo().await;
    let [a, b, _] = three_stories(&app).await;
    let router = app.router_clone();
    for _ in 0..5 {
        visit(&router, &a, BROWSER, &[]).await;
    }
    visit(&router, &b, BROWSER, &[]).await;
    app.state
        .views
        .flush(app.state.store.as_ref())
        .await
        .unwrap();
    refresh(&app).await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    app.add_user("curator", &[Role::Editor, Role::Curator], &["main"])
        .await;
    app.add_user("county", &[Role::Editor, Role::Curator], &["zouping"])
        .await;
    let reporter = app.login("reporter").await;
    assert_eq!(reporter.get("/admin/rankings").await.status, 403);
    let remove = [
        ("site", "main"),
        ("article", "8101"),
        ("reason", "涉及个人隐私,待核实"),
    ];
    assert_eq!(
        reporter
            .post("/admin/rankings/remove", &remove)
            .await
            .status,
        403
    );
    let county = app.login("county").await;
    assert_eq!(
        county.post("/admin/rankings/remove", &remove).await.status,
        403,
        "another site's curator"
    );
    let curator = app.login("curator").await;
    let screen = curator.get("/admin/rankings").await;
    assert_eq!(screen.status, 200);
    assert_eq!(
        screen.select_text("#list-day + table tbody tr td:nth-child(3)"),
        ["5", "1"],
        "the newsroom sees the views behind each place"
    );
    // a reason is required, and says what to fix
    let r = curator
        .post(
            "/admin/rankings/remove",
            &[("site", "main"), ("article", "8101"), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("请写明移出排行的理由"), "{}", r.body);
    // a story not in a list cannot be "removed" (nor, so, restored into one)
    let r = curator
        .post(
            "/admin/rankings/remove",
            &[("site", "main"), ("article", "8103"), ("reason", "测试")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("不在本站当前的排行中"), "{}", r.body);
    // there is no way to put a story in
    for path in [
        "/admin/rankings/insert",
        "/admin/rankings/add",
        "/admin/rankings/move",
    ] {
        let r = curator
            .post(path, &[("site", "main"), ("article", "8103")])
            .await;
        assert!(r.status == 404 || r.status == 405, "{path}: {}", r.status);
    }
    let r = curator.post("/admin/rankings/remove", &remove).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(listed(&app, "/phb/", "day").await, ["阅读第二的民生新闻"]);
    assert_eq!(
        listed(&app, "/phb/sh/", "week").await,
        ["阅读第二的民生新闻"]
    );
    // the next computation keeps it out though it is still the most read
    refresh(&app).await;
    assert_eq!(listed(&app, "/phb/", "day").await, ["阅读第二的民生新闻"]);
    // the record keeps who and why; the rule page publishes it
    let record = app.state.store.audit_of(8101).await.unwrap();
    let event = record
        .iter()
        .find(|e| e.action == "rank_remove")
        .expect("recorded");
    assert!(event.detail.contains("涉及个人隐私,待核实"));
    assert_eq!(event.actor, "curator名");
    let rule = app.get("/phb/rule.html").await;
    assert_eq!(rule.status, 200);
    assert!(rule.text().contains("涉及个人隐私,待核实"));
    assert!(rule.text().contains("移出中"));
    // taking it back: the counts place it again, at the next computation
    let removal = app.state.store.rank_removals("main", 10).await.unwrap()[0].id;
    let r = curator
        .post(
            "/admin/rankings/restore",
            &[("site", "main"), ("removal", &removal.to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        listed(&app, "/phb/", "day").await,
        ["阅读最多的民生新闻", "阅读第二的民生新闻"]
    );
    assert!(app.get("/phb/rule.html").await.text().contains("撤销"));
    let again = curator
        .post(
            "/admin/rankings/restore",
            &[("site", "main"), ("removal", &removal.to_string())],
        )
        .await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn a_static_export_counts_from_its_access_log_once() {
    let app = TestApp::with_demo().await;
    let [a, b, _] = three_stories(&app).await;
    let line = |path: &str, at: &str, ua: &str| {
        format!(
            "203.0.113.7 - - [{at} +0800] \"GET {path}?from=timeline HTTP/1.1\" 200 15000 \"-\" \"{ua}\"\n"
        )
    };
    let mut log = String::new();
    for s in 0..4 {
        log += &line(&a, &format!("20/Apr/2024:11:00:0{s}"), BROWSER);
    }
    log += &line(&b, "20/Apr/2024:11:00:05", BROWSER);
    log += &line(&b, "20/Apr/2024:11:00:05", BAIDU);
    log += &line("/sh/", "20/Apr/2024:11:00:05", BROWSER);
    log += &line(
        "/no/such/2024-04/20/999999.html",
        "20/Apr/2024:11:00:05",
        BROWSER,
    );
    log += "a torn line\n";
    // the last second read: held back for the next run
    log += &line(&b, "20/Apr/2024:11:00:09", BROWSER);
    let opts = gazette::reach::LogOptions {
        outlet: "web".into(),
        host: None,
    };
    let run = |text: String| {
        let (store, opts, now) = (app.state.store.clone(), opts.clone(), app.state.now());
        async move {
            gazette::reach::count_log(
                store.as_ref(),
                std::io::Cursor::new(text),
                &opts,
                now,
                |_| {},
            )
            .await
            .unwrap()
        }
    };
    let first = run(log.clone()).await;
    assert_eq!(first.counted, 5);
    assert_eq!(first.stories, 2);
    assert_eq!(first.unreadable, 1);
    assert_eq!(first.held_back, 1);
    assert_eq!(app.state.store.story_views(8101).await.unwrap(), 4);
    assert_eq!(app.state.store.story_views(8102).await.unwrap(), 1);
    // the lists were computed at once
    assert_eq!(
        listed(&app, "/phb/", "day").await,
        ["阅读最多的民生新闻", "阅读第二的民生新闻"]
    );
    // the same log again, grown: only what is new counts
    log += &line(&b, "20/Apr/2024:11:00:10", BROWSER);
    log += &line(&b, "20/Apr/2024:11:00:11", BROWSER);
    let second = run(log).await;
    assert_eq!(second.counted, 2, "the held-back second and the new one");
    assert_eq!(
        second.before_mark, 8,
        "the lines up to the mark (not the torn one)"
    );
    assert_eq!(app.state.store.story_views(8101).await.unwrap(), 4);
    assert_eq!(app.state.store.story_views(8102).await.unwrap(), 3);
    // a bad outlet name is refused before anything is read
    let bad = gazette::reach::LogOptions {
        outlet: "Web Site".into(),
        host: None,
    };
    let err = gazette::reach::count_log(
        app.state.store.as_ref(),
        std::io::Cursor::new(String::new()),
        &bad,
        app.state.now(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("渠道名"));
}

#[tokio::test]
async fn the_rule_is_published_and_every_ranking_page_is_linked() {
    let app = TestApp::with_demo().await;
    let rule = app.get("/phb/rule.html").await;
    assert_eq!(rule.status, 200);
    let text = rule.text();
    for needed in [
        "互联网信息服务算法推荐管理规定",
        "不使用 Cookie",
        "Baiduspider",
        "只能把稿件移出排行,不能把稿件加入排行",
        "暂无移出记录",
    ] {
        assert!(
            text.contains(needed) || (needed == "Baiduspider" && text.contains("spider")),
            "{needed}"
        );
    }
    let page = app.get("/phb/").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("暂无排行"));
    assert_eq!(
        page.select_attr("a[href='/phb/rule.html']", "href").len(),
        1
    );
    // every channel has its ranking page; the scopes link the roots
    let scopes = page.select_attr(".rank-scopes a", "href");
    assert!(scopes.contains(&"/phb/sh/".to_string()), "{scopes:?}");
    assert_eq!(app.get("/phb/zw/yw/").await.status, 200);
    // a county site has its own
    assert_eq!(app.get("/zouping/phb/").await.status, 200);
    // the export writes them
    let paths = gazette::export::public_paths(&app.state).await.unwrap();
    for p in ["/phb/", "/phb/rule.html", "/phb/sh/", "/zouping/phb/"] {
        assert!(paths.iter().any(|x| x == p), "{p}");
    }
}
