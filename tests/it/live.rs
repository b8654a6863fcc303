//! Live coverage end to end: a 直播 story through 三审 like any other; on
//! the live desk a reporter's entry is not public before an editor (not
//! its writer) approves it; approvals, pins, 要点, corrections and
//! removals are recorded and reach the page HTML, the JSON a poll reads (at
//! time-bucketed, cacheable URLs), server-sent events, and the static
//! export's entries.json, rewritten incrementally per approval.

use std::time::Duration;

use gazette::domain::user::Role;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::util::TestApp;
use crate::util::agent::Agent;
use crate::util::desk::{BODY, desk};

/// File a 直播 story through the editor and sign it off; its id.
pub(crate) async fn live_story(d: &crate::util::desk::Desk<'_>) -> i64 {
    let yw = d.yw.to_string();
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "现场直播|黄河口马拉松开跑"),
                ("channel_id", &yw),
                ("kind", "live"),
                ("body", BODY),
                ("live_starts_at", "2024-05-01T08:00"),
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
    assert_eq!(r.status, 303, "{}", r.body);
    id
}

/// Write an entry on the desk; its id (the newest entry of the story).
pub(crate) async fn write(app: &TestApp, who: &Agent<'_>, story: i64, text: &str) -> i64 {
    let r = who
        .post(&format!("/admin/live/{story}/entries"), &[("body", text)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    app.state
        .store
        .entries(story, false)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id
}

pub(crate) async fn act(
    who: &Agent<'_>,
    entry: i64,
    pairs: &[(&str, &str)],
) -> crate::util::TestResponse {
    who.post(&format!("/admin/live/entries/{entry}/act"), pairs)
        .await
}

async fn page(app: &TestApp, story: i64) -> crate::util::TestResponse {
    let a = app.state.store.article(story).await.unwrap().unwrap();
    app.get(&format!("/{}", a.url_path.unwrap())).await
}

#[tokio::test]
async fn entries_are_public_only_once_another_editor_approves_them_and_every_act_is_recorded() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let story = live_story(&d).await;
    let p = page(&app, story).await;
    assert_eq!(p.status, 200);
    assert_eq!(p.select_text(".live-badge"), ["未开始"]);
    assert!(
        p.text().contains("05月01日 08:00"),
        "the planned start shows"
    );

    // a reporter on site writes; nobody reads it before the desk approves
    let e1 = write(&app, &d.reporter, story, "发令枪响,全程马拉松选手出发。").await;
    assert!(!page(&app, story).await.body.contains("发令枪响"));
    let json = app.get(&format!("/live/{story}/entries.json")).await;
    assert!(!json.body.contains("发令枪响"), "{}", json.body);
    // a reporter cannot approve, nor an editor their own entry
    let r = act(&d.reporter, e1, &[("op", "approve")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let own = write(&app, &d.editor, story, "编辑自己写的一条。").await;
    let r = act(&d.editor, own, &[("op", "approve")]).await;
    assert!(r.body.contains("不能审核自己"), "{}", r.body);
    // what waits for the desk counts in 待我审核 of the editors who may
    // approve it (not its writer's), and the 工作台 leads to the desk
    let waiting = |page: &crate::util::TestResponse| -> String {
        page.select_text("a[href='/admin/#queue'] .count").concat()
    };
    let editor_dash = d.editor.get("/admin/").await;
    assert_eq!(waiting(&editor_dash), "1", "e1 for the editor, not his own");
    assert!(
        editor_dash
            .select_attr(".live-waiting a", "href")
            .contains(&format!("/admin/live/{story}")),
        "{}",
        editor_dash.body
    );
    assert_eq!(waiting(&d.second.get("/admin/").await), "2");
    // one click on the desk: public in the page and the JSON, recorded
    let r = act(&d.editor, e1, &[("op", "approve")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p = page(&app, story).await;
    assert_eq!(p.select_attr(&format!("#e{e1}"), "id"), [format!("e{e1}")]);
    assert!(p.body.contains("发令枪响"));
    assert!(!p.body.contains("编辑自己写的一条"));
    let json: serde_json::Value =
        serde_json::from_str(&app.get(&format!("/live/{story}/entries.json")).await.body).unwrap();
    assert_eq!(json["entries"].as_array().unwrap().len(), 1);
    assert!(
        json["entries"][0]["html"]
            .as_str()
            .unwrap()
            .contains("发令枪响")
    );
    assert_eq!(json["interval"], 10);

    // an entry with a picture from the library
    let up = d
        .reporter
        .upload(&d.reporter.csrf, &crate::util::upload::png(800, 600))
        .await;
    let pic: serde_json::Value = serde_json::from_str(&up.body).unwrap();
    let pic = pic["id"].as_i64().unwrap().to_string();
    let r = d
        .reporter
        .post(
            &format!("/admin/live/{story}/entries"),
            &[("body", "起点的热身区。"), ("image_id", &pic)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let with_pic = app
        .state
        .store
        .entries(story, false)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id;
    // the approver sees the picture itself, not only its number
    let desk_page = d.editor.get(&format!("/admin/live/{story}")).await;
    let thumbs = desk_page.select_attr(&format!("#e{with_pic} .desk-thumbs img"), "src");
    assert_eq!(thumbs.len(), 1, "{}", desk_page.body);
    assert_eq!(app.get(&thumbs[0]).await.status, 200, "{}", thumbs[0]);
    act(&d.editor, with_pic, &[("op", "approve")]).await;
    let p = page(&app, story).await;
    assert_eq!(
        p.select_attr(&format!("#e{with_pic} .live-picture img"), "width")
            .len(),
        1
    );
    // an empty or over-long entry is refused with what to fix
    let r = d
        .reporter
        .post(&format!("/admin/live/{story}/entries"), &[("body", "  ")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请填写直播内容"));
    let long = "长".repeat(gazette::domain::live::MAX_ENTRY + 1);
    let r = d
        .reporter
        .post(&format!("/admin/live/{story}/entries"), &[("body", &long)])
        .await;
    assert!(r.body.contains("最多"), "{}", r.body);

    // pin, 要点, correction with its visible mark, removal with a reason
    let e2 = write(
        &app,
        &d.reporter,
        story,
        "第一名选手通过10公里,用时32分钟。",
    )
    .await;
    assert_eq!(act(&d.editor, e2, &[("op", "approve")]).await.status, 303);
    assert_eq!(act(&d.editor, e2, &[("op", "pin")]).await.status, 303);
    assert_eq!(act(&d.editor, e1, &[("op", "key")]).await.status, 303);
    let refused = act(
        &d.editor,
        e2,
        &[("op", "correct"), ("body", "x"), ("note", "")],
    )
    .await;
    assert!(refused.body.contains("更正说明"), "{}", refused.body);
    let r = act(
        &d.editor,
        e2,
        &[
            ("op", "correct"),
            ("body", "第一名选手通过10公里,用时33分钟。"),
            ("note", "用时原误为32分钟"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // a correction is a new version: readers keep the approved text until
    // another editor approves it, and its proposer cannot
    let p = page(&app, story).await;
    assert!(p.body.contains("32分钟。") && !p.body.contains("33分钟"));
    let desk_page = d.editor.get(&format!("/admin/live/{story}")).await;
    assert!(
        desk_page
            .text()
            .contains("自己提出的更正须由另一位编辑审核")
    );
    let own = act(&d.editor, e2, &[("op", "approve_correction")]).await;
    assert!(own.body.contains("不能审核自己提出的更正"), "{}", own.body);
    let again = act(
        &d.second,
        e2,
        &[("op", "correct"), ("body", "另一种说法"), ("note", "再改")],
    )
    .await;
    assert!(again.body.contains("待审的更正"), "{}", again.body);
    assert_eq!(
        act(&d.second, e2, &[("op", "approve_correction")])
            .await
            .status,
        303
    );
    let p = page(&app, story).await;
    let ids = p.select_attr(".live-entry", "id");
    assert_eq!(ids[0], format!("e{e2}"), "the pinned entry leads");
    assert!(p.body.contains("33分钟") && !p.body.contains("32分钟。"));
    assert!(p.select_text(".live-correction")[0].contains("用时原误为32分钟"));
    assert_eq!(p.select_text(".live-keys li").len(), 1);
    let r = act(&d.editor, e2, &[("op", "remove"), ("reason", "")]).await;
    assert!(r.body.contains("删除原因"), "{}", r.body);
    assert_eq!(
        act(
            &d.editor,
            e2,
            &[("op", "remove"), ("reason", "数据有误,待核实")]
        )
        .await
        .status,
        303
    );
    assert!(!page(&app, story).await.body.contains("33分钟"));
    // every act is in the publication record, with who and why
    let record = d.signer.get("/admin/audit?q=").await;
    for label in [
        "撰写直播条目",
        "审核直播条目",
        "置顶直播条目",
        "标记直播要点",
        "提出直播更正",
        "更正直播条目",
        "删除直播条目",
    ] {
        assert!(record.body.contains(label), "{label}");
    }
    assert!(record.body.contains("数据有误,待核实"));

    // the desk opens and closes the coverage; readers see the status
    assert_eq!(
        d.editor
            .post(&format!("/admin/live/{story}/clock"), &[("op", "start")])
            .await
            .status,
        303
    );
    assert_eq!(
        page(&app, story).await.select_text(".live-badge"),
        ["直播中"]
    );
    // structured data: a LiveBlogPosting with its updates at their anchors
    let p = page(&app, story).await;
    let ld: serde_json::Value =
        serde_json::from_str(&p.select_text("script[type='application/ld+json']")[0]).unwrap();
    // one node for the page: the live posting is the story, with its
    // dates, author, publisher and image (issue 25)
    let live = &ld;
    assert_eq!(live["@type"], "LiveBlogPosting");
    assert!(live["datePublished"].as_str().unwrap().contains('T'));
    assert!(live["publisher"]["name"].is_string());
    assert!(live["headline"].is_string());
    assert!(live["coverageStartTime"].as_str().unwrap().contains('T'));
    assert!(
        live.get("coverageEndTime").is_none(),
        "no null field while it runs"
    );
    let update = live["liveBlogUpdate"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["url"].as_str().unwrap().ends_with(&format!("#e{e1}")))
        .expect("the first entry at its anchor");
    assert_eq!(update["@type"], "BlogPosting");
    assert_eq!(update["articleBody"], "发令枪响,全程马拉松选手出发。");
    d.editor
        .post(&format!("/admin/live/{story}/clock"), &[("op", "end")])
        .await;
    let json: serde_json::Value =
        serde_json::from_str(&app.get(&format!("/live/{story}/entries.json")).await.body).unwrap();
    assert_eq!(json["status"], "ended");
    assert_eq!(json["interval"], 0, "readers stop polling");
    // a reporter cannot open or close it
    let r = d
        .reporter
        .post(&format!("/admin/live/{story}/clock"), &[("op", "start")])
        .await;
    assert_eq!(r.status, 422);
    // someone outside the site cannot enter the desk
    app.add_user("outsider", &[Role::Editor], &["zouping"])
        .await;
    let outsider = app.login("outsider").await;
    assert_eq!(
        outsider.get(&format!("/admin/live/{story}")).await.status,
        403
    );
    // the accepted uploads get their sizes made
    app.run_jobs().await;
}

#[tokio::test]
async fn polls_share_a_cached_bucket_url_and_far_times_are_refused() {
    let app = TestApp::with_demo().await;
    let id = 900_202; // the demo's 现场直播
    let now = gazette::domain::live::bucket(app.state.now());
    let r = app.get(&format!("/live/{id}/{now}.json")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("public, max-age=10"));
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["entries"].as_array().unwrap().len(), 12);
    assert_eq!(j["status"], "ended");
    // the same answer whatever bucket in the window: one render, cached
    let again = app.get(&format!("/live/{id}/{}.json", now - 1)).await;
    assert_eq!(again.body, r.body);
    assert_eq!(
        app.get(&format!("/live/{id}/{}.json", now + 100))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get(&format!("/live/{id}/{}.json", now - 10_000))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get("/live/900001/entries.json").await.status,
        404,
        "not a live story"
    );
    // the demo's entries: pinned first, a correction, 要点
    let p = page(&app, id).await;
    assert_eq!(p.select_attr(".live-entry", "id").len(), 12);
    assert!(p.select_attr(".live-entry", "class")[0].contains("pinned"));
    assert_eq!(p.select_text(".live-keys li").len(), 3);
    assert_eq!(p.select_text(".live-correction").len(), 1);
    assert_eq!(p.select_text(".live-badge"), ["已结束"]);
}

/// Read server-sent events from `addr` until `want` appears (or 10 s pass).
pub(crate) async fn sse_until(
    stream: &mut tokio::net::TcpStream,
    seen: &mut String,
    want: &str,
) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 16 * 1024];
    while !seen.contains(want) {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            _ => return false,
        }
    }
    true
}

pub(crate) async fn open_events(
    addr: std::net::SocketAddr,
    story: i64,
    extra: &str,
) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!("GET /live/{story}/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{extra}\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    s
}

#[tokio::test]
async fn server_sent_events_deliver_an_approval_and_a_reconnect_gets_what_it_missed() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let story = live_story(&d).await;
    let addr = app.serve().await;
    let mut sse = open_events(addr, story, "").await;
    let mut seen = String::new();
    assert!(
        sse_until(&mut sse, &mut seen, "retry: 3000").await,
        "{seen}"
    );
    assert!(seen.contains("text/event-stream"), "{seen}");
    let e = write(&app, &d.reporter, story, "补给站:每5公里设一处。").await;
    // written but not approved: nothing is sent
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut buf = [0u8; 4096];
    let quiet = tokio::time::timeout(Duration::from_millis(200), sse.read(&mut buf)).await;
    assert!(quiet.is_err(), "nothing before approval");
    let approved = std::time::Instant::now();
    assert_eq!(act(&d.editor, e, &[("op", "approve")]).await.status, 303);
    assert!(sse_until(&mut sse, &mut seen, "补给站").await, "{seen}");
    assert!(
        approved.elapsed() < Duration::from_secs(1),
        "within a second"
    );
    assert!(seen.contains("event: entry"));
    let seq = app.state.store.entry(e).await.unwrap().unwrap().seq;
    assert!(seen.contains(&format!("id: {seq}")), "{seen}");
    // a status change is an event too
    d.editor
        .post(&format!("/admin/live/{story}/clock"), &[("op", "start")])
        .await;
    assert!(
        sse_until(&mut sse, &mut seen, "event: status").await,
        "{seen}"
    );
    assert!(seen.contains("直播中"));
    drop(sse);
    // a browser reconnecting with Last-Event-ID gets the entries after it
    let e2 = write(&app, &d.reporter, story, "终点线前观众为选手加油。").await;
    act(&d.editor, e2, &[("op", "approve")]).await;
    let mut again = open_events(addr, story, &format!("Last-Event-ID: {seq}\r\n")).await;
    let mut seen = String::new();
    assert!(sse_until(&mut again, &mut seen, "终点线前").await, "{seen}");
    assert!(!seen.contains("补给站"), "not what it had");
    // a removal is sent so the page takes the entry down
    act(&d.editor, e2, &[("op", "remove"), ("reason", "重复")]).await;
    assert!(
        sse_until(&mut again, &mut seen, "\"removed\"").await,
        "{seen}"
    );
    assert_eq!(app.get("/live/900001/events").await.status, 404);
}

#[tokio::test]
async fn the_export_carries_the_entries_and_rewrites_them_per_approval() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let story = live_story(&d).await;
    let out = tempfile::tempdir().unwrap();
    gazette::export::build(&app.state, out.path(), false, false)
        .await
        .unwrap();
    let file = gazette::export::file_for(out.path(), &format!("/live/{story}/entries.json"));
    let a = app.state.store.article(story).await.unwrap().unwrap();
    let page_file =
        gazette::export::file_for(out.path(), &format!("/{}", a.url_path.as_ref().unwrap()));
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(!first.contains("冲线"));
    let html = std::fs::read_to_string(&page_file).unwrap();
    // the export's page polls the file it carries (a file server sends no events)
    assert!(
        html.contains(&format!("data-poll=\"/live/{story}/entries.json\"")),
        "{html}"
    );
    let e = write(&app, &d.reporter, story, "第一名选手冲线,成绩2小时12分。").await;
    act(&d.editor, e, &[("op", "approve")]).await;
    let report = gazette::export::build(&app.state, out.path(), true, false)
        .await
        .unwrap();
    let written: Vec<String> = report.written.iter().map(|p| p.to_string()).collect();
    assert!(
        written
            .iter()
            .any(|p| p.ends_with(&format!("live/{story}/entries.json"))),
        "{written:?}"
    );
    assert!(
        written.len() < 10,
        "only what the approval touched: {written:?}"
    );
    assert!(std::fs::read_to_string(&file).unwrap().contains("冲线"));
    assert!(
        std::fs::read_to_string(&page_file)
            .unwrap()
            .contains("冲线")
    );
}
