//! AI-generated video (GB 45438-2025's video guide): the `AIGC` key an AI
//! service writes into an MP4 is found, kept in every rendition ffmpeg
//! makes, and holds the story until it is declared. Needs ffmpeg.

use gazette::domain::ai::Aigc;

use crate::util::TestApp;
use crate::util::desk::{BODY, desk};

/// A clip as an AI video service delivers it: the `AIGC` key in its MP4
/// metadata (moov/udta/meta, as GB 45438's video guide has it).
fn generated_clip(label: &Aigc) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.mp4");
    std::fs::write(&src, super::video::clip(320, 240, 2)).unwrap();
    let out = dir.path().join("ai.mp4");
    let ok = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(&src)
        .args(["-c", "copy", "-metadata"])
        .arg(format!("AIGC={}", label.to_json()))
        .args(["-movflags", "+faststart+use_metadata_tags"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(ok.success());
    std::fs::read(out).unwrap()
}

/// The `AIGC` tag ffprobe reads in a file.
fn probed_label(bytes: &[u8]) -> Option<Aigc> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("v.mp4");
    std::fs::write(&f, bytes).unwrap();
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format_tags=AIGC",
            "-of",
            "json",
        ])
        .arg(&f)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Aigc::parse(v["format"]["tags"]["AIGC"].as_str()?)
}

#[tokio::test]
async fn a_generated_video_keeps_its_label_in_every_rendition() {
    if super::video::ffmpeg_missing("a_generated_video_keeps_its_label_in_every_rendition") {
        return;
    }
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let label = Aigc {
        label: "1".into(),
        content_producer: "示例视频生成服务".into(),
        produce_id: "vid-7".into(),
        ..Default::default()
    };
    let vid =
        super::video::upload_video(&d.reporter, "ai.mp4", &generated_clip(&label), 1 << 20).await;
    let v = app.state.store.video(vid).await.unwrap().unwrap();
    assert!(v.probe.aigc.is_some(), "the upload's label is found");
    app.run_jobs().await;
    let v = app.state.store.video(vid).await.unwrap().unwrap();
    let made = v.ready().expect("processed");
    assert!(made.aigc.is_some());
    for r in &made.renditions {
        assert!(r.key.contains("_ai"), "{}", r.key);
        let bytes = app.get_bytes(&format!("/media/{}", r.key)).await;
        let got = probed_label(&bytes).unwrap_or_else(|| panic!("{} has no AIGC tag", r.key));
        assert_eq!(got.content_producer, "示例视频生成服务");
        assert_eq!(got.content_propagator, "滨州传媒集团有限公司");
        assert_eq!(got.propagate_id, format!("main:video:{vid}"));
    }
    // a 视频 story using it must be declared before sign-off
    let yw = d.yw.to_string();
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "AI 视频"),
                ("channel_id", &yw),
                ("kind", "video"),
                ("video_id", &vid.to_string()),
                ("body", BODY),
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
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    let r = d.signer.act(id, "approve", "同意签发").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(&format!("视频 {vid}")), "{}", r.body);
}
