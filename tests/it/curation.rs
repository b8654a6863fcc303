//! 推荐位 as an editorial act: who may arrange a slot, order, pin, expiry,
//! no re-review of the story, the publication record, and the cache and the
//! static export following each change.

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::agent::Agent;

async fn slot_id(app: &TestApp, site: &str, key: &str) -> i64 {
    app.state
        .store
        .slot(site, key)
        .await
        .unwrap()
        .expect("slot")
        .id
}

async fn title(app: &TestApp, id: i64) -> String {
    app.state.store.article(id).await.unwrap().unwrap().title
}

/// The 头条 slot on the home page, in order (full titles): its first in
/// large type above the carousel, the rest in the block beside it.
async fn headlines(app: &TestApp) -> Vec<String> {
    let home = app.get("/").await;
    let mut all = home.select_text(".top-story-title a");
    all.extend(home.select_attr(".home-top .block li a", "title"));
    all
}

async fn act(who: &Agent<'_>, slot: i64, pairs: &[(&str, &str)]) -> crate::util::TestResponse {
    who.post(&format!("/admin/slots/{slot}/act"), pairs).await
}

#[tokio::test]
async fn only_curators_of_the_site_arrange_its_slots() {
    let app = TestApp::with_demo().await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    app.add_user("editor", &[Role::Editor], &["main"]).await;
    app.add_user("county", &[Role::Editor, Role::Curator], &["zouping"])
        .await;
    app.add_user("curator", &[Role::Editor, Role::Curator], &["main"])
        .await;
    let toutiao = slot_id(&app, "main", "toutiao").await;
    let place = [("op", "place"), ("article_id", "900103")];
    for name in ["reporter", "editor", "county"] {
        let who = app.login(name).await;
        assert_eq!(act(&who, toutiao, &place).await.status, 403, "{name}");
        assert_eq!(
            who.get(&format!("/admin/slots/{toutiao}")).await.status,
            403
        );
    }
    // the nav offers 推荐位 only to those who may use it
    let editor = app.login("editor").await;
    assert!(
        editor
            .get("/admin/")
            .await
            .select_attr("nav a[href='/admin/slots']", "href")
            .is_empty()
    );
    let curator = app.login("curator").await;
    assert_eq!(
        curator
            .get("/admin/")
            .await
            .select_attr("nav a[href='/admin/slots']", "href"),
        ["/admin/slots"]
    );
    let r = act(&curator, toutiao, &place).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(headlines(&app).await[0], title(&app, 900_103).await);
    // a curator who is not an administrator does not define slots
    let r = curator
        .post(
            "/admin/slots",
            &[
                ("site_id", "main"),
                ("key", "xq"),
                ("name", "县区"),
                ("size", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn placing_moving_pinning_apply_at_once_without_review_and_are_recorded() {
    let app = TestApp::with_demo().await;
    app.add_user("curator", &[Role::Editor, Role::Curator], &["main"])
        .await;
    let curator = app.login("curator").await;
    let toutiao = slot_id(&app, "main", "toutiao").await;
    // the demo's 头条 in its curated order
    let before = headlines(&app).await;
    assert_eq!(before[0], title(&app, 900_101).await);
    assert_eq!(before[1], title(&app, 900_102).await);
    let story = app.state.store.work_state(900_103).await.unwrap().unwrap();

    // place a live story: on top, at once, the story itself untouched
    let r = act(
        &curator,
        toutiao,
        &[("op", "place"), ("article_id", "900_203")],
    )
    .await;
    assert_eq!(r.status, 400, "a malformed id is refused");
    assert!(r.text().contains("稿件编号"));
    let r = act(
        &curator,
        toutiao,
        &[("op", "place"), ("article_id", "900103")],
    )
    .await;
    assert_eq!(r.status, 303);
    assert_eq!(headlines(&app).await[0], title(&app, 900_103).await);
    let after = app.state.store.work_state(900_103).await.unwrap().unwrap();
    assert_eq!(
        after.article.version, story.article.version,
        "no revision, no re-review"
    );
    assert_eq!(after.work, story.work);
    assert!(app.state.store.revisions(900_103).await.unwrap().len() <= 1);
    // placing it twice says so
    let r = act(
        &curator,
        toutiao,
        &[("op", "place"), ("article_id", "900103")],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("已在这个推荐位中"));

    // pin the second item, then place another: the pinned one keeps its place
    let second = app.state.store.slot_list(toutiao).await.unwrap()[1]
        .entry
        .article_id;
    let sid = second.to_string();
    assert_eq!(
        act(&curator, toutiao, &[("op", "pin"), ("article_id", &sid)])
            .await
            .status,
        303
    );
    assert_eq!(
        act(
            &curator,
            toutiao,
            &[("op", "place"), ("article_id", "900105")]
        )
        .await
        .status,
        303
    );
    let list = app.state.store.slot_list(toutiao).await.unwrap();
    assert_eq!(list[0].entry.article_id, 900_105);
    assert_eq!(list[1].entry.article_id, second, "pinned at position 2");
    assert_eq!(list[2].entry.article_id, 900_103);
    // the keyboard's 下移 moves the first item one down
    let r = act(
        &curator,
        toutiao,
        &[("op", "down"), ("article_id", "900105"), ("position", "1")],
    )
    .await;
    assert_eq!(r.status, 303);
    let order: Vec<i64> = app
        .state
        .store
        .slot_list(toutiao)
        .await
        .unwrap()
        .iter()
        .map(|i| i.entry.article_id)
        .collect();
    assert_eq!(&order[..3], &[second, 900_105, 900_103]);
    let home = headlines(&app).await;
    assert_eq!(home[0], title(&app, second).await);
    assert_eq!(home[1], title(&app, 900_105).await);

    // a drag-and-drop reorder sends the whole list; a stale one is refused
    let mut reversed = order.clone();
    reversed.reverse();
    let joined = reversed
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let r = act(
        &curator,
        toutiao,
        &[("op", "reorder"), ("order", &joined), ("_js", "1")],
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(headlines(&app).await[0], title(&app, reversed[0]).await);
    let stale = joined.split(',').skip(1).collect::<Vec<_>>().join(",");
    let r = act(&curator, toutiao, &[("op", "reorder"), ("order", &stale)]).await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("已被他人修改"));

    // only live stories go in
    let draft = curator
        .write(
            app.channel_id("main", "zw/yw").await,
            "未发布的稿件",
            crate::util::desk::BODY,
        )
        .await;
    let r = act(
        &curator,
        toutiao,
        &[("op", "place"), ("article_id", &draft.to_string())],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("只有已发布的稿件"));

    // remove
    assert_eq!(
        act(
            &curator,
            toutiao,
            &[("op", "remove"), ("article_id", "900103")]
        )
        .await
        .status,
        303
    );
    assert!(!headlines(&app).await.contains(&title(&app, 900_103).await));

    // every act is in the publication record, with who and what
    let json: serde_json::Value = serde_json::from_str(
        &curator
            .get("/admin/audit.json?action=slot_place")
            .await
            .body,
    )
    .unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["actor"], "curator名");
    assert_eq!(rows[0]["action_label"], "放入推荐位");
    assert_eq!(rows[0]["article_id"], 900_105);
    assert!(rows[0]["detail"].as_str().unwrap().contains("滨州头条"));
    let page = curator.get("/admin/audit").await;
    for label in ["放入推荐位", "固定推荐位置", "调整推荐位顺序", "移出推荐位"]
    {
        assert!(page.text().contains(label), "{label}");
    }
    // the story's own screen says where it is
    let edit = curator.get(&format!("/admin/stories/{second}")).await;
    assert!(edit.text().contains("滨州头条(第"), "{}", edit.text());
}

#[tokio::test]
async fn an_expired_item_leaves_the_home_page_when_its_time_comes() {
    let app = TestApp::with_demo().await;
    app.add_user("curator", &[Role::Editor, Role::Curator], &["main"])
        .await;
    let curator = app.login("curator").await;
    let toutiao = slot_id(&app, "main", "toutiao").await;
    let past = gazette::domain::text::to_cst(app.state.now() - 60)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let r = act(
        &curator,
        toutiao,
        &[
            ("op", "place"),
            ("article_id", "900103"),
            ("expires_at", &past),
        ],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("下线时间须晚于现在"));
    assert_eq!(
        r.select_attr("input[name=article_id][required]", "value"),
        ["900103"]
    );
    let soon = gazette::domain::text::to_cst(app.state.now() + 3600)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let r = act(
        &curator,
        toutiao,
        &[
            ("op", "place"),
            ("article_id", "900103"),
            ("expires_at", &soon),
        ],
    )
    .await;
    assert_eq!(r.status, 303);
    let t = title(&app, 900_103).await;
    assert_eq!(headlines(&app).await[0], t);
    // the demo's pictures have their variant jobs: done first
    app.run_jobs().await;
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 0);
    app.clock.advance(3600);
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 1);
    assert!(
        !headlines(&app).await.contains(&t),
        "the cached home page followed"
    );
    let json: serde_json::Value = serde_json::from_str(
        &curator
            .get("/admin/audit.json?action=slot_expired")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["article_id"], 900_103);
}

#[tokio::test]
async fn a_withdrawn_story_leaves_its_slots_and_the_export_follows_slot_changes() {
    let app = TestApp::with_demo().await;
    app.add_user(
        "curator",
        &[Role::Editor, Role::Curator, Role::Signer],
        &["main"],
    )
    .await;
    let curator = app.login("curator").await;
    let toutiao = slot_id(&app, "main", "toutiao").await;
    let out = tempfile::tempdir().unwrap();
    gazette::export::build(&app.state, out.path(), false, false)
        .await
        .unwrap();
    let index = || std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let first = title(&app, 900_101).await;
    assert!(index().contains(&first));
    // the home page is cached with 900101 first
    assert_eq!(headlines(&app).await[0], first);
    assert_eq!(
        act(
            &curator,
            toutiao,
            &[("op", "remove"), ("article_id", "900101")]
        )
        .await
        .status,
        303
    );
    let report = gazette::export::build(&app.state, out.path(), true, false)
        .await
        .unwrap();
    assert!(
        report.written.iter().any(|p| p.is_empty() || p == "/"),
        "{:?}",
        report.written
    );
    let home_top = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        let top = scraper::Selector::parse(".top-story-title a").unwrap();
        let sel = scraper::Selector::parse(".home-top .block li a").unwrap();
        doc.select(&top)
            .map(|e| e.text().collect::<String>())
            .chain(
                doc.select(&sel)
                    .map(|e| e.value().attr("title").unwrap_or_default().to_string()),
            )
            .collect::<Vec<_>>()
    };
    assert!(
        !home_top(&index()).contains(&first),
        "the export rewrote the home page"
    );
    assert_eq!(home_top(&index()), headlines(&app).await);
    // withdrawing a story in 头条 takes it off the (cached) home page
    let second = headlines(&app).await[0].clone();
    let id = app.state.store.slot_list(toutiao).await.unwrap()[0]
        .entry
        .article_id;
    assert_eq!(title(&app, id).await, second);
    assert_eq!(curator.act(id, "withdraw", "内容有误").await.status, 303);
    assert!(!headlines(&app).await.contains(&second));
}

#[tokio::test]
async fn an_admin_creates_a_slot_fed_from_county_sites_and_the_home_page_shows_it() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    let bad = admin
        .post(
            "/admin/slots",
            &[
                ("site_id", "main"),
                ("key", "县区"),
                ("name", "县区动态"),
                ("size", "5"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("推荐位标识"));
    let r = admin
        .post(
            "/admin/slots",
            &[
                ("site_id", "main"),
                ("key", "xianqu"),
                ("name", "县区动态"),
                ("size", "2"),
                // it takes 邹平's stories, which 邹平 shares
                ("sites", "zouping"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut zouping = app
        .state
        .store
        .sites()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == "zouping")
        .unwrap();
    zouping.settings.shares_stories = true;
    app.state
        .store
        .put_site(&zouping, app.state.now())
        .await
        .unwrap();
    let dup = admin
        .post(
            "/admin/slots",
            &[
                ("site_id", "main"),
                ("key", "xianqu"),
                ("name", "又一个"),
                ("size", "2"),
            ],
        )
        .await;
    assert_eq!(dup.status, 400);
    let xianqu = slot_id(&app, "main", "xianqu").await;
    // stories of the 邹平 county site
    let channel = app.state.store.channels("zouping").await.unwrap()[0]
        .path
        .clone();
    let mut county = Vec::new();
    for (i, t) in ["邹平新闻一", "邹平新闻二", "邹平新闻三"]
        .iter()
        .enumerate()
    {
        let at = format!("2024-05-0{}T10:00:00+08:00", i + 1);
        county.push(
            app.publish(700 + i as i64, "zouping", &channel, t, &at)
                .await
                .id,
        );
    }
    for id in &county {
        let r = act(
            &admin,
            xianqu,
            &[("op", "place"), ("article_id", &id.to_string())],
        )
        .await;
        assert_eq!(r.status, 303);
    }
    let home = app.get("/").await;
    let block: Vec<String> = home
        .select_text(".home-channels .block")
        .into_iter()
        .filter(|b| b.contains("县区动态"))
        .collect();
    assert_eq!(block.len(), 1, "one 县区动态 block");
    // size 2: the newest two placed, linking to the county site
    let links = home.select_attr(".home-channels .block:first-child li a", "href");
    assert_eq!(links.len(), 2);
    assert!(links.iter().all(|l| l.contains("zouping")), "{links:?}");
    assert!(block[0].contains(&title(&app, county[2]).await));
    assert!(!block[0].contains(&title(&app, county[0]).await));
    // the slot screen says why the third is not shown
    let page = admin.get(&format!("/admin/slots/{xianqu}")).await;
    assert!(page.text().contains("超出显示条数"));
    // renaming is recorded with old and new
    let r = admin
        .post(
            &format!("/admin/slots/{xianqu}"),
            &[("name", "县区新闻"), ("size", "3"), ("sort", "1")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(app.get("/").await.text().contains("县区新闻"));
    let json: serde_json::Value =
        serde_json::from_str(&admin.get("/admin/audit.json?action=slot_update").await.body)
            .unwrap();
    assert!(
        json[0]["detail"]
            .as_str()
            .unwrap()
            .contains("「县区动态」→「县区新闻」")
    );
}

/// A slot takes the kinds and sites its definition names: a 单页 never, a
/// county slot a main-site story only once the slot takes main-site
/// stories and the main site shares them (issue 24 §2).
#[tokio::test]
async fn a_slot_takes_only_its_kinds_and_sites() {
    let app = TestApp::with_demo().await;
    app.add_user("boss", &[Role::Admin], &["main"]).await;
    app.add_user("county", &[Role::Editor, Role::Curator], &["zouping"])
        .await;
    let (boss, county) = (app.login("boss").await, app.login("county").await);
    // a site page is no news item, not even in the main 头条
    let toutiao = slot_id(&app, "main", "toutiao").await;
    let page = gazette::demo::pages::FIRST_ID.to_string();
    let r = act(&boss, toutiao, &[("op", "place"), ("article_id", &page)]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.text().contains("单页不是新闻稿件"), "{}", r.body);
    // the county's own slot
    let r = boss
        .post(
            "/admin/slots",
            &[
                ("site_id", "zouping"),
                ("key", "zpjd"),
                ("name", "邹平焦点"),
                ("size", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let slot = slot_id(&app, "zouping", "zpjd").await;
    let city = [("op", "place"), ("article_id", "900103")];
    let r = act(&county, slot, &city).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.text().contains("只放本站稿件"), "{}", r.body);
    // the administrator lets it take the city's stories, which it shares
    let define = |sites: &'static [&'static str]| {
        let mut f = vec![
            ("name", "邹平焦点"),
            ("size", "5"),
            ("sort", "0"),
            ("style", "text"),
        ];
        f.extend(sites.iter().map(|s| ("sites", *s)));
        f
    };
    let r = boss
        .post(&format!("/admin/slots/{slot}"), &define(&["main"]))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = county.get(&format!("/admin/slots/{slot}")).await;
    assert!(
        shown.text().contains("放本站及滨州网(开放共享时)"),
        "{}",
        shown.body
    );
    assert_eq!(act(&county, slot, &city).await.status, 303);
    // once the city stops sharing, no more of its stories
    let mut main = app
        .state
        .store
        .sites()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == "main")
        .unwrap();
    main.settings.shares_stories = false;
    app.state
        .store
        .put_site(&main, app.state.now())
        .await
        .unwrap();
    let r = act(&county, slot, &[("op", "place"), ("article_id", "900104")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.text().contains("没有开放共享"), "{}", r.body);
    // a slot for videos only takes videos
    let r = boss
        .post(
            &format!("/admin/slots/{toutiao}"),
            &[
                ("name", "滨州头条"),
                ("size", "8"),
                ("sort", "0"),
                ("style", "text"),
                ("kinds", "video"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = act(&boss, toutiao, &[("op", "place"), ("article_id", "900104")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.text().contains("这个推荐位只放视频稿件"), "{}", r.body);
    let record = boss.get("/admin/audit?action=slot_update").await;
    assert!(record.text().contains("采用范围"), "{}", record.body);
}

/// The slot screen offers stories to place by title and today's signed
/// stories, not only a number field, and shows each item's picture (the
/// 焦点 is a picture slot) (issue 24 §5).
#[tokio::test]
async fn the_slot_screen_offers_stories_to_place_and_shows_pictures() {
    let app = TestApp::with_demo().await;
    let d = crate::util::desk::desk(&app).await;
    app.add_user("curator", &[Role::Editor, Role::Curator], &["main"])
        .await;
    let curator = app.login("curator").await;
    // signed today
    let id = crate::util::desk::reviewed(&d, "今天刚签发的稿件").await;
    assert_eq!(d.signer.act(id, "approve", "签发").await.status, 303);
    let toutiao = slot_id(&app, "main", "toutiao").await;
    let page = curator.get(&format!("/admin/slots/{toutiao}")).await;
    let todays = page.select_text("ul.slot-picks[aria-label='今天签发的稿件'] a");
    assert!(
        todays.contains(&"今天刚签发的稿件".to_string()),
        "{todays:?}"
    );
    // found by title, with a button that places it
    let title = title(&app, 900_103).await;
    let find: String = title.chars().take(4).collect();
    let q: String = url_escape(&find);
    let page = curator
        .get(&format!("/admin/slots/{toutiao}?find={q}"))
        .await;
    let found = page.select_attr(
        "ul.slot-picks[aria-label='查找结果'] input[name=article_id]",
        "value",
    );
    // (900103 is not in the demo's 头条)
    assert!(found.contains(&"900103".to_string()), "{found:?}");
    let r = act(
        &curator,
        toutiao,
        &[("op", "place"), ("article_id", &id.to_string())],
    )
    .await;
    assert_eq!(r.status, 303);
    assert_eq!(headlines(&app).await[0], "今天刚签发的稿件");
    // the 焦点's items show their pictures
    let jiaodian = slot_id(&app, "main", "jiaodian").await;
    let page = curator.get(&format!("/admin/slots/{jiaodian}")).await;
    let thumbs = page.select_attr("#slot-list img.slot-thumb", "src");
    assert!(!thumbs.is_empty(), "{}", page.body);
    assert_eq!(curator.get(&thumbs[0]).await.status, 200);
}

fn url_escape(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
