//! Site pages (单页) and the footer: 关于我们 and the rest are written in the
//! editor, go through 三审/签发 like stories, live at `/{slug}/`, sit in no
//! channel list or news sitemap but in the story sitemap and the export;
//! the footer's links are an ordered list in the site settings; the
//! filing numbers link to their public records.

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::desk::{BODY, desk};

#[tokio::test]
async fn the_demo_has_six_pages_the_footer_links() {
    let app = TestApp::with_demo().await;
    let home = app.get("/").await;
    let links: Vec<(String, String)> = home
        .select_text(".footer-links a")
        .into_iter()
        .zip(home.select_attr(".footer-links a", "href"))
        .collect();
    let want = [
        "关于滨州网",
        "广告服务",
        "联系我们",
        "服务条款",
        "隐私保护",
        "法律声明",
    ];
    assert_eq!(links.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(), want);
    for (title, href) in &links {
        let page = app.get(href).await;
        assert_eq!(page.status, 200, "{href}");
        assert_eq!(
            page.select_text("h1.story-title"),
            vec![title.clone()],
            "{href}"
        );
        // a statement of the organisation: no byline, no 更多 blocks
        assert!(page.select_text(".byline").is_empty());
        assert!(page.body.contains("\"@type\":\"WebPage\""), "{href}");
    }
    // the privacy page says what the portal keeps
    let privacy = app.get("/privacy/").await.text();
    assert!(
        privacy.contains("180 天") && privacy.contains("不向读者的浏览器写入 Cookie"),
        "{privacy}"
    );
    // the typo of the seed is fixed; the filing numbers link to their records
    assert!(home.body.contains("违法和不良信息举报中心"));
    assert!(!home.body.contains("违法不信息举报中心"));
    let records = home.select_attr(".footer a", "href");
    assert!(records.contains(&"https://beian.miit.gov.cn/".to_string()));
    assert!(
        records
            .contains(&"https://beian.mps.gov.cn/#/query/webSearch?code=3716020200429".to_string()),
        "{records:?}"
    );
    // pages are in no list and no news sitemap, but in the story sitemap
    let zw = app.get("/zw/").await;
    assert!(
        !zw.select_attr("main a", "href")
            .iter()
            .any(|h| h.contains("/about/"))
    );
    assert!(!app.get("/sitemap-news.xml").await.body.contains("/about/"));
    let sitemap = app.get("/sitemap-19.xml").await;
    assert!(
        sitemap.body.contains("http://127.0.0.1:8080/about/"),
        "{}",
        sitemap.body
    );
    assert!(!app.get("/rss.xml").await.body.contains("/about/"));
    // and in the export, byte for byte what is served
    let out = tempfile::tempdir().unwrap();
    gazette::export::build(&app.state, out.path(), false, false)
        .await
        .unwrap();
    let exported = std::fs::read_to_string(out.path().join("about/index.html")).unwrap();
    assert_eq!(exported, app.get("/about/").await.body);
    // a county site shows the main site's links (its own are empty)
    let county = app.get("/zouping/").await;
    assert!(
        county
            .select_attr(".footer-links a", "href")
            .contains(&"/about/".to_string())
    );
}

#[tokio::test]
async fn a_page_goes_through_review_to_its_fixed_address() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let yw = d.yw.to_string();
    let new = |slug: &'static str| {
        let (d, yw) = (&d, yw.clone());
        async move {
            d.reporter
                .post(
                    "/admin/stories/new",
                    &[
                        ("title", "版权声明"),
                        ("channel_id", &yw),
                        ("kind", "page"),
                        ("page_slug", slug),
                        ("body", BODY),
                    ],
                )
                .await
        }
    };
    // names the portal or a channel uses, and a page's own, are refused
    let r = new("zw").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("栏目地址相同"), "{}", r.body);
    let r = new("admin").await;
    assert!(r.body.contains("网站自用"), "{}", r.body);
    let r = new("about").await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("已有网址为 /about/ 的单页"), "{}", r.body);
    let r = new("Bad Name").await;
    assert!(r.body.contains("小写英文字母"), "{}", r.body);

    let r = new("copyright").await;
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
        app.get("/copyright/").await.status,
        404,
        "not before sign-off"
    );
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    let page = app.get("/copyright/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("版权声明"));
    let a = app.state.store.article(id).await.unwrap().unwrap();
    assert_eq!(a.url_path.as_deref(), Some("copyright/"));
    // its channel's list does not show it
    assert!(!app.get("/zw/yw/").await.body.contains("/copyright/"));
    // its address cannot change once published
    let v = d.editor.version(id).await;
    let r = d
        .editor
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("title", "版权声明"),
                ("channel_id", &yw),
                ("kind", "page"),
                ("page_slug", "copy"),
                ("body", BODY),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能再改"), "{}", r.body);
    // withdrawn, it answers 410 like a story
    assert_eq!(d.signer.act(id, "withdraw", "不再使用").await.status, 303);
    assert_eq!(app.get("/copyright/").await.status, 410);
}

#[tokio::test]
async fn the_footer_links_are_an_ordered_list_in_the_site_settings() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[Role::Admin], &[]).await;
    let admin = app.login("admin").await;
    let form = admin.get("/admin/sites/main").await;
    assert_eq!(form.status, 200);
    // the form offers the site's pages for the address
    assert!(
        form.select_attr("#site-pages option", "value")
            .contains(&"/privacy/".to_string())
    );
    let mut fields: Vec<(String, String)> = vec![("name".into(), "滨州网".into())];
    for (order, title, url) in [
        ("2", "隐私保护", "/privacy/"),
        ("1", "关于滨州网", "/about/"),
        ("3", "滨州日报电子版", "https://epaper.example.cn/"),
        ("", "", ""),
    ] {
        fields.push(("link_order".into(), order.into()));
        fields.push(("link_title".into(), title.into()));
        fields.push(("link_url".into(), url.into()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = admin.post("/admin/sites/main", &pairs).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let home = app.get("/").await;
    assert_eq!(
        home.select_text(".footer-links a"),
        ["关于滨州网", "隐私保护", "滨州日报电子版"]
    );
    assert_eq!(
        home.select_attr(".footer-links a", "href"),
        ["/about/", "/privacy/", "https://epaper.example.cn/"]
    );
    // an address that is neither a path nor a web address is refused
    let r = admin
        .post(
            "/admin/sites/main",
            &[
                ("name", "滨州网"),
                ("link_order", "1"),
                ("link_title", "坏链接"),
                ("link_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body.contains("地址“javascript:alert(1)”不对"),
        "{}",
        r.body
    );
    // the record holds the change
    let rec = admin.get("/admin/audit").await;
    assert!(rec.body.contains("页脚链接"), "the record names the change");
}

/// Every page names an icon (the site's, else the built-in one), and a
/// browser asking `/favicon.ico` anyway is sent to it; the newsroom's pages
/// are never kept by a shared cache.
#[tokio::test]
async fn every_page_has_an_icon_and_newsroom_pages_are_not_cached() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    for page in [app.get("/").await, d.reporter.get("/admin/").await] {
        let icon = page.select_attr("link[rel=icon]", "href");
        assert_eq!(icon.len(), 1, "{}", page.body);
    }
    let dash = d.reporter.get("/admin/").await;
    assert_eq!(dash.header("cache-control"), Some("private, no-store"));
    let login = app.get("/admin/login").await;
    assert_eq!(login.header("cache-control"), Some("private, no-store"));
    // /favicon.ico answers with the site's own icon: the bytes the page's
    // icon link names
    let r = app.get("/favicon.ico").await;
    assert_eq!(r.status, 200);
    let named = app.get("/").await.select_attr("link[rel=icon]", "href")[0].clone();
    let linked = app.get(&named).await;
    assert_eq!(linked.status, 200, "{named}");
    assert_eq!(r.header("content-type"), linked.header("content-type"));
    assert_eq!(r.body, linked.body, "{named}");
    assert_eq!(r.header("cache-control"), Some("public, max-age=86400"));
    let svg = app.get("/static/favicon.svg").await;
    assert_eq!(svg.status, 200);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert!(svg.body.starts_with("<svg"));
}
