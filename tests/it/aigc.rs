//! AI-generated content (《人工智能生成合成内容标识办法》, GB 45438-2025):
//! an upload's `AIGC` label is found and shown; a signer cannot sign off an
//! undeclared story using it; a declared story carries the explicit label
//! on its page, beside its title in lists and feeds, on its pictures'
//! captions and in JSON-LD; every variant of its pictures carries the
//! implicit label (read back here, and by exiftool as an outside reader).

use gazette::domain::ai::Aigc;

use crate::util::TestApp;
use crate::util::desk::{BODY, desk};
use crate::util::upload::jpeg;

/// A JPEG as an AI service delivers it: with its `AIGC` XMP label.
fn generated_jpeg() -> Vec<u8> {
    let label = Aigc {
        label: "1".into(),
        content_producer: "示例大模型服务".into(),
        produce_id: "gen-20240420-1".into(),
        ..Default::default()
    };
    gazette::media::aigc::label_jpeg(jpeg(800, 600), &label.xmp_packet()).unwrap()
}

fn exiftool_missing(test: &str) -> bool {
    if std::process::Command::new("exiftool")
        .arg("-ver")
        .output()
        .is_ok()
    {
        return false;
    }
    let msg = format!("NOT RUN: {test} needs exiftool (apt-get install libimage-exiftool-perl)");
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("{msg}");
    true
}

#[tokio::test]
async fn a_generated_picture_needs_a_declared_story_and_carries_both_labels() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let r = d
        .reporter
        .upload_with(&[("alt", "一座桥的示意图")], &generated_jpeg())
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pic: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let pid = pic["id"].as_i64().unwrap();
    let stored = app.state.store.picture(pid).await.unwrap().unwrap();
    assert_eq!(
        stored.aigc.as_ref().map(|a| a.content_producer.as_str()),
        Some("示例大模型服务")
    );

    let yw = d.yw.to_string();
    let p = pid.to_string();
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "黄河大桥效果图发布"),
                ("channel_id", &yw),
                ("body", BODY),
                ("summary", "大桥效果图今天发布。"),
                ("lead_image", &p),
                ("lead_caption", "效果图"),
                ("lead_alt", "黄河大桥效果图"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r
        .header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // the editor is told at once
    let edit = d.reporter.get(&format!("/admin/stories/{id}")).await;
    let warn = edit.select_text(".ai-found");
    assert!(
        warn.iter()
            .any(|w| w.contains("隐式标识") && w.contains("否则不能签发")),
        "{warn:?}"
    );
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    // the signer may not sign it off undeclared
    let r = d.signer.act(id, "approve", "同意签发").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("人工智能生成"), "{}", r.body);
    // it goes back to the writer, who declares it (part of the revision,
    // reviewed again)
    assert_eq!(
        d.signer
            .act(id, "reject", "请声明人工智能生成内容")
            .await
            .status,
        303
    );
    let v = d.reporter.version(id).await;
    let r = d
        .reporter
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("title", "黄河大桥效果图发布"),
                ("channel_id", &yw),
                ("body", BODY),
                ("summary", "大桥效果图今天发布。"),
                ("lead_image", &p),
                ("lead_caption", "效果图"),
                ("lead_alt", "黄河大桥效果图"),
                ("ai", "partial"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        let r = who.act(id, action, "同意").await;
        assert_eq!(r.status, 303, "{action}: {}", r.body);
    }
    let a = app.state.store.article(id).await.unwrap().unwrap();
    assert_eq!(a.status, gazette::domain::Status::Published);
    app.run_jobs().await;

    // explicit labels: the page, its caption, lists, feeds, JSON-LD
    let page = app.get(&format!("/{}", a.url_path.clone().unwrap())).await;
    let notice = page.select_text(".ai-notice");
    assert_eq!(notice.len(), 1);
    assert!(notice[0].contains("含人工智能生成内容"));
    assert!(
        page.select_text(".story-lead figcaption")
            .iter()
            .any(|c| c.contains("【人工智能生成】"))
    );
    assert!(page.body.contains("compositeWithTrainedAlgorithmicMedia"));
    let list = app.get("/zw/yw/").await;
    assert!(
        list.body.contains(
            "黄河大桥效果图发布</a><span class=\"mark-ai\">【含人工智能生成内容】</span>"
        ),
        "the list labels the title"
    );
    let rss = app.get("/rss.xml").await;
    assert!(
        rss.body
            .contains("<title>黄河大桥效果图发布【含人工智能生成内容】</title>"),
        "{}",
        rss.body
    );

    // implicit labels: every variant of the picture, as served
    let p = app.state.store.picture(pid).await.unwrap().unwrap();
    let made = p.made.clone().expect("variants made");
    assert!(made.aigc.is_some());
    let base = made.base_key(&p.key);
    assert!(base.contains("_ai"), "{base}");
    let mut served = Vec::new();
    for v in &made.variants {
        for (ext, _) in gazette::domain::picture::FORMATS {
            let key = gazette::domain::picture::variant_key(&base, v, made.focal, ext);
            let bytes = app.get_bytes(&format!("/media/{key}")).await;
            let label =
                gazette::media::aigc::find(&bytes).unwrap_or_else(|| panic!("{key} has no label"));
            assert_eq!(label.label, "1");
            assert_eq!(
                label.content_producer, "示例大模型服务",
                "the producer is kept"
            );
            assert_eq!(
                label.content_propagator, "滨州传媒集团有限公司",
                "Gazette adds itself as propagator"
            );
            assert_eq!(label.propagate_id, format!("main:image:{pid}"));
            served.push((key, bytes));
        }
    }
    // the page names the labelled files (it re-rendered on image:ID)
    let stem = base.rsplit_once('.').unwrap().0;
    assert!(page.body.contains(stem), "the page names {stem}");

    if exiftool_missing("a_generated_picture_needs_a_declared_story_and_carries_both_labels") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (key, bytes) in served {
        let path = dir.path().join(key.replace('/', "_"));
        std::fs::write(&path, &bytes).unwrap();
        let out = std::process::Command::new("exiftool")
            .args(["-j", "-G1", "-a"])
            .arg(&path)
            .output()
            .unwrap();
        let tags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let value = tags[0]["XMP-TC260:Aigc"]
            .as_str()
            .unwrap_or_else(|| panic!("{key}: {}", tags[0]));
        let label = Aigc::parse(value).expect("exiftool reads the standard's JSON");
        assert_eq!(label.content_propagator, "滨州传媒集团有限公司", "{key}");
    }
}

#[tokio::test]
async fn a_picture_declared_in_the_library_is_relabelled_and_shown_so() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let r = d
        .reporter
        .upload_with(&[("alt", "示意图")], &jpeg(640, 480))
        .await;
    let pic: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let pid = pic["id"].as_i64().unwrap();
    app.run_jobs().await;
    let before = app.state.store.picture(pid).await.unwrap().unwrap();
    assert!(
        before.made.as_ref().unwrap().aigc.is_none(),
        "no label without a declaration"
    );
    let form = d.editor.get(&format!("/admin/images/{pid}")).await;
    assert_eq!(form.status, 200);
    let r = d
        .editor
        .post(
            &format!("/admin/images/{pid}"),
            &[
                ("caption", "示意图"),
                ("credit", ""),
                ("alt", "示意图"),
                ("focal_x", "50"),
                ("focal_y", "50"),
                ("ai", "whole"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    app.run_jobs().await;
    let after = app.state.store.picture(pid).await.unwrap().unwrap();
    let made = after.made.clone().unwrap();
    assert!(made.aigc.is_some(), "relabelled after the declaration");
    let key = gazette::domain::picture::variant_key(
        &made.base_key(&after.key),
        &made.variants[0],
        made.focal,
        "webp",
    );
    let bytes = app.get_bytes(&format!("/media/{key}")).await;
    assert!(gazette::media::aigc::find(&bytes).is_some(), "{key}");
    // the record says so; the library page too
    let page = d.editor.get(&format!("/admin/images/{pid}")).await;
    assert!(page.body.contains("已写入人工智能生成隐式标识"));
}

#[tokio::test]
async fn a_declared_live_entry_is_labelled_wherever_readers_get_it() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let story = crate::live::live_story(&d).await;
    let r = d
        .reporter
        .post(
            &format!("/admin/live/{story}/entries"),
            &[("body", "现场示意图由人工智能生成。"), ("ai", "whole")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let e = app
        .state
        .store
        .entries(story, false)
        .await
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(e.ai, gazette::domain::ai::Ai::Whole);
    assert_eq!(
        crate::live::act(&d.editor, e.id, &[("op", "approve")])
            .await
            .status,
        303
    );
    let a = app.state.store.article(story).await.unwrap().unwrap();
    let page = app.get(&format!("/{}", a.url_path.unwrap())).await;
    let marks = page.select_text(&format!("#e{} .mark-ai", e.id));
    assert_eq!(marks, vec!["【人工智能生成】"]);
    // the poll's snapshot carries the same rendered entry
    let snap = app.get(&format!("/live/{story}/entries.json")).await;
    assert!(snap.body.contains("【人工智能生成】"), "{}", snap.body);
}
