//! Video stories end to end: a resumable (tus) upload that survives a
//! connection cut mid-chunk, the processing job (renditions, HLS, posters)
//! with ffmpeg, range requests on `/media/`, a poster frame as the 题图,
//! subtitles, publication only once processed, the page's player, list
//! marks and structured data, and refusals: a file that is not a video, a
//! video ffmpeg cannot decode (failed once, no retry loop), no ffmpeg.
//!
//! These tests need Debian's `ffmpeg` (which `.ci/run` installs); without
//! it they say NOT RUN (and fail under CI).

use axum::body::Body;
use axum::http::Request;
use tokio::io::AsyncWriteExt as _;

use crate::util::agent::Agent;
use crate::util::desk::{BODY, desk};
use crate::util::{TestApp, TestResponse};

pub(crate) fn ffmpeg_missing(test: &str) -> bool {
    let ok = std::process::Command::new("ffmpeg")
        .arg("-version")
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return false;
    }
    let msg = format!("NOT RUN: {test} needs ffmpeg (apt install ffmpeg)");
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("{msg}");
    true
}

/// A clip made by ffmpeg's test sources: `secs` long at `w` x `h`, with sound.
pub(crate) fn clip(w: u32, h: u32, secs: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clip.mp4");
    let status = std::process::Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
        ])
        .arg(format!("testsrc2=size={w}x{h}:rate=25:duration={secs}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:duration={secs}"))
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .args(["-c:a", "aac", "-shortest", "-movflags", "+faststart"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(out).unwrap()
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// `POST /admin/uploads`: the new upload's path.
async fn create(agent: &Agent<'_>, name: &str, length: usize) -> TestResponse {
    agent
        .app
        .request(
            Request::post("/admin/uploads")
                .header("cookie", &agent.cookie)
                .header("x-csrf-token", &agent.csrf)
                .header("tus-resumable", "1.0.0")
                .header("upload-length", length.to_string())
                .header(
                    "upload-metadata",
                    format!("filename {},site {}", b64(name), b64("main")),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await
}

async fn patch(agent: &Agent<'_>, path: &str, offset: usize, bytes: &[u8]) -> TestResponse {
    agent
        .app
        .request(
            Request::patch(path)
                .header("cookie", &agent.cookie)
                .header("x-csrf-token", &agent.csrf)
                .header("tus-resumable", "1.0.0")
                .header("upload-offset", offset.to_string())
                .header("content-type", "application/offset+octet-stream")
                .body(Body::from(bytes.to_vec()))
                .unwrap(),
        )
        .await
}

async fn head(agent: &Agent<'_>, path: &str) -> TestResponse {
    agent
        .app
        .request(
            Request::head(path)
                .header("cookie", &agent.cookie)
                .header("tus-resumable", "1.0.0")
                .body(Body::empty())
                .unwrap(),
        )
        .await
}

/// Upload `file` whole in chunks of `chunk` bytes; the new video's id.
pub(crate) async fn upload_video(agent: &Agent<'_>, name: &str, file: &[u8], chunk: usize) -> i64 {
    let r = create(agent, name, file.len()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let path = r.header("location").unwrap().to_string();
    let mut at = 0;
    loop {
        let end = (at + chunk).min(file.len());
        let r = patch(agent, &path, at, &file[at..end]).await;
        assert_eq!(r.status, 204, "{}", r.body);
        at = r.header("upload-offset").unwrap().parse().unwrap();
        if let Some(id) = r.header("gazette-video") {
            assert_eq!(at, file.len());
            return id.parse().unwrap();
        }
    }
}

#[tokio::test]
async fn an_upload_cut_off_mid_chunk_resumes_and_becomes_renditions_hls_and_posters() {
    if ffmpeg_missing("an_upload_cut_off_mid_chunk_resumes_and_becomes_renditions_hls_and_posters")
    {
        return;
    }
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let d = desk(&app).await;
    let file = clip(1280, 720, 3);
    let r = create(&d.reporter, "黄河口.mp4", file.len()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("upload-offset"), Some("0"));
    let path = r.header("location").unwrap().to_string();

    // the first PATCH's connection is cut a third of the way through its body
    let addr = app.serve().await;
    let cut = file.len() / 3;
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "PATCH {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n\
         Content-Length: {}\r\n\r\n",
        d.reporter.cookie,
        d.reporter.csrf,
        file.len()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    tcp.write_all(&file[..cut]).await.unwrap();
    tcp.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(tcp);
    // the server kept what arrived: HEAD says where to go on from
    let mut offset = 0;
    for _ in 0..100 {
        let h = head(&d.reporter, &path).await;
        assert_eq!(h.status, 200);
        offset = h.header("upload-offset").unwrap().parse().unwrap();
        if offset == cut {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(offset, cut, "the bytes before the cut were kept");
    // a client that lost track and starts again at 0 is told the offset
    let stale = patch(&d.reporter, &path, 0, &file[..10]).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(
        stale.header("upload-offset"),
        Some(cut.to_string().as_str())
    );
    // another person cannot see or continue it
    app.add_user("other", &[gazette::domain::user::Role::Reporter], &["main"])
        .await;
    let other = app.login("other").await;
    assert_eq!(head(&other, &path).await.status, 404);
    // the rest, from where the server is
    let r = patch(&d.reporter, &path, cut, &file[cut..]).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let id: i64 = r.header("gazette-video").unwrap().parse().unwrap();

    let v = app.state.store.video(id).await.unwrap().unwrap();
    assert_eq!((v.probe.width, v.probe.height), (1280, 720));
    assert_eq!(v.probe.seconds(), 3);
    assert_eq!(v.name, "黄河口.mp4");
    let status = d.reporter.get(&format!("/admin/videos/{id}")).await;
    let j: serde_json::Value = serde_json::from_str(&status.body).unwrap();
    assert_eq!(j["state"], "queued");
    assert_eq!(j["duration"], "00:03");
    // the original is the uploaded file, byte for byte
    assert_eq!(app.get_bytes(&format!("/media/{}", v.key)).await, file);

    app.run_jobs().await;
    let v = app.state.store.video(id).await.unwrap().unwrap();
    let made = v.ready().expect("processed");
    let sides: Vec<u32> = made.renditions.iter().map(|r| r.short_side).collect();
    assert_eq!(sides, [720, 480], "never upscaled past the source");
    assert_eq!(made.posters.len(), 4);
    let j: serde_json::Value =
        serde_json::from_str(&d.reporter.get(&format!("/admin/videos/{id}")).await.body).unwrap();
    assert_eq!(j["state"], "ready");
    assert_eq!(j["progress"], 100);
    assert_eq!(j["posters"].as_array().unwrap().len(), 4);

    // every file is served; the master playlist names each rung's playlist,
    // which names segments that exist
    let master = app.get(&format!("/media/{}", made.hls)).await;
    assert_eq!(master.status, 200);
    assert_eq!(
        master.header("content-type"),
        Some("application/vnd.apple.mpegurl")
    );
    assert!(master.body.starts_with("#EXTM3U"), "{}", master.body);
    assert!(
        master.body.contains("RESOLUTION=1280x720"),
        "{}",
        master.body
    );
    let dir = made.hls.rsplit_once('/').unwrap().0;
    for r in &made.renditions {
        let name = r.playlist.rsplit('/').next().unwrap();
        assert!(master.body.contains(name));
        let list = app.get(&format!("/media/{}", r.playlist)).await;
        assert!(list.body.contains("#EXT-X-ENDLIST"), "{}", list.body);
        let segments = gazette::media::video::segments(&list.body);
        assert!(!segments.is_empty());
        for (seg, _) in segments {
            let s = app.get(&format!("/media/{dir}/{seg}")).await;
            assert_eq!(s.status, 200, "{seg}");
            assert_eq!(s.header("content-type"), Some("video/mp2t"));
        }
        // the MP4 starts with its index (+faststart): moov before mdat
        let mp4 = app.get_bytes(&format!("/media/{}", r.key)).await;
        let moov = mp4.windows(4).position(|w| w == b"moov").unwrap();
        let mdat = mp4.windows(4).position(|w| w == b"mdat").unwrap();
        assert!(moov < mdat, "faststart");
        assert_eq!(mp4.len() as u64, r.bytes);
    }
    for p in &made.posters {
        let img = app.get_bytes(&format!("/media/{p}")).await;
        assert_eq!(&img[..2], [0xFF, 0xD8], "a JPEG");
    }

    // a range of the MP4, as a player seeking asks
    let mp4 = &made.default_rendition().unwrap().key;
    let r = app
        .request(
            Request::get(format!("/media/{mp4}"))
                .header("range", "bytes=100-199")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 206);
    let whole = app.get_bytes(&format!("/media/{mp4}")).await;
    assert_eq!(
        r.header("content-range"),
        Some(format!("bytes 100-199/{}", whole.len()).as_str())
    );
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    let (_, part) = app
        .router_response(
            Request::get(format!("/media/{mp4}"))
                .header("range", "bytes=100-199")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(part, whole[100..200]);
    let past = app
        .request(
            Request::get(format!("/media/{mp4}"))
                .header("range", format!("bytes={}-", whole.len()))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(past.status, 416);
    assert_eq!(
        past.header("content-range"),
        Some(format!("bytes */{}", whole.len()).as_str())
    );
    // the record has the upload
    let audit = d.signer.get("/admin/audit").await;
    assert!(audit.body.contains("上传视频"), "{}", audit.body);
}

/// A 视频 story through the editor: the video, a poster frame as 题图.
async fn video_story(d: &crate::util::desk::Desk<'_>, video: i64, lead: i64) -> i64 {
    let yw = d.yw.to_string();
    let (video, lead) = (video.to_string(), lead.to_string());
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "视听|黄河口湿地的春天"),
                ("channel_id", &yw),
                ("kind", "video"),
                ("byline_role", "摄像"),
                ("byline_name", "李四"),
                ("summary", "黄河口湿地迎来候鸟。"),
                ("body", BODY),
                ("video_id", &video),
                ("lead_image", &lead),
                ("lead_alt", "湿地上空的鸟群"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    r.header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_video_story_is_signed_off_once_processed_and_plays_on_its_page() {
    if ffmpeg_missing("a_video_story_is_signed_off_once_processed_and_plays_on_its_page") {
        return;
    }
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let d = desk(&app).await;
    let id = upload_video(&d.reporter, "湿地.mp4", &clip(640, 360, 2), 64 * 1024).await;
    // before processing there are no frames to choose
    let early = d
        .reporter
        .post(&format!("/admin/videos/{id}/poster"), &[("frame", "1")])
        .await;
    assert_eq!(early.status, 400, "{}", early.body);
    // a story may be filed meanwhile, but not signed off
    let poster_pic = {
        app.run_jobs().await;
        let r = d
            .reporter
            .post(&format!("/admin/videos/{id}/poster"), &[("frame", "2")])
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let p: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        p["id"].as_i64().unwrap()
    };
    app.run_jobs().await;
    let story = video_story(&d, id, poster_pic).await;
    // subtitles as SRT become WebVTT
    let srt = "1\n00:00:00,000 --> 00:00:01,500\n黄河口湿地\n";
    let (ct, body) = crate::util::upload::multipart(&d.reporter.csrf, srt.as_bytes());
    let r = app
        .request(
            Request::post(format!("/admin/videos/{id}/subtitles"))
                .header("content-type", ct)
                .header("cookie", &d.reporter.cookie)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let vtt_url = j["subtitles"].as_str().unwrap().to_string();
    let vtt = app.get(&vtt_url).await;
    assert!(vtt.body.starts_with("WEBVTT"), "{}", vtt.body);
    assert!(vtt.body.contains("00:00:00.000 --> 00:00:01.500"));

    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(story, action, "同意").await.status, 303);
    }
    let r = d.signer.act(story, "approve", "同意签发").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = app.state.store.article(story).await.unwrap().unwrap();
    assert_eq!(a.parts.video.as_ref().unwrap().seconds, 2);
    let page = app.get(&format!("/{}", a.url_path.unwrap())).await;
    assert_eq!(page.status, 200);
    let v = app.state.store.video(id).await.unwrap().unwrap();
    let made = v.ready().unwrap();
    // the player: HLS first, then the MP4s; the poster is the chosen frame's 16:9 crop
    let sources = page.select_attr(".story-video video source", "src");
    assert_eq!(sources[0], format!("/media/{}", made.hls));
    assert_eq!(sources.len(), 1 + made.renditions.len());
    assert_eq!(page.select_attr(".story-video video", "controls"), [""]);
    assert!(
        page.select_attr(".story-video video", "autoplay")
            .is_empty()
    );
    let poster = &page.select_attr(".story-video video", "poster")[0];
    assert!(poster.contains("_16x9_"), "{poster}");
    assert_eq!(page.select_attr(".story-video track", "src"), [vtt_url]);
    let player = page.select_attr("script[src^='/static/player.']", "src");
    assert!(
        player.len() == 1 && player[0].ends_with(".js"),
        "the player's script, by its fingerprinted name: {player:?}"
    );
    // structured data and the share card
    let ld: serde_json::Value =
        serde_json::from_str(&page.select_text("script[type='application/ld+json']")[0]).unwrap();
    let vo = ld
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["@type"] == "VideoObject")
        .expect("a VideoObject");
    assert_eq!(vo["name"], "视听|黄河口湿地的春天");
    assert_eq!(vo["duration"], "PT2S");
    assert!(vo["contentUrl"].as_str().unwrap().starts_with("http"));
    assert!(vo["contentUrl"].as_str().unwrap().ends_with(".mp4"));
    assert!(vo["thumbnailUrl"][0].as_str().unwrap().starts_with("http"));
    assert!(vo["uploadDate"].as_str().unwrap().contains('T'));
    assert!(vo["description"].as_str().unwrap().contains("候鸟"));
    assert_eq!(
        page.select_attr("meta[property='og:video:type']", "content"),
        ["video/mp4"]
    );
    // the channel's list marks its length
    let list = app.get("/zw/yw/").await;
    assert!(list.body.contains("▶ 00:02"), "{}", list.body);
    // the static export carries every file the player names
    let out = tempfile::tempdir().unwrap();
    gazette::export::build(&app.state, out.path(), false, false)
        .await
        .unwrap();
    for key in made.keys() {
        assert!(
            out.path().join("media").join(key).is_file(),
            "{key} in the export"
        );
    }
}

/// New subtitles for a published video story are part of its revision:
/// uploading them changes nothing readers see; the revision carrying them
/// is reviewed and signed, then the page shows them (issue 24 §2).
#[tokio::test]
async fn new_subtitles_on_a_published_video_go_through_review() {
    if ffmpeg_missing("new_subtitles_on_a_published_video_go_through_review") {
        return;
    }
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let d = desk(&app).await;
    let id = upload_video(&d.reporter, "湿地.mp4", &clip(640, 360, 2), 64 * 1024).await;
    app.run_jobs().await;
    let r = d
        .reporter
        .post(
            &format!("/admin/videos/{id}/poster"),
            &[("frame", "1"), ("title", "视听|黄河口湿地的春天")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let poster: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    // the frame is captioned with the story's title, not the file's name
    let pic = app
        .state
        .store
        .picture(poster["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pic.caption, "视听|黄河口湿地的春天");
    app.run_jobs().await;
    let story = video_story(&d, id, poster["id"].as_i64().unwrap()).await;
    let subtitles = |text: &'static str| {
        let (ct, body) = crate::util::upload::multipart(&d.reporter.csrf, text.as_bytes());
        Request::post(format!("/admin/videos/{id}/subtitles"))
            .header("content-type", ct)
            .header("cookie", &d.reporter.cookie)
            .body(Body::from(body))
            .unwrap()
    };
    let first = app
        .request(subtitles("1\n00:00:00,000 --> 00:00:01,000\n第一版字幕\n"))
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let first: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    let first_url = first["subtitles"].as_str().unwrap().to_string();
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(story, action, "同意").await.status, 303);
    }
    let a = app.state.store.article(story).await.unwrap().unwrap();
    let path = format!("/{}", a.url_path.unwrap());
    let track = |page: &crate::util::TestResponse| page.select_attr(".story-video track", "src");
    assert_eq!(
        track(&app.get(&path).await),
        std::slice::from_ref(&first_url)
    );
    // the reporter uploads replacement subtitles: nothing changes for readers
    let second = app
        .request(subtitles(
            "1\n00:00:00,000 --> 00:00:01,000\n未经审核的字幕\n",
        ))
        .await;
    assert_eq!(second.status, 200, "{}", second.body);
    let second: serde_json::Value = serde_json::from_str(&second.body).unwrap();
    let key = second["subtitles_key"].as_str().unwrap().to_string();
    assert_eq!(
        track(&app.get(&path).await),
        std::slice::from_ref(&first_url)
    );
    let v = app.state.store.video(id).await.unwrap().unwrap();
    assert_eq!(
        v.subtitles.map(|k| format!("/media/{k}")),
        Some(first_url.clone())
    );
    // saved into the story they open a revision, which goes through review
    let page = format!("/admin/stories/{story}");
    let mut form = crate::util::form::fields(&d.reporter.get(&page).await.body, "story-form");
    crate::util::form::set(&mut form, "video_subtitles", &key);
    let r = d
        .reporter
        .post(&page, &crate::util::form::pairs(&form))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(track(&app.get(&path).await), [first_url]);
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(story, action, "同意").await.status, 303);
    }
    assert_eq!(track(&app.get(&path).await), [format!("/media/{key}")]);
}

/// A source past what the newsroom processes (here wider than 4096 px) is
/// refused when its last byte arrives, with what to do, and nothing is kept
/// (issue 24 §4).
#[tokio::test]
async fn a_source_past_the_limits_is_refused_at_upload() {
    if ffmpeg_missing("a_source_past_the_limits_is_refused_at_upload") {
        return;
    }
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let d = desk(&app).await;
    let before = app.state.store.recent_videos(None, 50).await.unwrap().len();
    let wide = clip(4200, 240, 1);
    let r = create(&d.reporter, "wide.mp4", wide.len()).await;
    let path = r.header("location").unwrap().to_string();
    let r = patch(&d.reporter, &path, 0, &wide).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("画面太大"), "{}", r.body);
    assert_eq!(
        app.state.store.recent_videos(None, 50).await.unwrap().len(),
        before
    );
}

#[tokio::test]
async fn a_video_story_waits_for_its_video_and_bad_files_are_refused_once() {
    if ffmpeg_missing("a_video_story_waits_for_its_video_and_bad_files_are_refused_once") {
        return;
    }
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let d = desk(&app).await;
    // not a video at all: refused when the last byte arrives, nothing kept
    let library = app.state.store.recent_videos(None, 10).await.unwrap().len();
    let junk = b"<html>this is not a video</html>".repeat(100);
    let r = create(&d.reporter, "clip.mp4", junk.len()).await;
    let path = r.header("location").unwrap().to_string();
    let r = patch(&d.reporter, &path, 0, &junk).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("MP4"), "{}", r.body);
    assert_eq!(
        app.state.store.recent_videos(None, 10).await.unwrap().len(),
        library
    );
    assert_eq!(head(&d.reporter, &path).await.status, 404);
    // an MP4 cut off before its index is called incomplete, not unknown
    let short = clip(320, 240, 1)[..200].to_vec();
    let r = create(&d.reporter, "cut-short.mp4", short.len()).await;
    let path = r.header("location").unwrap().to_string();
    let r = patch(&d.reporter, &path, 0, &short).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("视频文件不完整"), "{}", r.body);
    // a name that is no video kind is refused before any byte is sent
    let r = create(&d.reporter, "report.exe", 100).await;
    assert_eq!(r.status, 415, "{}", r.body);
    // too large for the limit
    let r = create(&d.reporter, "huge.mp4", 3 * 1024 * 1024 * 1024).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.body.contains("MB"), "{}", r.body);
    // without the CSRF token
    let r = app
        .request(
            Request::post("/admin/uploads")
                .header("cookie", &d.reporter.cookie)
                .header("upload-length", "100")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 403);

    // a video whose index is whole but whose frames are cut off half way: it
    // probes, then ffmpeg decodes only half of it; the video fails once with
    // a message and its job is done (no retry loop)
    let good = clip(640, 360, 4);
    let mut cut = good.clone();
    cut.truncate(good.len() / 2);
    let id = upload_video(&d.reporter, "cut.mp4", &cut, 1 << 20).await;
    let story = {
        let yw = d.yw.to_string();
        let vid = id.to_string();
        let r = d
            .reporter
            .post(
                "/admin/stories/new",
                &[
                    ("title", "一段坏视频"),
                    ("channel_id", &yw),
                    ("kind", "video"),
                    ("body", BODY),
                    ("video_id", &vid),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        r.header("location")
            .unwrap()
            .trim_start_matches("/admin/stories/")
            .split('?')
            .next()
            .unwrap()
            .parse::<i64>()
            .unwrap()
    };
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(story, action, "同意").await.status, 303);
    }
    // not processed yet: the signer is told why
    let r = d.signer.act(story, "approve", "同意签发").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("视频尚在处理"), "{}", r.body);
    app.run_jobs().await;
    let v = app.state.store.video(id).await.unwrap().unwrap();
    assert_eq!(v.state, gazette::domain::video::VideoState::Failed, "{v:?}");
    assert!(v.error.contains("不完整"), "{}", v.error);
    assert_eq!(
        gazette::jobs::run_due(&app.state).await.unwrap(),
        0,
        "a failed video is not retried"
    );
    let r = d.signer.act(story, "approve", "同意签发").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("视频处理失败"), "{}", r.body);
    // the editor shows the failure in words
    let j: serde_json::Value =
        serde_json::from_str(&d.reporter.get(&format!("/admin/videos/{id}")).await.body).unwrap();
    assert_eq!(j["state"], "failed");
    assert!(j["error"].as_str().unwrap().contains("不完整"));
    // a video of another site's library cannot be used
    let vid = id.to_string();
    let zp = app.channel_id("zouping", "fb").await.to_string();
    app.add_user(
        "zp",
        &[gazette::domain::user::Role::Editor],
        &["main", "zouping"],
    )
    .await;
    let zp_agent = app.login("zp").await;
    let r = zp_agent
        .post(
            "/admin/stories/new",
            &[
                ("title", "邹平视频"),
                ("channel_id", &zp),
                ("kind", "video"),
                ("body", BODY),
                ("video_id", &vid),
            ],
        )
        .await;
    // the form comes back as typed, with the reason
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("其他站点"), "{}", r.body);
}

#[tokio::test]
async fn without_ffmpeg_video_uploads_say_so_and_the_rest_works() {
    let app = TestApp::with_config(|c| c.video.ffmpeg = "/nonexistent/ffmpeg".into()).await;
    let d = desk(&app).await;
    let r = create(&d.reporter, "clip.mp4", 1000).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("apt install ffmpeg"), "{}", r.body);
    // pictures and text stories are unaffected
    let r = d
        .reporter
        .upload(&d.reporter.csrf, &crate::util::upload::png(200, 100))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = d.reporter.write(d.yw, "没有视频也能发稿", BODY).await;
    assert!(id > 0);
    assert_eq!(app.get("/").await.status, 200);
    // the picture gets its sizes without ffmpeg
    app.run_jobs().await;
}
