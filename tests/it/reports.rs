//! 举报 end to end: a reader files a report through the form (no script, no
//! account), gets a receipt and looks it up; limits, the honeypot and the
//! challenge refuse with words; handlers triage it (assign, 核实中, 转交,
//! 已处理) with every step in the record; a signer withdraws the story from
//! the report through the workflow; deadlines count with the clock; the
//! contact data goes after its retention; the period exports as CSV/JSON.

use axum::body::Body;
use axum::http::Request;
use gazette::domain::user::Role;

use crate::util::desk::desk;
use crate::util::{TestApp, TestResponse};

/// The form's challenge: (token, answer).
pub(crate) fn challenge(form: &TestResponse) -> (String, String) {
    let token = form.select_attr("input[name=token]", "value")[0].clone();
    let label = form.select_text("label[for=jubao-answer]")[0].clone();
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let nums: Vec<usize> = label
        .split_whitespace()
        .filter_map(|w| {
            let w = w.trim_start_matches("验证题:");
            DIGITS.iter().position(|d| *d == w)
        })
        .collect();
    assert_eq!(nums.len(), 2, "{label}");
    (token, (nums[0] + nums[1]).to_string())
}

/// A multipart body of text fields and screenshot files.
pub(crate) fn multipart(fields: &[(&str, &str)], files: &[Vec<u8>]) -> (String, Vec<u8>) {
    let b = "jubaoboundary0123456789";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (i, f) in files.iter().enumerate() {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"shots\"; filename=\"shot{i}.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(f);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

pub(crate) async fn post(
    app: &TestApp,
    fields: &[(&str, &str)],
    files: &[Vec<u8>],
) -> TestResponse {
    let (ct, body) = multipart(fields, files);
    app.request(
        Request::post("/jubao/")
            .header("content-type", ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// File a report about `url` the way the form does; the answer.
pub(crate) async fn file(
    app: &TestApp,
    url: &str,
    contact: &str,
    files: &[Vec<u8>],
) -> TestResponse {
    let form = app.get(&format!("/jubao/?url={url}")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let (token, answer) = challenge(&form);
    post(
        app,
        &[
            ("site", "main"),
            ("category", "rumor"),
            ("url", url),
            ("description", "报道中的伤亡人数与官方通报不符,请核实。"),
            ("contact", contact),
            ("website", ""),
            ("token", &token),
            ("answer", &answer),
        ],
        files,
    )
    .await
}

/// The receipt number a filing redirected to.
pub(crate) fn receipt_of(r: &TestResponse) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.header("location").unwrap();
    assert!(loc.starts_with("/jubao/chaxun?no=JB"), "{loc}");
    loc.split("no=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string()
}

async fn report_id(app: &TestApp, receipt: &str) -> i64 {
    app.state
        .store
        .report_by_receipt(receipt)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_reader_files_a_report_without_script_and_looks_it_up() {
    let app = TestApp::with_demo().await;
    // every story page links to the form with its own address
    let story = app.get("/zw/yw/2023-06/01/900001.html").await;
    let link = story.select_attr(".story-report a", "href");
    assert_eq!(link.len(), 1, "the story page has a 举报 link");
    assert!(link[0].starts_with("/jubao/?url=http"), "{}", link[0]);
    // and the footer names the form and the lookup next to the phone
    assert!(
        story
            .select_attr(".footer-report a", "href")
            .contains(&"/jubao/".to_string())
    );

    let form = app.get(&link[0]).await;
    assert_eq!(form.status, 200);
    assert_eq!(form.header("cache-control"), Some("no-store"));
    assert!(form.body.contains("受理编号"), "it says what happens next");
    let url = form.select_attr("#jubao-url", "value")[0].clone();
    assert!(url.ends_with("/zw/yw/2023-06/01/900001.html"), "{url}");
    let categories = form.select_text(".jubao-categories label");
    for c in [
        "政治有害",
        "暴恐",
        "诈骗",
        "色情",
        "低俗",
        "赌博",
        "侵权(隐私/名誉)",
        "谣言",
        "其他",
    ] {
        assert!(
            categories.iter().any(|l| l.contains(c)),
            "{c} in {categories:?}"
        );
    }

    let shot = crate::util::upload::png(64, 48);
    let r = file(&app, &url, "13800000000", &[shot]).await;
    let receipt = receipt_of(&r);
    // committed before the receipt: the row is there with its story
    let stored = app
        .state
        .store
        .report_by_receipt(&receipt)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.article_id, Some(900_001));
    assert_eq!(stored.shots.len(), 1);
    assert!(
        stored.shots[0].starts_with("private/"),
        "{:?}",
        stored.shots
    );
    // the screenshot is not public
    let shot_path = format!("/media/{}", stored.shots[0]);
    assert_eq!(app.get(&shot_path).await.status, 404);

    let page = app.get(r.header("location").unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(
        page.select_text(".jubao-receipt .receipt")
            .contains(&receipt)
    );
    assert!(page.body.contains("待受理"));
    // the lookup shows the status, never the contact
    let look = app.get(&format!("/jubao/chaxun?no={receipt}")).await;
    assert!(look.body.contains("待受理") && look.body.contains("谣言"));
    assert!(!look.body.contains("13800000000"));
    assert_eq!(
        app.get("/jubao/chaxun?no=JB202404202222222222")
            .await
            .status,
        404
    );
    let bad = app.get("/jubao/chaxun?no=xyz").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("格式不对"));
    // the record holds the filing
    let record = app
        .state
        .store
        .audit_page(&gazette::db::AuditQuery {
            subject: Some(format!("report:{receipt}")),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(record.len(), 1);
    assert_eq!(record[0].action, "report_filed");
    // a county site's form works the same under its prefix
    assert_eq!(app.get("/zouping/jubao/").await.status, 200);
}

#[tokio::test]
async fn bad_filings_are_refused_with_words_and_keep_what_was_typed() {
    let app = TestApp::with_demo().await;
    let form = app.get("/jubao/").await;
    // a factual error is a category of its own
    assert!(form.text().contains("内容差错/纠错"), "{}", form.body);
    let (token, answer) = challenge(&form);
    let base = |over: &[(&'static str, &'static str)]| {
        let mut f: Vec<(&str, String)> = vec![
            ("site", "main".into()),
            ("category", "fraud".into()),
            ("url", "/zw/yw/2023-06/01/900001.html".into()),
            ("description", "这里有诈骗电话号码,请删除。".into()),
            ("token", token.clone()),
            ("answer", answer.clone()),
        ];
        for (k, v) in over {
            f.retain(|(n, _)| n != k);
            f.push((k, v.to_string()));
        }
        f
    };
    let send = |f: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(app, &pairs, &[]).await
        }
    };
    // the honeypot
    let r = send(base(&[("website", "http://spam.example")])).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("请勿填写"), "{}", r.body);
    assert!(r.body.contains("这里有诈骗电话号码"), "the words are kept");
    // a wrong answer, an expired or forged token
    let r = send(base(&[("answer", "99")])).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("答案不对"));
    let r = send(base(&[("token", "1.2.3")])).await;
    assert_eq!(r.status, 400);
    // the form's own checks
    let r = send(base(&[("description", "短")])).await;
    assert!(r.status == 400 && r.body.contains("至少"), "{}", r.body);
    let r = send(base(&[("url", "https://elsewhere.example/a.html")])).await;
    assert!(r.body.contains("12377"), "{}", r.body);
    let r = send(base(&[("category", "")])).await;
    assert!(r.body.contains("请选择举报类别"));
    // a file that is not a picture
    let pairs: Vec<(String, String)> = base(&[])
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = post(&app, &pairs, &[b"MZ\x90\x00 not a picture".to_vec()]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("第 1 张截图未能接收"), "{}", r.body);
    // four screenshots
    let png = crate::util::upload::png(8, 8);
    let r = post(&app, &pairs, &[png.clone(), png.clone(), png.clone(), png]).await;
    assert!(r.body.contains("最多 3 张"), "{}", r.body);
    // nothing of all that was filed
    let all = app
        .state
        .store
        .reports(&gazette::db::ReportFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(all.is_empty(), "{all:?}");
    // and a challenge answers for one report only
    let ok = send(base(&[])).await;
    receipt_of(&ok);
    let again = send(base(&[])).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("已经用过"));
}

#[tokio::test]
async fn an_address_over_its_limit_gets_429_in_chinese() {
    let app = TestApp::with_config(|c| c.reports.per_address = 3).await;
    app.load_demo().await;
    for _ in 0..3 {
        receipt_of(&file(&app, "/zw/", "", &[]).await);
    }
    let r = file(&app, "/zw/", "", &[]).await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains("一小时内最多提交 3 次"), "{}", r.body);
    assert!(r.body.contains("0543-3163568"), "the phone is offered");
    assert_eq!(r.header("retry-after"), Some("600"));
    // an hour later the address may file again
    app.clock.advance(3601);
    receipt_of(&file(&app, "/zw/", "", &[]).await);
}

#[tokio::test]
async fn handlers_triage_and_a_signer_withdraws_the_story_from_the_report() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("jubao", &[Role::Handler], &["main"]).await;
    app.add_user("jubao2", &[Role::Handler, Role::Signer], &["main"])
        .await;
    let h = app.login("jubao").await;
    let h2 = app.login("jubao2").await;
    let id = crate::util::desk::reviewed(&d, "一篇被举报的稿件").await;
    assert_eq!(d.signer.act(id, "approve", "同意签发").await.status, 303);
    let path = app
        .state
        .store
        .article(id)
        .await
        .unwrap()
        .unwrap()
        .url_path
        .unwrap();
    let receipt = receipt_of(&file(&app, &format!("/{path}"), "me@example.com", &[]).await);
    let rid = report_id(&app, &receipt).await;

    // reporters have no queue; handlers see it, with the count in the nav
    assert_eq!(d.reporter.get("/admin/reports").await.status, 403);
    let q = h.get("/admin/reports").await;
    assert_eq!(q.status, 200);
    assert!(q.body.contains(&receipt));
    assert!(
        q.select_text("nav .nav-count .count")
            .iter()
            .any(|c| c == "1"),
        "{:?}",
        q.select_text("nav .nav-count .count")
    );
    let page = h.get(&format!("/admin/reports/{rid}")).await;
    assert!(
        page.body.contains("me@example.com"),
        "handlers see the contact"
    );
    assert!(page.body.contains("剩 10 天"), "days left");

    let seen = || async {
        app.state
            .store
            .report(rid)
            .await
            .unwrap()
            .unwrap()
            .updated_at
            .to_string()
    };
    let me = app
        .state
        .store
        .user_with_hash("jubao")
        .await
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string();
    let r = h
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[("act", "assign"), ("to", &me), ("seen", &seen().await)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = h
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[("act", "check"), ("seen", &seen().await)],
        )
        .await;
    assert_eq!(r.status, 303);
    // a stale page is a conflict, not a lost act
    let r = h
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[("act", "check"), ("seen", "1")],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    // 转交 needs a reason; to someone who cannot handle reports is refused
    let other = app
        .state
        .store
        .user_with_hash("jubao2")
        .await
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string();
    let r = h
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[
                ("act", "escalate"),
                ("to", &other),
                ("note", ""),
                ("seen", &seen().await),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("原因"));
    let reporter_id = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string();
    let r = h
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[
                ("act", "escalate"),
                ("to", &reporter_id),
                ("note", "请签发人处理"),
                ("seen", &seen().await),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    let r = h
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[
                ("act", "escalate"),
                ("to", &other),
                ("note", "需撤稿,请签发人处理"),
                ("seen", &seen().await),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        app.get(&format!("/jubao/chaxun?no={receipt}"))
            .await
            .select_text(".jubao-status strong")[0],
        "已转交"
    );

    // the signer-handler withdraws from the report page: the workflow's act
    let page = h2.get(&format!("/admin/reports/{rid}")).await;
    let version = page.select_attr(".report-story input[name=version]", "value");
    assert_eq!(version.len(), 1, "a signer is offered the withdrawal");
    let r = h2
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "withdraw"),
                ("opinion", "经核实撤稿"),
                ("version", &version[0]),
                ("report", &rid.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/admin/reports/{rid}?done=withdrawn").as_str())
    );
    assert_eq!(app.get(&format!("/{path}")).await.status, 410);
    let record = app
        .state
        .store
        .audit_page(&gazette::db::AuditQuery {
            article_id: Some(id),
            action: Some("withdraw".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        record[0].detail.contains(&receipt),
        "the withdrawal names the report: {:?}",
        record[0].detail
    );

    // 已处理 needs the result; then the reader reads it
    let r = h2
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[
                ("act", "resolve"),
                ("outcome", "withdrawn"),
                ("result", ""),
                ("seen", &seen().await),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    let r = h2
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[
                ("act", "resolve"),
                ("outcome", "withdrawn"),
                ("result", "经核实,报道数字有误,已撤稿。感谢您的监督。"),
                ("seen", &seen().await),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let look = app.get(&format!("/jubao/chaxun?no={receipt}")).await;
    assert!(
        look.body.contains("已处理")
            && look.body.contains("撤稿")
            && look.body.contains("感谢您的监督")
    );
    // closed is closed
    let r = h2
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[("act", "check"), ("seen", &seen().await)],
        )
        .await;
    assert_eq!(r.status, 400);
    // every step is in the record, in order
    let steps: Vec<String> = app
        .state
        .store
        .audit_page(&gazette::db::AuditQuery {
            subject: Some(format!("report:{receipt}")),
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        steps,
        [
            "report_filed",
            "report_assign",
            "report_check",
            "report_escalate",
            "report_resolve"
        ]
    );
    let shown = h.get(&format!("/admin/reports/{rid}")).await;
    assert!(shown.select_text(".report-history li").len() >= 5);
}

#[tokio::test]
async fn deadlines_count_with_the_clock_and_contacts_go_after_retention() {
    let app = TestApp::with_demo().await;
    app.add_user("jubao", &[Role::Handler], &["main"]).await;
    let a = receipt_of(&file(&app, "/zw/", "13800000000", &[]).await);
    app.clock.advance(3 * 86_400);
    let _b = receipt_of(&file(&app, "/fb/", "", &[]).await);
    let (open, overdue) = app
        .state
        .store
        .report_counts(None, app.state.now())
        .await
        .unwrap();
    assert_eq!((open, overdue), (2, 0));
    // ten days after the first: it is overdue, the second is not
    app.clock.advance(7 * 86_400);
    let now = app.state.now();
    assert_eq!(
        app.state.store.report_counts(None, now).await.unwrap(),
        (2, 1)
    );
    // (signed in now: a session does not last ten days)
    let h = app.login("jubao").await;
    let q = h.get("/admin/reports").await;
    assert_eq!(q.status, 200, "{}", q.body);
    assert_eq!(
        q.select_text("tr.overdue td a"),
        vec![a.clone()],
        "{}",
        q.body
    );
    let dash = h.get("/admin/").await;
    assert!(dash.body.contains("已超期"), "the dashboard counts it");
    let only = h.get("/admin/reports?overdue=1").await;
    assert_eq!(only.select_text("tbody tr td a"), vec![a.clone()]);
    // the contact is cleared by its job once 180 days have passed
    app.clock.advance(171 * 86_400);
    app.run_jobs().await;
    let r = app
        .state
        .store
        .report_by_receipt(&a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.contact, None);
}

#[tokio::test]
async fn a_period_exports_as_csv_and_json_without_contacts() {
    let app = TestApp::with_demo().await;
    app.add_user("jubao", &[Role::Handler], &["main"]).await;
    let h = app.login("jubao").await;
    let a = receipt_of(&file(&app, "/zw/", "13800000000", &[]).await);
    let csv = h
        .get("/admin/reports.csv?from=2024-04-01&to=2024-04-30&state=")
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("reports-2024-04-01-2024-04-30.csv")
    );
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains(&a) && csv.body.contains("谣言"));
    assert!(!csv.body.contains("13800000000"));
    let none = h
        .get("/admin/reports.csv?from=2024-05-01&to=2024-05-31&state=")
        .await;
    assert!(!none.body.contains(&a));
    let json: serde_json::Value = serde_json::from_str(
        &h.get("/admin/reports.json?from=2024-04-01&to=2024-04-30&state=")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["by_category"]["谣言"], 1);
    assert_eq!(json["reports"][0]["receipt"], a.as_str());
    assert!(!json.to_string().contains("13800000000"));
    let bad = h.get("/admin/reports.csv?from=2024/04/01").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("格式不对"));
}

#[tokio::test]
async fn a_filing_cut_off_or_too_large_leaves_nothing_behind() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = TestApp::with_demo().await;
    let form = app.get("/jubao/").await;
    let (token, answer) = challenge(&form);
    let fields = [
        ("site", "main"),
        ("category", "rumor"),
        ("url", "/zw/"),
        ("description", "报道中的数字与事实不符,请核实。"),
        ("token", token.as_str()),
        ("answer", answer.as_str()),
    ];
    let (ct, body) = multipart(&fields, &[crate::util::upload::png(400, 300)]);
    // the client hangs up half-way through the screenshot
    let addr = app.serve().await;
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /jubao/ HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body[..body.len() / 2]).await.unwrap();
    drop(s);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let none = app
        .state
        .store
        .reports(&gazette::db::ReportFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty(), "no half report: {none:?}");
    // the same answer still files the whole report afterwards
    receipt_of(&post(&app, &fields, &[crate::util::upload::png(400, 300)]).await);
    // a body over the limit is refused with words before it is read whole
    let huge = vec![0u8; 17 * 1024 * 1024];
    let (ct, body) = multipart(&fields, &[huge]);
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /jubao/ HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let _ = s.write_all(&body).await;
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert!(
        answer.contains("截图最多"),
        "the reader is told what to fix"
    );
}

/// A report closed as 更正 while the correction waits for 签发 is 处理中
/// (更正待签发), to the reader too, and closes itself once the correction
/// is signed; it is handed over to the story's 签发人 (no 举报受理 role),
/// who finds it on his desk (issue 24 §3).
#[tokio::test]
async fn a_report_closed_as_corrected_waits_for_the_signed_correction() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("jubao", &[Role::Handler], &["main"]).await;
    let h = app.login("jubao").await;
    let id = crate::util::desk::reviewed(&d, "需要更正的稿件").await;
    assert_eq!(d.signer.act(id, "approve", "同意签发").await.status, 303);
    let path = app
        .state
        .store
        .article(id)
        .await
        .unwrap()
        .unwrap()
        .url_path
        .unwrap();
    let receipt = receipt_of(&file(&app, &format!("/{path}"), "", &[]).await);
    let rid = report_id(&app, &receipt).await;
    let seen = || async {
        app.state
            .store
            .report(rid)
            .await
            .unwrap()
            .unwrap()
            .updated_at
            .to_string()
    };
    // handed to the story's 签发人, who is no handler
    let page = h.get(&format!("/admin/reports/{rid}")).await;
    let to = page.select_text("#escalate-to option");
    assert!(to.iter().any(|o| o == "signer名(签发人)"), "{to:?}");
    let signer_id = app
        .state
        .store
        .user_with_hash("signer")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let r = h
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[
                ("act", "escalate"),
                ("to", &signer_id.to_string()),
                ("note", "涉及更正,请签发人处理"),
                ("seen", &seen().await),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let desk_page = d.signer.get("/admin/").await;
    assert!(
        desk_page.select_text("#handed a").contains(&receipt),
        "{}",
        desk_page.body
    );
    assert_eq!(
        d.signer.get(&format!("/admin/reports/{rid}")).await.status,
        200
    );
    // the reporter writes the correction; it waits for review
    let edit = format!("/admin/stories/{id}");
    let mut form = crate::util::form::fields(&d.reporter.get(&edit).await.body, "story-form");
    crate::util::form::set(&mut form, "correction", "原稿伤亡人数有误,已更正");
    assert_eq!(
        d.reporter
            .post(&edit, &crate::util::form::pairs(&form))
            .await
            .status,
        303
    );
    // the signer closes the report as 更正 now: it waits for the signature
    let r = d
        .signer
        .post(
            &format!("/admin/reports/{rid}/act"),
            &[
                ("act", "resolve"),
                ("outcome", "corrected"),
                ("result", "经核实,已更正伤亡人数"),
                ("seen", &seen().await),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let lookup = format!("/jubao/chaxun?no={receipt}");
    assert!(app.get(&lookup).await.text().contains("处理中(更正待签发)"));
    assert!(
        app.state
            .store
            .report(rid)
            .await
            .unwrap()
            .unwrap()
            .state
            .is_open()
    );
    // 三审 and 签发 of the correction (another signer: this one handled it
    // and may sign it too; he did not edit it)
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    let done = app.state.store.report(rid).await.unwrap().unwrap();
    assert_eq!(done.state, gazette::domain::report::State::Done);
    assert!(done.handled_at.is_some());
    let text = app.get(&lookup).await.text();
    assert!(text.contains("已处理") && text.contains("更正"), "{text}");
    let record = h.get(&format!("/admin/reports/{rid}")).await.text();
    assert!(record.contains("更正已签发,举报自动办结"), "{record}");
}

/// Screenshots are kept re-encoded, and the portal's hourly storage budget
/// for them holds: past it a report is refused with what to do instead, and
/// one without screenshots is still taken (issue 24 §3).
#[tokio::test]
async fn screenshots_are_re_encoded_and_their_hourly_budget_holds() {
    let url = "/zw/yw/2023-06/01/900001.html";
    // a big noisy screenshot: kept as a JPEG of at most 1600 px a side
    let noisy = image::RgbImage::from_fn(2400, 1400, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 13 % 256) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(noisy)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let app = TestApp::with_demo().await;
    let receipt = receipt_of(&file(&app, url, "", &[png.clone()]).await);
    let stored = app
        .state
        .store
        .report_by_receipt(&receipt)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.shots[0].ends_with(".jpg"), "{:?}", stored.shots);
    let kept = app
        .state
        .media
        .get(&stored.shots[0])
        .await
        .unwrap()
        .unwrap();
    let img = image::load_from_memory(&kept).unwrap();
    assert_eq!(img.width(), 1600);
    assert!((933..=934).contains(&img.height()), "{}", img.height());
    assert!(
        kept.len() < png.len() / 2,
        "{} of {}",
        kept.len(),
        png.len()
    );
    drop(app);
    // a portal whose hour takes 30 KB of screenshots: a small one fits
    let app = TestApp::with_config(|c| c.reports.shots_hourly_bytes = 30_000).await;
    receipt_of(&file(&app, url, "", &[crate::util::upload::png(64, 48)]).await);
    // the big one does not: refused with words, nothing kept
    let before = app.state.media.keys().await.unwrap().len();
    let r = file(&app, url, "", &[png]).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.text().contains("举报截图已达存储上限"), "{}", r.body);
    assert_eq!(app.state.media.keys().await.unwrap().len(), before);
    // without screenshots the reader is heard
    receipt_of(&file(&app, url, "", &[]).await);
}
