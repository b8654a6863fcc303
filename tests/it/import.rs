//! `gazette import`: round trip, rejection report, idempotent rerun, convergence.

use std::collections::HashMap;

use gazette::domain::Status;
use gazette::domain::text::parse_rfc3339;
use serde_json::Value;

use crate::util::TestApp;
use crate::util::test_app::CORPUS;

fn paragraphs(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html);
    let p = scraper::Selector::parse("p").unwrap();
    doc.select(&p)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[tokio::test]
async fn every_field_survives_the_round_trip() {
    let app = TestApp::new().await;
    let summary = app.import(CORPUS).await;
    assert_eq!(
        (summary.lines, summary.created, summary.updated),
        (1000, 1000, 0)
    );
    assert!(summary.rejected.is_empty(), "{:?}", summary.rejected);
    let mut paths: HashMap<(String, i64), String> = HashMap::new();
    for site in app.state.store.sites().await.unwrap() {
        for c in app.state.store.channels(&site.id).await.unwrap() {
            paths.insert((site.id.clone(), c.id), c.path);
        }
    }
    for line in CORPUS.lines() {
        let want: Value = serde_json::from_str(line).unwrap();
        let id = want["id"].as_i64().unwrap();
        let a = app
            .state
            .store
            .article(id)
            .await
            .unwrap()
            .expect("imported");
        assert_eq!(a.site_id, want["site"].as_str().unwrap());
        assert_eq!(
            paths[&(a.site_id.clone(), a.channel_id)],
            want["channel"].as_str().unwrap()
        );
        assert_eq!(a.title, want["title"].as_str().unwrap());
        assert_eq!(a.source, want["source"].as_str().unwrap());
        assert_eq!(a.editor, want["editor"].as_str().unwrap());
        assert_eq!(
            a.signed_at,
            parse_rfc3339(want["signed_at"].as_str().unwrap())
        );
        assert_eq!(a.status, Status::Published);
        let roles: Vec<(String, String)> = a
            .byline
            .iter()
            .map(|b| (b.role.clone(), b.name.clone()))
            .collect();
        let want_roles: Vec<(String, String)> = want["authors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["role"].as_str().unwrap().to_string(),
                    x["name"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(roles, want_roles);
        let want_body: Vec<String> = want["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        assert_eq!(paragraphs(&a.body_html), want_body);
        let want_tags: Vec<String> = want["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        assert_eq!(a.tags, want_tags);
        // the page is live at its stable URL
        assert!(
            a.url_path
                .as_deref()
                .unwrap()
                .ends_with(&format!("/{id}.html"))
        );
    }
    // spot-check a page of an imported story on its county site
    let first: Value = serde_json::from_str(CORPUS.lines().next().unwrap()).unwrap();
    let a = app
        .state
        .store
        .article(first["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    let site = app
        .state
        .store
        .sites()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == a.site_id)
        .unwrap();
    let resp = app
        .get(&format!("{}{}", site.prefix, a.url_path.unwrap()))
        .await;
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.select_text("h1"),
        vec![first["title"].as_str().unwrap().to_string()]
    );
}

#[tokio::test]
async fn broken_lines_are_reported_and_nothing_half_written() {
    let app = TestApp::with_demo().await;
    let good = |id: i64, title: &str| {
        format!(
            r#"{{"id": {id}, "site": "main", "channel": "zw/yw", "title": "{title}", "authors": [], "source": "滨州网讯", "editor": "王", "signed_at": "2024-01-02T08:00:00+08:00", "body": ["正文"], "tags": []}}"#
        )
    };
    let huge = "字".repeat(10 * 1024 * 1024 / 3 + 1);
    let lines = [
        good(1, "第一条"),                                                            // 1
        "{\"id\": 2, \"site\": ".to_string(),                                         // 2 bad JSON
        good(3, "").replace("\"title\": \"\"", "\"title\": \"  \""), // 3 blank title
        good(4, "x").replace(", \"title\": \"x\"", ""),              // 4 missing title
        good(5, "未知栏目").replace("zw/yw", "nosuch"),              // 5 unknown channel
        good(6, "错误日期").replace("2024-01-02T08:00:00+08:00", "2024-02-30 08:00"), // 6 wrong date
        good(7, "超大正文").replace("\"正文\"", &format!("\"{huge}\"")), // 7 10 MB body
        String::new(),                                                   // 8 blank line: skipped
        good(9, "第九条"),                                               // 9
    ];
    let text = lines.join("\n");
    let opts = gazette::import::Options {
        create_channels: false,
        batch_size: 100,
        update: false,
    };
    let summary = gazette::import::run(
        app.state.store.as_ref(),
        std::io::Cursor::new(text.into_bytes()),
        &opts,
        app.state.now(),
        &indicatif::ProgressBar::hidden(),
    )
    .await
    .unwrap();
    assert_eq!(summary.created, 2);
    let rejected: Vec<(usize, &str)> = summary
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    let lines_rejected: Vec<usize> = rejected.iter().map(|r| r.0).collect();
    assert_eq!(lines_rejected, vec![2, 3, 4, 5, 6, 7]);
    // plain words that say what to fix, never serde's internals
    assert!(rejected[0].1.contains("不是完整的 JSON"), "{rejected:?}");
    assert!(rejected[1].1.contains("字段 title(标题)为空"));
    assert_eq!(rejected[2].1, "字段 title 缺失");
    assert!(
        rejected[3].1.contains("没有栏目 nosuch") && rejected[3].1.contains("--create-channels"),
        "{rejected:?}"
    );
    assert!(rejected[4].1.contains("RFC 3339"));
    assert!(rejected[5].1.contains("最多 1048576 字节"));
    assert!(
        rejected
            .iter()
            .all(|(_, r)| !r.contains("expected") && !r.contains("`")),
        "{rejected:?}"
    );
    let report = summary.report();
    assert!(report.contains("新建:2\n"));
    assert!(
        report.contains("第 5 行:id 5:站点 main 没有栏目 nosuch"),
        "{report}"
    );
    // rejected stories were not written at all
    for id in [2, 3, 4, 5, 6, 7] {
        assert!(
            app.state.store.article(id).await.unwrap().is_none(),
            "story {id}"
        );
    }
    assert!(app.state.store.article(9).await.unwrap().is_some());
    // and the channel did not appear
    assert!(
        app.state
            .store
            .channels("main")
            .await
            .unwrap()
            .iter()
            .all(|c| c.path != "nosuch")
    );
}

/// A line repeating an earlier line's id in the same file updates that
/// story: one story, the later text, counted once in its list.
#[tokio::test]
async fn a_repeated_id_in_one_file_updates_the_story() {
    let app = TestApp::new().await;
    let first: Value = serde_json::from_str(CORPUS.lines().next().unwrap()).unwrap();
    let mut again = first.clone();
    again["title"] = Value::from("同一稿件的更正标题");
    let text: String = [first.clone(), again]
        .iter()
        .chain(
            CORPUS
                .lines()
                .skip(1)
                .take(3)
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<Value>>()
                .iter(),
        )
        .map(|v| format!("{v}\n"))
        .collect();
    let s = app.import(&text).await;
    assert_eq!((s.created, s.updated), (4, 1));
    let id = first["id"].as_i64().unwrap();
    let story = app.state.store.article(id).await.unwrap().unwrap();
    assert_eq!(story.title, "同一稿件的更正标题");
    let same_channel = CORPUS
        .lines()
        .take(4)
        .filter(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["site"] == first["site"] && v["channel"] == first["channel"]
        })
        .count() as i64;
    let cid = app
        .channel_id(
            first["site"].as_str().unwrap(),
            first["channel"].as_str().unwrap(),
        )
        .await;
    assert_eq!(
        app.state.store.channel_count(cid).await.unwrap(),
        same_channel
    );
}

#[tokio::test]
async fn rerun_updates_in_place_and_a_partial_run_converges() {
    let app = TestApp::new().await;
    // a run killed after its first committed batches ...
    let first_half: String = CORPUS.lines().take(430).map(|l| format!("{l}\n")).collect();
    let s1 = app.import(&first_half).await;
    assert_eq!(s1.created, 430);
    // ... then rerun whole
    let s2 = app.import(CORPUS).await;
    assert_eq!((s2.created, s2.updated), (570, 430));
    // and once more: nothing new, nothing duplicated
    let s3 = app.import(CORPUS).await;
    assert_eq!((s3.created, s3.updated), (0, 1000));
    // every channel list counts each story once
    let mut listed = 0;
    let mut expected: HashMap<(String, String), i64> = HashMap::new();
    for line in CORPUS.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        *expected
            .entry((
                v["site"].as_str().unwrap().into(),
                v["channel"].as_str().unwrap().into(),
            ))
            .or_default() += 1;
    }
    for ((site, path), n) in &expected {
        // leaf channels (not zw, which also lists its children)
        if path == "zw" {
            continue;
        }
        let cid = app.channel_id(site, path).await;
        assert_eq!(
            app.state.store.channel_count(cid).await.unwrap(),
            *n,
            "{site}/{path}"
        );
        listed += n;
    }
    assert!(listed > 800);
}

#[test]
fn the_cli_writes_a_report_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let mut text: String = CORPUS.lines().take(50).map(|l| format!("{l}\n")).collect();
    text.push_str("this is not json\n");
    std::fs::write(&input, text).unwrap();
    let data = dir.path().join("data");
    let gazette = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .output()
            .unwrap()
    };
    // no database there yet: it says so instead of creating an empty one
    let missing = gazette(&["import", "--create-channels", input.to_str().unwrap()]);
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("还没有数据库") && stderr.contains("gazette migrate"),
        "{stderr}"
    );
    assert!(!data.join("gazette.db").exists());
    assert!(gazette(&["migrate"]).status.success());
    // a rejected line: the summary, the report, and a non-zero exit
    let report = dir.path().join("report.txt");
    let out = gazette(&[
        "import",
        "--create-channels",
        "--report",
        report.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        !out.status.success(),
        "a line was rejected: the exit code says so"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("已导入 50 篇(新建 50,更新 0)"), "{stdout}");
    assert!(stdout.contains("未导入 1 行"), "{stdout}");
    assert!(
        stdout.contains("第 51 行:这一行不是完整的 JSON"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("第 51 行:这一行不是完整的 JSON"), "{text}");
    // the same file again: the 50 stories exist, and without --update they
    // are conflicts, left as they are
    let again = gazette(&["import", input.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("已导入 0 篇(新建 0,更新 0)"), "{stdout}");
    assert!(stdout.contains("未导入 51 行"), "{stdout}");
    assert!(stdout.contains("请加 --update"), "{stdout}");
    // with --update they are replaced, and each update is in the record
    let updated = gazette(&["import", "--update", input.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&updated.stdout);
    assert!(stdout.contains("已导入 50 篇(新建 0,更新 50)"), "{stdout}");
    // the two runs without --report wrote a report each, neither replaced
    let reports = std::fs::read_dir(data.join("import-reports"))
        .unwrap()
        .count();
    assert_eq!(reports, 2);
}

/// A line whose 签发 time is still to come is a schedule: the story is not
/// live, listed, in a feed or a sitemap until then, and goes live by itself
/// when the time comes (its `publish` job), as a scheduled sign-off does.
#[tokio::test]
async fn a_line_dated_ahead_is_scheduled_not_published_early() {
    let app = TestApp::with_demo().await;
    let line = |id: i64, title: &str, at: &str| {
        format!(
            r#"{{"id": {id}, "site": "main", "channel": "sh", "title": "{title}", "authors": [{{"role": "记者", "name": "王丽"}}], "source": "滨州网讯", "editor": "闫晓亮", "signed_at": "{at}", "body": ["滨州网讯 {title}。"], "tags": []}}"#
        ) + "\n"
    };
    let text = line(7401, "明早签发的稿件", "2024-04-21T08:00:00+08:00")
        + &line(7402, "昨天签发的稿件", "2024-04-19T08:00:00+08:00");
    let s = app.import_as_of(&text, app.state.now()).await;
    assert_eq!(s.created, 2, "{:?}", s.rejected);
    let ahead = app.state.store.article(7401).await.unwrap().unwrap();
    assert_eq!(ahead.status, Status::Scheduled);
    let path = TestApp::path_of(&ahead);
    assert_eq!(app.get(&path).await.status, 404, "not live before its time");
    for list in ["/sh/", "/", "/rss.xml", "/sh/atom.xml", "/sitemap-news.xml"] {
        let page = app.get(list).await;
        assert!(
            !page.body.contains("明早签发的稿件"),
            "{list} lists it early"
        );
    }
    assert!(app.get("/sh/").await.body.contains("昨天签发的稿件"));
    // its time comes: the job puts it live, in its lists and feeds
    app.clock
        .set(parse_rfc3339("2024-04-21T08:00:30+08:00").unwrap());
    app.run_jobs().await;
    let live = app.state.store.article(7401).await.unwrap().unwrap();
    assert_eq!(live.status, Status::Published);
    assert_eq!(TestApp::path_of(&live), path, "the address it was given");
    assert_eq!(app.get(&path).await.status, 200);
    assert_eq!(
        app.get("/sh/").await.select_text(".channel-list li a")[0],
        "明早签发的稿件"
    );
    assert!(app.get("/sh/rss.xml").await.body.contains("明早签发的稿件"));
}

/// Importing again over a line that was dated ahead updates it (it is the
/// import's own, never in the newsroom), keeping it scheduled while its time
/// is still to come.
#[tokio::test]
async fn a_scheduled_import_line_is_updated_by_a_rerun() {
    let app = TestApp::with_demo().await;
    let text = |title: &str| {
        format!(
            r#"{{"id": 7501, "site": "main", "channel": "sh", "title": "{title}", "authors": [], "source": "滨州网讯", "editor": "闫晓亮", "signed_at": "2024-04-22T08:00:00+08:00", "body": ["滨州网讯 {title}。"], "tags": []}}"#
        ) + "\n"
    };
    let s = app.import_as_of(&text("预告稿"), app.state.now()).await;
    assert_eq!(s.created, 1, "{:?}", s.rejected);
    let s = app
        .import_as_of(&text("预告稿(修订)"), app.state.now())
        .await;
    assert_eq!((s.created, s.updated), (0, 1), "{:?}", s.rejected);
    let a = app.state.store.article(7501).await.unwrap().unwrap();
    assert_eq!(a.title, "预告稿(修订)");
    assert_eq!(a.status, Status::Scheduled);
}
