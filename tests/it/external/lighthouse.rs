//! Lighthouse (npm `lighthouse`, with the system's Chromium) scores the
//! demo's home, a story, the gallery, the 专题, search and a county's home
//! at 95 or more in every category (performance, accessibility, best
//! practices, SEO), and no page shifts after it loads (CLS under 0.1: the
//! reader toolbar opens from one button). `.ci/run` installs it; without
//! it this test says NOT RUN (and fails under CI).

use std::path::PathBuf;
use std::process::Command;

use crate::util::TestApp;

fn lighthouse() -> Option<PathBuf> {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/.bin/lighthouse");
    (bin.exists() && std::path::Path::new("/usr/bin/chromium").exists()).then_some(bin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_kind_scores_95_in_every_category() {
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
        ("story", "/zw/yw/2023-06/01/900001.html".to_string()),
        ("gallery", format!("/{}", gallery.url_path.unwrap())),
        ("topic", "/zt/2024sxj/".to_string()),
        ("search", "/search?q=%E6%BB%A8%E5%B7%9E".to_string()),
        ("county", "/zouping/".to_string()),
    ] {
        // these machines are noisy: a page that misses once is measured
        // again, and must pass then
        let mut verdict = Err(String::new());
        for attempt in 1..=2 {
            let report = out.path().join(format!("{name}-{attempt}.json"));
            let url = format!("http://{addr}{path}");
            let (bin, report2) = (bin.clone(), report.clone());
            let status = tokio::task::spawn_blocking(move || {
                Command::new(bin)
                    .arg(&url)
                    .args([
                        "--only-categories=performance,accessibility,best-practices,seo",
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
            verdict = judge(name, &r);
            if verdict.is_ok() {
                break;
            }
            println!(
                "lighthouse {name}, attempt {attempt}: {}",
                verdict.as_ref().unwrap_err()
            );
        }
        if let Err(e) = verdict {
            panic!("{e}");
        }
    }
}

/// Whether a report passes: 95 or more in every category (the search
/// page's SEO may fail only `is-crawlable`: it says noindex on purpose),
/// and a CLS under 0.1.
fn judge(name: &str, r: &serde_json::Value) -> Result<(), String> {
    let failed: Vec<String> = r["audits"]
        .as_object()
        .unwrap()
        .values()
        .filter(|a| a["scoreDisplayMode"] == "binary" && a["score"].as_f64() == Some(0.0))
        .map(|a| a["id"].as_str().unwrap_or_default().to_string())
        .collect();
    let cls = r["audits"]["cumulative-layout-shift"]["numericValue"]
        .as_f64()
        .unwrap_or(1.0);
    let scores: Vec<(&str, f64)> = ["performance", "accessibility", "best-practices", "seo"]
        .into_iter()
        .map(|c| (c, r["categories"][c]["score"].as_f64().unwrap_or_default()))
        .collect();
    println!("lighthouse {name}: {scores:?}, CLS {cls:.3} (failed: {failed:?})");
    if cls >= 0.1 {
        return Err(format!(
            "{name}: the page shifts after load (CLS {cls}): {}",
            r["audits"]["layout-shifts"]["details"]["items"]
        ));
    }
    for (category, score) in scores {
        if name == "search" && category == "seo" {
            if failed.iter().any(|f| f != "is-crawlable") {
                return Err(format!("{name}: seo {score}, failed audits {failed:?}"));
            }
            continue;
        }
        if score < 0.95 {
            return Err(format!(
                "{name}: {category} {score}, failed audits {failed:?}"
            ));
        }
    }
    Ok(())
}
