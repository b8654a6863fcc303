//! The static export writes what `serve` serves, byte for byte.

use gazette::cmd::build::{file_for, public_paths};

use crate::util::TestApp;

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
    assert!(paths.contains(&"/zw/yw/2023-06/01/900001.html".to_string()));
    assert!(paths.contains(&"/zouping/zw/yw/2024-04/20/9001.html".to_string()));
    assert!(paths.contains(&"/zouping/".to_string()));
    assert!(paths.contains(&"/sitemap-1.xml".to_string()));
    assert!(paths.contains(&"/zw/rss.xml".to_string()));
    let out = tempfile::tempdir().unwrap();
    for p in &paths {
        let page = gazette::render::page(&app.state, None, p).await.unwrap();
        assert_eq!(page.status, 200, "{p}");
        let file = file_for(out.path(), p);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, page.body.as_bytes()).unwrap();
    }
    // every exported file equals what serve answers for the same URL
    for p in &paths {
        let served = app.get(p).await;
        let exported = std::fs::read_to_string(file_for(out.path(), p)).unwrap();
        assert_eq!(served.body, exported, "{p}");
    }
    assert!(file_for(out.path(), "/zw/yw/").ends_with("zw/yw/index.html"));
    assert!(file_for(out.path(), "/").ends_with("index.html"));
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
    let built = std::process::Command::new(gz)
        .args(["build", "--data-dir"])
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
