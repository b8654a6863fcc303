//! Lighthouse's accessibility audit (npm `lighthouse`, with the system's
//! Chromium) scores the demo's home page and its gallery at 95 or more:
//! pictures have alt text, the carousel's and the gallery's controls are
//! labelled, colours contrast. `.ci/run` installs it; without it this test
//! says NOT RUN (and fails under CI).

use std::path::PathBuf;
use std::process::Command;

use crate::util::TestApp;

fn lighthouse() -> Option<PathBuf> {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/.bin/lighthouse");
    (bin.exists() && std::path::Path::new("/usr/bin/chromium").exists()).then_some(bin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_and_gallery_score_95_for_accessibility() {
    let Some(bin) = lighthouse() else {
        let msg = "NOT RUN: the accessibility audit needs node_modules/.bin/lighthouse (npm install lighthouse) and /usr/bin/chromium";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    };
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let gallery = app.state.store.article(900_410).await.unwrap().unwrap();
    let addr = app.serve().await;
    let out = tempfile::tempdir().unwrap();
    for (name, path) in [
        ("home", "/".to_string()),
        ("gallery", format!("/{}", gallery.url_path.unwrap())),
    ] {
        let report = out.path().join(format!("{name}.json"));
        let url = format!("http://{addr}{path}");
        let (bin, report2) = (bin.clone(), report.clone());
        let status = tokio::task::spawn_blocking(move || {
            Command::new(bin)
                .arg(&url)
                .args([
                    "--only-categories=accessibility",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    "--output=json",
                    "--quiet",
                ])
                .arg(format!("--output-path={}", report2.display()))
                .env("CHROME_PATH", "/usr/bin/chromium")
                .status()
                .expect("run lighthouse")
        })
        .await
        .unwrap();
        assert!(status.success(), "lighthouse failed on {name}");
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let score = r["categories"]["accessibility"]["score"].as_f64().unwrap();
        let failed: Vec<String> = r["audits"]
            .as_object()
            .unwrap()
            .values()
            .filter(|a| a["scoreDisplayMode"] == "binary" && a["score"].as_f64() == Some(0.0))
            .map(|a| a["id"].as_str().unwrap_or_default().to_string())
            .collect();
        println!("lighthouse accessibility {name}: {score} (failed: {failed:?})");
        assert!(
            score >= 0.95,
            "{name}: accessibility {score}, failed audits {failed:?}"
        );
    }
}
