//! Channel pages, pagination edges, 404/410 and escaping of hostile text.

use gazette::domain::Status;

use crate::util::TestApp;

/// 45 stories in 政务要闻 (page size 20): pages 1..=3.
async fn app_with_45_stories() -> TestApp {
    let app = TestApp::with_demo().await;
    // an empty site-wide channel tree is there; add stories to 社会民生 (no demo stories)
    for i in 0..45 {
        let day = 1 + i / 2;
        let hour = 8 + i % 2;
        app.publish(
            1000 + i,
            "main",
            "sh",
            &format!("社会民生第{i}条新闻"),
            &format!("2024-03-{day:02}T{hour:02}:00:00+08:00"),
        )
        .await;
    }
    app
}

#[tokio::test]
async fn channel_pages_are_paginated_newest_first() {
    let app = app_with_45_stories().await;
    // page 1: the newest 25 (20 + 45 % 20); page 2: the oldest block of 20
    let p1 = app.get("/sh/").await;
    assert_eq!(p1.status, 200);
    let items = p1.select_text(".channel-list li a");
    assert_eq!(items.len(), 25);
    assert_eq!(items[0], "社会民生第44条新闻");
    // this year's stories are dated MM-DD (older ones YYYY-MM-DD: list_dates)
    assert_eq!(p1.select_text(".channel-list li .date")[0], "03-23");
    assert_eq!(p1.select_text(".pager-info"), vec!["共 45 篇,第 1/2 页"]);
    assert_eq!(
        p1.select_attr(".pager a[rel=next]", "href"),
        vec!["/sh/index_2.html"]
    );
    assert!(p1.select_attr(".pager a[rel=prev]", "href").is_empty());

    let p2 = app.get("/sh/index_2.html").await;
    assert_eq!(p2.status, 200);
    let items2 = p2.select_text(".channel-list li a");
    assert_eq!(items2.len(), 20);
    assert_eq!(items2[0], "社会民生第19条新闻");
    assert_eq!(items2.last().unwrap(), "社会民生第0条新闻");
    assert_eq!(p2.select_attr(".pager a[rel=prev]", "href"), vec!["/sh/"]);
    assert!(p2.select_attr(".pager a[rel=next]", "href").is_empty());
    // an older page does not say how many stories there are: it stays the same file
    assert_eq!(p2.select_text(".pager-info"), vec!["第 2/2 页"]);
    assert_eq!(app.get("/sh/index_3.html").await.status, 404);

    // the pages together hold each story exactly once
    let mut all: Vec<String> = items.into_iter().chain(items2).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 45);

    // index.html is page 1 too (static-file friendly)
    assert_eq!(
        app.get("/sh/index.html")
            .await
            .select_text(".channel-list li a")
            .len(),
        25
    );
}

#[tokio::test]
async fn older_list_pages_stay_put_until_a_block_fills() {
    let app = app_with_45_stories().await;
    let page2 = || async { app.get("/sh/index_2.html").await.body };
    let before = page2().await;
    // 14 newer stories: page 1 grows to 39, page 2 is the same bytes, and the
    // render cache kept it (no change named its key)
    for i in 0..14 {
        app.publish(
            2000 + i,
            "main",
            "sh",
            &format!("社会民生新稿{i}"),
            &format!("2024-04-{:02}T08:00:00+08:00", 1 + i),
        )
        .await;
        assert_eq!(page2().await, before, "after {} more", i + 1);
    }
    assert!(
        app.state
            .cache
            .contains(&gazette::render::cache::RenderCache::key(
                "main",
                "sh/index_2.html"
            ))
    );
    assert_eq!(
        app.get("/sh/")
            .await
            .select_text(".channel-list li a")
            .len(),
        39
    );
    // the 60th story fills a block: three pages of 20, page 2 moves on
    app.publish(
        2014,
        "main",
        "sh",
        "社会民生第六十条",
        "2024-04-20T08:00:00+08:00",
    )
    .await;
    let p1 = app.get("/sh/").await.select_text(".channel-list li a");
    assert_eq!(p1.len(), 20);
    let p2 = app.get("/sh/index_2.html").await;
    assert_ne!(p2.body, before);
    assert_eq!(
        p2.select_text(".channel-list li a")[0],
        "社会民生第39条新闻"
    );
    let p3 = app.get("/sh/index_3.html").await;
    assert_eq!(
        p3.select_text(".channel-list li a").last().unwrap(),
        "社会民生第0条新闻"
    );
    // withdrawing a story from an older page moves the pages behind page 1
    let mut old = app.state.store.article(1005).await.unwrap().unwrap();
    let p3_before = p3.body;
    app.withdraw(&mut old).await;
    let p3_after = app.get("/sh/index_3.html").await;
    assert_ne!(p3_after.body, p3_before);
    assert!(!p3_after.body.contains("社会民生第5条新闻"));
}

#[tokio::test]
async fn bad_page_numbers_are_404_never_500() {
    let app = app_with_45_stories().await;
    for path in [
        "/sh/index_4.html",
        "/sh/index_1.html",
        "/sh/index_0.html",
        "/sh/index_-2.html",
        "/sh/index_02.html",
        "/sh/index_abc.html",
        "/sh/index_999999999999999999999.html",
        "/sh/index_4294967296.html",
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status, 404, "{path}");
        assert_eq!(
            resp.select_text("h1"),
            vec!["页面不存在"],
            "{path} shows the styled 404"
        );
    }
}

#[tokio::test]
async fn parent_channels_list_their_children_stories() {
    let app = TestApp::with_demo().await;
    let zw = app.get("/zw/").await;
    let titles = zw.select_text(".channel-list li a");
    // 政务要闻 and 部门动态 stories (three on reading, for the demo 专题),
    // plus the seed article
    assert_eq!(titles.len(), 12);
    assert!(titles.contains(&"市图书馆推出“书香滨州”阅读打卡活动".to_string()));
    assert!(titles.contains(&"全省职教社工作研讨班暨规范化建设现场推进会在滨州召开".to_string()));
    assert_eq!(
        zw.select_text(".subchannels a"),
        vec!["政务要闻", "部门动态", "县区动态"]
    );
    let yw = app.get("/zw/yw/").await.select_text(".channel-list li a");
    assert_eq!(yw.len(), 6);
    // an empty channel answers 200 with a notice, not 404
    let empty = app.get("/zw/xq/").await;
    assert_eq!(empty.status, 200);
    assert_eq!(
        empty.select_text(".channel-list .empty"),
        vec!["本栏目暂无稿件"]
    );
}

#[tokio::test]
async fn unknown_paths_and_ids_are_styled_404s() {
    let app = TestApp::with_demo().await;
    for path in [
        "/nosuch/",
        "/zw/yw/2023-06/01/424242.html",
        "/zw/yw/2023-06/02/900001.html", // right id, wrong date
        "/zw/bm/2023-06/01/900001.html", // right id, wrong channel
        "/bincheng/zw/yw/2023-06/01/900001.html", // right path, wrong site
        "/zw/yw/2023-06/01/0900001.html",
        "/zw/yw/2023-06/01/99999999999999999999999.html",
        "/wp-login.php",
        "/zw/../../etc/passwd",
        "/%E6%BB%A8%E5%B7%9E/",
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status, 404, "{path}");
        assert_eq!(
            resp.select_text(".error-page h1"),
            vec!["页面不存在"],
            "{path}"
        );
        // the 404 page keeps the site's navigation and footer
        assert!(resp.text().contains("鲁ICP备09072207号-3"), "{path}");
    }
}

#[tokio::test]
async fn drafts_are_not_public_and_withdrawn_stories_answer_410() {
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(
            2001,
            "main",
            "sh",
            "即将撤回的稿件",
            "2024-04-10T09:00:00+08:00",
        )
        .await;
    let path = TestApp::path_of(&a);
    assert_eq!(app.get(&path).await.status, 200);
    app.withdraw(&mut a).await;
    let resp = app.get(&path).await;
    assert_eq!(resp.status, 410);
    assert_eq!(resp.select_text(".error-page h1"), vec!["稿件已撤回"]);
    // and it leaves the channel list
    assert!(!app.get("/sh/").await.text().contains("即将撤回的稿件"));

    let mut d = app
        .publish(
            2002,
            "main",
            "sh",
            "还在审核的稿件",
            "2024-04-10T10:00:00+08:00",
        )
        .await;
    d.status = Status::InReview;
    app.save(&d).await;
    assert_eq!(app.get(&TestApp::path_of(&d)).await.status, 404);
    assert!(!app.get("/sh/").await.text().contains("还在审核的稿件"));
}

#[tokio::test]
async fn hostile_text_is_shown_as_text() {
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(
            3001,
            "main",
            "sh",
            "<script>alert('标题')</script>",
            "2024-04-10T09:00:00+08:00",
        )
        .await;
    a.subtitle = Some("\"><img src=x onerror=alert(1)>".into());
    a.editor = "<b>编辑</b>".into();
    a.byline[0].name = "<i>记者</i>".into();
    a.body_html = gazette::domain::html::sanitize_html(
        "<p>正文<script>alert(2)</script><a href=\"javascript:alert(3)\">链接</a></p>",
    );
    app.save(&a).await;
    let resp = app.get(&TestApp::path_of(&a)).await;
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.select_text("h1"),
        vec!["<script>alert('标题')</script>"]
    );
    assert_eq!(
        resp.select_text(".story-subtitle"),
        vec!["\"><img src=x onerror=alert(1)>"]
    );
    assert_eq!(resp.select_text(".editor"), vec!["编辑:<b>编辑</b>"]);
    let html = resp.html();
    let scripts = scraper::Selector::parse(
        "script:not([type='application/ld+json']):not([src^='/static/portal.'][src$='.js']):not([src^='/static/reader.'][src$='.js'])",
    )
    .unwrap();
    assert_eq!(
        html.select(&scripts).count(),
        0,
        "no script element reaches the page"
    );
    // no picture from the hostile text (the header's logo is the site's own)
    let imgs = scraper::Selector::parse(".story img").unwrap();
    assert_eq!(html.select(&imgs).count(), 0);
    assert!(!resp.body.contains("javascript:"));
    // the list lines escape too
    let list = app.get("/sh/").await;
    assert_eq!(
        list.select_text(".channel-list li a")[0],
        "<script>alert('标题')</script>"
    );
    assert!(!list.body.contains("<script>alert"));
}

#[tokio::test]
async fn non_get_methods_are_refused() {
    let app = TestApp::with_demo().await;
    let req = axum::http::Request::post("/")
        .body(axum::body::Body::from("x"))
        .unwrap();
    let resp = app.request(req).await;
    assert_eq!(resp.status, 405);
    assert_eq!(resp.header("allow"), Some("GET, HEAD"));
}

#[tokio::test]
async fn stylesheet_is_served() {
    let app = TestApp::with_demo().await;
    let css = app.get("/static/gazette.css").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.body.contains("@media"), "responsive rules present");
    assert_eq!(app.get("/static/nope.css").await.status, 404);
    assert_eq!(app.get("/static/../Cargo.toml").await.status, 404);
}

#[tokio::test]
async fn related_stories_are_earlier_stories_on_the_same_topics() {
    let app = TestApp::with_corpus(300).await;
    let stories: Vec<serde_json::Value> = crate::util::test_app::CORPUS
        .lines()
        .take(300)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // the county story signed last: it has earlier stories of its own site and of others
    let s = stories
        .iter()
        .filter(|s| s["site"] == "zouping")
        .max_by_key(|s| s["signed_at"].as_str().unwrap().to_string())
        .unwrap();
    let id = s["id"].as_i64().unwrap();
    let a = app.state.store.article(id).await.unwrap().unwrap();
    let url = format!("/zouping/{}", a.url_path.as_deref().unwrap());
    let related = app.get(&url).await.select_attr(".related li a", "href");
    assert_eq!(related.len(), 6, "a full 相关新闻 block: {related:?}");
    let mut seen_other_site = false;
    for href in &related {
        let rid: i64 = href
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".html"))
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert_ne!(rid, id, "not itself");
        let r = app.state.store.article(rid).await.unwrap().unwrap();
        assert!(r.signed_at < a.signed_at, "{href} is earlier coverage");
        assert!(
            r.tags.iter().any(|t| a.tags.contains(t)),
            "{href} shares a tag"
        );
        // the same site's stories come first
        if r.site_id != a.site_id {
            seen_other_site = true;
        } else {
            assert!(!seen_other_site, "{related:?}: same site first");
        }
        assert_eq!(app.get(href).await.status, 200);
    }
    // a story signed later on the same topic never changes the list
    let mut later = app
        .publish(
            77_001,
            "zouping",
            "zw/yw",
            &a.title,
            "2030-01-01T08:00:00+08:00",
        )
        .await;
    later.tags = a.tags.clone();
    app.save(&later).await;
    assert_eq!(
        app.get(&url).await.select_attr(".related li a", "href"),
        related
    );
    // a withdrawn story leaves the list, and the next earlier one takes its place
    let first_id: i64 = related[0]
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".html"))
        .and_then(|n| n.parse().ok())
        .unwrap();
    let mut gone = app.state.store.article(first_id).await.unwrap().unwrap();
    app.withdraw(&mut gone).await;
    let now = app.get(&url).await.select_attr(".related li a", "href");
    assert_eq!(now.len(), 6);
    assert!(!now.contains(&related[0]));
    assert_eq!(&now[..5], &related[1..]);
}

/// Tags are shown on the story and linked to the tag's page: the site's
/// stories with that tag, newest first, paged by 20; another site's are not
/// there; a sign-off drops exactly the pages of its tags (issue 25).
#[tokio::test]
async fn tags_link_to_their_pages_which_follow_sign_offs() {
    let app = TestApp::with_demo().await;
    let tagged = |id: i64,
                  site: &'static str,
                  channel: &'static str,
                  title: String,
                  tags: &[&str],
                  at: String| {
        let app = &app;
        let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
        async move {
            let mut a = app.publish(id, site, channel, &title, &at).await;
            a.tags = tags;
            app.save(&a).await;
            a
        }
    };
    for i in 0..41 {
        tagged(
            9300 + i,
            "main",
            "sh",
            format!("书香节第{i}篇"),
            &["齐鲁书香节"],
            format!("2030-02-{:02}T{:02}:00:00+08:00", i / 20 + 1, i % 20),
        )
        .await;
    }
    let county = tagged(
        9400,
        "zouping",
        "zw",
        "邹平的书香节".into(),
        &["齐鲁书香节"],
        "2030-03-01T08:00:00+08:00".into(),
    )
    .await;
    let story = app.state.store.article(9320).await.unwrap().unwrap();
    let page = app.get(&TestApp::path_of(&story)).await;
    let links = page.select_attr(".story-tags a", "href");
    assert_eq!(
        links,
        ["/tag/%E9%BD%90%E9%B2%81%E4%B9%A6%E9%A6%99%E8%8A%82/"]
    );
    let list = app.get(&links[0]).await;
    assert_eq!(list.status, 200, "{}", list.body);
    // paged as channels are: fixed blocks of 20 from the oldest, the
    // newest page holding the rest (41 = 21 + 20)
    let titles = list.select_text(".channel-list li a");
    assert_eq!(titles.len(), 21);
    assert_eq!(titles[0], "书香节第40篇", "newest first");
    assert!(
        !list.text().contains("邹平的书香节"),
        "another site's story is on its own tag page"
    );
    let second = app.get(&format!("{}index_2.html", links[0])).await;
    let older = second.select_text(".channel-list li a");
    assert_eq!(older.len(), 20);
    assert_eq!(older.last().unwrap(), "书香节第0篇");
    // the county's own tag page has its story
    let zp = app
        .get("/zouping/tag/%E9%BD%90%E9%B2%81%E4%B9%A6%E9%A6%99%E8%8A%82/")
        .await;
    assert_eq!(
        zp.select_text(".channel-list li a"),
        std::slice::from_ref(&county.title)
    );
    assert_eq!(
        app.get("/tag/%E6%B2%A1%E6%9C%89%E8%BF%99%E4%B8%AA/")
            .await
            .status,
        404
    );
    // exact: a sign-off with the tag drops its page, not another tag's
    let other = app.get("/tag/%E8%81%8C%E4%B8%9A%E6%95%99%E8%82%B2/").await;
    assert_eq!(other.status, 200, "the seed story's tag");
    tagged(
        9500,
        "main",
        "sh",
        "书香节闭幕".into(),
        &["齐鲁书香节"],
        "2030-04-01T08:00:00+08:00".into(),
    )
    .await;
    app.get("/nothing-to-see").await;
    use gazette::render::cache::RenderCache;
    let key = |rel: &str| RenderCache::key("main", rel);
    assert!(
        !app.state
            .cache
            .contains(&key("tag/%E9%BD%90%E9%B2%81%E4%B9%A6%E9%A6%99%E8%8A%82/"))
    );
    assert!(
        app.state
            .cache
            .contains(&key("tag/%E8%81%8C%E4%B8%9A%E6%95%99%E8%82%B2/")),
        "another tag's page stays"
    );
    assert_eq!(
        app.get(&links[0]).await.select_text(".channel-list li a")[0],
        "书香节闭幕"
    );
}

/// Each person of a byline links to their page: every story of the site
/// with them in the byline, in any role; a sign-off naming them drops
/// exactly their page (issue 25).
#[tokio::test]
async fn bylines_link_to_each_persons_page() {
    let app = TestApp::with_demo().await;
    let seed = app.get("/zw/yw/2023-06/01/900001.html").await;
    let people = seed.select_text(".byline a");
    assert!(people.len() >= 2, "{people:?}");
    let hrefs = seed.select_attr(".byline a", "href");
    let (first, first_page) = (people[0].clone(), hrefs[0].clone());
    let (second_page, seed_title) = (
        hrefs[1].clone(),
        seed.select_text(".story-title")[0].clone(),
    );
    let page = app.get(&first_page).await;
    assert_eq!(page.status, 200, "{first_page}");
    assert!(page.select_text(".channel-list li a").contains(&seed_title));
    assert_eq!(
        page.select_text(".channel-title"),
        [format!("{first}的稿件")]
    );
    assert_eq!(app.get(&second_page).await.status, 200);
    // a photographer's credit counts too, in any role
    let mut a = app
        .publish(
            9601,
            "main",
            "sh",
            "他拍的照片新闻",
            "2030-05-01T08:00:00+08:00",
        )
        .await;
    a.byline = vec![gazette::domain::Byline {
        role: "摄影".into(),
        name: first.clone(),
    }];
    app.save(&a).await;
    app.get("/nothing-to-see").await;
    use gazette::render::cache::RenderCache;
    let rel = |p: &str| RenderCache::key("main", p.trim_start_matches('/'));
    assert!(
        !app.state.cache.contains(&rel(&first_page)),
        "his page changed"
    );
    assert!(
        app.state.cache.contains(&rel(&second_page)),
        "the other person's page did not"
    );
    assert_eq!(
        app.get(&first_page).await.select_text(".channel-list li a")[0],
        "他拍的照片新闻"
    );
}
