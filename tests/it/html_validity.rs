//! Pages are valid HTML5 according to the Nu Html Checker (`vnu-jar` from npm).
//!
//! The checker needs Java and the jar: `.ci/run` installs both. On a machine
//! without them this test says so and fails under CI, passes with a notice
//! elsewhere.

use std::path::PathBuf;
use std::process::Command;

use crate::util::TestApp;

fn vnu_jar() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("VNU_JAR") {
        return Some(PathBuf::from(p));
    }
    let local =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    local.exists().then_some(local)
}

#[tokio::test]
async fn portal_pages_are_valid_html5() {
    let Some(jar) = vnu_jar().filter(|_| Command::new("java").arg("-version").output().is_ok())
    else {
        let msg = "NOT RUN: portal_pages_are_valid_html5 needs java and vnu.jar (npm install vnu-jar, or set VNU_JAR)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    };
    let app = TestApp::with_demo().await;
    let mut a = app
        .publish(
            5001,
            "main",
            "sh",
            "撤回的稿件",
            "2024-04-10T09:00:00+08:00",
        )
        .await;
    // two list pages: 45 stories, 20 a page
    for i in 0..45 {
        app.publish(
            5100 + i,
            "main",
            "sh",
            &format!("社会民生稿件{i}"),
            "2024-04-11T09:00:00+08:00",
        )
        .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        ("home", "/".to_string()),
        ("article", "/zw/yw/2023-06/01/900001.html".to_string()),
        ("channel", "/sh/index_2.html".to_string()),
        ("parent", "/zw/".to_string()),
        ("county", "/zouping/".to_string()),
        ("notfound", "/nosuch/".to_string()),
        ("gone", TestApp::path_of(&a)),
    ];
    app.withdraw(&mut a).await;
    let mut files = Vec::new();
    for (name, path) in &pages {
        let resp = app.get(path).await;
        let expected = match *name {
            "notfound" => 404,
            "gone" => 410,
            _ => 200,
        };
        assert_eq!(resp.status, expected, "{path}");
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, &resp.body).unwrap();
        files.push(file);
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "text"])
        .args(&files)
        .output()
        .expect("run vnu");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the Nu Html Checker reports errors:\n{report}"
    );
}
