//! Chinese full-text search: words, filters, pagination, withdrawal, hostile queries.

use std::collections::HashSet;

use gazette::search::{Filters, Sort};
use serde_json::Value;

use crate::util::TestApp;
use crate::util::test_app::CORPUS;

fn corpus() -> Vec<Value> {
    CORPUS
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn json(app: &TestApp, query: &str) -> (u16, Value) {
    let resp = app.get(&format!("/search.json?{query}")).await;
    (
        resp.status.as_u16(),
        serde_json::from_str(&resp.body).expect("JSON body"),
    )
}

fn q(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()
}

#[tokio::test]
async fn finds_two_character_words_and_longer_words() {
    let app = TestApp::with_corpus(300).await;
    let stories = &corpus()[..300];
    // 滨州 (two characters) is in almost every story
    let (status, v) = json(&app, &q("滨州")).await;
    assert_eq!(status, 200);
    assert!(v["total"].as_u64().unwrap() > 250, "{v}");
    // every story with 乡村振兴 in its title is found, and ranks among the first
    let want: HashSet<i64> = stories
        .iter()
        .filter(|s| s["title"].as_str().unwrap().contains("乡村振兴"))
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert!(want.len() >= 5);
    let filters = Filters::default();
    let hits = app
        .state
        .search
        .search("乡村振兴", &filters, Sort::Relevance, 0, 100)
        .unwrap();
    let found: HashSet<i64> = hits.ids.iter().copied().collect();
    assert!(
        want.is_subset(&found),
        "missing {:?}",
        want.difference(&found).collect::<Vec<_>>()
    );
    // a byline name finds its story
    let name = stories[7]["authors"][0]["name"].as_str().unwrap();
    let hits = app
        .state
        .search
        .search(name, &filters, Sort::Relevance, 0, 100)
        .unwrap();
    assert!(
        hits.ids.contains(&stories[7]["id"].as_i64().unwrap()),
        "{name}"
    );
    // two words narrow the search (both must be present)
    let one = app
        .state
        .search
        .search("招商", &filters, Sort::Relevance, 0, 10)
        .unwrap()
        .total;
    let two = app
        .state
        .search
        .search("招商 邹平", &filters, Sort::Relevance, 0, 10)
        .unwrap()
        .total;
    assert!(two < one && two > 0, "{two} < {one}");
}

#[tokio::test]
async fn filters_partition_results_exactly() {
    let app = TestApp::with_corpus(300).await;
    let all = app
        .state
        .search
        .search("滨州", &Filters::default(), Sort::Relevance, 0, 10)
        .unwrap()
        .total;
    // by site: main + every other site adds up to all
    let mut sum = 0;
    for site in app.state.store.sites().await.unwrap() {
        let f = Filters {
            site: Some(site.id.clone()),
            ..Default::default()
        };
        let hits = app
            .state
            .search
            .search("滨州", &f, Sort::Relevance, 0, 100)
            .unwrap();
        sum += hits.total;
        for id in hits.ids {
            assert_eq!(
                app.state.store.article(id).await.unwrap().unwrap().site_id,
                site.id
            );
        }
    }
    assert_eq!(sum, all);
    // by date: before and after a cut add up to all, and respect the cut
    let cut = gazette::domain::text::parse_rfc3339("2023-07-01T00:00:00+08:00").unwrap();
    let before = Filters {
        until: Some(cut),
        ..Default::default()
    };
    let after = Filters {
        from: Some(cut),
        ..Default::default()
    };
    let b = app
        .state
        .search
        .search("滨州", &before, Sort::Newest, 0, 100)
        .unwrap();
    let a = app
        .state
        .search
        .search("滨州", &after, Sort::Newest, 0, 100)
        .unwrap();
    assert_eq!(a.total + b.total, all);
    for id in &b.ids {
        assert!(
            app.state
                .store
                .article(*id)
                .await
                .unwrap()
                .unwrap()
                .signed_at
                .unwrap()
                < cut
        );
    }
    // newest first
    let mut last = i64::MAX;
    for id in &a.ids {
        let t = app
            .state
            .store
            .article(*id)
            .await
            .unwrap()
            .unwrap()
            .signed_at
            .unwrap();
        assert!(t >= cut && t <= last);
        last = t;
    }
    // by channel: a parent channel holds its children's stories
    let zw = Filters {
        site: Some("main".into()),
        channel: Some("zw".into()),
        ..Default::default()
    };
    let yw = Filters {
        site: Some("main".into()),
        channel: Some("zw/yw".into()),
        ..Default::default()
    };
    let zw_total = app
        .state
        .search
        .search("滨州", &zw, Sort::Relevance, 0, 10)
        .unwrap()
        .total;
    let yw_total = app
        .state
        .search
        .search("滨州", &yw, Sort::Relevance, 0, 10)
        .unwrap()
        .total;
    assert!(yw_total > 0 && zw_total > yw_total);
    // the same through the URL
    let (_, v) = json(&app, &format!("{}&site=main&channel=zw/yw", q("滨州"))).await;
    assert_eq!(v["total"].as_u64().unwrap() as usize, yw_total);
}

#[tokio::test]
async fn pages_hold_every_result_once() {
    let app = TestApp::with_corpus(300).await;
    let (_, first) = json(&app, &q("乡村振兴 邹平")).await;
    let total = first["total"].as_u64().unwrap() as usize;
    assert!(total > 10, "needs several pages: {total}");
    let pages = first["pages"].as_u64().unwrap() as usize;
    assert_eq!(pages, total.div_ceil(10));
    let mut seen = HashSet::new();
    for page in 1..=pages {
        let (status, v) = json(&app, &format!("{}&page={page}", q("乡村振兴 邹平"))).await;
        assert_eq!(status, 200);
        let results = v["results"].as_array().unwrap();
        assert_eq!(
            results.len(),
            if page < pages {
                10
            } else {
                total - 10 * (pages - 1)
            }
        );
        for r in results {
            assert!(
                seen.insert(r["id"].as_i64().unwrap()),
                "duplicate across pages"
            );
        }
    }
    assert_eq!(seen.len(), total);
    // past the end: an empty page, not an error
    let (status, v) = json(&app, &format!("{}&page={}", q("乡村振兴 邹平"), pages + 1)).await;
    assert_eq!(status, 200);
    assert!(v["results"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn withdrawn_stories_vanish_at_once() {
    let app = TestApp::with_corpus(100).await;
    let target = corpus()[3]["id"].as_i64().unwrap();
    let title = corpus()[3]["title"].as_str().unwrap().to_string();
    let before = app
        .state
        .search
        .search(&title, &Filters::default(), Sort::Relevance, 0, 100)
        .unwrap();
    assert!(before.ids.contains(&target));
    let mut a = app.state.store.article(target).await.unwrap().unwrap();
    app.withdraw(&mut a).await;
    // before the index has caught up, the search page already leaves it out
    let (_, v) = json(&app, &q(&title)).await;
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"].as_i64() != Some(target)),
        "{v}"
    );
    let html = app.get(&format!("/search?{}", q(&title))).await;
    assert!(!html.body.contains(&format!("/{target}.html")));
    // and once it has, the index no longer holds it
    app.index().await;
    let after = app
        .state
        .search
        .search(&title, &Filters::default(), Sort::Relevance, 0, 100)
        .unwrap();
    assert!(!after.ids.contains(&target));
    assert_eq!(after.total + 1, before.total);
}

#[tokio::test]
async fn hostile_queries_get_results_or_a_clear_message() {
    let app = TestApp::with_corpus(50).await;
    // 10,000 characters (kept under the 64 KiB a URI may have once percent-encoded)
    let long = format!("{}{}", "滨".repeat(2_000), "a".repeat(8_000));
    let cases: Vec<(String, u16)> = vec![
        ("title:(滨州 OR \"".into(), 200),
        ("*?~^[]{}!:\\".into(), 400),
        ("🎉🎉 滨州 👨‍👩‍👧".into(), 200),
        ("<script>alert(1)</script>".into(), 200),
        ("' OR 1=1 --".into(), 200),
        (long.clone(), 400),
        ("   ".into(), 400),
        ("，。、".into(), 400),
    ];
    for (query, want) in cases {
        let (status, v) = json(&app, &q(&query)).await;
        assert_eq!(status, want, "{query:.40}: {v}");
        if want == 400 {
            assert!(!v["error"].as_str().unwrap().is_empty());
        }
        let page = app.get(&format!("/search?{}", q(&query))).await;
        assert!(
            page.status == 200 || page.status == 400,
            "{query:.40}: {}",
            page.status
        );
    }
    let err = app
        .state
        .search
        .search(
            &"滨".repeat(10_000),
            &Filters::default(),
            Sort::Relevance,
            0,
            10,
        )
        .unwrap_err();
    assert!(err.is_user_error());
    let page = app.get(&format!("/search?{}", q(&long))).await;
    assert_eq!(
        page.select_text(".search-error"),
        vec!["搜索词太长了(最多 100 个字),请缩短后再试"]
    );
    for bad in [
        "page=0",
        "page=abc",
        "page=99999",
        "from=2024-13-01",
        "sort=random",
        "site=../x",
        "channel=%E6%94%BF",
    ] {
        let (status, v) = json(&app, &format!("{}&{bad}", q("滨州"))).await;
        assert_eq!(status, 400, "{bad}: {v}");
        assert!(v["error"].is_string());
    }
    // invalid UTF-8 in the query string is not a 500
    let resp = app.get("/search?q=%FF%FE").await;
    assert!(resp.status.as_u16() < 500);
}

#[tokio::test]
async fn search_page_shows_highlighted_snippets() {
    let app = TestApp::with_corpus(100).await;
    let page = app.get(&format!("/search?{}", q("乡村振兴"))).await;
    assert_eq!(page.status, 200);
    assert!(page.select_text(".search-count")[0].starts_with("找到"));
    let highlighted = page.select_text(".search-results .snippet b");
    assert!(!highlighted.is_empty());
    assert!(
        highlighted.iter().all(|h| "乡村振兴".contains(h.as_str())),
        "{highlighted:?}"
    );
    for href in page.select_attr(".search-results h2 a", "href") {
        assert_eq!(app.get(&href).await.status, 200, "{href}");
    }
    // the box on an empty page is a form, not an error
    let empty = app.get("/search").await;
    assert_eq!(empty.status, 200);
    assert!(empty.select_text(".search-error").is_empty());
    // county search pages search their own county by default
    let county = app
        .get(&format!("/zouping/search.json?{}", q("滨州")))
        .await;
    let v: Value = serde_json::from_str(&county.body).unwrap();
    for r in v["results"].as_array().unwrap() {
        assert!(r["url"].as_str().unwrap().starts_with("/zouping/"), "{r}");
    }
}

#[tokio::test]
async fn the_index_remembers_its_place_and_catches_up_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = gazette::db::open(&gazette::db::Location::Sqlite(
        dir.path().join("gazette.db"),
    ))
    .await
    .unwrap();
    let text: String = CORPUS.lines().take(40).map(|l| format!("{l}\n")).collect();
    let opts = gazette::import::Options {
        create_channels: true,
        batch_size: 10,
        update: false,
    };
    let hidden = indicatif::ProgressBar::hidden();
    gazette::import::run(
        store.as_ref(),
        std::io::Cursor::new(text.clone()),
        &opts,
        // the corpus as history: no line dated ahead of the import
        gazette::domain::text::parse_rfc3339(crate::util::test_app::CORPUS_IMPORTED_AT).unwrap(),
        &hidden,
    )
    .await
    .unwrap();
    {
        let index = gazette::search::SearchIndex::open(&dir.path().join("search")).unwrap();
        assert_eq!(index.catch_up(store.as_ref()).await.unwrap(), 40);
        assert_eq!(index.cursor(), store.last_change().await.unwrap());
        assert_eq!(index.len(), 40);
    } // the process "dies": writer dropped, lock released
    // more stories arrive while no index is running
    let more: String = CORPUS
        .lines()
        .skip(40)
        .take(25)
        .map(|l| format!("{l}\n"))
        .collect();
    gazette::import::run(
        store.as_ref(),
        std::io::Cursor::new(more),
        &opts,
        // the corpus as history: no line dated ahead of the import
        gazette::domain::text::parse_rfc3339(crate::util::test_app::CORPUS_IMPORTED_AT).unwrap(),
        &hidden,
    )
    .await
    .unwrap();
    let index = gazette::search::SearchIndex::open(&dir.path().join("search")).unwrap();
    assert_eq!(index.len(), 40, "the index reopens as it was committed");
    assert_eq!(
        index.catch_up(store.as_ref()).await.unwrap(),
        25,
        "only the new changes are applied"
    );
    assert_eq!(index.len(), 65);
    // a rebuild from the database gives the same index
    let n = index.reindex(store.as_ref(), |_| {}).await.unwrap();
    assert_eq!(n, 65);
    assert_eq!(index.len(), 65);
    assert_eq!(index.catch_up(store.as_ref()).await.unwrap(), 0);
}
