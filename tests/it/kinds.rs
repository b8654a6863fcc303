//! Every place a story kind is registered (DESIGN.md §9, ARCHITECTURE.md
//! "Story kinds"). A new kind is its own files plus one line in each place
//! this test lists; the workflow, listings, cache, search and export never
//! name a kind. When this test fails after a kind was added, its message
//! says which place still lacks it.

use std::path::Path;

use gazette::domain::kind::Kind;

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn exists(rel: &str) -> bool {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel).is_file()
}

/// The enum variant's name (`Gallery` for `gallery`).
fn variant(k: Kind) -> String {
    format!("{k:?}")
}

/// A kind's registrations: (where, what must be there, why).
fn registrations(k: Kind) -> Vec<(String, String, &'static str)> {
    let (name, v) = (k.as_str(), variant(k));
    let mut out = vec![
        // the domain: the variant, its place in `ALL`, its spec, its file
        (
            "src/domain/kind/mod.rs".into(),
            format!("    {v},\n"),
            "the variant of `enum Kind`",
        ),
        (
            "src/domain/kind/mod.rs".into(),
            format!("        Kind::{v},\n"),
            "its place in `Kind::ALL`",
        ),
        (
            "src/domain/kind/mod.rs".into(),
            format!("Kind::{v} => &{name}::SPEC"),
            "its line in `Kind::spec`",
        ),
        (
            "src/domain/kind/mod.rs".into(),
            format!("pub mod {name};"),
            "its description's file",
        ),
        // rendering: its page module
        (
            "src/render/kinds/mod.rs".into(),
            format!("Kind::{v} => &{name}::"),
            "its line in `render::kinds::of`",
        ),
        (
            "src/render/kinds/mod.rs".into(),
            format!("mod {name};"),
            "its page module",
        ),
        // the newsroom: its editor panel
        (
            "src/web/handlers/admin/kinds/mod.rs".into(),
            format!("Kind::{v} => &{name}::"),
            "its line in `admin::kinds::of`",
        ),
        (
            "src/web/handlers/admin/kinds/mod.rs".into(),
            format!("mod {name};"),
            "its editor panel",
        ),
    ];
    // a panel with a fieldset: its template, embedded in the binary
    let panel = format!("templates/admin/kinds/{name}.html");
    if exists(&panel) {
        out.push((
            "src/render/theme.rs".into(),
            format!("\"admin/kinds/{name}.html\""),
            "its editor fieldset among the embedded templates",
        ));
    }
    out
}

#[test]
fn every_kind_is_registered_in_every_place_and_nowhere_else() {
    let mut missing = Vec::new();
    for k in Kind::ALL {
        let name = k.as_str();
        assert_eq!(Kind::parse(name), Some(k), "{name} parses back");
        assert_eq!(k.spec().name, name);
        for file in [
            format!("src/domain/kind/{name}.rs"),
            format!("src/render/kinds/{name}.rs"),
            format!("src/web/handlers/admin/kinds/{name}.rs"),
        ] {
            if !exists(&file) {
                missing.push(format!("{name}: no file {file}"));
            }
        }
        for (file, what, why) in registrations(k) {
            if !read(&file).contains(&what) {
                missing.push(format!("{name}: {file} lacks {why} ({what:?})"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The files that may name a kind's variant (`Kind::Gallery`), each with why;
/// the shared pipeline is not among them.
const MAY_NAME_A_KIND: &[(&str, &str)] = &[
    (
        "src/domain/kind/",
        "the kinds' descriptions and their registration",
    ),
    ("src/render/kinds/mod.rs", "the page modules' registration"),
    (
        "src/web/handlers/admin/kinds/mod.rs",
        "the editor panels' registration",
    ),
    ("src/demo/", "the demo content is stories of every kind"),
    (
        "src/web/handlers/live.rs",
        "the 直播 kind's own event stream",
    ),
    ("src/web/handlers/admin/live.rs", "the 直播 kind's own desk"),
    (
        "src/db/portable/",
        "queries of one kind's rows bind its name (a site page's address, a video's relabelling)",
    ),
];

#[test]
fn the_shared_pipeline_names_no_kind() {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    let variants: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("Kind::{}", variant(*k)))
        .collect();
    let mut named = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if MAY_NAME_A_KIND.iter().any(|(p, _)| rel.starts_with(p)) {
            continue;
        }
        for (i, line) in std::fs::read_to_string(&f).unwrap().lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if variants.iter().any(|v| {
                code.match_indices(v.as_str()).any(|(at, _)| {
                    !code[at + v.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
            }) {
                named.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        named.is_empty(),
        "the shared pipeline names a kind (read its spec, page module or panel instead):\n{}",
        named.join("\n")
    );
}

/// 视频库: the site's videos with their state and the stories showing
/// them, found by name and state; another site's people see none of them
/// (issue 24 §5).
#[tokio::test]
async fn the_video_library_lists_videos_with_their_stories() {
    let app = crate::util::TestApp::with_demo().await;
    app.add_user("editor", &[gazette::domain::user::Role::Editor], &["main"])
        .await;
    app.add_user(
        "county",
        &[gazette::domain::user::Role::Editor],
        &["zouping"],
    )
    .await;
    let editor = app.login("editor").await;
    let page = editor.get("/admin/videos").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let text = page.text();
    assert!(
        text.contains("黄河口湿地演示.mp4") && text.contains("视听滨州演示.mp4"),
        "{text}"
    );
    // each row names the story that shows the video
    let story = app.state.store.article(900_502).await.unwrap().unwrap();
    let row = page
        .html()
        .select(&scraper::Selector::parse("table.videos tbody tr").unwrap())
        .map(|tr| tr.text().collect::<String>())
        .find(|t| t.contains("黄河口湿地演示.mp4"))
        .unwrap();
    assert!(row.contains(&story.title), "{row}");
    // by name, and by state
    let found = editor.get("/admin/videos?q=湿地").await.text();
    assert!(found.contains("黄河口湿地演示.mp4") && !found.contains("视听滨州演示.mp4"));
    let ready = editor.get("/admin/videos?state=ready").await.text();
    assert!(
        ready.contains("没有符合条件的视频"),
        "the demo's videos wait for ffmpeg: {ready}"
    );
    // a county editor's library holds none of the city's videos
    let county = app.login("county").await.get("/admin/videos").await.text();
    assert!(!county.contains("黄河口湿地演示.mp4"), "{county}");
    app.run_jobs().await;
}
