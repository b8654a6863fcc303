//! 策划指挥 (issue 26): a tip becomes a plan with coverages, its coverages
//! are given to people and desks, a story started from an assignment moves
//! it through 三审/签发 (交稿, 重新写稿, 完成); a county desk pitches to the
//! city; the day's 报题单 keeps its order (a stale arrangement is refused)
//! and exports; the board hears changes made on another node; the duty
//! roster drives 代签; a desk's robot hears each event once, retried, and
//! never at a loopback address unless allowed; the public 报料 form works
//! without JavaScript, within its limits, and forgets after its retention.
//! Every case runs on SQLite and on PostgreSQL (the conformance suite's
//! `cases!` lists them).

use std::sync::{Arc, Mutex};

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::agent::Agent;
use crate::util::backend::Backend;
use crate::util::desk::{BODY, desk};

/// The id at the end of a redirect to `/admin/planning/{id}?...`.
fn plan_id_of(r: &crate::util::TestResponse) -> i64 {
    let loc = r.header("location").expect("a redirect");
    loc.trim_start_matches("/admin/planning/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{loc}"))
}

/// Today (the test clock's) as `YYYY-MM-DD`.
fn today(app: &TestApp) -> String {
    gazette::domain::text::to_cst(app.state.now())
        .format("%Y-%m-%d")
        .to_string()
}

/// A new plan (or pitch) through the form; the response.
async fn new_plan(
    who: &Agent<'_>,
    place: &str,
    slug: &str,
    day: &str,
    extra: &[(&str, &str)],
) -> crate::util::TestResponse {
    let mut pairs = vec![
        ("where", place),
        ("slug", slug),
        ("day", day),
        ("priority", "2"),
        ("description", "采访说明"),
        ("cov_id", ""),
        ("cov_medium", "text"),
        ("cov_status", "planned"),
        ("cov_time", "10:00"),
        ("cov_note", "一千字"),
        ("cov_id", ""),
        ("cov_medium", "pictures"),
        ("cov_status", "planned"),
        ("cov_time", ""),
        ("cov_note", ""),
    ];
    pairs.extend_from_slice(extra);
    who.post("/admin/planning/new", &pairs).await
}

async fn plan(app: &TestApp, id: i64) -> gazette::db::Plan {
    app.state.store.plan(id).await.unwrap().expect("the plan")
}

/// The record's actions on plan `id`, oldest first.
async fn recorded(app: &TestApp, id: i64) -> Vec<String> {
    let mut rows = app
        .state
        .store
        .audit_page(&gazette::db::AuditQuery {
            actor_id: None,
            actor: None,
            article_id: None,
            action: None,
            subject: Some(format!("plan:{id}")),
            from: None,
            to: None,
            before: None,
            limit: 100,
            actions: vec![],
            exclude: vec![],
            scope: None,
        })
        .await
        .unwrap();
    rows.reverse();
    rows.into_iter().map(|e| e.action).collect()
}

/// The whole planning day on either backend, through the newsroom's forms:
/// an event tip made a plan; its text coverage given to the reporter, who
/// accepts and starts writing (the story is made with its kind, channel
/// and byline); the story's submission, return, resubmission and
/// publication move the assignment, each step in the plan's record; a
/// county desk's pitch to the city is accepted onto the day's 报题单.
pub(crate) async fn the_planning_day_runs_from_tip_to_published_story(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let d = desk(app).await;
    app.add_user("county", &[Role::Editor], &["zouping"]).await;
    let county = app.login("county").await;
    let day = today(app);
    // a 活动 tip
    let r = d
        .editor
        .post(
            "/admin/tips",
            &[
                ("site", "main"),
                ("kind", "event"),
                ("title", "市政府新闻发布会"),
                ("body", "统计局通报前三季度经济运行情况"),
                ("place", "市政府新闻发布厅"),
                ("starts", &format!("{day}T15:00")),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let tips = app
        .state
        .store
        .tips(
            None,
            Some(gazette::domain::planning::tip::TipState::New),
            10,
        )
        .await
        .unwrap();
    let tip = tips.iter().find(|t| t.title == "市政府新闻发布会").unwrap();
    // an event needs its time
    let r = d
        .editor
        .post(
            "/admin/tips",
            &[
                ("site", "main"),
                ("kind", "event"),
                ("title", "无时间的会"),
                ("body", "会议内容如下"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("开始时间"), "{}", r.text());
    // made a plan; the tip says so
    let tip_id = tip.id.to_string();
    let r = new_plan(
        &d.editor,
        "main|zw/yw",
        "前三季度经济运行发布",
        &day,
        &[("tip", &tip_id)],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let pid = plan_id_of(&r);
    let p = plan(app, pid).await;
    assert_eq!(p.state.as_str(), "planned");
    assert_eq!(p.coverages.len(), 2);
    assert_eq!(p.tip_id, Some(tip.id));
    let t = app.state.store.tip(tip.id).await.unwrap().unwrap();
    assert_eq!((t.state.as_str(), t.plan_id), ("planned", Some(pid)));
    // 派题: the text coverage to the reporter, with a deadline
    let reporter = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0;
    let text = p.coverages[0].id;
    let r = d
        .editor
        .post(
            &format!("/admin/planning/coverages/{text}/assign"),
            &[
                ("plan", &pid.to_string()),
                ("person", &reporter.id.to_string()),
                ("deadline", &format!("{day}T17:00")),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // given twice: refused with what to do
    let r = d
        .editor
        .post(
            &format!("/admin/planning/coverages/{text}/assign"),
            &[
                ("plan", &pid.to_string()),
                ("person", &reporter.id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.text().contains("改派"), "{}", r.text());
    // the reporter sees it, counted in the nav, and takes it up
    let mine = d.reporter.get("/admin/assignments").await;
    assert_eq!(mine.status, 200);
    assert!(mine.text().contains("前三季度经济运行发布"));
    assert_eq!(
        mine.select_text("a[href='/admin/assignments'] .count"),
        ["1"]
    );
    let a = app
        .state
        .store
        .assignments(
            &gazette::db::AssignmentFilter {
                plans: vec![pid],
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap()
        .pop()
        .unwrap();
    // someone else cannot take it up
    let r = d
        .second
        .post(
            &format!("/admin/assignments/{}/act", a.id),
            &[("action", "accept"), ("version", &a.version.to_string())],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = d
        .reporter
        .post(
            &format!("/admin/assignments/{}/act", a.id),
            &[("action", "accept"), ("version", &a.version.to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // a form from before the acceptance is stale
    let r = d
        .reporter
        .post(
            &format!("/admin/assignments/{}/start", a.id),
            &[("version", &a.version.to_string())],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let a = app.state.store.assignment(a.id).await.unwrap().unwrap();
    assert_eq!(a.state.as_str(), "accepted");
    let r = d
        .reporter
        .post(
            &format!("/admin/assignments/{}/start", a.id),
            &[("version", &a.version.to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let story: i64 = r
        .header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .parse()
        .unwrap();
    let ws = app.state.store.work_state(story).await.unwrap().unwrap();
    assert_eq!(ws.article.title, "前三季度经济运行发布");
    assert_eq!(ws.article.channel_id, d.yw);
    let rev = app
        .state
        .store
        .working_revision(story)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rev.draft.byline[0].role, "记者");
    assert_eq!(rev.draft.byline[0].name, reporter.display_name);
    let a = app.state.store.assignment(a.id).await.unwrap().unwrap();
    assert_eq!(a.state.as_str(), "in_progress");
    // the editor page names the plan it fulfils
    let page = d.reporter.get(&format!("/admin/stories/{story}")).await;
    assert!(page.text().contains("派题稿件"), "{}", page.text());
    // write it, submit: 已交稿; returned: 进行中; again; three reviews: 已完成
    let edit = format!("/admin/stories/{story}");
    let mut form = crate::util::form::fields(&d.reporter.get(&edit).await.body, "story-form");
    crate::util::form::set(&mut form, "body", BODY);
    crate::util::form::set(&mut form, "source", "滨州日报/滨州网讯");
    assert_eq!(
        d.reporter
            .post(&edit, &crate::util::form::pairs(&form))
            .await
            .status,
        303
    );
    let state_of = || async {
        app.state
            .store
            .assignment(a.id)
            .await
            .unwrap()
            .unwrap()
            .state
    };
    assert_eq!(d.reporter.act(story, "submit", "").await.status, 303);
    assert_eq!(state_of().await.as_str(), "filed");
    assert_eq!(
        d.editor.act(story, "reject", "导语再改改").await.status,
        303
    );
    assert_eq!(state_of().await.as_str(), "in_progress");
    assert_eq!(d.reporter.act(story, "submit", "").await.status, 303);
    for who in [&d.editor, &d.second, &d.signer] {
        let r = who.act(story, "approve", "同意").await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    assert_eq!(state_of().await.as_str(), "done");
    let acts = recorded(app, pid).await;
    for step in [
        "plan_create",
        "plan_assign",
        "plan_assign_accept",
        "plan_assign_start",
        "plan_assign_file",
        "plan_assign_reopen",
        "plan_assign_done",
    ] {
        assert!(acts.iter().any(|a| a == step), "{step} in {acts:?}");
    }
    // the 报题单 shows it published
    let budget = d
        .editor
        .get(&format!("/admin/planning?site=main&day={day}"))
        .await;
    assert!(budget.text().contains("已发布"), "{}", budget.text());
    // 市县联动: the county pitches to the city; the city's editor sees it
    // marked by site and accepts it onto the day's list
    let r = new_plan(&county, "main|zw/xq", "邹平秋收", &day, &[("pitch", "1")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let pitched = plan_id_of(&r);
    assert_eq!(plan(app, pitched).await.from_site, "zouping");
    let list = d.editor.get("/admin/planning/pitches?site=main").await;
    assert!(list.text().contains("邹平秋收"), "{}", list.text());
    assert!(list.text().contains("报送"));
    // the county sees its own pitch upward, not the city's other plans
    assert_eq!(
        county
            .get(&format!("/admin/planning/{pitched}"))
            .await
            .status,
        200
    );
    assert_eq!(
        county.get(&format!("/admin/planning/{pid}")).await.status,
        403
    );
    let v = plan(app, pitched).await.version.to_string();
    let r = d
        .editor
        .post(
            &format!("/admin/planning/{pitched}/pitch"),
            &[("decision", "accept"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let on_list = app
        .state
        .store
        .plans(
            &gazette::db::PlanFilter {
                sites: Some(vec!["main".into()]),
                states: vec![gazette::domain::planning::plan::PlanState::Planned],
                day: Some(day.clone()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(
        on_list.iter().map(|p| p.id).collect::<Vec<_>>(),
        [pid, pitched],
        "accepted: at the end of the day's list"
    );
    let mine = county.get("/admin/planning/pitches").await;
    assert!(mine.text().contains("已立项"), "{}", mine.text());
}

/// The day's 报题单: arranged by a whole order or a step, a stale order
/// refused (409) and nothing moved, 定稿 recorded, the CSV in the list's
/// order with the IPTC status, the print page; a plan's stale edit is a
/// 409 with what was typed kept; a reporter neither sees the list nor
/// assigns.
pub(crate) async fn the_budget_keeps_its_order_and_refuses_stale_arrangements(
    app: &TestApp,
    _: Backend,
) {
    app.load_demo().await;
    let d = desk(app).await;
    let day = today(app);
    let mut ids = Vec::new();
    for slug in ["甲选题", "乙选题", "丙选题"] {
        let r = new_plan(&d.editor, "main|sh", slug, &day, &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        ids.push(plan_id_of(&r));
    }
    let version = app.state.store.budget("main", &day).await.unwrap().version;
    let order = format!("{},{},{}", ids[2], ids[0], ids[1]);
    let arrange = |v: i64, order: String| {
        let (d, day) = (&d, day.clone());
        async move {
            d.editor
                .post(
                    "/admin/planning/order",
                    &[
                        ("site", "main"),
                        ("day", &day),
                        ("version", &v.to_string()),
                        ("order", &order),
                        ("_js", "1"),
                    ],
                )
                .await
        }
    };
    assert_eq!(arrange(version, order.clone()).await.status, 204);
    // the same version again: someone arranged meanwhile
    let r = arrange(version, format!("{},{},{}", ids[0], ids[1], ids[2])).await;
    assert_eq!(r.status, 409, "{}", r.body);
    // an order missing a plan: refused
    let v2 = app.state.store.budget("main", &day).await.unwrap().version;
    assert_eq!(
        arrange(v2, format!("{},{}", ids[0], ids[1])).await.status,
        409
    );
    // a step without JavaScript
    let r = d
        .editor
        .post(
            "/admin/planning/order",
            &[
                ("site", "main"),
                ("day", &day),
                ("version", &v2.to_string()),
                ("op", "down"),
                ("plan", &ids[2].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = d
        .editor
        .get(&format!("/admin/planning?site=main&day={day}"))
        .await;
    assert_eq!(
        page.select_text("#budget-list .budget-slug"),
        ["甲选题", "丙选题", "乙选题"]
    );
    let csv = d
        .editor
        .get(&format!("/admin/planning/budget.csv?site=main&day={day}"))
        .await;
    assert_eq!(csv.status, 200);
    let slugs: Vec<&str> = csv
        .body
        .lines()
        .skip(1)
        .filter(|l| l.contains("\"文字\""))
        .map(|l| l.split(',').nth(1).unwrap().trim_matches('"'))
        .collect();
    assert_eq!(slugs, ["甲选题", "丙选题", "乙选题"]);
    assert!(csv.body.contains("ncostat:int"));
    let print = d
        .editor
        .get(&format!("/admin/planning/print?site=main&day={day}"))
        .await;
    assert_eq!(print.status, 200);
    assert!(print.text().contains("丙选题"));
    // 定稿
    let r = d
        .editor
        .post(
            "/admin/planning/final",
            &[("site", "main"), ("day", &day), ("final", "1")],
        )
        .await;
    assert_eq!(r.status, 303);
    let b = app.state.store.budget("main", &day).await.unwrap();
    assert_eq!(b.final_by.as_deref(), Some("editor名"));
    // a stale edit: 409, the typed name kept
    let stale = plan(app, ids[0]).await.version;
    let edit = |slug: &'static str, v: i64| {
        let (d, day, id, cov) = (&d, day.clone(), ids[0], app.state.clone());
        async move {
            let p = cov.store.plan(id).await.unwrap().unwrap();
            let (c0, c1) = (p.coverages[0].id.to_string(), p.coverages[1].id.to_string());
            d.editor
                .post(
                    &format!("/admin/planning/{id}"),
                    &[
                        ("version", &v.to_string()),
                        ("where", "main|sh"),
                        ("slug", slug),
                        ("day", &day),
                        ("priority", "1"),
                        ("cov_id", &c0),
                        ("cov_medium", "text"),
                        ("cov_status", "planned"),
                        ("cov_id", &c1),
                        ("cov_medium", "pictures"),
                        ("cov_status", "cancelled"),
                    ],
                )
                .await
        }
    };
    assert_eq!(edit("甲选题改", stale).await.status, 303);
    let r = edit("甲选题又改", stale).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.select_attr("#plan-slug", "value"), ["甲选题又改"]);
    let p = plan(app, ids[0]).await;
    assert_eq!(p.slug, "甲选题改");
    assert_eq!(p.coverages[1].status.as_str(), "cancelled");
    // a reporter pitches, and sees no 报题单
    assert_eq!(d.reporter.get("/admin/planning").await.status, 403);
    let cov = p.coverages[0].id;
    let r = d
        .reporter
        .post(
            &format!("/admin/planning/coverages/{cov}/assign"),
            &[("plan", &ids[0].to_string()), ("person", "1")],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = new_plan(&d.reporter, "main|sh", "记者报题", &day, &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(plan(app, plan_id_of(&r)).await.state.as_str(), "pitched");
}

/// A second node on the same database.
fn second_node(app: &TestApp) -> (gazette::state::AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = gazette::config::Config::for_data_dir(dir.path());
    config.node_id = "node-b".into();
    let state = gazette::state::AppState::open(config, app.state.store.clone())
        .unwrap()
        .with_clock(Arc::new(app.clock.clone()));
    (state, dir)
}

/// The board on node B renders once per change and hears a plan made on
/// node A through the change log; a stream of the board answers as SSE.
pub(crate) async fn the_board_hears_changes_made_on_another_node(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let d = desk(app).await;
    let day = today(app);
    let (b, _dir) = second_node(app);
    let (viewer, first, mut rx) = b.boards.watch(&b.env, "main").await.unwrap().unwrap();
    let first = String::from_utf8(first.to_vec()).unwrap();
    assert!(first.starts_with("event: board\ndata: "), "{first}");
    assert!(!first.contains("夜间突发选题"));
    let renders = b.boards.renders.load(std::sync::atomic::Ordering::SeqCst);
    // node A makes a plan
    let r = new_plan(&d.editor, "main|sh", "夜间突发选题", &day, &[]).await;
    assert_eq!(r.status, 303);
    // node B's follower wakes (a notification, or its poll) and catches up
    b.boards.catch_up(&b.env).await.unwrap();
    let frame = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
        .await
        .expect("a frame")
        .unwrap();
    let frame = String::from_utf8(frame.to_vec()).unwrap();
    let data: serde_json::Value =
        serde_json::from_str(frame.lines().nth(1).unwrap().trim_start_matches("data: ")).unwrap();
    assert!(data["html"].as_str().unwrap().contains("夜间突发选题"));
    assert_eq!(
        b.boards.renders.load(std::sync::atomic::Ordering::SeqCst),
        renders + 1,
        "one render for the change, whatever the number of boards"
    );
    // nothing changed: no render
    b.boards.catch_up(&b.env).await.unwrap();
    assert_eq!(
        b.boards.renders.load(std::sync::atomic::Ordering::SeqCst),
        renders + 1
    );
    drop(viewer);
    // the page and its stream over HTTP
    let page = d.editor.get("/admin/board?site=main").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("夜间突发选题"));
    let addr = app.serve().await;
    let cookie = d.editor.cookie.clone();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(
        format!(
            "GET /admin/board/events?site=main HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    while !String::from_utf8_lossy(&got).contains("event: board") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("the stream answers")
            .unwrap();
        assert!(n > 0, "{}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&got);
    assert!(head.contains("text/event-stream"), "{head}");
    // a reporter has no board
    assert_eq!(d.reporter.get("/admin/board").await.status, 403);
}

/// With the roster as the source of 代签, the 值班总编 on duty signs a story
/// off though he is no 签发人; off duty, or without the setting, he may not.
pub(crate) async fn the_duty_roster_drives_deputy_sign_off(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let d = desk(app).await;
    let chief_id = app.add_user("chief", &[Role::Reviewer(2)], &["main"]).await;
    let chief = app.login("chief").await;
    app.add_user("root", &[Role::Admin], &[]).await;
    let admin = app.login("root").await;
    let id = crate::util::desk::reviewed(&d, "值班代签的稿件").await;
    let refused = chief.act(id, "approve", "同意").await;
    assert_ne!(refused.status, 303, "not a 签发人, not on duty");
    let day = today(app);
    let r = chief
        .post(
            "/admin/roster",
            &[
                ("site", "main"),
                ("day", &day),
                ("shift", "day"),
                ("duty", "chief"),
                ("user", &chief_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_ne!(
        chief.act(id, "approve", "同意").await.status,
        303,
        "on duty, but the roster is not the source of 代签"
    );
    // only an administrator makes it so
    assert_eq!(
        chief
            .post("/admin/roster/signs", &[("site", "main"), ("signs", "1")])
            .await
            .status,
        403
    );
    let r = admin
        .post("/admin/roster/signs", &[("site", "main"), ("signs", "1")])
        .await;
    assert_eq!(r.status, 303);
    let board = d.editor.get("/admin/board?site=main").await;
    assert!(
        board.text().contains("chief名"),
        "the board shows who is on duty"
    );
    let r = chief.act(id, "approve", "同意").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let record = app.state.store.audit_of(id).await.unwrap();
    assert!(
        record.iter().any(|e| e.detail.contains("代签")),
        "the sign-off is recorded as 代签"
    );
    // the next day the duty is over
    let id2 = crate::util::desk::reviewed(&d, "第二天的稿件").await;
    app.clock.advance(2 * 86_400);
    let chief = app.login("chief").await;
    assert_ne!(chief.act(id2, "approve", "同意").await.status, 303);
}

/// A local robot: records every request, answers with the statuses given
/// (then 200 with `errcode` 0).
async fn robot(statuses: Vec<u16>) -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut statuses = statuses.into_iter();
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            // the head, then the body of its Content-Length
            loop {
                let n = s.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if got.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&got).to_string());
            let status = statuses.next().unwrap_or(200);
            let body = r#"{"errcode":0,"errmsg":"ok"}"#;
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
    });
    (addr, seen)
}

/// A desk's robot hears a pitch once, retried after a failure; a signed
/// 钉钉 robot's URL carries its signature; a robot at a loopback address
/// without the administrator's leave is refused and never reached.
pub(crate) async fn robots_hear_each_event_once_retried_and_never_at_loopback_unless_allowed(
    app: &TestApp,
    _: Backend,
) {
    app.load_demo().await;
    let d = desk(app).await;
    app.add_user("root", &[Role::Admin], &[]).await;
    let admin = app.login("root").await;
    let day = today(app);
    let (addr, seen) = robot(vec![500]).await;
    let r = admin
        .post(
            "/admin/planning/hooks",
            &[
                ("site", "main"),
                ("format", "dingtalk"),
                ("channel", "sh"),
                ("url", &format!("http://{addr}/robot/send?access_token=t")),
                ("secret", "SECdemo"),
                ("allow_private", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // an editor may not add robots
    assert_eq!(
        d.editor
            .post(
                "/admin/planning/hooks",
                &[
                    ("site", "main"),
                    ("format", "wecom"),
                    ("url", "https://example.com/x")
                ]
            )
            .await
            .status,
        403
    );
    // a pitch to 社会民生: queued with the act, sent by the job
    let r = new_plan(&d.reporter, "main|sh", "菜市场调查", &day, &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // another channel's pitch: this robot does not hear it
    let r = new_plan(&d.reporter, "main|zw/yw", "另一个栏目的报题", &day, &[]).await;
    assert_eq!(r.status, 303);
    app.run_jobs().await;
    assert_eq!(seen.lock().unwrap().len(), 1, "the first try, answered 500");
    let deliveries = app.state.store.deliveries("main", 10).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].delivered_at.is_none());
    assert_eq!(deliveries[0].attempts, 1);
    // the job is tried again later
    app.clock.advance(600);
    app.run_jobs().await;
    app.clock.advance(600);
    app.run_jobs().await;
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "retried once, then delivered: {got:?}");
    let req = &got[1];
    assert!(
        req.starts_with("POST /robot/send?access_token=t&timestamp="),
        "{req}"
    );
    assert!(req.contains("&sign="), "{req}");
    let body = &req[req.find("\r\n\r\n").unwrap() + 4..];
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["msgtype"], "text");
    assert!(
        v["text"]["content"]
            .as_str()
            .unwrap()
            .contains("菜市场调查")
    );
    let deliveries = app.state.store.deliveries("main", 10).await.unwrap();
    assert!(deliveries[0].delivered_at.is_some());
    // a robot at loopback, not allowed: refused, never reached
    let (addr2, seen2) = robot(vec![]).await;
    let r = admin
        .post(
            "/admin/planning/hooks",
            &[
                ("site", "main"),
                ("format", "wecom"),
                ("url", &format!("http://{addr2}/x")),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = new_plan(&d.reporter, "main|zw/yw", "又一个报题", &day, &[]).await;
    assert_eq!(r.status, 303);
    app.run_jobs().await;
    app.clock.advance(3600);
    app.run_jobs().await;
    assert!(seen2.lock().unwrap().is_empty());
    let refused = app.state.store.deliveries("main", 10).await.unwrap();
    let last = &refused[0];
    assert!(last.failed_at.is_some(), "given up at once");
    assert!(last.last_error.contains("refused"), "{}", last.last_error);
    let page = admin.get("/admin/planning/hooks?site=main").await;
    assert!(page.text().contains("已放弃"));
    assert!(
        !page.text().contains("access_token=t"),
        "the robot's key is not shown"
    );
}

/// The 报料 form's challenge: (token, answer).
fn tip_challenge(form: &crate::util::TestResponse) -> (String, String) {
    let token = form.select_attr("input[name=token]", "value")[0].clone();
    let label = form.select_text("label[for=baoliao-answer]")[0].clone();
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let nums: Vec<usize> = label
        .split_whitespace()
        .filter_map(|w| {
            DIGITS
                .iter()
                .position(|d| *d == w.trim_start_matches("验证题:"))
        })
        .collect();
    assert_eq!(nums.len(), 2, "{label}");
    (token, (nums[0] + nums[1]).to_string())
}

/// File a reader's 报料 through the form (a fresh challenge); the answer.
pub(crate) async fn tip_off(app: &TestApp, body: &str) -> crate::util::TestResponse {
    let (token, answer) = tip_challenge(&app.get("/baoliao/").await);
    app.post_form(
        "/baoliao/",
        None,
        &[
            ("site", "main"),
            ("body", body),
            ("contact", "13800000000"),
            ("token", &token),
            ("answer", &answer),
        ],
    )
    .await
}

/// The public 报料 form: no script, a receipt, the contact seen by the desk
/// only, a replayed challenge refused, the hourly limit, and the tip gone
/// after its retention.
pub(crate) async fn readers_tip_off_without_javascript_within_limits_and_are_forgotten(
    app: &TestApp,
    _: Backend,
) {
    app.load_demo().await;
    let d = desk(app).await;
    let form = app.get("/baoliao/").await;
    assert_eq!(form.status, 200);
    assert!(form.select_text("script").is_empty() || !form.body.contains("baoliao.js"));
    assert_eq!(form.select_attr("form.jubao-form", "action"), ["/baoliao/"]);
    let challenge = tip_challenge;
    let (token, answer) = challenge(&form);
    let post = |pairs: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/baoliao/", None, &pairs).await
        }
    };
    let filing = |token: &str, answer: &str| {
        vec![
            ("site", "main".to_string()),
            ("title", String::new()),
            ("body", "渤海七路井盖缺失,晚上很危险".to_string()),
            ("place", "渤海七路".to_string()),
            ("contact", "13800000000".to_string()),
            ("token", token.to_string()),
            ("answer", answer.to_string()),
        ]
    };
    let r = post(filing(&token, &answer)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.header("location").unwrap().to_string();
    assert!(loc.starts_with("/baoliao/chaxun?no=BL"), "{loc}");
    let receipt = loc
        .split("no=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let lookup = app.get(&loc).await;
    assert!(lookup.text().contains(&receipt));
    assert!(
        !lookup.text().contains("13800000000"),
        "the contact is the desk's only"
    );
    // the same challenge again: refused, nothing filed
    let again = post(filing(&token, &answer)).await;
    assert_eq!(again.status, 409, "{}", again.body);
    let tips = app.state.store.tips(None, None, 10).await.unwrap();
    let reader: Vec<_> = tips.iter().filter(|t| t.receipt.is_some()).collect();
    assert_eq!(
        reader.len(),
        1,
        "one tip, however often its challenge is sent"
    );
    let tip = reader
        .iter()
        .find(|t| t.receipt.as_deref() == Some(receipt.as_str()))
        .unwrap();
    let desk_view = d.editor.get(&format!("/admin/tips/{}", tip.id)).await;
    assert!(desk_view.text().contains("13800000000"));
    assert_eq!(
        d.reporter
            .get(&format!("/admin/tips/{}", tip.id))
            .await
            .status,
        403
    );
    // the hourly limit of one address
    let per = app.state.config.reports.per_address;
    let mut last = axum::http::StatusCode::OK;
    for _ in 0..per {
        let (t, a) = challenge(&app.get("/baoliao/").await);
        last = post(filing(&t, &a)).await.status;
    }
    assert_eq!(last, 429, "the limit counts every attempt");
    // past its retention the tip goes
    app.clock
        .advance(gazette::domain::planning::tip::RETENTION_DAYS * 86_400 + 60);
    app.run_jobs().await;
    assert!(app.state.store.tip(tip.id).await.unwrap().is_none());
    let gone = app.get(&format!("/baoliao/chaxun?no={receipt}")).await;
    assert_eq!(gone.status, 404);
}

/// A story whose assignment was cancelled while it was being written says
/// so on its editor page before it goes out, with the desk's reason; the
/// cancelled assignment no longer follows the story.
pub(crate) async fn a_story_outside_its_plan_warns_before_it_goes_out(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let d = desk(app).await;
    let day = today(app);
    let r = new_plan(&d.editor, "main|zw/yw", "临时取消的选题", &day, &[]).await;
    let pid = plan_id_of(&r);
    let cov = plan(app, pid).await.coverages[0].id;
    let reporter = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0;
    let r = d
        .editor
        .post(
            &format!("/admin/planning/coverages/{cov}/assign"),
            &[
                ("plan", &pid.to_string()),
                ("person", &reporter.id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let filter = gazette::db::AssignmentFilter {
        plans: vec![pid],
        ..Default::default()
    };
    let a = app
        .state
        .store
        .assignments(&filter, 1)
        .await
        .unwrap()
        .pop()
        .unwrap();
    let r = d
        .reporter
        .post(
            &format!("/admin/assignments/{}/start", a.id),
            &[("version", &a.version.to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let story = r.header("location").unwrap().to_string();
    let page = d.reporter.get(&story).await;
    assert!(page.text().contains("派题稿件"));
    assert!(!page.text().contains("发布前请与策划编辑确认"));
    // the desk cancels it, with a reason; a cancel without one is refused
    let a = app.state.store.assignment(a.id).await.unwrap().unwrap();
    let cancel = |reason: &'static str| {
        let (d, id, v) = (&d, a.id, a.version.to_string());
        async move {
            d.editor
                .post(
                    &format!("/admin/assignments/{id}/act"),
                    &[("action", "cancel"), ("version", &v), ("reason", reason)],
                )
                .await
        }
    };
    assert_eq!(cancel(" ").await.status, 400);
    assert_eq!(cancel("发布会延期").await.status, 303);
    let page = d.reporter.get(&story).await;
    assert!(
        page.text().contains("发布前请与策划编辑确认"),
        "{}",
        page.text()
    );
    assert!(page.text().contains("发布会延期"));
    // its story's submission no longer moves it
    let id: i64 = story.trim_start_matches("/admin/stories/").parse().unwrap();
    let edit = format!("/admin/stories/{id}");
    let mut form = crate::util::form::fields(&d.reporter.get(&edit).await.body, "story-form");
    crate::util::form::set(&mut form, "body", BODY);
    crate::util::form::set(&mut form, "source", "滨州网讯");
    assert_eq!(
        d.reporter
            .post(&edit, &crate::util::form::pairs(&form))
            .await
            .status,
        303
    );
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    let a = app.state.store.assignment(a.id).await.unwrap().unwrap();
    assert_eq!(a.state.as_str(), "cancelled");
}
