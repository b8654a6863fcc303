//! Media storage behind one interface: uploads go to the configured store and
//! `/media/...` serves them back from it.
//!
//! The object-storage test runs against moto's S3-compatible server on a
//! loopback port (`python3 -m pip install 'moto[server]'`, which `.ci/run`
//! does). Without it the test says NOT RUN, and fails under CI.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gazette::domain::user::Role;
use gazette::media::{DynMedia, S3Media};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::util::TestApp;
use crate::util::upload::png;

const BUCKET: &str = "gazette-media";
const PREFIX: &str = "portal/uploads";

/// A moto server on a loopback port, stopped when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import moto.server"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Start moto and wait (bounded) until it answers HTTP.
async fn start_moto() -> Moto {
    let port = free_port();
    let child = Command::new("python3")
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start python3 -m moto.server");
    let mut moto = Moto { child, port };
    let deadline = Instant::now() + Duration::from_secs(60);
    while http(port, "GET", "/").await.is_err() {
        if let Ok(Some(status)) = moto.child.try_wait() {
            panic!("moto server exited at startup ({status}) on port {port}");
        }
        assert!(
            Instant::now() < deadline,
            "moto server did not answer on 127.0.0.1:{port} within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    moto
}

struct Raw {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// An Authorization header naming the test's access key, with a signature
/// moto does not check (anonymous requests are refused).
const AUTH: &str = "Authorization: AWS4-HMAC-SHA256 Credential=gazette-test/20240420/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0000";

/// One plain HTTP/1.1 request to the S3 server, not really signed (moto does
/// not check signatures): the bucket as another S3 client sees it, without
/// going through Gazette's code.
async fn http(port: u16, method: &str, path: &str) -> std::io::Result<Raw> {
    let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{AUTH}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    conn.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    conn.read_to_end(&mut buf).await?;
    let bad = || std::io::Error::other(format!("not an HTTP answer: {buf:?}"));
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(bad)?;
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut body = buf[split + 4..].to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)?;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body).ok_or_else(bad)?;
    }
    Ok(Raw {
        status,
        content_type: header("content-type"),
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Settings an operator would put in the environment, for a server on `port`.
fn aws_env(port: u16) -> Vec<(String, String)> {
    [
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "gazette-test".into()),
        ("AWS_SECRET_ACCESS_KEY", "gazette-test-secret".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn s3_media(port: u16) -> DynMedia {
    Arc::new(S3Media::open(BUCKET, PREFIX, aws_env(port)).expect("S3 media store"))
}

#[tokio::test]
async fn uploads_are_stored_in_and_served_from_s3_compatible_storage() {
    if !moto_installed() {
        let msg = "NOT RUN: uploads_are_stored_in_and_served_from_s3_compatible_storage needs moto's S3 server (python3 -m pip install 'moto[server]')";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    }
    let moto = start_moto().await;
    let created = http(moto.port, "PUT", &format!("/{BUCKET}"))
        .await
        .expect("create the bucket");
    assert_eq!(
        created.status,
        200,
        "{}",
        String::from_utf8_lossy(&created.body)
    );

    let app = TestApp::with_demo_and_media(s3_media(moto.port)).await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let reporter = app.login("reporter").await;
    let original = png(1024, 768);
    let ok = reporter.upload(&reporter.csrf, &original).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    let url = v["url"].as_str().unwrap();
    assert!(
        url.starts_with("/media/2024/04/") && url.ends_with(".png"),
        "public URLs do not depend on the store: {url}"
    );
    // the variants are a job's: made once it has run
    assert_eq!(
        v["thumb"].as_str(),
        Some(url),
        "the original until the variants exist"
    );
    assert!(gazette::jobs::run_due(&app.state).await.unwrap() >= 1);
    let thumb = &url.replace(".png", "_320.jpg");

    // the files are in the bucket, under the prefix, with their types ...
    let in_bucket = |url: &str| {
        let key = url.trim_start_matches("/media/").to_string();
        async move {
            http(moto.port, "GET", &format!("/{BUCKET}/{PREFIX}/{key}"))
                .await
                .expect("read the bucket")
        }
    };
    let stored = in_bucket(url).await;
    assert_eq!(stored.status, 200, "the original is in the bucket");
    assert_eq!(stored.body, original);
    assert_eq!(stored.content_type.as_deref(), Some("image/png"));
    // every variant the plan names is in the bucket
    let picture = app
        .state
        .store
        .picture(v["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    let keys = picture.keys();
    assert_eq!(
        keys.len(),
        1 + 2 * picture.made.as_ref().unwrap().variants.len()
    );
    for key in &keys {
        let got = in_bucket(&format!("/media/{key}")).await;
        assert_eq!(got.status, 200, "{key} is in the bucket");
    }
    let stored_thumb = in_bucket(thumb).await;
    assert_eq!(
        stored_thumb.status, 200,
        "the list variant is in the bucket"
    );
    assert_eq!(stored_thumb.content_type.as_deref(), Some("image/jpeg"));
    let decoded = image::load_from_memory(&stored_thumb.body).expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (320, 240));
    // ... and not on the local disk
    assert!(!app.state.config.data_dir.join("media").exists());

    // the portal serves both from the bucket, byte for byte
    for (path, bytes, ct) in [
        (url, &original, "image/png"),
        (thumb, &stored_thumb.body, "image/jpeg"),
    ] {
        let served = app.get(path).await;
        assert_eq!(served.status, 200, "{path}");
        assert_eq!(served.header("content-type"), Some(ct), "{path}");
        assert_eq!(
            served.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        let (_, body) = app
            .router_response(
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(&body, bytes, "{path} is served byte for byte");
    }
    // a key that is not there, or not a media key, is a 404
    assert_eq!(
        app.get("/media/2024/04/00000000000000000000.png")
            .await
            .status,
        404
    );
    assert_eq!(app.get("/media/../gazette.db").await.status, 404);
    assert_eq!(app.get(&format!("/media/{PREFIX}/x.png")).await.status, 404);
    // the static export copies the bucket's files under media/, byte for
    // byte, so nginx serves the same URLs; an incremental build copies none again
    let out = tempfile::tempdir().unwrap();
    let full = gazette::export::build(&app.state, out.path(), false, false)
        .await
        .expect("export with media in a bucket");
    for (path, bytes) in [(url, &original), (thumb, &stored_thumb.body)] {
        let file = out.path().join(path.trim_start_matches('/'));
        assert_eq!(
            &std::fs::read(&file).unwrap_or_default(),
            bytes,
            "{} in the export",
            file.display()
        );
    }
    let again = gazette::export::build(&app.state, out.path(), true, false)
        .await
        .expect("incremental export");
    assert!(!again.full);
    assert_eq!(
        again.other_files, 0,
        "full build copied {}",
        full.other_files
    );
    // uploads are still checked before anything is stored
    let script = reporter
        .upload(&reporter.csrf, b"<script>alert(1)</script>")
        .await;
    assert_eq!(script.status, 415);
}

#[tokio::test]
async fn media_storage_that_is_down_answers_503_and_stores_nothing() {
    // nothing listens on this port: the bucket's server is down
    let app = TestApp::with_demo_and_media(s3_media(free_port())).await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let reporter = app.login("reporter").await;
    let upload = reporter.upload(&reporter.csrf, &png(400, 300)).await;
    assert_eq!(upload.status, 503, "{}", upload.body);
    let v: serde_json::Value = serde_json::from_str(&upload.body).unwrap();
    assert_eq!(v["error"], "图片存储暂时不可用,请稍后重试");
    assert!(!app.state.config.data_dir.join("media").exists());
    let page = app.get("/media/2024/04/00000000000000000000.png").await;
    assert_eq!(page.status, 503);
    assert!(page.text().contains("服务暂时不可用"), "{}", page.body);
    // a bad key is still a 404: the store is never asked
    assert_eq!(app.get("/media/../gazette.db").await.status, 404);
}

/// Videos in a bucket: the demo's clips processed straight into it
/// (renditions, playlists, segments, posters), served with byte ranges, and
/// a file past the single-PUT size sent as a multipart upload.
#[tokio::test]
async fn videos_are_processed_into_s3_and_large_files_go_up_in_parts() {
    if !moto_installed() {
        let msg = "NOT RUN: videos_are_processed_into_s3_and_large_files_go_up_in_parts needs moto's S3 server (python3 -m pip install 'moto[server]')";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    }
    if crate::external::video::ffmpeg_missing(
        "videos_are_processed_into_s3_and_large_files_go_up_in_parts",
    ) {
        return;
    }
    let moto = start_moto().await;
    let created = http(moto.port, "PUT", &format!("/{BUCKET}")).await.unwrap();
    assert_eq!(created.status, 200);
    let app = TestApp::with_demo_and_media(s3_media(moto.port)).await;
    app.run_jobs().await;
    let videos = app.state.store.recent_videos(None, 10).await.unwrap();
    assert_eq!(videos.len(), 2, "the demo's two clips");
    for v in &videos {
        let made = v.ready().unwrap_or_else(|| panic!("processed: {v:?}"));
        for key in made.keys() {
            let r = http(moto.port, "GET", &format!("/{BUCKET}/{PREFIX}/{key}"))
                .await
                .unwrap();
            assert_eq!(r.status, 200, "{key} is in the bucket");
        }
        let list = app
            .get(&format!("/media/{}", made.renditions[0].playlist))
            .await;
        let dir = made.hls.rsplit_once('/').unwrap().0;
        for (seg, _) in gazette::media::video::segments(&list.body) {
            let r = http(moto.port, "GET", &format!("/{BUCKET}/{PREFIX}/{dir}/{seg}"))
                .await
                .unwrap();
            assert_eq!(r.status, 200, "{seg} is in the bucket");
            assert_eq!(r.content_type.as_deref(), Some("video/mp2t"));
        }
    }
    // a byte range of an MP4 in the bucket
    let mp4 = &videos[0].ready().unwrap().renditions[0].key;
    let whole = app.get_bytes(&format!("/media/{mp4}")).await;
    let (headers, part) = app
        .router_response(
            axum::http::Request::get(format!("/media/{mp4}"))
                .header("range", "bytes=1000-4999")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(part, whole[1000..5000]);
    assert_eq!(
        headers.get("content-range").unwrap(),
        &format!("bytes 1000-4999/{}", whole.len())
    );
    // 20 MB: more than one PUT takes, so it goes up in 8 MB parts
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.mp4");
    let bytes: Vec<u8> = (0..20 * 1024 * 1024u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    std::fs::write(&big, &bytes).unwrap();
    app.state
        .media
        .put_file("2026/12/bigfile.mp4", &big, "video/mp4")
        .await
        .unwrap();
    assert_eq!(
        app.state.media.size("2026/12/bigfile.mp4").await.unwrap(),
        Some(bytes.len() as u64)
    );
    let back = tempfile::NamedTempFile::new().unwrap();
    assert!(
        gazette::media::copy_to_file(app.state.media.as_ref(), "2026/12/bigfile.mp4", back.path())
            .await
            .unwrap()
    );
    assert!(
        std::fs::read(back.path()).unwrap() == bytes,
        "the same bytes came back"
    );
}
