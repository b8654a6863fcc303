//! 专题 (issue 25): a topic gathers stories by hand and by rule, paged per
//! section, listed per site, with a feed; a story says which topics hold
//! it; a sign-off that enters a topic's rule drops exactly that topic's
//! pages (render cache and incremental export alike); topics are made by
//! 专题编辑 through the editor and signed off like any story.

use gazette::demo::{LIVE_ID, TOPIC_ID, TOPIC_SLUG};
use gazette::domain::user::Role;
use gazette::render::cache::RenderCache;

use crate::util::TestApp;
use crate::util::desk::{BODY, desk};
use crate::util::form::{fields, pairs, set};

const TOPIC: &str = "/zt/2024sxj/";

fn cached(app: &TestApp, rel: &str) -> bool {
    app.state.cache.contains(&RenderCache::key("main", rel))
}

/// A story of the main site's 部门动态 with these tags.
async fn tagged(app: &TestApp, id: i64, title: &str, at: &str, tags: &[&str]) -> String {
    let mut a = app.publish(id, "main", "zw/bm", title, at).await;
    a.tags = tags.iter().map(|t| t.to_string()).collect();
    app.save(&a).await;
    TestApp::path_of(&a)
}

#[tokio::test]
async fn the_demo_topic_gathers_by_hand_and_by_rule() {
    let app = TestApp::with_demo().await;
    assert_eq!(TOPIC, format!("/zt/{TOPIC_SLUG}/"));
    let page = app.get(TOPIC).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.select_text("h1"), ["2024齐鲁书香节"]);
    assert_eq!(
        page.select_text(".topic-section .block-title"),
        ["现场直播", "全民阅读"]
    );
    let live = app.state.store.article(LIVE_ID).await.unwrap().unwrap();
    // 现场直播: the live story by hand first, then what says 书香节
    let first = page.select_text(".topic-section:nth-child(1) li a");
    assert_eq!(first[0], live.title);
    assert!(first.contains(&"2024齐鲁书香节滨州分会场活动预告".to_string()));
    // 全民阅读: the tagged 政务 stories, newest first
    assert_eq!(
        page.select_text(".topic-section:nth-child(2) li a"),
        [
            "市图书馆推出“书香滨州”阅读打卡活动",
            "社区书屋周末开放 居民家门口读好书",
            "2024齐鲁书香节滨州分会场活动预告"
        ]
    );
    assert_eq!(
        page.select_text(".topic-lead .media-title"),
        std::slice::from_ref(&live.title)
    );
    // 您当前的位置 and its structured data; a CollectionPage with its lists
    assert_eq!(
        page.select_text("nav.crumb"),
        ["您当前的位置 : 首页 >> 专题 >> 2024齐鲁书香节"]
    );
    let ld = page
        .select_text("script[type='application/ld+json']")
        .join("\n");
    assert!(ld.contains("\"CollectionPage\"") && ld.contains("\"ItemList\""));
    assert!(ld.contains("\"BreadcrumbList\""));
    // the site's list of topics, the home page's block, the feed
    let list = app.get("/zt/").await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.select_attr(".media-list .media-title", "href"),
        [TOPIC]
    );
    let home = app.get("/").await;
    assert!(
        home.select_attr(".home-channels a", "href")
            .contains(&TOPIC.to_string())
    );
    let feed = app.get("/zt/2024sxj/rss.xml").await;
    assert_eq!(feed.status, 200);
    assert!(feed.body.contains("市图书馆推出“书香滨州”阅读打卡活动"));
    // a story it holds says so
    let story = app.get("/zw/bm/2024-04/10/900711.html").await;
    assert_eq!(story.select_text(".story-topics a"), ["2024齐鲁书香节"]);
    assert_eq!(story.select_attr(".story-topics a", "href"), [TOPIC]);
    // a story it does not hold does not
    let seed = app.get("/zw/yw/2023-06/01/900001.html").await;
    assert!(seed.select_text(".story-topics").is_empty());
    // no page of a section it does not have, nor of a topic there is not
    assert_eq!(app.get("/zt/2024sxj/3/").await.status, 404);
    assert_eq!(app.get("/zt/nope/").await.status, 404);
    assert_eq!(app.get("/zt/2024sxj/2/index_2.html").await.status, 404);
}

#[tokio::test]
async fn a_section_is_paged_newest_first_after_its_picks() {
    let app = TestApp::with_demo().await;
    for i in 0..40 {
        tagged(
            &app,
            8200 + i,
            &format!("阅读活动第{i}场"),
            &format!("2024-03-{:02}T{:02}:00:00+08:00", 1 + i / 2, 8 + i % 2),
            &["全民阅读"],
        )
        .await;
    }
    // 全民阅读 now holds 43, paged like a channel: the oldest 20 on page 2
    // (it stays put as stories arrive), the newest 23 on page 1
    let p1 = app.get("/zt/2024sxj/2/").await;
    assert_eq!(p1.status, 200);
    let items = p1.select_text(".channel-list li a");
    assert_eq!(items.len(), 23);
    assert_eq!(items[0], "市图书馆推出“书香滨州”阅读打卡活动");
    assert_eq!(items[3], "阅读活动第39场");
    assert_eq!(p1.select_text(".pager-info"), ["共 43 篇,第 1/2 页"]);
    let p2 = app.get("/zt/2024sxj/2/index_2.html").await;
    let older = p2.select_text(".channel-list li a");
    assert_eq!(older.len(), 20);
    assert_eq!(older[19], "阅读活动第0场");
    // the topic's page shows the section's size and links to the rest
    let page = app.get(TOPIC).await;
    assert_eq!(
        page.select_text(".topic-section:nth-child(2) li a").len(),
        6
    );
    assert_eq!(
        page.select_attr(".topic-section:nth-child(2) .more-link a", "href"),
        ["/zt/2024sxj/2/"]
    );
    // 现场直播: the picked live story stays first, whatever is newer
    let first = app.get("/zt/2024sxj/1/").await;
    let live = app.state.store.article(LIVE_ID).await.unwrap().unwrap();
    assert_eq!(first.select_text(".channel-list li a")[0], live.title);
}

#[tokio::test]
async fn a_sign_off_drops_exactly_the_topics_it_enters() {
    let app = TestApp::with_demo().await;
    let prime = [
        "/",
        TOPIC,
        "/zt/2024sxj/2/",
        "/zt/",
        "/zw/yw/2023-06/01/900001.html",
    ];
    for p in prime {
        assert_eq!(app.get(p).await.status, 200, "{p}");
    }
    let rel = |p: &str| p.trim_start_matches('/').to_string();
    // a story its rules do not gather: the topic's pages stay
    let before = app.state.store.last_change().await.unwrap();
    app.publish(
        8301,
        "main",
        "zw/yw",
        "与阅读无关的政务",
        "2024-04-20T10:00:00+08:00",
    )
    .await;
    app.get("/nothing").await;
    assert!(cached(&app, &rel(TOPIC)), "the topic does not hold it");
    assert!(cached(&app, "zt/2024sxj/2/"));
    let keys: Vec<String> = app
        .state
        .store
        .changes_since(before, 10)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|c| c.keys)
        .collect();
    assert!(!keys.iter().any(|k| k.starts_with("topic")), "{keys:?}");
    // one it gathers (tagged 全民阅读, in 部门动态): exactly its pages go
    let before = app.state.store.last_change().await.unwrap();
    tagged(
        &app,
        8302,
        "全民阅读进校园",
        "2024-04-20T11:00:00+08:00",
        &["全民阅读"],
    )
    .await;
    app.get("/nothing").await;
    let keys: Vec<String> = app
        .state
        .store
        .changes_since(before, 10)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|c| c.keys)
        .filter(|k| k.starts_with("topic"))
        .collect();
    assert_eq!(keys, [format!("topic:{TOPIC_ID}")]);
    assert!(!cached(&app, &rel(TOPIC)));
    assert!(!cached(&app, "zt/2024sxj/2/"));
    assert!(cached(&app, "zt/"), "the list of topics did not change");
    let page = app.get(TOPIC).await;
    assert_eq!(
        page.select_text(".topic-section:nth-child(2) li a")[0],
        "全民阅读进校园"
    );
    // retagged out of the rule: the topic lets it go
    let mut a = app.state.store.article(8302).await.unwrap().unwrap();
    a.tags = vec!["校园".into()];
    app.save(&a).await;
    let page = app.get(TOPIC).await;
    assert!(!page.body.contains("全民阅读进校园"));
}

#[tokio::test]
async fn the_incremental_export_follows_a_topic_like_a_full_build() {
    let app = TestApp::with_demo().await;
    let out = tempfile::tempdir().unwrap();
    gazette::export::build(&app.state, out.path(), false, false)
        .await
        .unwrap();
    for p in [
        "zt/index.html",
        "zt/2024sxj/index.html",
        "zt/2024sxj/2/index.html",
        "zt/2024sxj/rss.xml",
    ] {
        assert!(out.path().join(p).exists(), "{p}");
    }
    // 40 more for 全民阅读: its section gains a page
    for i in 0..40 {
        tagged(
            &app,
            8400 + i,
            &format!("导出测试的阅读活动{i}"),
            &format!("2024-03-{:02}T{:02}:00:00+08:00", 1 + i / 2, 8 + i % 2),
            &["书香滨州"],
        )
        .await;
    }
    let report = gazette::export::build(&app.state, out.path(), true, false)
        .await
        .unwrap();
    assert!(!report.full);
    for p in [
        "/zt/2024sxj/",
        "/zt/2024sxj/2/",
        "/zt/2024sxj/2/index_2.html",
        "/zt/2024sxj/rss.xml",
    ] {
        assert!(
            report.written.contains(&p.to_string()),
            "{p} in {:?}",
            report.written
        );
    }
    assert!(
        !report.written.contains(&"/zt/".to_string()),
        "the list did not change"
    );
    // every topic file equals what serve answers (a full build's bytes)
    for p in [
        "/zt/2024sxj/",
        "/zt/2024sxj/2/",
        "/zt/2024sxj/2/index_2.html",
        "/zt/",
    ] {
        let file = gazette::export::file_for(out.path(), p);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            app.get(p).await.body,
            "{p}"
        );
    }
}

#[tokio::test]
async fn a_topic_is_made_by_a_topic_editor_and_signed_off_like_a_story() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let form_with = |html: &str, slug: &str| {
        let mut f = fields(html, "story-form");
        set(&mut f, "title", "黄河文化周");
        set(&mut f, "kind", "topic");
        set(&mut f, "body", BODY);
        set(&mut f, "channel_id", &d.yw.to_string());
        set(&mut f, "topic_slug", slug);
        // the first (blank) section: 政务 stories that say 滨州
        let mut n = 0;
        for (k, v) in f.iter_mut() {
            match k.as_str() {
                "sec_name" if n == 0 => *v = "政务动态".into(),
                "sec_channels" if n == 0 => *v = "zw".into(),
                "sec_keywords" if n == 0 => {
                    *v = "滨州".into();
                    n += 1;
                }
                _ => {}
            }
        }
        f
    };
    // an editor without the topic role is refused, and told why
    let page = d.editor.get("/admin/stories/new").await;
    assert!(
        page.body.contains("id=\"topic-field\""),
        "the editor offers the panel"
    );
    let r = d
        .editor
        .post("/admin/stories/new", &pairs(&form_with(&page.body, "hhwh")))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("只有专题编辑"), "{}", r.body);
    // a 专题编辑 makes it through the same form
    app.add_user("zhuanti", &[Role::Topic], &["main"]).await;
    let zt = app.login("zhuanti").await;
    let page = zt.get("/admin/stories/new").await;
    let mut f = form_with(&page.body, "hhwh");
    // a picked number that is no live story of the site is refused
    set(&mut f, "topic_lead", "999999");
    let r = zt.post("/admin/stories/new", &pairs(&f)).await;
    assert!(r.body.contains("999999 不是本站已发布的稿件"), "{}", r.body);
    set(&mut f, "topic_lead", "900001");
    let r = zt.post("/admin/stories/new", &pairs(&f)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r
        .header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        app.get("/zt/hhwh/").await.status,
        404,
        "not before sign-off"
    );
    for (who, action) in [
        (&zt, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303, "{action}");
    }
    let page = app.get("/zt/hhwh/").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.select_text(".topic-section .block-title"),
        ["政务动态"]
    );
    // the eight newest 政务 stories that say 滨州, and a link to the rest
    let items = page.select_text(".topic-section li a");
    assert_eq!(items.len(), 8, "{items:?}");
    assert!(items.iter().all(|t| t.contains("滨州")), "{items:?}");
    assert_eq!(
        page.select_attr(".topic-section .more-link a", "href"),
        ["/zt/hhwh/1/"]
    );
    let rest = app
        .get("/zt/hhwh/1/")
        .await
        .select_text(".channel-list li a");
    assert!(
        rest.contains(&"全省职教社工作研讨班暨规范化建设现场推进会在滨州召开".to_string()),
        "{rest:?}"
    );
    assert_eq!(
        page.select_text(".topic-lead .media-title"),
        ["全省职教社工作研讨班暨规范化建设现场推进会在滨州召开"]
    );
    // in the site's list, newest first
    assert_eq!(
        app.get("/zt/")
            .await
            .select_attr(".media-list .media-title", "href")[0],
        "/zt/hhwh/"
    );
    // its address stays once published
    let a = app.state.store.article(id).await.unwrap().unwrap();
    assert_eq!(a.url_path.as_deref(), Some("zt/hhwh/"));
}
