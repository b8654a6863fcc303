//! The static export writes what `serve` serves, byte for byte, and an
//! incremental build rewrites exactly the files a change affects.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use gazette::export::{Report, build, file_for, public_paths};

use crate::util::TestApp;

/// What nginx answers for an exported file with `ssi on;`: each
/// `<!--# include virtual="…" -->` replaced by the file it names.
fn ssi_expand(out: &Path, html: &str) -> String {
    let mut rest = html;
    let mut done = String::new();
    while let Some(at) = rest.find("<!--# include virtual=\"") {
        done.push_str(&rest[..at]);
        let after = &rest[at + "<!--# include virtual=\"".len()..];
        let end = after.find("\" -->").expect("a closed SSI directive");
        let included =
            std::fs::read_to_string(file_for(out, &after[..end])).expect("included file");
        done.push_str(&included);
        rest = &after[end + "\" -->".len()..];
    }
    done.push_str(rest);
    done
}

/// Every file under `dir` (relative path -> bytes), less the export's own
/// bookkeeping (`export::MARKER`, which every build rewrites).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .filter(|p| p.file_name().is_none_or(|n| n != gazette::export::MARKER))
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap();
            (rel, bytes)
        })
        .collect()
}

async fn export(app: &TestApp, out: &Path, incremental: bool) -> Report {
    build(&app.state, out, incremental, false)
        .await
        .expect("export builds")
}

/// The files of a full export of the app as it is now.
async fn full_tree(app: &TestApp) -> BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    export(app, fresh.path(), false).await;
    tree(fresh.path())
}

#[tokio::test]
async fn exported_files_are_the_served_pages() {
    let app = TestApp::with_demo().await;
    app.publish(
        9001,
        "zouping",
        "zw/yw",
        "邹平导出测试",
        "2024-04-20T09:00:00+08:00",
    )
    .await;
    let paths = public_paths(&app.state).await.unwrap();
    for p in [
        "/zw/yw/2023-06/01/900001.html",
        "/zouping/zw/yw/2024-04/20/9001.html",
        "/zouping/",
        "/sitemap-1.xml",
        "/zw/rss.xml",
        "/_inc/more/zw/yw.html",
        "/zouping/_inc/more/zw/yw.html",
    ] {
        assert!(paths.contains(&p.to_string()), "{p}");
    }
    let out = tempfile::tempdir().unwrap();
    let report = export(&app, out.path(), false).await;
    assert!(report.full);
    assert_eq!(
        report.written.iter().collect::<BTreeSet<_>>(),
        paths.iter().collect::<BTreeSet<_>>(),
        "every public page is written"
    );
    // a story file includes its channel's "更多..." fragment instead of carrying it
    let story =
        std::fs::read_to_string(file_for(out.path(), "/zouping/zw/yw/2024-04/20/9001.html"))
            .unwrap();
    assert!(story.contains("<!--# include virtual=\"/zouping/_inc/more/zw/yw.html\" -->"));
    assert!(
        !story.contains("more-blocks"),
        "the blocks live in the fragment"
    );
    // every exported file, as nginx serves it, equals what serve answers for the same URL
    for p in &paths {
        let served = app.get(p).await;
        assert_eq!(served.status, 200, "{p}");
        let exported = std::fs::read_to_string(file_for(out.path(), p)).unwrap();
        assert_eq!(served.body, ssi_expand(out.path(), &exported), "{p}");
    }
    assert!(file_for(out.path(), "/zw/yw/").ends_with("zw/yw/index.html"));
    assert!(file_for(out.path(), "/").ends_with("index.html"));
}

/// A full build answers every story's 相关新闻 from an index of the tags it
/// reads once; `serve` asks the database per story. On a corpus where most
/// stories have a full block, both give the same page.
#[tokio::test]
async fn a_full_build_lists_the_same_related_stories_as_serve() {
    let app = TestApp::with_corpus(400).await;
    let out = tempfile::tempdir().unwrap();
    let report = export(&app, out.path(), false).await;
    let stories: Vec<&String> = report
        .written
        .iter()
        .filter(|p| {
            let file = p.rsplit('/').next().unwrap_or_default();
            file.strip_suffix(".html")
                .is_some_and(|id| id.parse::<i64>().is_ok())
        })
        .collect();
    assert!(stories.len() >= 400, "{} story pages", stories.len());
    let mut full_blocks = 0;
    for p in stories {
        let served = app.get(p).await;
        assert_eq!(served.status, 200, "{p}");
        let exported = std::fs::read_to_string(file_for(out.path(), p)).unwrap();
        assert_eq!(served.body, ssi_expand(out.path(), &exported), "{p}");
        if served.select_attr(".related li a", "href").len()
            == gazette::domain::article::RELATED_ITEMS
        {
            full_blocks += 1;
        }
    }
    assert!(
        full_blocks > 300,
        "only {full_blocks} stories have a full 相关新闻 block"
    );
}

#[tokio::test]
async fn an_incremental_build_rewrites_exactly_what_a_sign_off_changes() {
    let app = TestApp::with_corpus(120).await;
    let out = tempfile::tempdir().unwrap();
    export(&app, out.path(), false).await;
    let before = tree(out.path());
    // nothing changed: nothing is written
    let idle = export(&app, out.path(), true).await;
    assert!(!idle.full);
    assert!(idle.written.is_empty(), "{:?}", idle.written);

    // the stories a new newest 政务要闻 story follows: the newest of each
    // list it enters whose own channel that list is (their 下一篇 changes)
    let mut followed = Vec::new();
    for path in ["zw/yw", "zw"] {
        let channel = app.channel_id("main", path).await;
        let newest = app.state.store.channel_page(channel, 1, 0).await.unwrap();
        let story = app
            .state
            .store
            .article(newest[0].id)
            .await
            .unwrap()
            .unwrap();
        if story.channel_id == channel {
            followed.push(TestApp::path_of(&story));
        }
    }
    assert!(!followed.is_empty());
    // a new story in 政务要闻 of the main site
    let a = app
        .publish(
            70_001,
            "main",
            "zw/yw",
            "增量导出的政务要闻",
            "2031-05-06T10:00:00+08:00",
        )
        .await;
    let report = export(&app, out.path(), true).await;
    assert!(!report.full);
    let written: BTreeSet<&str> = report.written.iter().map(String::as_str).collect();
    let story = TestApp::path_of(&a);
    // the affected set: the story, its channel and parent lists (every page: a
    // new story moves each list down), their feeds, the site's home, feeds and
    // "更多..." fragments that list it (政务要闻's and 滨州政务's own, and
    // those whose third block is 更多滨州政务: 滨州发布's, and 滨州头条's,
    // whose channel stands for the 滨州头条 slot; a 社会民生 story shows its
    // own channel, 滨州头条 and 滨州发布), the sitemaps that list it
    let mut expected: BTreeSet<String> = [
        story.as_str(),
        "/",
        "/rss.xml",
        "/atom.xml",
        "/_inc/more/zw/yw.html",
        "/_inc/more/zw.html",
        "/_inc/more/fb.html",
        "/_inc/more/tt.html",
        "/sitemap.xml",
        "/sitemap-sections.xml",
        "/sitemap-news.xml",
        "/sitemap-2.xml",
        "/zw/rss.xml",
        "/zw/atom.xml",
        "/zw/yw/rss.xml",
        "/zw/yw/atom.xml",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    // and the lists' first pages: older pages stay put while no block fills
    expected.insert("/zw/".into());
    expected.insert("/zw/yw/".into());
    // and the pages whose 下一篇 it became, and its byline's person's page
    expected.extend(followed);
    for b in &a.byline {
        expected.insert(format!(
            "/{}",
            gazette::domain::url::facet_page_path(gazette::domain::url::Facet::Author, &b.name, 1)
        ));
    }
    let zw_pages: Vec<String> = public_paths(&app.state)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.starts_with("/zw/index_"))
        .collect();
    assert!(
        !zw_pages.is_empty(),
        "滨州政务 has older pages: {zw_pages:?}"
    );
    assert_eq!(
        written,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        "exactly the affected files"
    );
    // every file whose bytes changed was rewritten, and the result equals a
    // full build (files are named by the decoded path: tag and author pages)
    let after = tree(out.path());
    let decoded: BTreeSet<String> = written
        .iter()
        .map(|u| {
            percent_encoding::percent_decode_str(u)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    for (file, bytes) in &after {
        if before.get(file) != Some(bytes) {
            let url = format!("/{}", file.trim_end_matches("index.html"));
            assert!(decoded.contains(&url), "{file} changed but was not written");
        }
    }
    assert_eq!(after, full_tree(&app).await, "incremental equals full");

    // 25 more: blocks fill in 政务要闻 and 滨州政务, older pages move and grow
    for i in 0..25 {
        app.publish(
            70_100 + i,
            "main",
            "zw/yw",
            &format!("第{i}篇增量稿件"),
            &format!("2031-06-{:02}T10:00:00+08:00", 1 + i),
        )
        .await;
    }
    let report = export(&app, out.path(), true).await;
    assert!(report.written.iter().any(|p| p.starts_with("/zw/index_")));
    assert_eq!(
        tree(out.path()),
        full_tree(&app).await,
        "incremental equals full"
    );
}

#[tokio::test]
async fn an_incremental_build_after_edit_and_withdrawal_equals_a_full_build() {
    let app = TestApp::with_corpus(120).await;
    let out = tempfile::tempdir().unwrap();
    export(&app, out.path(), false).await;
    let stories = app.state.store.live_after(0, 200).await.unwrap();
    // retitle one story and withdraw another
    let mut edited = app
        .state
        .store
        .article(stories[3].0.id)
        .await
        .unwrap()
        .unwrap();
    edited.title = "改过标题的稿件".into();
    app.save(&edited).await;
    let mut gone = app
        .state
        .store
        .article(stories[7].0.id)
        .await
        .unwrap()
        .unwrap();
    app.withdraw(&mut gone).await;
    let sites = app.state.store.sites().await.unwrap();
    let prefix = |a: &gazette::domain::Article| {
        sites
            .iter()
            .find(|s| s.id == a.site_id)
            .unwrap()
            .prefix
            .clone()
    };
    let gone_path = format!("{}{}", prefix(&gone), gone.url_path.clone().unwrap());
    let edited_path = format!("{}{}", prefix(&edited), edited.url_path.clone().unwrap());

    let report = export(&app, out.path(), true).await;
    assert!(!report.full);
    // the withdrawn story's page, and the pages of tags and people no
    // story has any more
    assert!(report.removed.contains(&gone_path), "{:?}", report.removed);
    let (tags, people) = (
        format!("{}tag/", prefix(&gone)),
        format!("{}author/", prefix(&gone)),
    );
    assert!(
        report
            .removed
            .iter()
            .all(|p| *p == gone_path || p.starts_with(&tags) || p.starts_with(&people)),
        "{:?}",
        report.removed
    );
    assert!(
        !file_for(out.path(), &gone_path).exists(),
        "the withdrawn story's file is gone"
    );
    assert!(report.written.contains(&edited_path));
    let page = std::fs::read_to_string(file_for(out.path(), &edited_path)).unwrap();
    assert!(page.contains("改过标题的稿件"));
    assert_eq!(
        tree(out.path()),
        full_tree(&app).await,
        "incremental equals full"
    );
    // nothing anywhere links to the withdrawn story
    let gone_url = gone.url_path.clone().unwrap();
    for (file, bytes) in tree(out.path()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&gone_url),
            "{file} still links to the withdrawn story"
        );
    }
}

#[tokio::test]
async fn a_backdated_story_reaches_the_related_lists_of_later_stories() {
    let app = TestApp::with_corpus(120).await;
    let out = tempfile::tempdir().unwrap();
    export(&app, out.path(), false).await;
    // an archive story signed before most of the corpus, on a common topic
    let stories = app.state.store.live_after(0, 200).await.unwrap();
    let topic = app
        .state
        .store
        .article(stories[0].0.id)
        .await
        .unwrap()
        .unwrap()
        .tags[0]
        .clone();
    let mut old = app
        .publish(
            70_002,
            "main",
            "sh",
            "补录的旧稿",
            "2024-01-02T08:00:00+08:00",
        )
        .await;
    old.tags = vec![topic];
    app.save(&old).await;
    let report = export(&app, out.path(), true).await;
    assert!(!report.full);
    assert_eq!(
        tree(out.path()),
        full_tree(&app).await,
        "incremental equals full"
    );
    // some later story now lists it, and that file was rewritten
    let listing: Vec<&String> = report
        .written
        .iter()
        .filter(|p| {
            // story pages only (a list page shows it too)
            let file = p.rsplit('/').next().unwrap();
            file.trim_end_matches(".html").parse::<i64>().is_ok()
                && !p.ends_with("70002.html")
                && std::fs::read_to_string(file_for(out.path(), p))
                    .unwrap()
                    .contains("70002.html")
        })
        .collect();
    assert!(!listing.is_empty(), "a later story lists the archive story");
}

#[tokio::test]
async fn a_site_settings_change_rebuilds_everything() {
    let app = TestApp::with_demo().await;
    let out = tempfile::tempdir().unwrap();
    export(&app, out.path(), false).await;
    let mut site = app.state.store.sites().await.unwrap().remove(0);
    site.settings.icp = "鲁ICP备00000000号-1".into();
    app.state
        .store
        .put_site(&site, app.state.now())
        .await
        .unwrap();
    let report = export(&app, out.path(), true).await;
    assert!(report.full, "the footer is on every page");
    let home = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(home.contains("鲁ICP备00000000号-1"));
}

#[test]
fn the_cli_builds_the_demo_site() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = dir.path().join("out");
    // demo content through a short-lived server start is heavy; the import path is enough here
    let corpus: String = crate::util::test_app::CORPUS
        .lines()
        .take(30)
        .map(|l| format!("{l}\n"))
        .collect();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, corpus).unwrap();
    let gz = env!("CARGO_BIN_EXE_gazette");
    let migrated = std::process::Command::new(gz)
        .args(["migrate", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(migrated.status.success());
    let ok = std::process::Command::new(gz)
        .args(["import", "--create-channels", "--data-dir"])
        .arg(&data)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // without the public address an export would name localhost in every
    // canonical link: refused, saying what to pass
    let refused = std::process::Command::new(gz)
        .env_remove("GAZETTE_PUBLIC_URL")
        .args(["build", "--data-dir"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--public-url"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!out.join("index.html").exists(), "nothing written");
    let built = std::process::Command::new(gz)
        .args([
            "build",
            "--public-url",
            "https://www.example.cn",
            "--data-dir",
        ])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(String::from_utf8_lossy(&built.stdout).contains("wrote"));
    assert!(out.join("index.html").exists());
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("<link rel=\"canonical\" href=\"https://www.example.cn/\">")
    );
    assert!(out.join("static/gazette.css").exists());
    assert!(out.join("sitemap.xml").exists());
    assert!(
        std::fs::read_to_string(out.join("404.html"))
            .unwrap()
            .contains("页面不存在")
    );
    let first: serde_json::Value =
        serde_json::from_str(crate::util::test_app::CORPUS.lines().next().unwrap()).unwrap();
    let site = first["site"].as_str().unwrap();
    let prefix = if site == "main" {
        String::new()
    } else {
        format!("{site}/")
    };
    let sig = &first["signed_at"].as_str().unwrap()[..10];
    let story = out.join(format!(
        "{prefix}{}/{}/{}/{}.html",
        first["channel"].as_str().unwrap(),
        &sig[..7],
        &sig[8..10],
        first["id"]
    ));
    assert!(story.exists(), "{}", story.display());
    // no temp files are left behind
    let leftovers = walk(&out)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn a_full_build_over_an_earlier_one_removes_pages_no_longer_public() {
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(
            9002,
            "main",
            "sh",
            "将撤回的稿件",
            "2024-04-20T09:00:00+08:00",
        )
        .await;
    let out = tempfile::tempdir().unwrap();
    export(&app, out.path(), false).await;
    let path = TestApp::path_of(&a);
    assert!(file_for(out.path(), &path).exists());
    std::fs::write(out.path().join("static").join("operator-note.txt"), "kept").unwrap();
    app.withdraw(&mut a).await;
    let report = export(&app, out.path(), false).await;
    assert!(report.full);
    assert!(
        !file_for(out.path(), &path).exists(),
        "the withdrawn story's file is gone"
    );
    assert!(report.removed.contains(&path), "{:?}", report.removed);
    assert!(out.path().join("404.html").exists());
    assert!(out.path().join("static/gazette.css").exists());
    assert!(out.path().join("static/operator-note.txt").exists());
    let mut built = tree(out.path());
    built.remove("static/operator-note.txt");
    assert_eq!(built, full_tree(&app).await);
}

#[tokio::test]
async fn an_export_built_after_a_restore_drops_what_the_restored_database_never_had() {
    let app = TestApp::with_demo().await;
    let out = tempfile::tempdir().unwrap();
    export(&app, out.path(), false).await;
    // a backup now, then a story the backup never sees, exported
    let backup = app.backup().await;
    let later = app
        .publish(
            700_002,
            "main",
            "zw/yw",
            "备份之后的稿件",
            "2024-04-20T09:00:00+08:00",
        )
        .await;
    let r = export(&app, out.path(), true).await;
    assert!(!r.full);
    let page = file_for(out.path(), &TestApp::path_of(&later));
    assert!(page.exists());

    // the database comes back from the backup; the export directory stays
    let restored = gazette::db::open(&gazette::db::Location::Sqlite(backup))
        .await
        .unwrap();
    let state_dir = tempfile::tempdir().unwrap();
    let state = gazette::state::AppState::open(
        gazette::config::Config::for_data_dir(state_dir.path()),
        restored,
    )
    .unwrap()
    .with_clock(std::sync::Arc::new(app.clock.clone()));
    let r = build(&state, out.path(), true, false).await.unwrap();
    assert!(
        r.full,
        "the directory holds more than the restored record says: a full build"
    );
    assert!(
        !page.exists(),
        "the page of a story the restored database never had is gone"
    );
    // and the next incremental build trusts the directory again
    let r = build(&state, out.path(), true, false).await.unwrap();
    assert!(!r.full);
}
