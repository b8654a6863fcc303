//! The newsroom in a real browser (Chromium through chromedriver): a reporter
//! writes a story with an image and a subheading, 初审 and 复审 review it (one
//! rejection round), the 签发人 signs it off, it is live, then withdrawn.
//! Screenshots land in `target/browser/`. `.ci/run` installs chromium,
//! chromium-driver and fonts-noto-cjk; without them this test says NOT RUN
//! (and fails under CI).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::agent::PASSWORD;
use crate::util::webdriver::{Driver, wait_ready};

/// Every picture laid out on the page is decoded (before a screenshot).
const PICTURES_SHOWN: &str = "return [...document.images].filter(i => i.getBoundingClientRect().height > 0).every(i => i.complete && i.naturalWidth > 0);";

fn available() -> bool {
    std::path::Path::new("/usr/bin/chromium").exists()
        && Command::new("chromedriver")
            .arg("--version")
            .output()
            .is_ok()
}

/// Start chromedriver on a free port.
pub(crate) fn chromedriver() -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    (child, port)
}

pub(crate) fn not_run_unless_available() -> bool {
    if available() {
        return false;
    }
    let msg = "NOT RUN: the browser test needs /usr/bin/chromium and chromedriver (apt install chromium chromium-driver fonts-noto-cjk)";
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("{msg}");
    true
}

pub(crate) fn login(d: &Driver, base: &str, user: &str) {
    d.delete_cookies();
    d.goto(&format!("{base}/admin/login"));
    d.type_into("#username", user);
    d.type_into("#password", PASSWORD);
    d.click(".login button[type=submit]");
    d.wait_for(".admin-head");
}

pub(crate) fn act(d: &Driver, base: &str, id: i64, button: &str, opinion: &str, done: &str) {
    d.goto(&format!("{base}/admin/stories/{id}"));
    if !opinion.is_empty() {
        d.type_into("#opinion", opinion);
    }
    d.click(&format!("button.act-{button}"));
    d.wait_for_text(".flash", done);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_story_goes_from_reporter_to_reader_in_a_browser() {
    if not_run_unless_available() {
        return;
    }
    let app = TestApp::with_demo().await;
    for (name, role) in [
        ("reporter", Role::Reporter),
        ("editor", Role::Editor),
        ("second", Role::Reviewer(2)),
        ("signer", Role::Signer),
        ("admin", Role::Admin),
    ] {
        app.add_user(name, &[role], &["main"]).await;
    }
    // readers' views, so the 热点排行 lists have stories
    gazette::demo::views::seed(app.state.store.as_ref(), app.state.now())
        .await
        .unwrap();
    let addr = app.serve().await;
    let base = format!("http://{addr}");
    let (mut driver_proc, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let image = profile.path().join("photo.png");
    let img = image::RgbImage::from_fn(640, 360, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    img.save(&image).unwrap();
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    let profile_dir = profile.path().join("chrome");

    let result = tokio::task::spawn_blocking(move || {
        assert!(wait_ready(port), "chromedriver did not start");
        let d = Driver::new(port, &profile_dir);

        // The reporter writes: a paragraph, a subheading, an image.
        login(&d, &base, "reporter");
        d.goto(&format!("{base}/admin/stories/new"));
        d.type_into("#title", "滨州职业教育活动周启动");
        // the 责任编辑 is not the reporter's to fill: the 初审 editor is named
        assert_eq!(d.count("input[name=editor]"), 0);
        d.type_into("input[name=byline_name]", "丁春贵");
        d.type_into("#source", "滨州日报/滨州网讯");
        d.script("document.querySelector('#channel_id').value = Array.from(document.querySelectorAll('#channel_id option')).find(o => o.textContent.includes('政务要闻')).value;");
        d.click(".editor");
        d.type_into(".editor", "5月8日,全市职业教育活动周在邹平启动。\u{e007}活动安排");
        d.click(".toolbar button[data-cmd=h2]");
        d.script("const e = document.querySelector('.editor'); const r = document.createRange(); r.selectNodeContents(e); r.collapse(false); const s = getSelection(); s.removeAllRanges(); s.addRange(r);");
        d.type_into(".editor", "\u{e007}");
        d.click(".toolbar button[data-cmd=p]");
        d.type_into(".editor", "活动周期间将举办技能大赛和开放日。");
        d.type_into(".toolbar input[type=file]", image.to_str().unwrap());
        d.wait_for(".editor img");
        d.screenshot(&shots.join("editor.png"));
        d.click("#story-form button[name=save]");
        d.wait_for_text(".flash", "已保存");
        let url = d.url();
        let id: i64 = url.split("/admin/stories/").nth(1).unwrap().split('?').next().unwrap().parse().unwrap();
        // Leaving with unsaved changes asks first, and what was typed comes back.
        d.click(".editor");
        d.script("const e = document.querySelector('.editor'); const r = document.createRange(); r.selectNodeContents(e); r.collapse(false); const s = getSelection(); s.removeAllRanges(); s.addRange(r);");
        d.type_into(".editor", "\u{e007}离开页面前没有保存的一句话。");
        let count = d.text("#body-count");
        assert!(count.parse::<usize>().unwrap() > 30, "正文字数 {count}");
        // the page asks before it goes (WebDriver accepts such prompts itself)
        let asks = "const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented;";
        assert_eq!(d.script(asks).as_bool(), Some(true), "no unsaved-changes warning");
        d.goto(&format!("{base}/admin/"));
        d.wait_for(".admin-head");
        d.goto(&format!("{base}/admin/stories/{id}"));
        d.wait_for(".restored");
        assert!(d.text(".editor").contains("离开页面前没有保存的一句话"));
        d.screenshot(&shots.join("autosave-restored.png"));
        // not wanted after all: back to the saved story
        d.click(".restored button");
        d.wait_for_text(".flash", "已放弃自动保存");
        assert!(!d.text(".editor").contains("离开页面前没有保存的一句话"));
        d.click("button.act-submit");
        d.wait_for_text(".flash", "已提交审核");

        // 初审 passes; 复审 cannot change the approved text, and sends it back with a reason.
        login(&d, &base, "editor");
        act(&d, &base, id, "approve", "同意,请复审", "审核通过");
        // what he may not do next is drawn disabled, with the reason
        d.wait_for("button.act-approve[disabled]");
        assert_eq!(d.text("button.act-approve"), "复审通过");
        assert!(d.text("#why-approve").contains("复审须由相应审核人员进行"));
        d.screenshot(&shots.join("disabled-with-reason.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("disabled-with-reason-phone.png"));
        d.window(1280, 1800);
        login(&d, &base, "second");
        d.goto(&format!("{base}/admin/stories/{id}"));
        // the approved text is shown whole (byline, 责任编辑, pictures), not
        // offered for editing (a stale form posting anyway is refused:
        // tests/it/one_path.rs)
        d.wait_for(".review-view");
        assert_eq!(d.count("#story-form"), 0);
        let meta = d.text(".review-meta");
        assert!(meta.contains("记者 丁春贵"), "{meta}");
        assert!(meta.contains("editor名"), "{meta}");
        let shown: i64 = d
            .script("const i = document.querySelector('.review-view .body img'); return i && i.complete ? i.naturalWidth : 0;")
            .as_i64()
            .unwrap_or(0);
        assert!(shown > 0, "the body's picture shows in the review view");
        d.screenshot(&shots.join("review-readonly.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("review-readonly-phone.png"));
        d.window(1280, 1800);
        act(&d, &base, id, "reject", "请在导语中写明活动主办单位", "已退回修改");

        // The reporter reads the reason, fixes the lead, resubmits.
        login(&d, &base, "reporter");
        d.goto(&format!("{base}/admin/stories/{id}"));
        assert!(d.text(".audit").contains("请在导语中写明活动主办单位"));
        // and at the top of the story, where it is seen first
        assert!(d.text(".returned").contains("请在导语中写明活动主办单位"));
        d.screenshot(&shots.join("returned.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("returned-phone.png"));
        d.window(1280, 1800);
        // typed and submitted at once, without 保存: what is on the screen goes in
        d.click(".editor p");
        d.script("const p = document.querySelector('.editor p'); p.textContent = '5月8日,由市教育局主办的全市职业教育活动周在邹平启动。';");
        d.click("button.act-submit");
        d.wait_for_text(".flash", "已提交审核");
        assert!(d.text(".review-view").contains("由市教育局主办"), "the unsaved edit was submitted");

        login(&d, &base, "editor");
        act(&d, &base, id, "approve", "同意", "审核通过");
        login(&d, &base, "second");
        act(&d, &base, id, "approve", "同意", "审核通过");
        login(&d, &base, "signer");
        act(&d, &base, id, "approve", "同意签发", "已签发");
        assert_eq!(d.text("#flow-state"), "已发布");

        // Readers see it on the home page and the channel page, with its 签发日期.
        d.delete_cookies();
        d.goto(&format!("{base}/"));
        d.click("a[href*='/zw/yw/2024-04/20/']");
        d.wait_for(".story-title");
        assert_eq!(d.text(".story-title"), "滨州职业教育活动周启动");
        d.wait_for(".story-meta .signed");
        assert_eq!(d.text(".story-meta .signed"), "签发日期:2024年04月20日 12:00");
        assert_eq!(d.text(".story-body h2"), "活动安排");
        assert!(d.text(".story-body").contains("由市教育局主办"));
        assert_eq!(d.count(".story-body img"), 1);
        let natural: i64 = d.script("return document.querySelector('.story-body img').naturalWidth;").as_i64().unwrap_or(0);
        assert_eq!(natural, 640, "the uploaded image loads");
        d.screenshot(&shots.join("published.png"));
        let story_url = d.url();
        d.goto(&format!("{base}/zw/yw/"));
        assert!(d.text(".channel-list").contains("滨州职业教育活动周启动"));

        // The reporter revises the live story; its new sign-off shows as 更新, the
        // 签发日期 stays.
        login(&d, &base, "reporter");
        d.goto(&format!("{base}/admin/stories/{id}"));
        d.clear("#title");
        d.type_into("#title", "滨州职业教育活动周启动(更新)");
        d.click("#story-form button[name=save]");
        d.wait_for_text(".flash", "已保存");
        d.click("button.act-submit");
        d.wait_for_text(".flash", "已提交审核");
        login(&d, &base, "editor");
        act(&d, &base, id, "approve", "同意", "审核通过");
        login(&d, &base, "second");
        act(&d, &base, id, "approve", "同意", "审核通过");
        login(&d, &base, "signer");
        act(&d, &base, id, "approve", "同意签发", "已签发");
        d.delete_cookies();
        d.goto(&story_url);
        d.wait_for(".story-title");
        assert_eq!(d.text(".story-title"), "滨州职业教育活动周启动(更新)");

        d.wait_for(".story-meta .signed");
        assert_eq!(d.text(".story-meta .signed"), "签发日期:2024年04月20日 12:00");
        assert!(d.text(".story-meta .revised").starts_with("更新:2024年04月20日"));
        d.screenshot(&shots.join("revised.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("revised-phone.png"));
        d.window(1280, 1800);

        // A stranger's wrong passwords slowed the signer down; the admin lifts it.
        login(&d, &base, "admin");
        d.goto(&format!("{base}/admin/users"));
        d.script("document.querySelectorAll('details').forEach(x => x.open = true);");
        d.click("form[action$='/unlock'] button");
        d.wait_for_text(".flash", "已解除");
        d.screenshot(&shots.join("users.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("users-phone.png"));
        d.window(1280, 1800);
        // a channel row saves through its own form (inputs tied to it by form=)
        d.goto(&format!("{base}/admin/channels"));
        let row = "tbody tr:first-child";
        d.clear(&format!("{row} input[name=page_size]"));
        d.type_into(&format!("{row} input[name=page_size]"), "25");
        // mark this document, click, and wait for the page the save redirects to
        d.script("document.body.dataset.before = 'save';");
        d.click(&format!("{row} button"));
        d.wait_for("body:not([data-before])");
        assert_eq!(
            d.script(&format!("return document.querySelector('{row} input[name=page_size]').value;")).as_str(),
            Some("25")
        );
        d.screenshot(&shots.join("channels.png"));

        // 推荐位: drag the third 头条 item to the top; the home page follows
        d.goto(&format!("{base}/admin/slots"));
        d.screenshot(&shots.join("slots.png"));
        d.click("table.slots tbody tr:first-child td a");
        d.wait_for("#slot-list");
        let third_id = d.script("return document.querySelectorAll('#slot-list li.slot-item')[2].dataset.id;");
        let third_title = d.script("return document.querySelectorAll('#slot-list li.slot-item')[2].querySelector('a').textContent;");
        d.script(
            "const items = document.querySelectorAll('#slot-list li.slot-item');\n\
             const dt = new DataTransfer();\n\
             const from = items[2], to = items[0];\n\
             const box = to.getBoundingClientRect();\n\
             from.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt }));\n\
             to.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt, clientY: box.top + 2 }));\n\
             to.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));\n\
             from.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: dt }));",
        );
        d.wait_for_text(".flash", "顺序已调整");
        assert_eq!(
            d.script("return document.querySelector('#slot-list li.slot-item').dataset.id;"),
            third_id
        );
        // the keyboard's way: 下移 on the first item
        d.script("document.body.dataset.before = 'down';");
        d.click("#slot-list li.slot-item:first-child .slot-actions form:first-child button");
        d.wait_for("body:not([data-before])");
        d.wait_for_text(".flash", "顺序已调整");
        assert_eq!(
            d.script("return document.querySelectorAll('#slot-list li.slot-item')[1].dataset.id;"),
            third_id
        );
        d.screenshot(&shots.join("slot.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("slot-phone.png"));
        d.window(1280, 1800);
        d.goto(&format!("{base}/"));
        // the slot's first leads in large type; its second heads the block beside it
        let second_on_home = d.script("return document.querySelectorAll('.home-top .block li a')[0].title;");
        assert_eq!(second_on_home, third_title, "the home page shows the new order");
        // 热点排行: the newsroom's screen, a removal with its reason; the
        // public list follows at once
        d.goto(&format!("{base}/admin/rankings"));
        let first = d.script("return document.querySelector('#list-day + table tbody tr td:nth-child(2) a').textContent;");
        d.click("#list-day + table tbody tr:first-child details summary");
        d.type_into("#list-day + table tbody tr:first-child input[name=reason]", "测试:待核实");
        d.click("#list-day + table tbody tr:first-child form button[type=submit]");
        d.wait_for_text(".flash", "已移出排行");
        assert!(d.text("#removals + table").contains("测试:待核实"));
        d.screenshot(&shots.join("rankings.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("rankings-phone.png"));
        d.window(1280, 1800);
        d.goto(&format!("{base}/phb/"));
        let now_first = d.script("return document.querySelector('#rank-day + ol li a').title;");
        assert_ne!(now_first, first, "the removed story left the public list");
        assert!(d.text("main").contains("24小时排行"));
        // the record shows what was done, in words
        d.goto(&format!("{base}/admin/audit"));
        assert!(d.text("table.audit").contains("调整推荐位顺序"));
        d.screenshot(&shots.join("audit.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("audit-phone.png"));
        d.window(1280, 1800);
        d.goto(&format!("{base}/admin/"));
        d.screenshot(&shots.join("dashboard.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("dashboard-phone.png"));
        d.window(1280, 1800);
        d.goto(&format!("{base}/admin/stats"));
        assert!(d.text("table.stats").contains("signer名"));
        d.screenshot(&shots.join("stats.png"));
        d.goto(&format!("{base}/admin/stories?state=live"));
        d.screenshot(&shots.join("stories.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("stories-phone.png"));
        d.window(1280, 1800);

        // Withdrawn, after a confirmation: the page answers 410 with a notice.
        login(&d, &base, "signer");
        d.goto(&format!("{base}/admin/stories/{id}"));
        d.type_into("#opinion", "活动延期");
        d.click("button.act-withdraw");
        d.accept_alert();
        d.wait_for_text(".flash", "已撤稿");
        d.delete_cookies();
        d.goto(&story_url);
        assert_eq!(d.text(".error-page h1"), "稿件已撤回");
        let status = d.script(&format!("return fetch('{story_url}').then(r => r.status);"));
        assert_eq!(status.as_i64(), Some(410));
        // 恢复: the 签发人 brings it back, with a reason, after a confirmation
        login(&d, &base, "signer");
        d.goto(&format!("{base}/admin/stories/{id}"));
        d.type_into("#opinion", "活动如期举行");
        d.click("button.act-restore");
        d.accept_alert();
        d.wait_for_text(".flash", "已恢复发布");
        d.delete_cookies();
        d.goto(&story_url);
        d.wait_for(".story-title");
        assert_eq!(d.text(".story-title"), "滨州职业教育活动周启动(更新)");

        // Pasting from Word: styles, Office tags and comments go at once; a
        // local image cannot be kept, and the editor says so.
        login(&d, &base, "reporter");
        d.goto(&format!("{base}/admin/stories/new"));
        d.click(".editor");
        d.script(r#"
            const html = '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body>'
              + '<!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]-->'
              + '<p class="MsoNormal" style="text-indent:2em;mso-char-indent-count:2"><span style="font-family:宋体;font-size:16pt">滨州网讯 记者从市教育局获悉,<b>全市</b>新增职业院校3所。<o:p></o:p></span></p>'
              + '<p class="MsoNormal"><img src="file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image001.jpg"></p>'
              + '<h1 style="color:red">二、工作安排</h1></body></html>';
            const dt = new DataTransfer();
            dt.setData('text/html', html);
            dt.setData('text/plain', '滨州网讯');
            document.querySelector('.editor').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        "#);
        let html = d.script("return document.querySelector('.editor').innerHTML;");
        let html = html.as_str().unwrap_or_default().to_string();
        assert!(html.contains("全市新增职业院校3所") || html.contains("<strong>全市</strong>"), "{html}");
        for junk in ["MsoNormal", "style=", "mso-", "o:p", "file:", "<span", "<!--"] {
            assert!(!html.contains(junk), "{junk} kept: {html}");
        }
        assert!(html.contains("<h2>二、工作安排</h2>"), "{html}");
        assert!(d.text("#paste-warning").contains("1 张图片无法保留"));
        d.screenshot(&shots.join("paste-warning.png"));
        assert_eq!(d.script(asks).as_bool(), Some(true), "pasted text is an unsaved change");
        d.goto(&format!("{base}/admin/"));
    })
    .await;
    let _ = driver_proc.kill();
    let _ = driver_proc.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
    // the pictures uploaded through the browser get their sizes made
    app.run_jobs().await;
}

/// The reader's pictures: the 焦点图 carousel turns by the arrow keys and by
/// a swipe, a gallery by the arrow keys with its address following, a story
/// picture opens large; the editor uploads a 题图 and a gallery. Screenshots
/// of home, story and gallery at desktop and phone size land in `target/browser/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pictures_in_a_browser() {
    if not_run_unless_available() {
        return;
    }
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let gallery = app.state.store.article(900_410).await.unwrap().unwrap();
    let photo = app.state.store.article(900_401).await.unwrap().unwrap();
    let addr = app.serve().await;
    let base = format!("http://{addr}");
    let gallery_url = format!("{base}/{}", gallery.url_path.unwrap());
    let photo_url = format!("{base}/{}", photo.url_path.unwrap());
    let (mut driver_proc, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let upload = profile.path().join("lead.png");
    image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x % 256) as u8, 90, (y % 256) as u8])
    })
    .save(&upload)
    .unwrap();
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    let profile_dir = profile.path().join("chrome");
    let result = tokio::task::spawn_blocking(move || {
        assert!(wait_ready(port), "chromedriver did not start");
        let d = Driver::new(port, &profile_dir);
        let current = |css: &str| {
            d.script(&format!("return document.querySelector('{css}').getAttribute('data-current');"))
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        let pictures_loaded = "return Array.from(document.querySelectorAll('img')).filter(i => i.loading !== 'lazy').every(i => i.complete && i.naturalWidth > 0);";
        for (w, h, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
            d.window(w, h);
            d.goto(&format!("{base}/"));
            d.wait_for(".carousel[data-js]");
            d.wait_until(pictures_loaded, "the first pictures load");
            d.screenshot(&shots.join(format!("home-{name}.png")));
        }
        // the carousel: the arrow key moves it on, a swipe to the left too, one to the right back
        assert_eq!(current(".carousel"), "0");
        d.type_into(".carousel-track", "\u{E014}");
        assert_eq!(current(".carousel"), "1");
        let swipe = |from: i64, to: i64| {
            d.script(&format!(r#"
                const t = document.querySelector('.carousel-track');
                const touch = x => new Touch({{ identifier: 1, target: t, clientX: x, clientY: 100 }});
                t.dispatchEvent(new TouchEvent('touchstart', {{ touches: [touch({from})], changedTouches: [touch({from})], bubbles: true }}));
                t.dispatchEvent(new TouchEvent('touchend', {{ touches: [], changedTouches: [touch({to})], bubbles: true }}));
            "#));
        };
        swipe(300, 100);
        assert_eq!(current(".carousel"), "2");
        swipe(100, 300);
        assert_eq!(current(".carousel"), "1");
        // a hovered or focused carousel holds still
        assert_eq!(d.script("return document.querySelector('.carousel').hasAttribute('data-held');").as_bool(), Some(true));
        let visible = d.script("return Array.from(document.querySelectorAll('.slide')).filter(s => s.offsetWidth > 0).length;");
        assert_eq!(visible.as_i64(), Some(1), "one slide at a time");

        // a gallery: one picture at a time, arrows move it, the address follows
        for (w, h, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
            d.window(w, h);
            d.goto(&gallery_url);
            d.wait_for(".gallery[data-js]");
            d.wait_until(PICTURES_SHOWN, "the gallery's pictures show");
            d.screenshot(&shots.join(format!("gallery-{name}.png")));
        }
        assert_eq!(current(".gallery"), "1");
        assert_eq!(d.text(".gallery-status"), "1/9");
        d.type_into("body", "\u{E014}");
        d.type_into("body", "\u{E014}");
        assert_eq!(current(".gallery"), "3");
        assert_eq!(d.text(".gallery-status"), "3/9");
        assert!(d.url().ends_with("#p3"), "{}", d.url());
        d.type_into("body", "\u{E012}");
        assert_eq!(current(".gallery"), "2");
        // a link to #p5 opens at the fifth
        d.goto(&format!("{gallery_url}#p5"));
        d.wait_for(".gallery[data-js]");
        assert_eq!(current(".gallery"), "5");

        // a story: its 题图 opens large
        for (w, h, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
            d.window(w, h);
            d.goto(&photo_url);
            d.wait_for(".story-lead img");
            d.wait_until(PICTURES_SHOWN, "the story's pictures show");
            d.screenshot(&shots.join(format!("story-{name}.png")));
        }
        d.click(".story-lead img");
        d.wait_for("dialog.lightbox[open] img");
        let big = d.script("return document.querySelector('dialog.lightbox img').src;");
        assert!(big.as_str().unwrap().ends_with("_1200.jpg"), "{big}");

        // the editor: a 题图 uploaded from the form
        d.window(1366, 1400);
        login(&d, &base, "reporter");
        d.goto(&format!("{base}/admin/stories/new"));
        d.type_into("#lead-field input[type=file]", upload.to_str().unwrap());
        d.wait_for("#lead-field img.picture-preview");
        let id = d.script("return document.querySelector('input[name=lead_image]').value;");
        assert!(id.as_str().unwrap().parse::<i64>().unwrap() > 0, "{id}");
        d.script("document.querySelector('#kind').value = 'gallery'; document.querySelector('#kind').dispatchEvent(new Event('change'));");
        d.type_into("#gallery-field input[type=file]", upload.to_str().unwrap());
        d.wait_for_text(".upload-progress", "已上传 1 张");
        assert_eq!(d.count(".gallery-row:not(.gallery-blank)"), 1);
        let wide = d.script("const w = document.documentElement.clientWidth; const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; }; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1 && !scrolls(e)).map(e => e.tagName + '.' + e.className + '[' + (e.name || e.type || '') + '] ' + Math.round(e.getBoundingClientRect().right)).slice(0, 12).join(' | ');");
        assert_eq!(wide.as_str(), Some(""), "nothing is wider than the window");
        d.script("document.querySelector('#lead-field').scrollIntoView();");
        d.screenshot(&shots.join("editor-pictures.png"));
        d.goto(&format!("{base}/admin/images"));
        d.wait_for(".library-card");
        d.screenshot(&shots.join("library.png"));
        d.window(390, 844);
        d.screenshot(&shots.join("library-phone.png"));
        d.goto(&format!("{base}/admin/"));
    })
    .await;
    let _ = driver_proc.kill();
    let _ = driver_proc.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
    // the pictures uploaded through the browser get their sizes made
    app.run_jobs().await;
}

/// A 视频 story plays in Chromium (its time moves on after play, muted as a
/// reader's click would not need), its subtitles track is there; the
/// editor uploads a video through the resumable upload, shows the job's
/// progress to its end and sets a poster frame as the 题图.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn video_in_a_browser() {
    if not_run_unless_available() || crate::external::video::ffmpeg_missing("video_in_a_browser") {
        return;
    }
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let story = app.state.store.article(900_501).await.unwrap().unwrap();
    let addr = app.serve().await;
    // the server's job runner, as `serve` has it: the editor waits on it
    let runner = gazette::jobs::spawn(app.state.clone());
    let base = format!("http://{addr}");
    let story_url = format!("{base}/{}", story.url_path.unwrap());
    let (mut driver_proc, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let clip = profile.path().join("采访.mp4");
    std::fs::write(&clip, crate::external::video::clip(640, 360, 2)).unwrap();
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    let profile_dir = profile.path().join("chrome");
    let result = tokio::task::spawn_blocking(move || {
        assert!(wait_ready(port), "chromedriver did not start");
        let d = Driver::new(port, &profile_dir);
        for (w, h, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
            d.window(w, h);
            d.goto(&story_url);
            d.wait_for(".story-video video");
            d.wait_until(
                "const v = document.querySelector('.story-video video'); return v.readyState >= 1 || (v.poster !== '' && [...document.images].every(i => i.complete));",
                "the player has its poster and length",
            );
            d.screenshot(&shots.join(format!("video-{name}.png")));
        }
        // no autoplay: it waits for the reader
        assert_eq!(d.script("return document.querySelector('video').paused;").as_bool(), Some(true));
        let played = d.script(r#"
            const v = document.querySelector('video');
            v.muted = true;
            return v.play().then(() => new Promise(r => setTimeout(() => r(v.currentTime), 1500)))
                .catch(e => 'play failed: ' + e);
        "#);
        assert!(played.as_f64().is_some_and(|t| t > 0.3), "the video plays: {played}");
        let src = d.script("return document.querySelector('video').currentSrc;");
        assert!(src.as_str().unwrap().contains("/media/"), "{src}");

        // the editor: a video uploaded in chunks, processed, a frame as 题图
        d.window(1366, 1400);
        login(&d, &base, "reporter");
        d.goto(&format!("{base}/admin/stories/new"));
        d.script("document.querySelector('#kind').value = 'video'; document.querySelector('#kind').dispatchEvent(new Event('change'));");
        assert_eq!(d.script("return document.querySelector('#gallery-field').hidden;").as_bool(), Some(true));
        d.type_into("#video-field input[data-video-upload]", clip.to_str().unwrap());
        d.wait_for_text(".video-status", "可播放");
        let id = d.script("return document.querySelector('input[name=video_id]').value;");
        assert!(id.as_str().unwrap().parse::<i64>().unwrap() > 0, "{id}");
        d.wait_for(".poster-pick img");
        assert_eq!(d.count(".poster-pick"), 4);
        d.click(".poster-pick[data-frame='2']");
        d.wait_for("#lead-field img.picture-preview");
        let lead = d.script("return document.querySelector('input[name=lead_image]').value;");
        assert!(lead.as_str().unwrap().parse::<i64>().unwrap() > 0, "{lead}");
        let wide = d.script("const w = document.documentElement.clientWidth; const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; }; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1 && !scrolls(e)).map(e => e.tagName + '.' + e.className).slice(0, 12).join(' | ');");
        assert_eq!(wide.as_str(), Some(""), "nothing is wider than the window");
        d.script("document.querySelector('#video-field').scrollIntoView();");
        d.screenshot(&shots.join("editor-video.png"));
        d.window(390, 844);
        d.script("document.querySelector('#video-field').scrollIntoView();");
        d.screenshot(&shots.join("editor-video-phone.png"));
        d.goto(&format!("{base}/admin/"));
    })
    .await;
    runner.abort();
    let _ = driver_proc.kill();
    let _ = driver_proc.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
    // the poster picked in the browser gets its sizes made
    app.run_jobs().await;
}

/// A live page opened before an entry is approved shows it without a
/// reload (server-sent events); a reader scrolled down is shown the
/// "N 条新内容" bar instead of a jump; the reader's order is remembered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_coverage_in_a_browser() {
    if not_run_unless_available() {
        return;
    }
    let app = TestApp::with_demo().await;
    let d = crate::util::desk::desk(&app).await;
    let story = crate::live::live_story(&d).await;
    assert_eq!(
        d.editor
            .post(&format!("/admin/live/{story}/clock"), &[("op", "start")])
            .await
            .status,
        303
    );
    // enough entries that the page scrolls
    let mut last = 0;
    for i in 0..12 {
        let e = crate::live::write(
            &app,
            &d.reporter,
            story,
            &format!("第{i}条:选手们经过第{i}公里。"),
        )
        .await;
        crate::live::act(&d.editor, e, &[("op", "approve")]).await;
        last = e;
    }
    // what waits on the desk: a correction of a public entry, proposed by
    // another editor (readers keep the approved text until it is approved)
    let proposed = crate::live::act(
        &d.second,
        last,
        &[
            ("op", "correct"),
            ("body", "第11条:选手们经过第11.5公里。"),
            ("note", "公里数原误为11"),
        ],
    )
    .await;
    assert_eq!(proposed.status, 303, "{}", proposed.body);
    let a = app.state.store.article(story).await.unwrap().unwrap();
    let addr = app.serve().await;
    let base = format!("http://{addr}");
    let url = format!("{base}/{}", a.url_path.unwrap());
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    let (mut driver_proc, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let profile_dir = profile.path().join("chrome");
    let handle = tokio::runtime::Handle::current();
    let app_ref = &app;
    let d_ref = &d;
    // the driver blocks: run it on this thread's blocking section, approving through the runtime
    let result = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            assert!(wait_ready(port), "chromedriver did not start");
            let drv = Driver::new(port, &profile_dir);
            let approve = |text: &str| -> i64 {
                handle.block_on(async {
                    let e = crate::live::write(app_ref, &d_ref.reporter, story, text).await;
                    assert_eq!(
                        crate::live::act(&d_ref.editor, e, &[("op", "approve")])
                            .await
                            .status,
                        303
                    );
                    e
                })
            };
            drv.window(1366, 900);
            drv.goto(&url);
            drv.wait_for(".live-tools:not([hidden])");
            // (an entry approved before the page's stream connects comes
            // with its first answer: it asks from the page's last entry)
            drv.script("window.__notReloaded = true;");
            let e = approve("现场:领跑集团通过半程点。");
            drv.wait_for(&format!("#e{e}"));
            assert_eq!(
                drv.script("return window.__notReloaded === true;")
                    .as_bool(),
                Some(true),
                "no reload"
            );
            let first = drv.script("return document.querySelector('.live-entry').id;");
            assert_eq!(
                first.as_str(),
                Some(format!("e{e}").as_str()),
                "newest first"
            );
            drv.screenshot(&shots.join("live-desktop.png"));
            // scrolled down into the entries: a bar, not a jump
            drv.script("window.scrollTo(0, document.body.scrollHeight);");
            drv.wait_until("return window.scrollY > 0;", "the page scrolled");
            let y = drv.script("return window.scrollY;").as_f64().unwrap();
            let e2 = approve("现场:补给站的志愿者递上饮料。");
            drv.wait_for(".live-new:not([hidden])");
            assert!(drv.text(".live-new").contains("1 条新内容"));
            assert_eq!(drv.count(&format!("#e{e2}")), 0, "held behind the bar");
            let y2 = drv.script("return window.scrollY;").as_f64().unwrap();
            assert!((y - y2).abs() < 2.0, "the page did not jump ({y} → {y2})");
            drv.click(".live-new");
            drv.wait_for(&format!("#e{e2}"));
            // marked 要点 on the desk: the reader's 要点 list gains it live,
            // and loses it when unmarked
            let mark = |op: &str| {
                handle.block_on(async {
                    assert_eq!(
                        crate::live::act(&d_ref.editor, e, &[("op", op)])
                            .await
                            .status,
                        303
                    )
                })
            };
            mark("key");
            drv.wait_until(
                &format!("return !!document.querySelector(\".live-keys a[href='#e{e}']\");"),
                "the 要点 list gains the marked entry without a reload",
            );
            assert!(drv.text(".live-keys").contains("领跑集团通过半程点"));
            mark("unkey");
            drv.wait_until(
                &format!("return !document.querySelector(\".live-keys a[href='#e{e}']\");"),
                "the 要点 list loses the unmarked entry",
            );
            assert_eq!(
                drv.script("return window.__notReloaded === true;")
                    .as_bool(),
                Some(true),
                "no reload"
            );
            // oldest first, remembered across a reload
            drv.click("button[data-order='oldest']");
            drv.wait_until(
                "return document.querySelector('.live-entry:not(.pinned)').textContent.includes('第0条');",
                "the oldest entry leads",
            );
            drv.goto(&url);
            drv.wait_for(".live-tools:not([hidden])");
            drv.wait_until(
                "return document.querySelector('.live-entry:not(.pinned)').textContent.includes('第0条');",
                "the order chosen is remembered across a reload",
            );
            drv.window(390, 844);
            drv.goto(&url);
            drv.wait_for(".live-tools:not([hidden])");
            drv.screenshot(&shots.join("live-phone.png"));
            let wide = drv.script("const w = document.documentElement.clientWidth; const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; }; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1 && !scrolls(e)).map(e => e.tagName + '.' + e.className).slice(0, 12).join(' | ');");
            assert_eq!(wide.as_str(), Some(""), "nothing is wider than the window");
            // the live desk
            drv.window(1366, 1200);
            login(&drv, &base, "editor");
            drv.goto(&format!("{base}/admin/live/{story}"));
            drv.wait_for(".live-desk-list");
            assert!(drv.text(".live-desk-entry.correction").contains("更正后"));
            assert_eq!(drv.count(".live-desk-entry.correction button.primary"), 1);
            drv.screenshot(&shots.join("live-desk.png"));
            drv.window(390, 844);
            drv.screenshot(&shots.join("live-desk-phone.png"));
            let wide = drv.script("const w = document.documentElement.clientWidth; const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; }; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1 && !scrolls(e)).map(e => e.tagName + '.' + e.className).slice(0, 12).join(' | ');");
            assert_eq!(
                wide.as_str(),
                Some(""),
                "nothing on the desk is wider than the window"
            );
        }))
    });
    let _ = driver_proc.kill();
    let _ = driver_proc.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// axe-core's script (`npm install axe-core`, as `.ci/run` does), if present.
pub(crate) fn axe_source() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            let msg = "NOT RUN (the axe-core checks): npm install axe-core";
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("{msg}");
            None
        }
    }
}

/// The serious and critical violations axe-core finds on the open page.
pub(crate) fn axe_violations(drv: &Driver, axe: &str) -> Vec<String> {
    if drv.script("return typeof window.axe;").as_str() != Some("object") {
        drv.script(axe);
    }
    drv.script(
        "window.__axe = null; axe.run(document, { resultTypes: ['violations'] }).then(function (r) { \
         window.__axe = r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; }) \
         .map(function (v) { return v.id + ': ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', '); }); });",
    );
    let start = std::time::Instant::now();
    loop {
        let v = drv.script("return window.__axe;");
        if let Some(list) = v.as_array() {
            return list
                .iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "axe did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_and_the_reader_toolbar_in_a_browser() {
    if not_run_unless_available() {
        return;
    }
    let axe = axe_source();
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    app.add_user("jubao", &[Role::Handler], &["main"]).await;
    let addr = app.serve().await;
    let base = format!("http://{addr}");
    let story = format!("{base}/zw/yw/2023-06/01/900001.html");
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    let shot_file = tempfile::NamedTempFile::with_suffix(".png").unwrap();
    std::fs::write(shot_file.path(), crate::util::upload::png(320, 200)).unwrap();
    let (mut driver_proc, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let profile_dir = profile.path().join("chrome");
    let result = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            assert!(wait_ready(port), "chromedriver did not start");
            let drv = Driver::new(port, &profile_dir);
            drv.window(1366, 900);
            // the story page's 举报 link opens the form with its address
            drv.goto(&story);
            drv.click(".reader-toggle");
            drv.wait_for(".reader-tools:not([hidden])");
            drv.click(".story-report a");
            drv.wait_for(".jubao-form");
            let url = drv.script("return document.querySelector('#jubao-url').value;");
            assert!(url.as_str().unwrap().ends_with("/900001.html"), "{url}");
            drv.click("input[name=category][value=rumor]");
            drv.type_into("#jubao-description", "文中日期与实际不符,请核实。");
            drv.type_into("#jubao-shots", shot_file.path().to_str().unwrap());
            drv.type_into("#jubao-contact", "reader@example.com");
            let q = drv.text("label[for=jubao-answer]");
            const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
            let n: Vec<usize> = q
                .split_whitespace()
                .filter_map(|w| {
                    DIGITS
                        .iter()
                        .position(|d| *d == w.trim_start_matches("验证题:"))
                })
                .collect();
            drv.type_into("#jubao-answer", &(n[0] + n[1]).to_string());
            drv.screenshot(&shots.join("jubao-desktop.png"));
            drv.click(".jubao-form button[type=submit]");
            drv.wait_for(".jubao-receipt");
            let receipt = drv.text(".jubao-receipt .receipt");
            assert!(receipt.starts_with("JB"), "{receipt}");
            assert!(drv.text(".jubao-status").contains("待受理"));
            drv.screenshot(&shots.join("jubao-receipt-desktop.png"));
            // looked up later by its number
            drv.goto(&format!("{base}/jubao/chaxun"));
            drv.type_into("#jubao-no", &receipt);
            drv.click(".jubao-lookup button");
            drv.wait_for(".jubao-status");
            assert!(drv.text(".jubao-status").contains("谣言"));
            drv.window(390, 844);
            drv.goto(&format!("{base}/jubao/"));
            drv.wait_for(".jubao-form");
            drv.screenshot(&shots.join("jubao-phone.png"));
            let stored = tokio::runtime::Handle::current()
                .block_on(app.state.store.report_by_receipt(&receipt))
                .unwrap()
                .unwrap();
            assert_eq!(stored.shots.len(), 1, "the screenshot was uploaded");

            // the handler's queue and the report with its screenshot
            drv.window(1366, 900);
            login(&drv, &base, "jubao");
            drv.goto(&format!("{base}/admin/reports"));
            drv.wait_for("table.reports");
            drv.screenshot(&shots.join("admin-reports.png"));
            drv.goto(&format!("{base}/admin/reports/{}", stored.id));
            drv.wait_for(".report-shots img");
            let loaded =
                drv.script("return document.querySelector('.report-shots img').naturalWidth;");
            assert_eq!(
                loaded.as_u64(),
                Some(320),
                "the handler sees the screenshot"
            );
            drv.screenshot(&shots.join("admin-report.png"));
            drv.window(390, 844);
            drv.screenshot(&shots.join("admin-report-phone.png"));

            // the reader toolbar: every mode, remembered, and axe-clean
            drv.window(1366, 900);
            drv.goto(&story);
            drv.click(".reader-toggle");
            drv.wait_for(".reader-tools:not([hidden])");
            if let Some(axe) = &axe {
                let v = axe_violations(&drv, axe);
                assert!(v.is_empty(), "default: {v:?}");
            }
            let font = |drv: &Driver| {
                drv.script("return parseFloat(getComputedStyle(document.querySelector('.story-body p')).fontSize);").as_f64().unwrap()
            };
            let normal = font(&drv);
            drv.click("button[data-reader=text][data-value='3']");
            assert!(
                font(&drv) >= normal * 1.45,
                "特大 is 150%: {normal} → {}",
                font(&drv)
            );
            drv.click("button[data-reader=text][data-value='2']");
            assert_eq!(drv.script("return document.querySelector('button[data-reader=text][data-value=\"2\"]').getAttribute('aria-pressed');").as_str(), Some("true"));
            drv.screenshot(&shots.join("story-large-text.png"));
            if let Some(axe) = &axe {
                let v = axe_violations(&drv, axe);
                assert!(v.is_empty(), "large text: {v:?}");
            }
            drv.click("button[data-reader=contrast]");
            let bg = drv.script("return getComputedStyle(document.body).backgroundColor;");
            assert_eq!(bg.as_str(), Some("rgb(0, 0, 0)"));
            drv.screenshot(&shots.join("story-high-contrast.png"));
            if let Some(axe) = &axe {
                let v = axe_violations(&drv, axe);
                assert!(v.is_empty(), "high contrast: {v:?}");
            }
            drv.click("button[data-reader=spacing]");
            if let Some(axe) = &axe {
                let v = axe_violations(&drv, axe);
                assert!(v.is_empty(), "wide spacing: {v:?}");
            }
            drv.click("button[data-reader=reading]");
            let footer =
                drv.script("return getComputedStyle(document.querySelector('.footer')).display;");
            assert_eq!(
                footer.as_str(),
                Some("none"),
                "reading mode shows the story only"
            );
            drv.screenshot(&shots.join("story-reading-mode.png"));
            if let Some(axe) = &axe {
                let v = axe_violations(&drv, axe);
                assert!(v.is_empty(), "reading mode: {v:?}");
            }
            // remembered in this browser, across pages
            drv.goto(&format!("{base}/zw/"));
            drv.click(".reader-toggle");
            drv.wait_for(".reader-tools:not([hidden])");
            let attrs = drv.script("var h = document.documentElement; return [h.getAttribute('data-text'), h.hasAttribute('data-contrast'), h.hasAttribute('data-spacing')];");
            assert_eq!(attrs, serde_json::json!(["2", true, true]));
            if let Some(axe) = &axe {
                let v = axe_violations(&drv, axe);
                assert!(v.is_empty(), "a list in high contrast: {v:?}");
            }
            drv.window(390, 844);
            drv.goto(&story);
            drv.click(".reader-toggle");
            drv.wait_for(".reader-tools:not([hidden])");
            drv.screenshot(&shots.join("story-toolbar-phone.png"));
            // the toolbar is reachable by keyboard: every button takes focus
            let focusable = drv.script("return Array.from(document.querySelectorAll('.reader-tools button:not([hidden])')).every(function (b) { b.focus(); return document.activeElement === b; });");
            assert_eq!(focusable.as_bool(), Some(true));
            drv.click("button[data-reader=reset]");
            let wide = drv.script("const w = document.documentElement.clientWidth; const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; }; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1 && !scrolls(e)).map(e => e.tagName + '.' + e.className).slice(0, 12).join(' | ');");
            assert_eq!(wide.as_str(), Some(""), "nothing is wider than the window");
            if let Some(axe) = &axe {
                drv.goto(&format!("{base}/jubao/"));
                drv.wait_for(".jubao-form");
                let v = axe_violations(&drv, axe);
                assert!(v.is_empty(), "the 举报 form: {v:?}");
            }
        }))
    });
    let _ = driver_proc.kill();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// Every admin screen an editor or administrator works on passes axe-core
/// with no serious or critical finding, and fits a phone's width (issue 24
/// §5); screenshots of the new ones at desktop and phone size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_screens_pass_axe_at_desktop_and_phone_size() {
    if not_run_unless_available() {
        return;
    }
    let Some(axe) = axe_source() else { return };
    let app = TestApp::with_demo().await;
    app.run_jobs().await;
    let d = crate::util::desk::desk(&app).await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let id = crate::util::desk::reviewed(&d, "送审中的稿件").await;
    let addr = app.serve().await;
    let base = format!("http://{addr}");
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    let (mut driver_proc, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let profile_dir = profile.path().join("chrome");
    let result = tokio::task::block_in_place(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            assert!(wait_ready(port), "chromedriver did not start");
            let drv = Driver::new(port, &profile_dir);
            let screens: [(&str, &str, String); 18] = [
                ("admin", "dashboard", "/admin/".into()),
                ("admin", "stories", "/admin/stories".into()),
                ("admin", "new", "/admin/stories/new".into()),
                ("admin", "edit", "/admin/stories/900001".into()),
                ("signer", "review-view", format!("/admin/stories/{id}")),
                (
                    "admin",
                    "audit-groups",
                    "/admin/audit?exclude=account".into(),
                ),
                ("admin", "slots", "/admin/slots".into()),
                ("admin", "slot", "/admin/slots/1".into()),
                ("admin", "images", "/admin/images".into()),
                ("admin", "image", "/admin/images/1".into()),
                ("admin", "stats", "/admin/stats".into()),
                ("admin", "users", "/admin/users".into()),
                ("admin", "deputies", "/admin/deputies".into()),
                ("admin", "channels", "/admin/channels".into()),
                ("admin", "words", "/admin/words".into()),
                ("admin", "reports", "/admin/reports".into()),
                ("admin", "videos", "/admin/videos".into()),
                (
                    "admin",
                    "slot-picks",
                    "/admin/slots/2?find=%E6%BB%A8%E5%B7%9E".into(),
                ),
            ];
            let mut who = "";
            let mut found = Vec::new();
            for (user, name, path) in &screens {
                if who != *user {
                    login(&drv, &base, user);
                    who = user;
                }
                for (w, h, size) in [(1366, 900, "desktop"), (390, 844, "phone")] {
                    drv.window(w, h);
                    drv.goto(&format!("{base}{path}"));
                    drv.wait_for(".admin-head");
                    for v in axe_violations(&drv, &axe) {
                        found.push(format!("{name} ({size}): {v}"));
                    }
                    if matches!(
                        *name,
                        "review-view" | "deputies" | "audit-groups" | "videos" | "slot-picks"
                    ) {
                        drv.screenshot(&shots.join(format!("{name}-{size}.png")));
                    }
                }
            }
            assert!(found.is_empty(), "axe findings:\n{}", found.join("\n"));
        }))
    });
    let _ = driver_proc.kill();
    let _ = driver_proc.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
