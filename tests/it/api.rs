//! The content API (issue 27 §1): keys made and revoked in the admin, the
//! list's filters and keyset pages, one story by id or URL, the render
//! cache behind it (ETag, one render per change), limits per key across
//! nodes, CORS, the OpenAPI document, and no unpublished story anywhere.

use axum::body::Body;
use axum::http::{Request, header};
use gazette::db::NewApiKey;
use gazette::domain::api::key;
use gazette::domain::user::Role;
use serde_json::Value;

use crate::util::TestApp;
use crate::util::desk::{desk, reviewed, schedule};

const TAG: &str = "接口测试";

/// A key made straight in the store (the admin's form is tested below).
async fn make_key(app: &TestApp, seed: u8, sites: &[&str], per_minute: i64) -> String {
    let k = key::new_key(&[seed; 20]);
    app.state
        .store
        .add_api_key(
            &NewApiKey {
                name: format!("测试{seed}"),
                digest: key::digest(&k),
                shown: key::shown(&k),
                sites: sites.iter().map(|s| s.to_string()).collect(),
                per_minute,
            },
            &gazette::db::Actor::cli("test"),
            app.state.now(),
        )
        .await
        .unwrap();
    k
}

/// GET `path` with `key` (as `Authorization: Bearer`), and extra headers.
async fn api(
    app: &TestApp,
    key: Option<&str>,
    path: &str,
    extra: &[(&str, &str)],
) -> (u16, Value, crate::util::TestResponse) {
    let mut req = Request::get(path);
    if let Some(k) = key {
        req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    for (n, v) in extra {
        req = req.header(*n, *v);
    }
    let r = app.request(req.body(Body::empty()).unwrap()).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status.as_u16(), v, r)
}

/// A published story of the main site tagged `TAG`.
async fn tagged(app: &TestApp, id: i64, channel: &str, title: &str, at: &str) {
    let mut a = app.publish(id, "main", channel, title, at).await;
    a.tags = vec![TAG.into()];
    app.save(&a).await;
}

fn ids(v: &Value) -> Vec<i64> {
    v["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

/// The path and query of a `next` link.
fn local(next: &Value) -> String {
    let url = next.as_str().expect("a next link");
    let at = url.find("/api/v1/").expect("an API link");
    url[at..].to_string()
}

#[tokio::test]
async fn a_request_needs_a_live_key_and_the_admin_makes_and_revokes_it() {
    let app = TestApp::with_demo().await;
    let (status, v, r) = api(&app, None, "/api/v1/stories", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["code"], "bad_key");
    assert!(v["error"]["message"].as_str().unwrap().contains("API 密钥"));
    assert!(r.header("www-authenticate").is_some());
    let (status, v, _) = api(&app, Some("gzk_notakey"), "/api/v1/sites", &[]).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("bad_key"))
    );

    // an editor may not see the keys; an administrator makes one
    app.add_user("editor", &[Role::Editor], &["main"]).await;
    assert_eq!(
        app.login("editor")
            .await
            .get("/admin/api-keys")
            .await
            .status,
        403
    );
    app.add_user("boss", &[Role::Admin], &[]).await;
    let boss = app.login("boss").await;
    let bad = boss
        .post("/admin/api-keys", &[("name", " "), ("per_minute", "600")])
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("请给密钥起个名字"), "{}", bad.text());
    let made = boss
        .post(
            "/admin/api-keys",
            &[
                ("name", "滨州网客户端"),
                ("site", "main"),
                ("per_minute", "600"),
            ],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let k = made
        .select_attr("#new-key", "value")
        .pop()
        .expect("the key, shown once");
    assert!(key::well_formed(&k));
    let (status, v, _) = api(&app, Some(&k), "/api/v1/sites", &[]).await;
    assert_eq!(status, 200, "{v}");
    let sites: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(sites, ["main"], "scoped to the site ticked");
    // X-Api-Key works as well
    let (status, _, _) = api(&app, None, "/api/v1/sites", &[("x-api-key", &k)]).await;
    assert_eq!(status, 200);

    // the list shows it without the key, and when it was last used
    let page = boss.get("/admin/api-keys").await;
    assert!(!page.body.contains(&k), "never shown again");
    assert!(page.text().contains(&key::shown(&k)));
    assert!(!page.text().contains("未使用"), "its use is noted");
    let id = app.state.store.api_keys().await.unwrap()[0].id;
    let revoked = boss
        .post(&format!("/admin/api-keys/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, 303);
    let (status, v, _) = api(&app, Some(&k), "/api/v1/sites", &[]).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (401, Some("bad_key")),
        "at once"
    );
    let record = boss.get("/admin/audit").await.text();
    assert!(
        record.contains("创建 API 密钥") && record.contains("吊销 API 密钥"),
        "recorded"
    );
}

#[tokio::test]
async fn lists_filter_and_page_stably_while_stories_are_added() {
    let app = TestApp::with_demo().await;
    let k = make_key(&app, 1, &[], 600).await;
    for (id, channel, day) in [
        (9001, "zw/yw", "01"),
        (9002, "zw/yw", "02"),
        (9003, "sh", "03"),
        (9004, "zw/yw", "04"),
        (9005, "zw/yw", "05"),
    ] {
        tagged(
            &app,
            id,
            channel,
            &format!("接口稿件{id}"),
            &format!("2030-01-{day}T09:00:00+08:00"),
        )
        .await;
    }
    let q = format!("/api/v1/stories?tag={}&limit=2", urlencode(TAG));
    let (status, first, _) = api(&app, Some(&k), &q, &[]).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(ids(&first), [9005, 9004]);
    // a newer story arrives between two pages: the next page is unmoved
    tagged(
        &app,
        9006,
        "zw/yw",
        "接口稿件9006",
        "2030-01-06T09:00:00+08:00",
    )
    .await;
    let (_, second, _) = api(&app, Some(&k), &local(&first["next"]), &[]).await;
    assert_eq!(ids(&second), [9003, 9002]);
    let (_, third, _) = api(&app, Some(&k), &local(&second["next"]), &[]).await;
    assert_eq!(ids(&third), [9001]);
    assert!(third["next"].is_null(), "the last page says so");

    // a story as apps get it
    let s = &first["data"][0];
    assert_eq!(s["site"], "main");
    assert_eq!(s["byline"][0]["role"], "记者");
    assert_eq!(s["signed_at"], "2030-01-05T09:00:00+08:00");
    assert!(
        s["url"].as_str().unwrap().starts_with("http"),
        "an absolute URL: {s}"
    );
    assert_eq!(s["channel"]["path"], "zw/yw");

    // the channel's subtree, a site's channel only with the site
    let (_, zw, _) = api(
        &app,
        Some(&k),
        &format!(
            "/api/v1/stories?site=main&channel=zw&tag={}",
            urlencode(TAG)
        ),
        &[],
    )
    .await;
    assert_eq!(
        ids(&zw),
        [9006, 9005, 9004, 9002, 9001],
        "zw holds zw/yw's stories"
    );
    let (status, v, _) = api(&app, Some(&k), "/api/v1/stories?channel=zw", &[]).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (400, Some("bad_parameter"))
    );
    let (status, _, _) = api(
        &app,
        Some(&k),
        "/api/v1/stories?site=main&channel=nope/none",
        &[],
    )
    .await;
    assert_eq!(status, 404);

    // 签发 between, kind, fields
    let (_, between, _) = api(
        &app,
        Some(&k),
        &format!(
            "/api/v1/stories?tag={}&signed_from=2030-01-02&signed_to=2030-01-04",
            urlencode(TAG)
        ),
        &[],
    )
    .await;
    assert_eq!(ids(&between), [9003, 9002]);
    let (_, galleries, _) = api(
        &app,
        Some(&k),
        &format!("/api/v1/stories?tag={}&kind=gallery", urlencode(TAG)),
        &[],
    )
    .await;
    assert_eq!(ids(&galleries), Vec::<i64>::new());
    let (status, v, _) = api(&app, Some(&k), "/api/v1/stories?kind=page", &[]).await;
    assert_eq!(status, 400, "a site page is no story: {v}");
    let (_, slim, _) = api(
        &app,
        Some(&k),
        &format!(
            "/api/v1/stories?tag={}&fields=title&limit=1",
            urlencode(TAG)
        ),
        &[],
    )
    .await;
    let keys: Vec<&String> = slim["data"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "title"]);

    // an update moves a story up the update-time order, and only it is new since
    let later = gazette::domain::text::parse_rfc3339("2030-01-10T09:00:00+08:00").unwrap();
    let mut old = app.state.store.article(9002).await.unwrap().unwrap();
    old.revised_at = Some(later);
    app.save(&old).await;
    let since = gazette::domain::api::story::rfc3339(later);
    let (_, updated, _) = api(
        &app,
        Some(&k),
        &format!(
            "/api/v1/stories?tag={}&sort=updated&limit=2",
            urlencode(TAG)
        ),
        &[],
    )
    .await;
    assert_eq!(ids(&updated)[0], 9002);
    let (_, fresh, _) = api(
        &app,
        Some(&k),
        &format!(
            "/api/v1/stories?tag={}&updated_since={}",
            urlencode(TAG),
            urlencode(&since)
        ),
        &[],
    )
    .await;
    assert_eq!(ids(&fresh), [9002]);
    // a cursor of one order is refused by the other
    let (status, v, _) = api(
        &app,
        Some(&k),
        &format!("{}&sort=updated", local(&first["next"])),
        &[],
    )
    .await;
    assert_eq!(status, 400, "{v}");

    // bad questions say what to fix, in Chinese
    for (q, says) in [
        ("/api/v1/stories?sitee=main", "不认识的参数"),
        ("/api/v1/stories?limit=500", "1 到 100"),
        ("/api/v1/stories?cursor=zzz", "翻页位置"),
        ("/api/v1/stories?site=nowhere", "没有站点"),
    ] {
        let (status, v, _) = api(&app, Some(&k), q, &[]).await;
        assert!(status == 400 || status == 404, "{q}: {status}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(says),
            "{q}: {v}"
        );
    }
    let (status, v, _) = api(&app, Some(&k), "/api/v1/nothing/here", &[]).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _, _) = api(&app, Some(&k), "/api/v1/stories/abc", &[]).await;
    assert_eq!(status, 404);
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn no_unpublished_story_leaks_through_any_path() {
    let app = TestApp::with_demo().await;
    let k = make_key(&app, 2, &[], 10_000).await;
    let d = desk(&app).await;
    let draft = d
        .reporter
        .write(d.yw, "泄露检查草稿", crate::util::desk::BODY)
        .await;
    let in_review = reviewed(&d, "泄露检查审核中").await;
    let scheduled = schedule(&app, &d, "泄露检查定时稿", 3600).await;
    tagged(
        &app,
        9100,
        "zw/yw",
        "泄露检查撤稿",
        "2030-02-01T09:00:00+08:00",
    )
    .await;
    let mut gone = app.state.store.article(9100).await.unwrap().unwrap();
    let gone_url = format!("http://127.0.0.1:8080/{}", gone.url_path.clone().unwrap());
    app.withdraw(&mut gone).await;
    app.index().await;
    let hidden = [draft, in_review, scheduled, 9100];

    for id in [draft, in_review, scheduled] {
        let (status, v, _) = api(&app, Some(&k), &format!("/api/v1/stories/{id}"), &[]).await;
        assert_eq!(status, 404, "{id}: {v}");
    }
    let (status, v, _) = api(&app, Some(&k), "/api/v1/stories/9100", &[]).await;
    assert_eq!((status, v["error"]["code"].as_str()), (410, Some("gone")));
    assert!(v["error"]["message"].as_str().unwrap().contains("撤稿"));
    let (status, _, _) = api(
        &app,
        Some(&k),
        &format!("/api/v1/lookup?url={}", urlencode(&gone_url)),
        &[],
    )
    .await;
    assert_eq!(status, 410, "by its URL too");

    // every story of every list, page by page, in both orders
    for sort in ["signed", "updated"] {
        let mut next = Some(format!(
            "/api/v1/stories?limit=100&sort={sort}&fields=title"
        ));
        let mut seen = 0;
        while let Some(path) = next {
            let (status, v, _) = api(&app, Some(&k), &path, &[]).await;
            assert_eq!(status, 200, "{v}");
            for id in ids(&v) {
                assert!(!hidden.contains(&id), "{id} listed");
                seen += 1;
            }
            next = v["next"].as_str().map(|_| local(&v["next"]));
        }
        assert!(seen > 10, "the demo's stories are there");
    }
    let (_, hits, _) = api(
        &app,
        Some(&k),
        &format!("/api/v1/search?q={}", urlencode("泄露检查")),
        &[],
    )
    .await;
    assert_eq!(hits["data"].as_array().map(Vec::len), Some(0), "{hits}");
    for part in ["slots", "topics", "tags", "authors", "channels"] {
        let (status, v, _) = api(&app, Some(&k), &format!("/api/v1/sites/main/{part}"), &[]).await;
        assert_eq!(status, 200, "{part}: {v}");
        assert!(!v.to_string().contains("泄露检查"), "{part}: {v}");
    }
}

#[tokio::test]
async fn answers_come_from_the_cache_revalidate_and_follow_changes() {
    let app = TestApp::with_demo().await;
    let k = make_key(&app, 3, &[], 10_000).await;
    tagged(
        &app,
        9201,
        "zw/yw",
        "缓存稿件一",
        "2030-03-01T09:00:00+08:00",
    )
    .await;
    let q = format!("/api/v1/stories?tag={}", urlencode(TAG));
    let (_, v, r) = api(&app, Some(&k), &q, &[]).await;
    assert_eq!(ids(&v), [9201]);
    let etag = r.header("etag").expect("an ETag").to_string();
    assert!(r.header("cache-control").unwrap().contains("private"));
    let renders = || {
        app.state
            .cache
            .counters
            .renders
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let before = renders();
    for _ in 0..50 {
        let (status, _, _) = api(&app, Some(&k), &q, &[]).await;
        assert_eq!(status, 200);
    }
    let (status, _, _) = api(&app, Some(&k), &q, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 304);
    assert_eq!(renders(), before, "51 requests, no render");
    // a new story drops exactly what listed the site's stories
    let (_, one, _) = api(&app, Some(&k), "/api/v1/stories/9201", &[]).await;
    assert_eq!(one["title"], "缓存稿件一");
    tagged(
        &app,
        9202,
        "zw/yw",
        "缓存稿件二",
        "2030-03-02T09:00:00+08:00",
    )
    .await;
    let (_, v, _) = api(&app, Some(&k), &q, &[("if-none-match", &etag)]).await;
    assert_eq!(ids(&v), [9202, 9201]);
    let after = renders();
    let (_, again, _) = api(&app, Some(&k), "/api/v1/stories/9201", &[]).await;
    assert_eq!(again["title"], "缓存稿件一");
    assert_eq!(renders(), after, "the other story's answer stayed");
    // an edit of the story drops its answer
    let mut a = app.state.store.article(9201).await.unwrap().unwrap();
    a.title = "缓存稿件一(更新)".into();
    app.save(&a).await;
    let (_, edited, _) = api(&app, Some(&k), "/api/v1/stories/9201", &[]).await;
    assert_eq!(edited["title"], "缓存稿件一(更新)");
}

#[tokio::test]
async fn a_keys_limit_holds_across_nodes_and_minutes() {
    let app = TestApp::with_demo().await;
    let k = make_key(&app, 4, &[], 3).await;
    for _ in 0..3 {
        assert_eq!(api(&app, Some(&k), "/api/v1/sites", &[]).await.0, 200);
    }
    let (status, v, r) = api(&app, Some(&k), "/api/v1/sites", &[]).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (429, Some("rate_limited"))
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("每分钟 3 次")
    );
    let wait: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    app.clock.advance(wait);
    assert_eq!(
        api(&app, Some(&k), "/api/v1/sites", &[]).await.0,
        200,
        "a new minute"
    );

    // two nodes (two doors on one database) serve the limit between them, not each
    let k = make_key(&app, 5, &[], 20).await;
    app.clock.advance(60);
    let nodes = [
        gazette::api_keys::Gate::default(),
        gazette::api_keys::Gate::default(),
    ];
    let mut served = 0;
    for i in 0..60 {
        let admitted = nodes[i % 2]
            .admit(
                app.state.store.as_ref(),
                &app.state.cache,
                Some(&k),
                app.state.now(),
            )
            .await
            .unwrap();
        served += usize::from(admitted.is_ok());
    }
    assert!(
        (16..=20).contains(&served),
        "served {served} of a limit of 20"
    );
}

#[tokio::test]
async fn a_scoped_key_reads_its_sites_only() {
    let app = TestApp::with_demo().await;
    let k = make_key(&app, 6, &["zouping"], 600).await;
    tagged(&app, 9301, "zw/yw", "市级稿件", "2030-04-01T09:00:00+08:00").await;
    let (status, v, _) = api(&app, Some(&k), "/api/v1/stories?site=main", &[]).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (403, Some("out_of_scope"))
    );
    let (status, _, _) = api(&app, Some(&k), "/api/v1/stories/9301", &[]).await;
    assert_eq!(status, 403);
    let (status, _, _) = api(&app, Some(&k), "/api/v1/sites/main/channels", &[]).await;
    assert_eq!(status, 403);
    let (status, v, _) = api(&app, Some(&k), "/api/v1/stories?limit=100", &[]).await;
    assert_eq!(status, 200);
    assert!(
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["site"] == "zouping"),
        "{v}"
    );
}

#[tokio::test]
async fn a_configured_origin_may_read_from_a_browser() {
    let app = TestApp::with_config(|c| {
        c.limits.api_cors_origins = vec!["https://m.bzcm.net".into()];
    })
    .await;
    let k = make_key(&app, 7, &[], 600).await;
    let (_, _, r) = api(
        &app,
        Some(&k),
        "/api/v1/sites",
        &[("origin", "https://m.bzcm.net")],
    )
    .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://m.bzcm.net")
    );
    let (_, _, r) = api(
        &app,
        Some(&k),
        "/api/v1/sites",
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    let pre = app
        .request(
            Request::options("/api/v1/stories")
                .header("origin", "https://m.bzcm.net")
                .header("access-control-request-headers", "authorization")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(pre.status, 204);
    assert!(
        pre.header("access-control-allow-headers")
            .unwrap()
            .contains("Authorization")
    );
}

#[tokio::test]
async fn the_openapi_document_describes_what_is_answered() {
    let app = TestApp::with_demo().await;
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, 200, "no key needed");
    let doc: Value = serde_json::from_str(&r.body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/stories",
        "/api/v1/stories/{id}",
        "/api/v1/lookup",
        "/api/v1/search",
        "/api/v1/sites",
        "/api/v1/sites/{site}/channels",
        "/api/v1/sites/{site}/slots",
        "/api/v1/sites/{site}/topics",
        "/api/v1/sites/{site}/tags",
        "/api/v1/sites/{site}/authors",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    // the list's documented parameters are the ones it takes
    let mut documented: Vec<String> = doc["paths"]["/api/v1/stories"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let mut taken: Vec<String> = gazette::domain::api::query::PARAMS
        .iter()
        .map(|s| s.to_string())
        .collect();
    documented.sort();
    taken.sort();
    assert_eq!(documented, taken);
    // a story's answer has exactly the schema's fields
    let k = make_key(&app, 8, &[], 600).await;
    tagged(&app, 9401, "zw/yw", "模式稿件", "2030-05-01T09:00:00+08:00").await;
    let (_, s, _) = api(&app, Some(&k), "/api/v1/stories/9401", &[]).await;
    let mut answered: Vec<&String> = s.as_object().unwrap().keys().collect();
    let mut described: Vec<&String> = doc["components"]["schemas"]["ApiStory"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    answered.sort();
    described.sort();
    assert_eq!(answered, described);
    // and people read it as a page
    let page = app.get("/api/v1/docs").await;
    assert_eq!(page.status, 200);
    let text = page.text();
    for path in [
        "/api/v1/stories/{id}",
        "/api/v1/sites/{site}/slots",
        "ApiStory",
        "updated_since",
    ] {
        assert!(text.contains(path), "{path} on the page");
    }
}

/// The API's storage on either backend (a case of the conformance suite):
/// public stories by filter in keyset pages, and a key's minute shared by
/// writers claiming at once, never past its limit.
pub(crate) async fn the_api_pages_public_stories_and_shares_a_keys_minute(
    app: &TestApp,
    _: crate::util::backend::Backend,
) {
    use gazette::db::PublicStories;
    use gazette::domain::api::Sort;
    app.load_demo().await;
    for (id, channel, day) in [
        (9501, "zw/yw", "01"),
        (9502, "sh", "02"),
        (9503, "zw/yw", "03"),
    ] {
        tagged(
            app,
            id,
            channel,
            &format!("存储稿件{id}"),
            &format!("2031-01-{day}T09:00:00+08:00"),
        )
        .await;
    }
    let sites = vec!["main".to_string()];
    let kinds = ["text"];
    let q = |after: Option<(i64, i64)>, channel: Option<i64>, sort: Sort| PublicStories {
        sites: &sites,
        kinds: &kinds,
        channel_id: channel,
        tag: Some(TAG),
        updated_since: None,
        signed_from: None,
        signed_to: None,
        sort,
        after,
        limit: 2,
    };
    let store = app.state.store.clone();
    let page = |v: Vec<gazette::domain::Article>| v.iter().map(|a| a.id).collect::<Vec<_>>();
    let first = store
        .public_stories(&q(None, None, Sort::Signed))
        .await
        .unwrap();
    assert_eq!(page(first.clone()), [9503, 9502]);
    let last = first.last().unwrap();
    let rest = store
        .public_stories(&q(
            Some((last.signed_at.unwrap(), last.id)),
            None,
            Sort::Signed,
        ))
        .await
        .unwrap();
    assert_eq!(page(rest), [9501]);
    let zw = app.channel_id("main", "zw").await;
    assert_eq!(
        page(
            store
                .public_stories(&q(None, Some(zw), Sort::Signed))
                .await
                .unwrap()
        ),
        [9503, 9501],
        "a channel holds its sub-channels' stories"
    );
    let mut a = store.article(9501).await.unwrap().unwrap();
    a.revised_at = Some(gazette::domain::text::parse_rfc3339("2031-02-01T00:00:00+08:00").unwrap());
    app.save(&a).await;
    assert_eq!(
        page(
            store
                .public_stories(&q(None, None, Sort::Updated))
                .await
                .unwrap()
        ),
        [9501, 9503]
    );

    // eight writers claim three at a time from a minute of ten
    let k = make_key(app, 9, &[], 10).await;
    let id = store
        .api_keys()
        .await
        .unwrap()
        .iter()
        .find(|x| x.digest == key::digest(&k))
        .unwrap()
        .id;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .claim_api_quota(id, 1000, 3, 10, 60_000)
                .await
                .unwrap()
        }));
    }
    let mut granted = 0;
    for t in tasks {
        granted += t.await.unwrap();
    }
    assert_eq!(granted, 10, "the limit, exactly, between them");
    assert_eq!(
        store
            .claim_api_quota(id, 1001, 3, 10, 60_060)
            .await
            .unwrap(),
        3,
        "a new minute"
    );
    store
        .revoke_api_key(id, &gazette::db::Actor::cli("test"), 60_100)
        .await
        .unwrap();
    store
        .revoke_api_key(id, &gazette::db::Actor::cli("test"), 60_200)
        .await
        .unwrap();
    let revoked = store
        .api_keys()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == id)
        .unwrap();
    assert_eq!(
        revoked.revoked_at,
        Some(60_100),
        "revoking twice changes nothing"
    );
    assert!(matches!(
        store
            .revoke_api_key(999_999, &gazette::db::Actor::cli("test"), 1)
            .await,
        Err(gazette::db::StoreError::NotFound(_))
    ));
}

/// Requests arriving together at a node with nothing claimed yet claim at
/// once; a claim refused because the others took the minute's limit does
/// not refuse its request while this node holds some of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_claiming_at_once_share_what_was_granted() {
    let app = TestApp::with_demo().await;
    let k = make_key(&app, 10, &[], 1000).await;
    let gate = std::sync::Arc::new(gazette::api_keys::Gate::default());
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (gate, state, k) = (gate.clone(), app.state.clone(), k.clone());
        tasks.push(tokio::spawn(async move {
            gate.admit(state.store.as_ref(), &state.cache, Some(&k), state.now())
                .await
                .unwrap()
                .is_ok()
        }));
    }
    let mut served = 0;
    for t in tasks {
        served += usize::from(t.await.unwrap());
    }
    assert_eq!(served, 64, "64 requests of a limit of 1,000: none refused");
    // and they reserved one chunk, not one each: another node still has its share
    let other = gazette::api_keys::Gate::default();
    let admitted = other
        .admit(
            app.state.store.as_ref(),
            &app.state.cache,
            Some(&k),
            app.state.now(),
        )
        .await
        .unwrap();
    assert!(admitted.is_ok(), "a second node is served too");
}
