//! Pictures end to end: uploads make every variant (a job), stories carry a
//! 题图 with its words, publication needs alt text, pages list srcset with
//! sizes and width/height, share cards and structured data name the
//! picture, feeds enclose it, a gallery shows its pictures in order at
//! anchors, the export holds every file, and hostile files are refused.

use gazette::domain::picture::{FORMATS, variant_key};

use crate::util::TestApp;
use crate::util::agent::Agent;
use crate::util::desk::{BODY, desk};
use crate::util::upload::{jpeg, png};

async fn upload(agent: &Agent<'_>, fields: &[(&str, &str)], file: &[u8]) -> serde_json::Value {
    let r = agent.upload_with(fields, file).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// Every file a picture's plan names, as media keys.
async fn planned_keys(app: &TestApp, id: i64) -> Vec<String> {
    let p = app.state.store.picture(id).await.unwrap().unwrap();
    let made = p.made.as_ref().expect("the variants were made");
    assert!(made.fulfils(&gazette::domain::picture::plan(p.width, p.height, p.focal)));
    let mut keys = vec![p.key.clone()];
    for v in &made.variants {
        for (ext, _) in FORMATS {
            keys.push(variant_key(&p.key, v, made.focal, ext));
        }
    }
    keys
}

/// A story with a 题图 (and its words), filed by the reporter.
async fn story_with_lead(
    d: &crate::util::desk::Desk<'_>,
    picture: i64,
    alt: &str,
    body: &str,
) -> i64 {
    let yw = d.yw.to_string();
    let pic = picture.to_string();
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "黄河大桥合龙"),
                ("channel_id", &yw),
                ("byline_role", "摄影"),
                ("byline_name", "张三"),
                ("body", body),
                ("summary", "黄河大桥今天合龙。"),
                ("lead_image", &pic),
                ("lead_caption", "合龙现场"),
                ("lead_credit", "张三"),
                ("lead_alt", alt),
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

async fn sign_off(d: &crate::util::desk::Desk<'_>, id: i64) -> crate::util::TestResponse {
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    d.signer.act(id, "approve", "同意签发").await
}

#[tokio::test]
async fn an_upload_makes_every_variant_and_the_story_page_lists_them() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let v = upload(
        &d.reporter,
        &[
            ("caption", "黄河大桥"),
            ("credit", "张三"),
            ("alt", "大桥全景"),
        ],
        &jpeg(2400, 1600),
    )
    .await;
    let id = v["id"].as_i64().unwrap();
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(2400), Some(1600))
    );
    // the same file again is the same picture
    let again = upload(&d.reporter, &[], &jpeg(2400, 1600)).await;
    assert_eq!(again["id"].as_i64(), Some(id));
    assert_eq!(again["existing"].as_bool(), Some(true));
    app.run_jobs().await;
    let keys = planned_keys(&app, id).await;
    assert_eq!(keys.len(), 1 + 2 * 10, "{keys:?}");
    for k in &keys {
        let r = app.get(&format!("/media/{k}")).await;
        assert_eq!(r.status, 200, "{k}");
    }

    // a body picture too, from the library
    let body_pic = upload(&d.reporter, &[("alt", "会场")], &png(1000, 500)).await;
    app.run_jobs().await;
    let body = format!(
        "{BODY}<figure><img src=\"{}\" alt=\"会场全景\"><figcaption>会场</figcaption></figure>",
        body_pic["url"].as_str().unwrap()
    );
    let story = story_with_lead(&d, id, "大桥合龙时的全景", &body).await;
    let r = sign_off(&d, story).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let a = app.state.store.article(story).await.unwrap().unwrap();
    let page = app.get(&format!("/{}", a.url_path.unwrap())).await;
    assert_eq!(page.status, 200);
    // the 题图: WebP and JPEG sources with sizes, width and height, its words
    let lead_src = page.select_attr(".story-lead source[type='image/webp']", "srcset");
    assert_eq!(lead_src.len(), 1);
    assert!(
        lead_src[0].contains("_320.webp 320w") && lead_src[0].contains("_1600.webp 1600w"),
        "{lead_src:?}"
    );
    assert_eq!(page.select_attr(".story-lead img", "width"), ["960"]);
    assert_eq!(page.select_attr(".story-lead img", "height"), ["640"]);
    assert_eq!(
        page.select_attr(".story-lead img", "alt"),
        ["大桥合龙时的全景"]
    );
    assert!(!page.select_attr(".story-lead img", "sizes")[0].is_empty());
    assert_eq!(
        page.select_text(".story-lead figcaption"),
        ["合龙现场 摄影:张三"]
    );
    // the body's picture: srcset, size, lazy, the lightbox's full size, its caption kept
    let img = ".story-body picture img";
    assert_eq!(page.select_attr(img, "width"), ["960"]);
    assert_eq!(page.select_attr(img, "height"), ["480"]);
    assert_eq!(page.select_attr(img, "loading"), ["lazy"]);
    assert_eq!(page.select_attr(img, "alt"), ["会场全景"]);
    assert!(page.select_attr(img, "data-full")[0].ends_with("_1000.jpg"));
    assert_eq!(page.select_text(".story-body figcaption"), ["会场"]);
    // share card and structured data
    let og = page.select_attr("meta[property='og:image']", "content");
    assert_eq!(og.len(), 1);
    assert!(
        og[0].starts_with("http") && og[0].contains("_16x9_f50x50_1280.jpg"),
        "{og:?}"
    );
    assert_eq!(
        page.select_attr("meta[property='og:image:width']", "content"),
        ["1280"]
    );
    assert_eq!(
        page.select_attr("meta[property='og:image:height']", "content"),
        ["720"]
    );
    let ld: serde_json::Value =
        serde_json::from_str(&page.select_text("script[type='application/ld+json']")[0]).unwrap();
    let images: Vec<&str> = ld["image"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(images.len(), 3, "16:9, 4:3 and 1:1");
    for ratio in ["_16x9_", "_4x3_", "_1x1_"] {
        assert!(
            images
                .iter()
                .any(|u| u.contains(ratio) && u.starts_with("http")),
            "{images:?}"
        );
    }
    // the demo has a logo: the publisher's
    assert!(
        ld["publisher"]["logo"]["url"]
            .as_str()
            .unwrap()
            .ends_with(".png"),
        "{ld}"
    );
    assert!(ld["publisher"]["logo"]["width"].as_u64().unwrap() > 0);

    // feeds enclose the picture and describe the story
    let rss = app.get("/rss.xml").await;
    let doc = roxmltree::Document::parse(&rss.body).unwrap();
    let item = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("item")
                && n.children()
                    .any(|c| c.has_tag_name("title") && c.text() == Some("黄河大桥合龙"))
        })
        .expect("the story is in the feed");
    let enclosure = item
        .children()
        .find(|c| c.has_tag_name("enclosure"))
        .expect("an enclosure");
    assert_eq!(enclosure.attribute("type"), Some("image/jpeg"));
    assert!(enclosure.attribute("url").unwrap().ends_with("_960.jpg"));
    let len: u64 = enclosure.attribute("length").unwrap().parse().unwrap();
    let served = app
        .get_bytes(
            enclosure
                .attribute("url")
                .unwrap()
                .split_once("/media/")
                .map(|(_, k)| format!("/media/{k}"))
                .unwrap()
                .as_str(),
        )
        .await;
    assert_eq!(
        served.len() as u64,
        len,
        "the enclosure's length is the file's"
    );
    let atom = app.get("/atom.xml").await;
    assert!(
        atom.body.contains("rel=\"enclosure\" type=\"image/jpeg\""),
        "{}",
        atom.body
    );
    // a demo story without a summary is described by its first words
    let doc = roxmltree::Document::parse(&rss.body).unwrap();
    let empty = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("description") && n.parent().is_some_and(|p| p.has_tag_name("item"))
        })
        .filter(|n| n.text().unwrap_or_default().trim().is_empty())
        .count();
    assert_eq!(empty, 0, "every item has a description");

    // the library knows which story uses each picture
    let lib = d.editor.get("/admin/images?q=黄河").await;
    assert_eq!(lib.status, 200);
    assert!(lib.text().contains(&format!("编号 {id}")), "{}", lib.text());
    let detail = d.editor.get(&format!("/admin/images/{id}")).await;
    assert!(detail.text().contains("黄河大桥合龙"), "{}", detail.text());
    let detail = d
        .editor
        .get(&format!("/admin/images/{}", body_pic["id"]))
        .await;
    assert!(
        detail.text().contains("黄河大桥合龙"),
        "body pictures count as uses"
    );
}

#[tokio::test]
async fn a_picture_without_alt_text_is_not_signed_off() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let v = upload(&d.reporter, &[], &jpeg(800, 600)).await;
    let id = v["id"].as_i64().unwrap();
    let story = story_with_lead(&d, id, "", BODY).await;
    let r = sign_off(&d, story).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.text().contains("题图须填写替代文字"), "{}", r.text());
    let a = app.state.store.article(story).await.unwrap().unwrap();
    assert_ne!(a.status, gazette::domain::Status::Published);
    // sent back; the reporter adds it, and it goes through again
    assert_eq!(
        d.signer
            .act(story, "reject", "请补充题图的替代文字")
            .await
            .status,
        303
    );
    let mut draft = app
        .state
        .store
        .working_revision(story)
        .await
        .unwrap()
        .unwrap()
        .draft;
    draft.parts.lead.as_mut().unwrap().alt = "大桥".into();
    let form = edit_form(&draft);
    let v = d.reporter.version(story).await;
    let mut pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("version", &v));
    let saved = d
        .reporter
        .post(&format!("/admin/stories/{story}"), &pairs)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let r = sign_off(&d, story).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        app.state
            .store
            .article(story)
            .await
            .unwrap()
            .unwrap()
            .status,
        gazette::domain::Status::Published
    );
    // the accepted uploads get their sizes made
    app.run_jobs().await;
}

/// The editor form's fields for a draft (the ones these tests use).
fn edit_form(d: &gazette::domain::draft::Draft) -> Vec<(&'static str, String)> {
    let lead = d.parts.lead.clone().unwrap_or_default();
    vec![
        ("title", d.title.clone()),
        ("channel_id", d.channel_id.to_string()),
        ("body", d.body_html.clone()),
        ("summary", d.summary.clone()),
        ("kind", d.kind.as_str().to_string()),
        ("lead_image", lead.image_id.to_string()),
        ("lead_caption", lead.caption),
        ("lead_credit", lead.credit),
        ("lead_alt", lead.alt),
    ]
}

#[tokio::test]
async fn a_gallery_shows_its_pictures_in_order_at_anchors() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let mut ids = Vec::new();
    for (i, (w, h)) in [(1200, 800), (900, 1200), (1600, 900)].iter().enumerate() {
        let caption = format!("第{}张说明", i + 1);
        let alt = format!("图{}", i + 1);
        let v = upload(
            &d.reporter,
            &[("caption", &caption), ("alt", &alt)],
            &jpeg(*w, *h),
        )
        .await;
        ids.push(v["id"].as_i64().unwrap().to_string());
    }
    app.run_jobs().await;
    let yw = d.yw.to_string();
    // the form's rows in the order the numbers say: 3, 1, 2
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "图集:黄河入海口"),
                ("channel_id", &yw),
                ("kind", "gallery"),
                ("body", "<p>黄河入海口的四季。</p>"),
                ("g_order", "2"),
                ("g_image", &ids[0]),
                ("g_caption", "入海口的清晨"),
                ("g_credit", "李四"),
                ("g_alt", "清晨的入海口"),
                ("g_order", "3"),
                ("g_image", &ids[1]),
                ("g_caption", ""),
                ("g_credit", ""),
                ("g_alt", "芦苇"),
                ("g_order", "1"),
                ("g_image", &ids[2]),
                ("g_caption", "湿地航拍"),
                ("g_credit", ""),
                ("g_alt", "湿地"),
                ("g_order", "4"),
                ("g_image", ""),
                ("g_caption", ""),
                ("g_credit", ""),
                ("g_alt", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let story: i64 = r
        .header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(sign_off(&d, story).await.status, 303);
    let a = app.state.store.article(story).await.unwrap().unwrap();
    assert_eq!(a.kind, gazette::domain::kind::Kind::Gallery);
    let page = app.get(&format!("/{}", a.url_path.clone().unwrap())).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.select_attr(".gallery-item", "id"), ["p1", "p2", "p3"]);
    let captions = page.select_text(".gallery-item figcaption");
    assert_eq!(captions[0], "1/3 湿地航拍");
    assert_eq!(captions[1], "2/3 入海口的清晨 摄影:李四");
    // an empty caption falls back to the library's words
    assert_eq!(captions[2], "3/3 第2张说明");
    assert_eq!(
        page.select_attr(".gallery-thumbs a", "href"),
        ["#p1", "#p2", "#p3"]
    );
    assert_eq!(
        page.select_attr(".gallery-item img", "alt"),
        ["湿地", "清晨的入海口", "芦苇"]
    );
    assert_eq!(
        page.select_attr(".gallery-item img", "width"),
        ["960", "960", "900"]
    );
    let ld: serde_json::Value =
        serde_json::from_str(&page.select_text("script[type='application/ld+json']")[0]).unwrap();
    let gallery = &ld[1];
    assert_eq!(gallery["@type"], "ImageGallery");
    let media = gallery["associatedMedia"].as_array().unwrap();
    assert_eq!(media.len(), 3);
    assert_eq!(media[1]["caption"], "入海口的清晨");
    assert_eq!(media[1]["creditText"], "李四");
    assert!(media[0]["contentUrl"].as_str().unwrap().starts_with("http"));
    // lists mark it: 图集 and its count
    let list = app.get("/zw/yw/").await;
    assert!(list.text().contains("图集·3张"), "{}", list.text());
}

#[tokio::test]
async fn a_moved_focal_point_makes_new_crops_and_the_pages_follow() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let v = upload(&d.reporter, &[("alt", "桥")], &jpeg(1600, 1200)).await;
    let id = v["id"].as_i64().unwrap();
    app.run_jobs().await;
    let story = story_with_lead(&d, id, "桥", BODY).await;
    assert_eq!(sign_off(&d, story).await.status, 303);
    let path = format!(
        "/{}",
        app.state
            .store
            .article(story)
            .await
            .unwrap()
            .unwrap()
            .url_path
            .unwrap()
    );
    let og = |page: &crate::util::TestResponse| {
        page.select_attr("meta[property='og:image']", "content")[0].clone()
    };
    let before = og(&app.get(&path).await);
    assert!(before.contains("_f50x50_"), "{before}");
    let r = d
        .editor
        .post(
            &format!("/admin/images/{id}"),
            &[
                ("caption", "桥"),
                ("credit", ""),
                ("alt", "桥"),
                ("focal_x", "20"),
                ("focal_y", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // the picture page marks the point where it is, with no inline style
    // (the CSP refuses style attributes: the marker would sit at the corner)
    let page = d.editor.get(&format!("/admin/images/{id}")).await;
    assert_eq!(
        page.select_attr(".focal-dot circle", "cx"),
        ["20%", "20%"],
        "{}",
        page.body
    );
    assert!(
        page.html()
            .select(&scraper::Selector::parse("[style]").unwrap())
            .next()
            .is_none(),
        "an inline style the CSP blocks"
    );
    // until the job has run, the page keeps the crops that exist
    assert_eq!(og(&app.get(&path).await), before);
    app.run_jobs().await;
    let after = og(&app.get(&path).await);
    assert!(after.contains("_f20x30_"), "{after}");
    assert_eq!(
        app.get(
            after
                .split_once("/media/")
                .map(|(_, k)| format!("/media/{k}"))
                .unwrap()
                .as_str()
        )
        .await
        .status,
        200
    );
    // a focal point out of range is a clear error
    let bad = d
        .editor
        .post(
            &format!("/admin/images/{id}"),
            &[("focal_x", "120"), ("focal_y", "30")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("0 到 100"), "{}", bad.text());
}

#[tokio::test]
async fn hostile_files_get_a_clear_refusal_and_nothing_is_stored() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let before = app.state.media.keys().await.unwrap().len();
    // a decompression bomb: 20000 x 20000 claimed by a tiny PNG
    let bomb = {
        let mut out = Vec::new();
        let img = image::GrayImage::new(1, 1);
        image::DynamicImage::ImageLuma8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        // rewrite the IHDR size (and its CRC) to 20000 x 20000
        out[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        out[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&out[12..29]);
        out[29..33].copy_from_slice(&crc.to_be_bytes());
        out
    };
    let photo = jpeg(1200, 900);
    let cut = photo[..photo.len() / 2].to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb", bomb, "图片尺寸过大"),
        ("truncated", cut, "图片文件不完整"),
        (
            "html",
            b"<html><script>alert(1)</script></html>".to_vec(),
            "只支持 JPEG",
        ),
        (
            "huge",
            {
                let img = image::GrayImage::new(12_500, 100);
                let mut out = Vec::new();
                image::DynamicImage::ImageLuma8(img)
                    .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
                    .unwrap();
                out
            },
            "图片尺寸过大",
        ),
    ];
    for (what, bytes, says) in cases {
        let r = d.reporter.upload_with(&[], &bytes).await;
        assert!(
            (400..500).contains(&r.status.as_u16()),
            "{what}: {}",
            r.status
        );
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            v["error"].as_str().unwrap().contains(says),
            "{what}: {}",
            r.body
        );
    }
    assert_eq!(app.state.media.keys().await.unwrap().len(), before);
    // a picture of another site's library cannot be used here
    app.add_user(
        "county",
        &[gazette::domain::user::Role::Reporter],
        &["zouping"],
    )
    .await;
    let county = app.login("county").await;
    let v = upload(&county, &[("site", "zouping")], &jpeg(640, 480)).await;
    let yw = d.yw.to_string();
    let pic = v["id"].as_i64().unwrap().to_string();
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "借图"),
                ("channel_id", &yw),
                ("body", BODY),
                ("lead_image", &pic),
            ],
        )
        .await;
    // the form comes back with what was typed and the reason (422)
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.text().contains("属于其他站点"), "{}", r.text());
    assert_eq!(r.select_attr("#title", "value"), ["借图"]);
    // nor uploaded to a library the person does not work in
    let r = county
        .upload_with(&[("site", "main")], &jpeg(640, 480))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    // the accepted uploads get their sizes made
    app.run_jobs().await;
}

/// CRC-32 of a PNG chunk (type and data), to forge a header.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test]
async fn the_export_holds_every_variant() {
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let out = tempfile::tempdir().unwrap();
    gazette::export::build(&app.state, out.path(), false, false)
        .await
        .unwrap();
    let pictures = app
        .state
        .store
        .library(&gazette::db::LibraryQuery {
            limit: 200,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(pictures.len() >= 14, "the demo's photographs");
    for p in &pictures {
        for k in planned_keys(&app, p.id).await {
            assert!(
                out.path().join("media").join(&k).is_file(),
                "{k} is exported"
            );
        }
    }
    // the demo's home: a carousel of pictures, a 图片新闻 block of thumbnails, a gallery of 9
    let home = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let html = scraper::Html::parse_document(&home);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert!(html.select(&sel(".carousel .slide picture img")).count() >= 4);
    assert!(
        html.select(&sel(".block-pictures .media-thumb img"))
            .count()
            >= 4
    );
    let gallery = app.state.store.article(900_410).await.unwrap().unwrap();
    let page = std::fs::read_to_string(out.path().join(gallery.url_path.unwrap())).unwrap();
    assert_eq!(
        scraper::Html::parse_document(&page)
            .select(&sel(".gallery-item"))
            .count(),
        9
    );
}

#[tokio::test]
async fn an_outside_reader_finds_no_gps_in_what_is_served() {
    if std::process::Command::new("exiftool")
        .arg("-ver")
        .output()
        .is_err()
    {
        let msg = "NOT RUN: an_outside_reader_finds_no_gps_in_what_is_served needs exiftool (apt-get install libimage-exiftool-perl)";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("{msg}");
        return;
    }
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    // a camera file: GPS position, copyright, turned right (orientation 6)
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("camera.jpg");
    std::fs::write(&file, jpeg(1200, 800)).unwrap();
    let tagged = std::process::Command::new("exiftool")
        .args([
            "-q",
            "-overwrite_original",
            "-GPSLatitude=37.38",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=117.97",
            "-GPSLongitudeRef=E",
            "-Copyright=滨州日报社",
            "-Orientation=6",
            "-n",
        ])
        .arg(&file)
        .status()
        .unwrap();
    assert!(tagged.success());
    let v = upload(&d.reporter, &[], &std::fs::read(&file).unwrap()).await;
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(800), Some(1200)),
        "upright"
    );
    assert_eq!(
        v["credit"], "滨州日报社",
        "the copyright becomes the credit"
    );
    app.run_jobs().await;
    let id = v["id"].as_i64().unwrap();
    for key in planned_keys(&app, id).await {
        let served = app.get_bytes(&format!("/media/{key}")).await;
        let path = dir.path().join(key.replace('/', "_"));
        std::fs::write(&path, &served).unwrap();
        let out = std::process::Command::new("exiftool")
            .args(["-j", "-G", "-n"])
            .arg(&path)
            .output()
            .unwrap();
        let tags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let tags = &tags[0];
        assert!(
            tags.as_object().unwrap().keys().all(|k| !k.contains("GPS")),
            "{key}: {tags}"
        );
        assert_eq!(tags["EXIF:Copyright"], "滨州日报社", "{key}: {tags}");
        if key != v["url"].as_str().unwrap().trim_start_matches("/media/") {
            assert_eq!(tags["EXIF:Orientation"], 1, "{key}: variants are upright");
        }
    }
}

/// Captions, credits and 替代文字 written in a gallery reach the picture
/// library where a picture has none; what the library says is kept
/// (issue 24 §5).
#[tokio::test]
async fn words_written_in_a_gallery_reach_the_library_where_it_has_none() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let bare = upload(&d.reporter, &[], &jpeg(800, 600)).await["id"]
        .as_i64()
        .unwrap();
    let named = upload(&d.reporter, &[("caption", "图片库的说明")], &jpeg(600, 800)).await["id"]
        .as_i64()
        .unwrap();
    app.run_jobs().await;
    let (yw, bare_s, named_s) = (d.yw.to_string(), bare.to_string(), named.to_string());
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "组图:黄河湿地"),
                ("channel_id", &yw),
                ("kind", "gallery"),
                ("body", BODY),
                ("g_image", &bare_s),
                ("g_caption", "白鹭在湿地觅食"),
                ("g_credit", "李四摄"),
                ("g_alt", "两只白鹭站在浅水中"),
                ("g_image", &named_s),
                ("g_caption", "稿件里的说明"),
                ("g_credit", ""),
                ("g_alt", "芦苇荡"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p = app.state.store.picture(bare).await.unwrap().unwrap();
    assert_eq!(
        (p.caption.as_str(), p.credit.as_str(), p.alt.as_str()),
        ("白鹭在湿地觅食", "李四摄", "两只白鹭站在浅水中")
    );
    let q = app.state.store.picture(named).await.unwrap().unwrap();
    assert_eq!(q.caption, "图片库的说明", "the library's own words stay");
    assert_eq!(q.alt, "芦苇荡");
    let listed = d.reporter.get("/admin/images?q=白鹭").await;
    assert!(listed.text().contains("白鹭在湿地觅食"), "{}", listed.body);
    app.run_jobs().await;
}
