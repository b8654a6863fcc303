//! Feeds, sitemaps, robots.txt, JSON-LD and OpenGraph.

use crate::util::TestApp;

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("well-formed XML: {e}\n{xml:.400}"))
}

fn texts(doc: &roxmltree::Document<'_>, tag: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn rss_and_atom_list_the_newest_stories_and_drop_withdrawn_ones() {
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(
            7001,
            "main",
            "sh",
            "民生新闻<&>第一条",
            "2024-04-20T10:00:00+08:00",
        )
        .await;
    let rss = app.get("/rss.xml").await;
    assert_eq!(rss.status, 200);
    assert!(
        rss.header("content-type")
            .unwrap()
            .starts_with("application/rss+xml")
    );
    let doc = parse(&rss.body);
    assert_eq!(doc.root_element().attribute("version"), Some("2.0"));
    let titles = texts(&doc, "title");
    assert_eq!(titles[0], "滨州网");
    assert_eq!(
        titles[1], "民生新闻<&>第一条",
        "newest first, escaped and read back"
    );
    let links = texts(&doc, "link");
    assert!(links.contains(&"http://127.0.0.1:8080/sh/2024-04/20/7001.html".to_string()));
    let atom = app.get("/sh/atom.xml").await;
    let doc = parse(&atom.body);
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count(),
        1
    );
    // a county's channel feed, and unknown feeds
    assert_eq!(app.get("/zouping/zw/rss.xml").await.status, 200);
    assert_eq!(app.get("/nosuch/rss.xml").await.status, 404);
    // withdrawn: gone from the feeds after one change
    app.withdraw(&mut a).await;
    assert!(!app.get("/rss.xml").await.body.contains("7001.html"));
    assert!(!app.get("/sh/atom.xml").await.body.contains("7001.html"));
}

#[tokio::test]
async fn sitemaps_cover_every_live_story_in_blocks() {
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(7002, "main", "sh", "地图测试", "2024-04-20T10:00:00+08:00")
        .await;
    app.publish(
        120_000,
        "zouping",
        "zw",
        "邹平大号稿件",
        "2024-04-19T10:00:00+08:00",
    )
    .await;
    let index = app.get("/sitemap.xml").await;
    let doc = parse(&index.body);
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let locs = texts(&doc, "loc");
    assert_eq!(
        locs,
        vec![
            "http://127.0.0.1:8080/sitemap-sections.xml",
            "http://127.0.0.1:8080/sitemap-1.xml",
            "http://127.0.0.1:8080/sitemap-3.xml",
            "http://127.0.0.1:8080/sitemap-19.xml",
            "http://127.0.0.1:8080/sitemap-news.xml"
        ]
    );
    let block1 = app.get("/sitemap-1.xml").await;
    let urls = texts(&parse(&block1.body), "loc");
    assert!(urls.contains(&"http://127.0.0.1:8080/sh/2024-04/20/7002.html".to_string()));
    let block3 = texts(&parse(&app.get("/sitemap-3.xml").await.body), "loc");
    assert_eq!(
        block3,
        vec!["http://127.0.0.1:8080/zouping/zw/2024-04/19/120000.html"]
    );
    assert_eq!(
        app.get("/sitemap-2.xml").await.status,
        404,
        "an empty block has no file"
    );
    let sections = texts(&parse(&app.get("/sitemap-sections.xml").await.body), "loc");
    assert!(sections.contains(&"http://127.0.0.1:8080/zouping/zw/yw/".to_string()));
    // the news sitemap holds the last two days only (the clock is 2024-04-20 12:00)
    let news = app.get("/sitemap-news.xml").await;
    let doc = parse(&news.body);
    let titles = texts(&doc, "title");
    assert!(titles.contains(&"地图测试".to_string()));
    assert!(!titles.contains(&"全省职教社工作研讨班暨规范化建设现场推进会在滨州召开".to_string()));
    // withdrawn: gone from the sitemaps
    app.withdraw(&mut a).await;
    assert!(!app.get("/sitemap-1.xml").await.body.contains("7002.html"));
    assert!(
        !app.get("/sitemap-news.xml")
            .await
            .body
            .contains("7002.html")
    );
    // county prefixes have no sitemaps of their own; robots.txt points at the index
    assert_eq!(app.get("/zouping/sitemap.xml").await.status, 404);
    let robots = app.get("/robots.txt").await;
    assert!(
        robots
            .body
            .contains("Sitemap: http://127.0.0.1:8080/sitemap.xml")
    );
    assert!(robots.body.contains("Disallow: /admin/"));
}

#[tokio::test]
async fn story_pages_carry_json_ld_and_open_graph() {
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(
            7003,
            "main",
            "sh",
            "标题</script><script>alert(1)</script>",
            "2024-04-20T10:00:00+08:00",
        )
        .await;
    a.byline[0].name = "丁春贵".into();
    app.save(&a).await;
    let page = app.get("/sh/2024-04/20/7003.html").await;
    let ld = page.html();
    let sel = scraper::Selector::parse("script[type='application/ld+json']").unwrap();
    let scripts: Vec<String> = ld.select(&sel).map(|e| e.inner_html()).collect();
    // the story, and the breadcrumb of 您当前的位置
    assert_eq!(scripts.len(), 2);
    let parsed: Vec<serde_json::Value> = scripts
        .iter()
        .map(|t| serde_json::from_str(t).expect("JSON-LD parses"))
        .collect();
    let trail = parsed
        .iter()
        .find(|v| v["@type"] == "BreadcrumbList")
        .expect("a BreadcrumbList");
    assert_eq!(trail["@type"], "BreadcrumbList");
    let steps: Vec<(&str, &str)> = trail["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["item"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("首页", "http://127.0.0.1:8080/"),
            ("社会民生", "http://127.0.0.1:8080/sh/")
        ]
    );
    let scripts: Vec<&String> = scripts
        .iter()
        .filter(|t| t.contains("NewsArticle"))
        .collect();
    let v: serde_json::Value = serde_json::from_str(scripts[0]).expect("JSON-LD parses");
    assert_eq!(v["@type"], "NewsArticle");
    assert_eq!(v["headline"], "标题</script><script>alert(1)</script>");
    assert_eq!(v["datePublished"], "2024-04-20T10:00:00+08:00");
    assert_eq!(v["author"][0]["name"], "丁春贵");
    assert!(
        !scripts[0].contains("</script"),
        "no text can close the element"
    );
    assert_eq!(
        page.select_attr("meta[property='og:type']", "content"),
        vec!["article"]
    );
    assert_eq!(
        page.select_attr("meta[property='og:url']", "content"),
        vec!["http://127.0.0.1:8080/sh/2024-04/20/7003.html"]
    );
    assert_eq!(
        page.select_attr("link[rel=alternate]", "href"),
        vec!["/rss.xml", "/atom.xml"]
    );
    // a channel page advertises its own feeds first, then the site's
    assert_eq!(
        app.get("/sh/")
            .await
            .select_attr("link[rel=alternate]", "href"),
        vec!["/sh/rss.xml", "/sh/atom.xml", "/rss.xml", "/atom.xml"]
    );
}

/// Validate `xml` with `xmllint --schema`; `Err` carries xmllint's complaint.
fn xmllint(schema: &str, xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/xsd")
        .join(schema);
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .output()
        .expect("run xmllint");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[tokio::test]
async fn sitemaps_validate_against_the_sitemaps_org_schemas() {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        let msg = "NOT RUN: sitemaps_validate_against_the_sitemaps_org_schemas needs xmllint (apt install libxml2-utils)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    }
    let app = TestApp::with_demo().await;
    app.publish(
        7003,
        "main",
        "sh",
        "校验<地图>&标题",
        "2024-04-20T10:00:00+08:00",
    )
    .await;
    app.publish(
        60_001,
        "zouping",
        "zw",
        "第二块的稿件",
        "2024-04-20T09:00:00+08:00",
    )
    .await;
    for (path, schema) in [
        ("/sitemap.xml", "siteindex.xsd"),
        ("/sitemap-sections.xml", "sitemap.xsd"),
        ("/sitemap-1.xml", "sitemap.xsd"),
        ("/sitemap-2.xml", "sitemap.xsd"),
        ("/sitemap-19.xml", "sitemap.xsd"),
        ("/sitemap-news.xml", "news-sitemap.xsd"),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        if let Err(e) = xmllint(schema, &page.body) {
            panic!("{path} is not a valid sitemap: {e}\n{}", page.body);
        }
    }
    assert!(
        app.get("/sitemap-news.xml")
            .await
            .body
            .contains("校验&lt;地图&gt;&amp;标题")
    );
    // the schemas do reject what the protocol forbids (a url without loc, a
    // news entry without its publication), so a pass above means something
    let bad_url = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><lastmod>2024-04-20</lastmod></url></urlset>";
    assert!(xmllint("sitemap.xsd", bad_url).is_err());
    let bad_news = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"><url><loc>http://example.com/a.html</loc><news:news><news:title>t</news:title></news:news></url></urlset>";
    assert!(xmllint("news-sitemap.xsd", bad_news).is_err());
}

/// Structured data names no empty list: a story without pictures shows the
/// publisher's logo or no image, a gallery without a byline is its
/// photographers' (issue 25).
#[tokio::test]
async fn structured_data_has_no_empty_lists() {
    let app = TestApp::with_demo().await;
    // a text story, the demo's gallery and its live story
    for path in [
        "/zw/yw/2023-06/01/900001.html".to_string(),
        TestApp::path_of(&app.state.store.article(900_410).await.unwrap().unwrap()),
        TestApp::path_of(&app.state.store.article(900_202).await.unwrap().unwrap()),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        for text in page.select_text("script[type='application/ld+json']") {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            fn walk(v: &serde_json::Value, path: &str, at: &str) {
                match v {
                    serde_json::Value::Array(a) => {
                        assert!(!a.is_empty(), "{path}: empty list at {at}");
                        a.iter().for_each(|x| walk(x, path, at));
                    }
                    serde_json::Value::Object(o) => {
                        o.iter().for_each(|(k, x)| walk(x, path, k));
                    }
                    _ => {}
                }
            }
            walk(&v, &path, "");
        }
    }
}

/// The news sitemap holds the last two days up to now, in zh-cn: a story an
/// import dated ahead is not in it (issue 25).
#[tokio::test]
async fn the_news_sitemap_is_the_last_two_days_up_to_now() {
    let app = TestApp::with_demo().await;
    let now = app.state.now();
    let at = |secs: i64| {
        gazette::domain::text::to_cst(now + secs)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    app.publish(7101, "main", "sh", "昨天的新闻", &at(-86_400))
        .await;
    app.publish(7102, "main", "sh", "明天才到的新闻", &at(86_400))
        .await;
    let news = app.get("/sitemap-news.xml").await.body;
    assert!(news.contains("昨天的新闻"), "{news}");
    assert!(!news.contains("明天才到的新闻"), "{news}");
    assert!(news.contains("<news:language>zh-cn</news:language>"));
}
