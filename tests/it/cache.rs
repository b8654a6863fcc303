//! The render cache: exact invalidation, 304s, encodings, single flight.

use std::io::Read;

use axum::body::Body;
use axum::http::Request;
use gazette::render::cache::RenderCache;

use crate::util::TestApp;

const SEED: &str = "/zw/yw/2023-06/01/900001.html";

async fn prime(app: &TestApp, paths: &[&str]) {
    for p in paths {
        assert_eq!(app.get(p).await.status, 200, "{p}");
    }
}

fn cached(app: &TestApp, site: &str, rel: &str) -> bool {
    app.state.cache.contains(&RenderCache::key(site, rel))
}

#[tokio::test]
async fn a_sign_off_drops_exactly_the_pages_it_changes() {
    let app = TestApp::with_demo().await;
    prime(
        &app,
        &[
            "/",
            "/zw/",
            "/zw/yw/",
            "/st/",
            "/fb/",
            SEED,
            "/zouping/",
            "/zouping/zw/yw/",
        ],
    )
    .await;
    for (site, rel) in [
        ("main", ""),
        ("main", "zw/yw/"),
        ("main", "st/"),
        ("main", SEED.trim_start_matches('/')),
        ("zouping", ""),
    ] {
        assert!(cached(&app, site, rel), "{site} {rel} primed");
    }
    // a new story in 政务要闻
    app.publish(
        8001,
        "main",
        "zw/yw",
        "新签发的政务要闻",
        "2024-04-20T11:00:00+08:00",
    )
    .await;
    app.get("/nothing-to-see").await; // any request runs the follower
    // its channel, the parent channel, the home page, and pages showing 更多滨州政务 are dropped
    for rel in ["", "zw/", "zw/yw/", SEED.trim_start_matches('/')] {
        assert!(!cached(&app, "main", rel), "{rel} should be dropped");
    }
    // unrelated pages stay: another channel, another site
    assert!(cached(&app, "main", "st/"), "视听滨州 is unrelated");
    assert!(cached(&app, "main", "fb/"), "滨州发布 is unrelated");
    assert!(cached(&app, "zouping", ""), "邹平 is unrelated");
    assert!(
        cached(&app, "zouping", "zw/yw/"),
        "邹平's 政务要闻 is another channel"
    );
    // and the dropped pages come back with the story
    assert!(app.get("/zw/yw/").await.text().contains("新签发的政务要闻"));
    assert!(app.get(SEED).await.text().contains("新签发的政务要闻"));
}

#[tokio::test]
async fn slot_and_settings_changes_drop_their_readers() {
    let app = TestApp::with_demo().await;
    prime(&app, &["/", "/st/", SEED, "/zouping/"]).await;
    // the 头条 slot is read by the home page and story pages, not by channel lists
    app.state
        .store
        .put_slot(
            "main",
            "toutiao",
            "滨州头条",
            &[900_108, 900_101],
            app.state.now(),
        )
        .await
        .unwrap();
    app.get("/nothing").await;
    assert!(!cached(&app, "main", ""));
    assert!(!cached(&app, "main", SEED.trim_start_matches('/')));
    assert!(cached(&app, "main", "st/"));
    assert!(cached(&app, "zouping", ""));
    // the seed's 更多 blocks: its own 政务要闻 first, then 更多滨州头条
    let seed = app.get(SEED).await;
    assert_eq!(
        seed.select_text(".more-blocks .block:nth-child(2) h2"),
        ["更多滨州头条"]
    );
    assert_eq!(
        seed.select_text(".more-blocks .block:nth-child(2) li a")[0],
        "2024全国主流媒体滨州行活动正式启动"
    );
    // the main site's footer facts are read by every page of every site
    prime(&app, &["/", "/st/", "/zouping/"]).await;
    let mut main = app
        .state
        .store
        .sites()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.is_main())
        .unwrap();
    main.settings.report_phone = "0543-1234567".into();
    app.state
        .store
        .put_site(&main, app.state.now())
        .await
        .unwrap();
    assert!(
        app.get("/zouping/").await.text().contains("0543-1234567"),
        "county footers follow the main site"
    );
    assert!(app.get("/st/").await.text().contains("0543-1234567"));
}

#[tokio::test]
async fn etags_answer_304_and_encodings_match_the_page() {
    let app = TestApp::with_demo().await;
    let first = app.get(SEED).await;
    let etag = first.header("etag").expect("etag").to_string();
    assert!(first.header("cache-control").unwrap().contains("public"));
    assert_eq!(first.header("vary"), Some("Accept-Encoding"));
    let req = Request::get(SEED)
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let not_modified = app.request(req).await;
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    // gzip and brotli carry the same page
    let req = Request::get(SEED)
        .header("accept-encoding", "gzip, deflate")
        .body(Body::empty())
        .unwrap();
    let resp = app.router_response(req).await;
    assert_eq!(resp.0.get("content-encoding").unwrap(), "gzip");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&resp.1[..])
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, first.body);
    let req = Request::get(SEED)
        .header("accept-encoding", "br;q=1.0, gzip;q=0.5")
        .body(Body::empty())
        .unwrap();
    let resp = app.router_response(req).await;
    assert_eq!(resp.0.get("content-encoding").unwrap(), "br");
    let mut text = String::new();
    brotli::Decompressor::new(&resp.1[..], 4096)
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, first.body);
    // a refused encoding is not used
    let req = Request::get(SEED)
        .header("accept-encoding", "gzip;q=0")
        .body(Body::empty())
        .unwrap();
    assert!(
        app.router_response(req)
            .await
            .0
            .get("content-encoding")
            .is_none()
    );
    // a changed page gets a new ETag: the old one no longer matches
    app.publish(
        8002,
        "main",
        "zw/yw",
        "让页面变化的稿件",
        "2024-04-20T11:30:00+08:00",
    )
    .await;
    let req = Request::get(SEED)
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.request(req).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_render_once() {
    let app = TestApp::with_demo().await;
    app.get("/warm-the-follower").await;
    let renders = |app: &TestApp| {
        app.state
            .cache
            .counters
            .renders
            .load(std::sync::atomic::Ordering::SeqCst)
    };
    let before = renders(&app);
    let router = app.router_clone();
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let r = router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let resp = r
                .oneshot(Request::get(SEED).body(Body::empty()).unwrap())
                .await
                .unwrap();
            resp.status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(
        renders(&app) - before,
        1,
        "200 concurrent requests, one render"
    );
    let metrics = app
        .request(
            axum::http::Request::get("/metrics")
                .extension(axum::extract::ConnectInfo(
                    "127.0.0.1:9000".parse::<std::net::SocketAddr>().unwrap(),
                ))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.body.contains("gazette_cache_renders_total"));
    assert!(metrics.body.contains("gazette_cache_hits_total"));
}

#[tokio::test]
async fn a_story_leaving_or_changing_in_related_lists_drops_exactly_those_pages() {
    let app = TestApp::with_demo().await;
    let tagged = |mut a: gazette::domain::Article, tag: &str| {
        a.tags = vec![tag.to_string()];
        a
    };
    let mut x = tagged(
        app.publish(
            8101,
            "main",
            "zw/yw",
            "较早的营商稿件",
            "2024-04-18T09:00:00+08:00",
        )
        .await,
        "营商环境",
    );
    app.save(&x).await;
    let mut w = tagged(
        app.publish(
            8102,
            "main",
            "zw/yw",
            "另一篇营商稿件",
            "2024-04-18T10:00:00+08:00",
        )
        .await,
        "营商环境",
    );
    app.save(&w).await;
    let y = tagged(
        app.publish(
            8103,
            "main",
            "zw/yw",
            "最新的营商稿件",
            "2024-04-19T09:00:00+08:00",
        )
        .await,
        "营商环境",
    );
    app.save(&y).await;
    let z = tagged(
        app.publish(
            8104,
            "zouping",
            "zw/yw",
            "无关的文旅稿件",
            "2024-04-19T10:00:00+08:00",
        )
        .await,
        "文化旅游",
    );
    app.save(&z).await;
    // Z on a county site: main-site stories all show 更多滨州政务, which W's edit changes
    let (py, pz) = (
        TestApp::path_of(&y),
        format!("/zouping/{}", z.url_path.as_deref().unwrap()),
    );
    let page = app.get(&py).await.text();
    assert!(
        page.contains("较早的营商稿件") && page.contains("另一篇营商稿件"),
        "{page}"
    );
    prime(&app, &[&py, &pz]).await;
    // an earlier story in Y's 相关新闻 is edited: Y is dropped and shows the new title
    w.title = "另一篇营商稿件(更正)".into();
    app.save(&w).await;
    app.get("/nothing-to-see").await;
    assert!(!cached(&app, "main", py.trim_start_matches('/')));
    assert!(
        cached(&app, "zouping", pz.trim_start_matches("/zouping/")),
        "unrelated page kept"
    );
    assert!(app.get(&py).await.text().contains("另一篇营商稿件(更正)"));
    // one is withdrawn: Y is dropped again and no longer lists it
    prime(&app, &[&py]).await;
    app.withdraw(&mut x).await;
    app.get("/nothing-to-see").await;
    assert!(!cached(&app, "main", py.trim_start_matches('/')));
    assert!(
        cached(&app, "zouping", pz.trim_start_matches("/zouping/")),
        "unrelated page kept"
    );
    assert!(!app.get(&py).await.text().contains("较早的营商稿件"));
}

/// 上一篇 / 下一篇: a story's neighbours in its own channel by 签发 time,
/// 没有了 at the ends; a sign-off between two stories re-renders exactly
/// those two pages, not the channel's other stories (issue 25).
#[tokio::test]
async fn a_sign_off_changes_only_its_neighbours_pagers() {
    let app = TestApp::with_demo().await;
    let first = app
        .publish(8101, "main", "st", "视听甲", "2030-01-01T08:00:00+08:00")
        .await;
    let last = app
        .publish(8103, "main", "st", "视听丙", "2030-01-03T08:00:00+08:00")
        .await;
    let older = app
        .publish(8100, "main", "st", "视听更早", "2029-12-01T08:00:00+08:00")
        .await;
    let path = |a: &gazette::domain::Article| TestApp::path_of(a);
    let (p_first, p_last, p_older) = (path(&first), path(&last), path(&older));
    let page = app.get(&p_first).await;
    assert_eq!(page.select_text(".pager-next a"), ["视听丙"]);
    assert_eq!(page.select_text(".pager-prev a"), ["视听更早"]);
    let newest = app.get(&p_last).await;
    assert_eq!(newest.select_text(".pager-next .none"), ["没有了"]);
    prime(&app, &[&p_first, &p_last, &p_older]).await;
    // signed between 甲 and 丙
    let before = app.state.store.last_change().await.unwrap();
    app.publish(8102, "main", "st", "视听乙", "2030-01-02T08:00:00+08:00")
        .await;
    app.get("/nothing-to-see").await;
    let rel = |p: &str| p.trim_start_matches('/').to_string();
    assert!(!cached(&app, "main", &rel(&p_first)), "甲's 下一篇 changed");
    assert!(!cached(&app, "main", &rel(&p_last)), "丙's 上一篇 changed");
    // every story page of 视听滨州 shows the channel's newest in its first
    // 更多 block, so all of them render again; the pager's key names only
    // the two neighbours (the export rewrites those two pages and the
    // channel's 更多 fragment)
    let adjacent: Vec<String> = app
        .state
        .store
        .changes_since(before, 100)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|c| c.keys)
        .filter(|k| k.starts_with("adjacent:"))
        .collect();
    assert_eq!(adjacent, ["adjacent:8101", "adjacent:8103"]);
    assert_eq!(
        app.get(&p_older).await.select_text(".pager-next a"),
        ["视听甲"],
        "an older story's pager did not change"
    );
    assert_eq!(
        app.get(&p_first).await.select_text(".pager-next a"),
        ["视听乙"]
    );
    assert_eq!(
        app.get(&p_last).await.select_text(".pager-prev a"),
        ["视听乙"]
    );
    // withdrawn, it leaves its neighbours' pagers again
    let mut middle = app.state.store.article(8102).await.unwrap().unwrap();
    app.withdraw(&mut middle).await;
    app.get("/nothing-to-see").await;
    assert_eq!(
        app.get(&p_first).await.select_text(".pager-next a"),
        ["视听丙"]
    );
}

/// A CDN in front can drop exactly what a change touched: every cached
/// answer names its dependency keys (`Surrogate-Key`, `Cache-Tag`; a tag
/// in Chinese as its hash), and a change's keys name the same.
#[tokio::test]
async fn cached_answers_name_their_keys_for_a_cdn() {
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(
            9601,
            "main",
            "zw/yw",
            "代理缓存稿件",
            "2024-04-19T10:00:00+08:00",
        )
        .await;
    a.tags = vec!["黄河大集".into()];
    app.save(&a).await;
    let path = TestApp::path_of(&a);
    app.get(&path).await;
    let r = app.get(&path).await;
    let keys: Vec<&str> = r
        .header("surrogate-key")
        .expect("Surrogate-Key")
        .split(' ')
        .collect();
    assert!(keys.contains(&"story:9601"), "{keys:?}");
    assert!(keys.contains(&"site:main"));
    let hashed = gazette::domain::surrogate::tag("related:9601");
    assert!(keys.contains(&hashed.as_str()));
    let tags: Vec<&str> = r
        .header("cache-tag")
        .expect("Cache-Tag")
        .split(',')
        .collect();
    assert_eq!(tags, keys, "the same keys for Cloudflare");
    // the tag's list page carries the tag's key hashed: plain ASCII only
    let tag_page = app.get("/tag/%E9%BB%84%E6%B2%B3%E5%A4%A7%E9%9B%86/").await;
    assert_eq!(tag_page.status, 200);
    let tag_page = app.get("/tag/%E9%BB%84%E6%B2%B3%E5%A4%A7%E9%9B%86/").await;
    let value = tag_page.header("surrogate-key").unwrap();
    assert!(value.is_ascii());
    assert!(
        value
            .split(' ')
            .any(|k| k == gazette::domain::surrogate::tag("tag:main/黄河大集"))
    );
}
