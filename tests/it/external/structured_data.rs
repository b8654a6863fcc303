//! Google's structured-data rules (npm `structured-data-testing-tool`,
//! its `Google` preset: the properties Google's rich results require of
//! each type) pass with no failure on home pages and every story kind, and
//! each page carries the types it should. `.ci/run` installs the tool;
//! without it this test says NOT RUN (and fails under CI).

use std::path::PathBuf;
use std::process::Command;

use crate::util::TestApp;

fn sdtt() -> Option<PathBuf> {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/.bin/sdtt");
    bin.exists().then_some(bin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_story_kind_and_home_pass_googles_rules() {
    let Some(bin) = sdtt() else {
        let msg = "NOT RUN: the structured-data check needs node_modules/.bin/sdtt (npm install structured-data-testing-tool)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    };
    let app = TestApp::with_demo().await;
    // the demo's pictures and video are processed (a video's VideoObject
    // needs its renditions)
    app.run_jobs().await;
    let addr = app.serve().await;
    for (name, path, types) in [
        ("home", "/", &["Organization", "WebSite"][..]),
        ("county home", "/zouping/", &["Organization", "WebSite"]),
        (
            "text story",
            "/zw/yw/2023-06/01/900001.html",
            &["NewsArticle", "BreadcrumbList"],
        ),
        (
            "photo story",
            "/tp/2024-04/19/900401.html",
            &["NewsArticle"],
        ),
        (
            "gallery",
            "/tp/2024-04/19/900410.html",
            &["NewsArticle", "ImageGallery"],
        ),
        (
            "video",
            "/st/2024-04/19/900501.html",
            &["NewsArticle", "VideoObject"],
        ),
        ("live", "/tt/2024-04/20/900202.html", &["LiveBlogPosting"]),
        ("topic", "/zt/2024sxj/", &["CollectionPage", "ItemList"]),
        ("site page", "/about/", &["WebPage"]),
    ] {
        let url = format!("http://{addr}{path}");
        let bin = bin.clone();
        let out = tokio::task::spawn_blocking(move || {
            Command::new(bin)
                .args(["--url", &url, "--presets", "Google"])
                .output()
                .expect("run sdtt")
        })
        .await
        .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && text.contains("Failed: 0"),
            "{name} ({path}) fails Google's structured-data rules:\n{text}"
        );
        let schemas = text
            .lines()
            .find(|l| l.contains("Schema.org schemas:"))
            .unwrap_or_default()
            .to_string();
        for t in types {
            assert!(schemas.contains(t), "{name}: no {t} in {schemas:?}");
        }
    }
}
