//! The details a demanding front-end engineer checks (issue 25): dates
//! across a year boundary, HEAD lengths, conditional GETs by date,
//! fingerprinted assets, redirects that keep the query, 直播中 in lists,
//! county front pages, feeds with full text, robots and noindex.

use axum::body::Body;
use axum::http::{Request, header};
use gazette::domain::text::parse_rfc3339;

use crate::util::TestApp;
use crate::util::desk::desk;

/// Lists date a story `MM-DD` in the clock's year and `YYYY-MM-DD` before
/// it: at the turn of the year (China Standard Time) every cached list
/// changes at once, without any change to the stories.
#[tokio::test]
async fn list_dates_carry_the_year_once_it_is_over() {
    let app = TestApp::with_demo().await;
    app.clock
        .set(parse_rfc3339("2024-12-31T20:00:00+08:00").unwrap());
    app.publish(
        7101,
        "main",
        "sh",
        "年终的民生新闻",
        "2024-12-31T09:00:00+08:00",
    )
    .await;
    let date_of = |page: &crate::util::TestResponse| {
        let titles = page.select_text(".channel-list li a");
        let dates = page.select_text(".channel-list li .date");
        let i = titles.iter().position(|t| t == "年终的民生新闻").unwrap();
        dates[i].clone()
    };
    assert_eq!(date_of(&app.get("/sh/").await), "12-31");
    let key = gazette::render::cache::RenderCache::key("main", "sh/");
    assert!(app.state.cache.holds(&key).await, "the list is cached");
    // 23:59 in Binzhou: still this year
    app.clock
        .set(parse_rfc3339("2024-12-31T23:59:00+08:00").unwrap());
    assert_eq!(date_of(&app.get("/sh/").await), "12-31");
    // 00:01 on New Year's Day there (16:01 UTC on the 31st): last year's
    app.clock
        .set(parse_rfc3339("2025-01-01T00:01:00+08:00").unwrap());
    assert_eq!(date_of(&app.get("/sh/").await), "2024-12-31");
    // the story page dates its sign-off in full, with the time
    let story = app.get("/sh/2024-12/31/7101.html").await;
    assert_eq!(
        story.select_text(".story-meta .signed"),
        ["签发日期:2024年12月31日 09:00"]
    );
}

/// One HTTP/1.1 exchange over a real connection (what a browser or `curl
/// -I` sees, hyper included): the status line and headers, lower-cased
/// names, and the body.
async fn exchange(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
) -> (String, Vec<(String, String)>, Vec<u8>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    s.write_all(
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Connection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, raw[end + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A HEAD answer says how long the GET's body is, on every kind of page,
/// public and newsroom, over a real connection.
#[tokio::test]
async fn head_says_the_length_get_sends() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let addr = app.serve().await;
    let seed = "/zw/yw/2023-06/01/900001.html";
    let tag = app.get(seed).await.select_attr(".story-tags a", "href")[0].clone();
    let author = app.get(seed).await.select_attr(".byline a", "href")[0].clone();
    let public = [
        "/",
        "/zouping/",
        "/zw/",
        "/zw/index_2.html",
        seed,
        tag.as_str(),
        author.as_str(),
        "/rss.xml",
        "/zw/atom.xml",
        "/sitemap.xml",
        "/sitemap-sections.xml",
        "/robots.txt",
        "/_inc/more/zw/yw.html",
        "/search?q=%E6%BB%A8%E5%B7%9E",
        "/no-such-page",
        "/jubao/",
    ];
    for path in public {
        let (status, h, body) = exchange(addr, "GET", path, None).await;
        let (head_status, hh, head_body) = exchange(addr, "HEAD", path, None).await;
        assert_eq!(status, head_status, "{path}");
        assert!(head_body.is_empty(), "{path}: a HEAD answer has no body");
        assert_eq!(
            header(&hh, "content-length"),
            Some(body.len().to_string().as_str()),
            "{path}: HEAD says the GET's length ({status})"
        );
        assert_eq!(header(&h, "content-length"), header(&hh, "content-length"));
    }
    let cookie = d.editor.cookie.clone();
    for path in [
        "/admin/",
        "/admin/stories",
        "/admin/stories/new",
        "/admin/images",
    ] {
        let (status, _, body) = exchange(addr, "GET", path, Some(&cookie)).await;
        assert!(status.contains(" 200 "), "{path}: {status}");
        let (_, hh, _) = exchange(addr, "HEAD", path, Some(&cookie)).await;
        assert_eq!(
            header(&hh, "content-length"),
            Some(body.len().to_string().as_str()),
            "{path}"
        );
    }
}

/// Lists, feeds and sitemaps say when they last changed and answer a
/// conditional GET by date with 304 until a change touches them.
#[tokio::test]
async fn lists_feeds_and_sitemaps_answer_conditional_gets_by_date() {
    let app = TestApp::with_demo().await;
    let pages = ["/zw/", "/zw/rss.xml", "/atom.xml", "/sitemap.xml", "/"];
    let mut stamps = Vec::new();
    for p in pages {
        let r = app.get(p).await;
        let lm = r
            .header("last-modified")
            .unwrap_or_else(|| panic!("{p} says when it changed"))
            .to_string();
        let again = app
            .request(
                Request::get(p)
                    .header(header::IF_MODIFIED_SINCE, &lm)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, 304, "{p}");
        stamps.push(lm);
    }
    // a new 政务 story an hour later: each of them has changed
    app.clock.advance(3600);
    app.publish(
        7102,
        "main",
        "zw",
        "新的政务稿件",
        "2024-04-20T12:30:00+08:00",
    )
    .await;
    for (p, lm) in pages.iter().zip(&stamps) {
        let again = app
            .request(
                Request::get(*p)
                    .header(header::IF_MODIFIED_SINCE, lm)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, 200, "{p} changed since {lm}");
    }
}

/// Pages link assets by fingerprinted names, cached for a year and sent
/// compressed; the fingerprint changes with the asset (a theme's copy).
#[tokio::test]
async fn assets_are_fingerprinted_compressed_and_cached_for_good() {
    let app = TestApp::with_demo().await;
    let css = app
        .get("/")
        .await
        .select_attr("link[rel=stylesheet]", "href")[0]
        .clone();
    let hash = css
        .strip_prefix("/static/gazette.")
        .and_then(|r| r.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("{css}"));
    assert!(hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    let r = app.get(&css).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(r.body, app.get("/static/gazette.css").await.body);
    assert_eq!(
        app.get("/static/gazette.css").await.header("cache-control"),
        Some("public, max-age=3600"),
        "the plain name may change"
    );
    let br = app
        .request(
            Request::get(&css)
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("vary"), Some("Accept-Encoding"));
    // a theme's stylesheet: another fingerprint
    let theme = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(theme.path().join("static")).unwrap();
    std::fs::write(
        theme.path().join("static/gazette.css"),
        "body { color: #111; }\n",
    )
    .unwrap();
    let themed = gazette::render::Renderer::new(Some(theme.path().to_path_buf()));
    let other = themed.assets().fingerprinted("gazette.css");
    assert_ne!(format!("/static/{other}"), css);
    assert!(other.starts_with("gazette.") && other.ends_with(".css"));
}

/// A redirect to the slash-ended path keeps the query string.
#[tokio::test]
async fn redirects_keep_the_query() {
    let app = TestApp::with_demo().await;
    let r = app.get("/zw?utm_source=weixin&from=timeline").await;
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location"),
        Some("/zw/?utm_source=weixin&from=timeline")
    );
    let r = app.get("/zouping?from=app").await;
    assert_eq!(r.header("location"), Some("/zouping/?from=app"));
}

/// While the live desk has a 直播 open, every list shows 直播中 beside it;
/// closed, the mark goes.
#[tokio::test]
async fn a_running_live_story_is_marked_in_every_list() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = gazette::demo::LIVE_ID;
    let marks = |page: &crate::util::TestResponse| page.select_text(".mark-live");
    assert!(marks(&app.get("/").await).is_empty());
    let live = app.state.store.article(id).await.unwrap().unwrap();
    let channel = app
        .get(&format!(
            "/{}/",
            live.url_path.as_deref().unwrap().split('/').next().unwrap()
        ))
        .await;
    assert!(marks(&channel).is_empty());
    let desk_page = d.editor.get(&format!("/admin/live/{id}")).await;
    assert_eq!(desk_page.status, 200);
    let form = crate::util::form::fields(&desk_page.body, "live-clock");
    let r = d
        .editor
        .post(
            &format!("/admin/live/{id}/clock"),
            &crate::util::form::pairs(&form),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let home = app.get("/").await;
    assert_eq!(marks(&home), ["直播中"], "the 头条 block lists it");
    let channel_path = format!(
        "/{}/",
        live.url_path.as_deref().unwrap().split('/').next().unwrap()
    );
    assert_eq!(marks(&app.get(&channel_path).await), ["直播中"]);
    // closed: the mark goes from every list
    let desk_page = d.editor.get(&format!("/admin/live/{id}")).await;
    let form = crate::util::form::fields(&desk_page.body, "live-clock");
    d.editor
        .post(
            &format!("/admin/live/{id}/clock"),
            &crate::util::form::pairs(&form),
        )
        .await;
    assert!(marks(&app.get("/").await).is_empty());
    assert!(marks(&app.get(&channel_path).await).is_empty());
}

/// A county's front page is its own: its name beside the city's logo, its
/// channel names, its own 头条 and 焦点, and a way back to the city portal.
#[tokio::test]
async fn a_county_front_page_is_its_own() {
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let home = app.get("/zouping/").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.select_text(".masthead .logo-site"), ["邹平"]);
    assert_eq!(home.select_attr(".masthead .city-link", "href"), ["/"]);
    assert_eq!(home.select_text(".masthead .city-link"), ["返回滨州网"]);
    let nav = home.select_text(".masthead nav.channels a");
    assert!(nav.contains(&"邹平政务".to_string()), "{nav:?}");
    assert!(!nav.iter().any(|n| n.contains("滨州")), "{nav:?}");
    assert_eq!(
        home.select_text(".top-story-title a"),
        ["邹平市召开优化营商环境工作推进会"]
    );
    assert_eq!(
        home.select_text(".carousel .slide-title"),
        ["春日随拍:仰望大桥"]
    );
    assert!(
        !home.select_attr(".carousel img", "src").is_empty(),
        "the 焦点 shows its picture"
    );
    let titles = home.select_text(".block-title");
    assert!(titles.contains(&"邹平头条".to_string()), "{titles:?}");
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), titles.len(), "no heading twice: {titles:?}");
    // the city portal names neither the county's masthead nor its link back
    let city = app.get("/").await;
    assert!(city.select_text(".masthead .city-link").is_empty());
    // 博兴 has its own too
    let boxing = app.get("/boxing/").await;
    assert_eq!(
        boxing.select_text(".top-story-title a"),
        ["博兴县召开乡村振兴重点工作调度会"]
    );
}

/// Feeds carry each story's full text with absolute links and its byline;
/// a channel may send summaries only; an empty Atom feed is dated now.
#[tokio::test]
async fn feeds_carry_full_text_bylines_and_a_real_date() {
    let app = TestApp::with_demo().await;
    let rss = app.get("/zw/yw/rss.xml").await;
    assert!(
        rss.body
            .contains("xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"")
    );
    assert!(
        rss.body
            .contains("<dc:creator>记者 丁春贵 通讯员 张月月</dc:creator>"),
        "the seed's byline"
    );
    assert!(rss.body.contains("<content:encoded>"));
    assert!(
        rss.body.contains("郭爱玲要求"),
        "the whole text, not only its start"
    );
    let atom = app.get("/zw/yw/atom.xml").await;
    assert!(atom.body.contains("<content type=\"html\">"));
    assert!(
        atom.body
            .contains("<author><name>记者 丁春贵 通讯员 张月月</name></author>")
    );
    // a channel that sends summaries only
    let mut c = app
        .state
        .store
        .channels("main")
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.path == "zw/yw")
        .unwrap();
    c.feed_summary = true;
    app.state
        .store
        .update_channel(&c, app.state.now())
        .await
        .unwrap();
    gazette::follow::after_write(&app.state).await;
    let rss = app.get("/zw/yw/rss.xml").await;
    assert!(!rss.body.contains("<content:encoded>"));
    assert!(rss.body.contains("<description>"));
    // 邹平发布 has no story yet: its Atom feed is dated now, not 1970
    let empty = app.get("/zouping/fb/atom.xml").await;
    assert_eq!(empty.status, 200);
    assert!(!empty.body.contains("<entry>"));
    assert!(
        empty
            .body
            .contains("<updated>2024-04-20T12:00:00+08:00</updated>"),
        "{}",
        empty.body
    );
}

/// Crawlers are kept from every site's search and fragments; a search
/// page says noindex.
#[tokio::test]
async fn search_is_kept_from_crawlers() {
    let app = TestApp::with_demo().await;
    let robots = app.get("/robots.txt").await.body;
    for line in [
        "Disallow: /search",
        "Disallow: /zouping/search",
        "Disallow: /boxing/_inc/",
        "Disallow: /admin/",
    ] {
        assert!(robots.lines().any(|l| l == line), "{line} in {robots}");
    }
    let search = app.get("/zouping/search?q=%E9%82%B9%E5%B9%B3").await;
    assert_eq!(
        search.select_attr("meta[name=robots]", "content"),
        ["noindex, follow"]
    );
    assert!(
        app.get("/")
            .await
            .select_attr("meta[name=robots]", "content")
            .is_empty()
    );
}

/// The sitemap index says when each sitemap changed; the news sitemap,
/// empty once two days pass without a story, is left out (an empty
/// `urlset` is not valid) and answers 404 until the next story.
#[tokio::test]
async fn the_sitemap_index_dates_its_sitemaps_and_leaves_out_an_empty_news_sitemap() {
    let app = TestApp::with_demo().await;
    let index = app.get("/sitemap.xml").await.body;
    assert!(index.contains("sitemap-news.xml"));
    let entries = index.matches("<sitemap>").count();
    assert_eq!(index.matches("<lastmod>").count(), entries, "{index}");
    assert!(index.contains("<lastmod>2024-04-20T"), "{index}");
    // three days on, nothing new: no news
    app.clock.advance(3 * 86_400);
    app.publish(
        7301,
        "main",
        "zw/yw",
        "旧闻补录",
        "2024-04-01T09:00:00+08:00",
    )
    .await;
    let index = app.get("/sitemap.xml").await.body;
    assert!(!index.contains("sitemap-news.xml"), "{index}");
    assert_eq!(app.get("/sitemap-news.xml").await.status, 404);
    // a new story brings it back
    app.publish(
        7302,
        "main",
        "zw/yw",
        "今天的新闻",
        "2024-04-23T10:00:00+08:00",
    )
    .await;
    assert!(
        app.get("/sitemap.xml")
            .await
            .body
            .contains("sitemap-news.xml")
    );
    let news = app.get("/sitemap-news.xml").await;
    assert_eq!(news.status, 200);
    assert!(news.body.contains("今天的新闻"));
}

/// Every story offers its link to copy, a 微信 QR code drawn in the
/// reader's browser (the encoder is served by the site itself), a 微博
/// link and printing; the print stylesheet keeps the story alone.
#[tokio::test]
async fn a_story_offers_sharing_and_printing() {
    let app = TestApp::with_demo().await;
    let page = app.get("/zw/yw/2023-06/01/900001.html").await;
    let canonical = "http://127.0.0.1:8080/zw/yw/2023-06/01/900001.html";
    assert_eq!(page.select_attr(".story-share", "data-url"), [canonical]);
    assert_eq!(
        page.select_text(".story-share button"),
        ["复制链接", "微信", "打印"]
    );
    let weibo = page.select_attr(".share-weibo", "href")[0].clone();
    assert!(
        weibo.starts_with(
            "https://service.weibo.com/share/share.php?url=http%3A//127.0.0.1%3A8080/zw/yw/2023-06/01/900001.html&title=%E5%85%A8%E7%9C%81"
        ),
        "{weibo}"
    );
    let qr = page.select_attr(".share-wechat", "data-qr")[0].clone();
    assert!(
        qr.starts_with("/static/qrcode.") && qr.ends_with(".js"),
        "{qr}"
    );
    let script = app.get(&qr).await;
    assert_eq!(script.status, 200);
    assert!(script.body.contains("var qrcode = function"));
    let css = app
        .get(
            &app.get("/")
                .await
                .select_attr("link[rel=stylesheet]", "href")[0],
        )
        .await
        .body;
    let print = &css[css.find("@media print").expect("a print stylesheet")..];
    for hidden in [".masthead", ".story-share", ".more-blocks", ".footer"] {
        assert!(print.contains(hidden), "{hidden} is not printed");
    }
    // the preview in the newsroom shares nothing yet
    let a = app.state.store.article(900_001).await.unwrap().unwrap();
    let preview = gazette::render::preview(&app.state, &a).await.unwrap();
    assert!(!preview.body.contains("story-share"));
}

/// The answers made per request are compressed too: search, the 404 page
/// and the newsroom's screens (cached pages carry their encodings already).
#[tokio::test]
async fn search_404_and_newsroom_pages_are_compressed() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let cookie = d.editor.cookie.clone();
    for (path, who) in [
        ("/search?q=%E6%BB%A8%E5%B7%9E", None),
        ("/no-such-page", None),
        ("/admin/", Some(&cookie)),
        ("/admin/stories", Some(&cookie)),
    ] {
        let mut req = Request::get(path).header(header::ACCEPT_ENCODING, "gzip, br");
        if let Some(c) = who {
            req = req.header(header::COOKIE, c.as_str());
        }
        let r = app.request(req.body(Body::empty()).unwrap()).await;
        assert_eq!(r.header("content-encoding"), Some("br"), "{path}");
        let gz = {
            let mut req = Request::get(path).header(header::ACCEPT_ENCODING, "gzip");
            if let Some(c) = who {
                req = req.header(header::COOKIE, c.as_str());
            }
            app.request(req.body(Body::empty()).unwrap()).await
        };
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{path}");
    }
}

/// The accept loop answers a page the render cache holds before the router
/// (`web::server::App`, the hit path of the speed figures): the same status
/// line, headers and bytes as the router's own answer, on every page kind,
/// for GET and HEAD, a withdrawn story's 410 included; a miss goes to the
/// router, which renders it.
#[tokio::test]
async fn a_cached_page_is_answered_before_the_router_exactly_as_the_router_would() {
    use std::sync::atomic::Ordering::Relaxed;
    let app = TestApp::with_demo().await;
    let mut gone = app
        .publish(7301, "main", "sh", "已撤稿件", "2024-04-19T09:00:00+08:00")
        .await;
    let gone_path = TestApp::path_of(&gone);
    app.withdraw(&mut gone).await;
    let addr = app.serve().await;
    let without_date = |h: Vec<(String, String)>| -> Vec<(String, String)> {
        let mut h: Vec<_> = h.into_iter().filter(|(k, _)| k != "date").collect();
        h.sort();
        h
    };
    for path in [
        "/",
        "/zw/yw/2023-06/01/900001.html",
        "/tp/2024-04/19/900410.html",
        "/sh/",
        "/phb/",
        "/phb/rule.html",
        "/zouping/",
        "/zt/2024sxj/",
        "/rss.xml",
        "/sitemap.xml",
        gone_path.as_str(),
    ] {
        for method in ["GET", "HEAD"] {
            // the first through the router (a miss: rendered and cached)
            let (status, headers, body) = exchange(addr, method, path, None).await;
            let hits = app.state.cache.counters.hits.load(Relaxed);
            let (status2, headers2, body2) = exchange(addr, method, path, None).await;
            assert!(
                app.state.cache.counters.hits.load(Relaxed) > hits,
                "{method} {path}: the second is a hit"
            );
            assert_eq!(status, status2, "{method} {path}");
            assert_eq!(
                without_date(headers),
                without_date(headers2),
                "{method} {path}"
            );
            assert_eq!(body, body2, "{method} {path}");
            // and both are the router's answer
            let direct = app.get(path).await;
            if method == "GET" {
                assert_eq!(body2, direct.body.as_bytes(), "{path}");
                assert!(status2.contains(&direct.status.to_string()), "{path}");
            }
        }
    }
    // what the router does itself still is: the newsroom, search, assets
    let (status, _, _) = exchange(addr, "GET", "/admin/login", None).await;
    assert!(status.contains("200"), "{status}");
    let (status, _, _) = exchange(addr, "GET", "/search?q=%E6%BB%A8%E5%B7%9E", None).await;
    assert!(status.contains("200"), "{status}");
}
