//! The newsroom over HTTP: accounts, CSRF, roles, 三审 and 签发, withdrawal,
//! revisions, conflicts, screening, scheduling, the publication record.

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::desk::{BODY, desk, schedule};
use crate::util::upload::png;

#[tokio::test]
async fn three_reviews_and_a_sign_off_publish_the_story() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d
        .reporter
        .write(d.yw, "全省职教社工作推进会召开", BODY)
        .await;
    // a draft is not public
    let ws = app.state.store.work_state(id).await.unwrap().unwrap();
    assert!(ws.article.url_path.is_none());
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    // the editor sees it in the 待我审核 queue
    let dash = d.editor.get("/admin/").await;
    assert!(dash.text().contains("全省职教社工作推进会召开"));
    assert_eq!(d.editor.act(id, "approve", "初审通过").await.status, 303);
    // 复审 rejects once with a reason; the reporter fixes and resubmits
    assert_eq!(
        d.second.act(id, "reject", "导语缺少时间地点").await.status,
        303
    );
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    assert!(
        page.text().contains("导语缺少时间地点"),
        "the reason is shown to the reporter"
    );
    let v = d.reporter.version(id).await;
    let fixed = d
        .reporter
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v),
                ("title", "全省职教社工作推进会在邹平召开"),
                ("byline_role", "记者"),
                ("byline_name", "丁春贵"),
                ("source", "滨州日报/滨州网讯"),
                ("editor", "闫晓亮"),
                ("channel_id", &d.yw.to_string()),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(fixed.status, 303, "{}", fixed.body);
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    assert_eq!(d.editor.act(id, "approve", "同意").await.status, 303);
    assert_eq!(d.second.act(id, "approve", "同意").await.status, 303);
    // only the 签发人 signs off
    assert_eq!(d.editor.act(id, "approve", "我来签").await.status, 403);
    let signed = d.signer.act(id, "approve", "同意签发").await;
    assert_eq!(signed.status, 303);
    assert!(signed.header("location").unwrap().ends_with("done=signed"));

    // the story is live on its URL, its channel pages and the home page
    let a = app.state.store.article(id).await.unwrap().unwrap();
    let url = format!("/{}", a.url_path.clone().unwrap());
    let page = app.get(&url).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.select_text("h1"),
        vec!["全省职教社工作推进会在邹平召开"]
    );
    let date = gazette::domain::text::datetime_cn(app.state.now());
    assert_eq!(
        page.select_text(".story-meta .signed"),
        vec![format!("签发日期:{date}")]
    );
    assert_eq!(page.select_text(".story-body h2"), vec!["会议要求"]);
    assert!(
        app.get("/zw/yw/")
            .await
            .text()
            .contains("全省职教社工作推进会在邹平召开")
    );
    assert!(
        app.get("/zw/")
            .await
            .text()
            .contains("全省职教社工作推进会在邹平召开")
    );
    assert!(
        app.get("/")
            .await
            .text()
            .contains("全省职教社工作推进会在邹平召开")
    );
    assert_eq!(a.signed_by.as_deref(), Some("signer名"));

    // the publication record holds every step, in order
    let audit = app.state.store.audit_of(id).await.unwrap();
    let steps: Vec<(&str, Option<i64>)> =
        audit.iter().map(|e| (e.action.as_str(), e.level)).collect();
    assert_eq!(
        steps,
        vec![
            ("submit", None),
            ("approve", Some(1)),
            ("reject", Some(2)),
            ("submit", None),
            ("approve", Some(1)),
            ("approve", Some(2)),
            ("approve", Some(3))
        ]
    );
    assert_eq!(audit.last().unwrap().url, url);
    let csv = d.signer.get("/admin/audit.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("导语缺少时间地点") && csv.body.contains(&url));
    // the export holds what the filter shows: this story's seven acts
    let json: serde_json::Value = serde_json::from_str(
        &d.signer
            .get(&format!("/admin/audit.json?story={id}"))
            .await
            .body,
    )
    .unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r["article_id"] == id));
    assert_eq!(rows[0]["action_label"], "签发", "newest first");
    assert_eq!(rows[6]["action_label"], "提交审核");

    // withdrawal: the page answers 410 and the story leaves the lists
    assert_eq!(d.signer.act(id, "withdraw", "内容有误").await.status, 303);
    assert_eq!(app.get(&url).await.status, 410);
    assert!(
        !app.get("/zw/yw/")
            .await
            .text()
            .contains("全省职教社工作推进会在邹平召开")
    );
}

#[tokio::test]
async fn separation_of_duties_holds_over_http() {
    let app = TestApp::with_demo().await;
    app.add_user("both", &[Role::Editor, Role::Reviewer(2)], &["main"])
        .await;
    app.add_user("writer", &[Role::Editor, Role::Signer], &["main"])
        .await;
    let both = app.login("both").await;
    let writer = app.login("writer").await;
    let yw = app.channel_id("main", "zw/yw").await;
    let id = writer.write(yw, "分工测试", BODY).await;
    assert_eq!(writer.act(id, "submit", "").await.status, 303);
    // the author cannot review their own story
    let own = writer.act(id, "approve", "同意").await;
    assert_eq!(own.status, 403, "{:?}", own.select_text(".form-error"));
    assert_eq!(both.act(id, "approve", "同意").await.status, 303);
    // the same person cannot act at the next level
    let twice = both.act(id, "approve", "同意").await;
    assert_eq!(twice.status, 403);
    assert!(
        twice
            .text()
            .contains("同一人不能在同一稿件的两个审级上审核")
    );
    // opinions are required
    let blank = both.act(id, "reject", "  ").await;
    assert!(blank.text().contains("请填写意见或理由"));
}

#[tokio::test]
async fn csrf_roles_and_scopes_are_enforced() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("zouping", &[Role::Reporter], &["zouping"])
        .await;
    let county = app.login("zouping").await;
    let id = d.reporter.write(d.yw, "主站草稿", BODY).await;
    let path = format!("/admin/stories/{id}/act");
    let v = d.reporter.version(id).await;
    // CSRF missing or wrong: 403, nothing happens
    let missing = app
        .post_form(
            &path,
            Some(&d.reporter.cookie),
            &[("action", "submit"), ("version", &v)],
        )
        .await;
    assert_eq!(missing.status, 403);
    let wrong = app
        .post_form(
            &path,
            Some(&d.reporter.cookie),
            &[("_csrf", "forged"), ("action", "submit"), ("version", &v)],
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.text().contains("CSRF"));
    // another user's token does not work either
    let other = app
        .post_form(
            &path,
            Some(&d.reporter.cookie),
            &[
                ("_csrf", &d.editor.csrf),
                ("action", "submit"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(other.status, 403);
    assert_eq!(app.state.store.audit_of(id).await.unwrap().len(), 0);
    // no session: to the login form
    let anon = app.get(&format!("/admin/stories/{id}")).await;
    assert_eq!(anon.status, 303);
    assert!(
        anon.header("location")
            .unwrap()
            .starts_with("/admin/login?next=")
    );
    // a county reporter cannot read the main site's drafts, nor file to its channels
    assert_eq!(
        county.get(&format!("/admin/stories/{id}")).await.status,
        404
    );
    let filed = county
        .post(
            "/admin/stories/new",
            &[
                ("title", "越界"),
                ("channel_id", &d.yw.to_string()),
                ("body", "<p>x</p>"),
            ],
        )
        .await;
    assert_eq!(filed.status, 403);
    // wrong role: reporters do not manage users or words, nor sign off
    assert_eq!(d.reporter.get("/admin/users").await.status, 403);
    assert_eq!(
        d.reporter
            .post("/admin/words", &[("word", "x")])
            .await
            .status,
        403
    );
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    assert_eq!(d.reporter.act(id, "approve", "自己批").await.status, 403);
    // another reporter of the same site cannot see it either
    app.add_user("reporter2", &[Role::Reporter], &["main"])
        .await;
    let r2 = app.login("reporter2").await;
    assert_eq!(r2.get(&format!("/admin/stories/{id}")).await.status, 404);
}

#[tokio::test]
async fn hostile_fields_are_stored_safely_and_render_inert() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let body = format!("<p onclick=\"x()\">正文{evil}<a href=\"javascript:alert(3)\">链接</a></p>");
    let id = d.editor.write(d.yw, &format!("标题{evil}"), &body).await;
    let stored = app
        .state
        .store
        .work_state(id)
        .await
        .unwrap()
        .unwrap()
        .article;
    assert!(
        !stored.body_html.contains("script")
            && !stored.body_html.contains("onerror")
            && !stored.body_html.contains("javascript:")
    );
    let page = d.editor.get(&format!("/admin/stories/{id}")).await;
    let html = page.html();
    let scripts =
        scraper::Selector::parse("script:not([src]):not([type='application/ld+json'])").unwrap();
    assert_eq!(
        html.select(&scripts).count(),
        0,
        "no inline script reaches the editor page"
    );
    assert!(
        page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title shows as text"
    );
    let preview = d.editor.get(&format!("/admin/stories/{id}/preview")).await;
    assert_eq!(preview.status, 200);
    assert_eq!(preview.select_text("h1"), vec![format!("标题{evil}")]);
    assert!(!preview.body.contains("<script>alert"));
    // huge fields: a clear message, nothing saved
    let huge = "长".repeat(300);
    let v = d.editor.version(id).await;
    let resp = d
        .editor
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v),
                ("title", &huge),
                ("channel_id", &d.yw.to_string()),
                ("body", "<p>x</p>"),
            ],
        )
        .await;
    assert_eq!(resp.status, 422);
    assert!(resp.text().contains("标题最多 200 个字"));
    assert_eq!(app.state.store.revisions(id).await.unwrap().len(), 1);
    // a body over the form limit is refused, not a 500
    let giant = "x".repeat(5 * 1024 * 1024);
    let resp = d
        .editor
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v),
                ("title", "t"),
                ("channel_id", &d.yw.to_string()),
                ("body", &giant),
            ],
        )
        .await;
    assert_eq!(resp.status, 413);
}

#[tokio::test]
async fn concurrent_saves_conflict_and_keep_both_texts() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("editor2", &[Role::Editor], &["main"]).await;
    let e2 = app.login("editor2").await;
    let id = d.editor.write(d.yw, "原标题", BODY).await;
    let v = d.editor.version(id).await;
    let form = |title: &'static str, body: &'static str| {
        vec![
            ("version", v.clone()),
            ("title", title.to_string()),
            ("channel_id", d.yw.to_string()),
            ("body", body.to_string()),
        ]
    };
    let first: Vec<(&str, String)> = form("编辑一的标题", "<p>编辑一的正文</p>");
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        d.editor
            .post(&format!("/admin/stories/{id}"), &first)
            .await
            .status,
        303
    );
    let second: Vec<(&str, String)> = form("编辑二的标题", "<p>编辑二的正文</p>");
    let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let clash = e2.post(&format!("/admin/stories/{id}"), &second).await;
    assert_eq!(clash.status, 409);
    // both versions are on the page: the submitted one in the form, the saved one beside it
    assert_eq!(
        clash.select_attr("input[name=title]", "value"),
        vec!["编辑二的标题"]
    );
    assert!(clash.text().contains("编辑二的正文"));
    assert!(clash.text().contains("编辑一的正文"));
    assert!(clash.text().contains("保存冲突"));
    // nothing was lost or overwritten
    let ws = app.state.store.work_state(id).await.unwrap().unwrap();
    assert_eq!(ws.article.title, "编辑一的标题");
}

#[tokio::test]
async fn editing_a_live_story_keeps_the_page_until_sign_off_and_adds_a_correction() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "初版标题", BODY).await;
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    let url = format!(
        "/{}",
        app.state
            .store
            .article(id)
            .await
            .unwrap()
            .unwrap()
            .url_path
            .unwrap()
    );
    let v = d.editor.version(id).await;
    let resp = d
        .editor
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v),
                ("title", "修订标题"),
                ("channel_id", &d.yw.to_string()),
                ("body", BODY),
                ("correction", "原稿中会议日期有误,已更正"),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{}", resp.body);
    // the live page is unchanged while the revision is reviewed
    assert_eq!(app.get(&url).await.select_text("h1"), vec!["初版标题"]);
    assert_eq!(d.editor.act(id, "submit", "").await.status, 303);
    // whoever changed the text does not review it: another editor does 初审
    let own = d.editor.act(id, "approve", "同意").await;
    assert_eq!(own.status, 403, "{}", own.body);
    assert!(
        own.text().contains("修改过这一稿文字的人"),
        "{}",
        own.text()
    );
    app.add_user("editor3", &[Role::Editor], &["main"]).await;
    let other = app.login("editor3").await;
    for (who, action) in [
        (&other, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        let r = who.act(id, action, "同意").await;
        assert_eq!(r.status, 303, "{action}: {}", r.text());
    }
    let page = app.get(&url).await;
    assert_eq!(
        page.select_text("h1"),
        vec!["修订标题"],
        "same URL, new text"
    );
    assert!(page.select_text(".correction")[0].contains("原稿中会议日期有误,已更正"));
    // every save is a revision, and two can be compared
    let revs = app.state.store.revisions(id).await.unwrap();
    assert_eq!(revs.len(), 2);
    let diff = d
        .editor
        .get(&format!("/admin/stories/{id}/diff?a=1&b=2"))
        .await;
    assert_eq!(diff.status, 200);
    assert!(
        diff.select_text(".diff-lines .del")
            .contains(&"−初版标题".to_string())
    );
    assert!(
        diff.select_text(".diff-lines .ins")
            .contains(&"+修订标题".to_string())
    );
    // inside the line, the characters that changed
    assert_eq!(
        diff.select_text("section.diff:first-of-type .del del"),
        ["初版"]
    );
    assert_eq!(
        diff.select_text("section.diff:first-of-type .ins ins"),
        ["修订"]
    );
    // every field is compared: the 更正 notice is one
    assert!(
        diff.select_text(".diff h2")
            .contains(&"更正说明".to_string())
    );
    // the body did not change, so it is not listed
    assert!(!diff.select_text(".diff h2").contains(&"正文".to_string()));
}

#[tokio::test]
async fn blocking_words_need_an_override_and_reprints_their_origin() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    assert_eq!(
        admin
            .post(
                "/admin/words",
                &[
                    ("word", "违禁词"),
                    ("category", "测试"),
                    ("severity", "block")
                ]
            )
            .await
            .status,
        303
    );
    let id = d.reporter.write(d.yw, "含有违 禁词的稿件", BODY).await;
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    let page = d.signer.get(&format!("/admin/stories/{id}")).await;
    assert_eq!(
        page.select_text(".hits mark"),
        vec!["违 禁词"],
        "the hit is highlighted for the reviewer"
    );
    let refused = d.signer.act(id, "approve", "同意").await;
    assert_eq!(refused.status, 400);
    assert!(refused.text().contains("敏感词"));
    let v = d.signer.version(id).await;
    let ok = d
        .signer
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "approve"),
                ("opinion", "同意"),
                ("override_reason", "系引用法规原文"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    let audit = app.state.store.audit_of(id).await.unwrap();
    assert!(
        audit.last().unwrap().opinion.contains("系引用法规原文"),
        "the override is audited"
    );
}

#[tokio::test]
async fn scheduled_sign_off_publishes_when_due_and_survives_a_restart() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    // the demo's pictures have their variant jobs: done first
    app.run_jobs().await;
    let id = schedule(&app, &d, "定时发布的稿件", 7200).await;
    assert!(!app.get("/zw/yw/").await.text().contains("定时发布的稿件"));
    // not yet due: nothing happens
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 0);
    // the job is a row: a new runner (after a restart) finds it when due
    app.clock.advance(7200);
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 1);
    assert!(app.get("/zw/yw/").await.text().contains("定时发布的稿件"));
    let audit = app.state.store.audit_of(id).await.unwrap();
    assert_eq!(audit.last().unwrap().action, "publish");
    assert_eq!(audit.iter().filter(|e| e.action == "publish").count(), 1);
    // running again does nothing: the job is done
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 0);
}

#[tokio::test]
async fn login_is_throttled_and_sessions_end() {
    let app = TestApp::with_demo().await;
    app.add_user("ding", &[Role::Reporter], &["main"]).await;
    for _ in 0..5 {
        let r = app.sign_in("ding", "wrong password!").await;
        assert_eq!(r.status, 401);
        assert!(r.text().contains("用户名或密码不正确"));
    }
    let r = app.sign_in("ding", crate::util::agent::PASSWORD).await;
    assert_eq!(r.status, 429);
    assert!(r.text().contains("分钟后重试"), "{}", r.text());
    assert!(r.header("retry-after").unwrap().parse::<i64>().unwrap() > 0);
    // after the window, the right password works
    app.clock.advance(16 * 60);
    let agent = app.login("ding").await;
    // sign out ends the session
    assert_eq!(agent.post("/admin/logout", &[]).await.status, 303);
    assert_eq!(agent.get("/admin/").await.status, 303);
}

#[tokio::test]
async fn the_audit_record_cannot_be_changed() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "审计测试", BODY).await;
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    // straight at the database: the triggers refuse
    let dir = app.state.config.data_dir.clone();
    let url = format!("sqlite://{}", dir.join("gazette.db").display());
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let upd = sqlx::query("UPDATE audit SET actor = 'someone else'")
        .execute(&mut conn)
        .await;
    assert!(upd.unwrap_err().to_string().contains("cannot be changed"));
    let del = sqlx::query("DELETE FROM audit").execute(&mut conn).await;
    assert!(del.unwrap_err().to_string().contains("cannot be deleted"));
    assert_eq!(app.state.store.audit_of(id).await.unwrap().len(), 1);
}

#[test]
fn the_first_admin_is_created_from_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let migrated = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(migrated.status.success());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["user", "add", "--role", "管理员", "chief", "--data-dir"])
        .arg(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user chief"));
    // a short password is refused with the rule
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["user", "add", "--role", "编辑", "short", "--data-dir"])
        .arg(dir.path())
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
}

#[tokio::test]
async fn images_upload_with_sniffed_types_and_limits() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let original = png(1024, 768);
    let ok = d.reporter.upload(&d.reporter.csrf, &original).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    let url = v["url"].as_str().unwrap();
    assert!(
        url.ends_with(".png"),
        "the type comes from the bytes, not the name: {url}"
    );
    let served = app.get(url).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(app.get(v["thumb"].as_str().unwrap()).await.status, 200);
    // the static export carries the uploaded files at the same URLs
    let out = tempfile::tempdir().unwrap();
    gazette::export::build(&app.state, out.path(), false, false)
        .await
        .expect("export");
    for u in [url, v["thumb"].as_str().unwrap()] {
        assert!(
            out.path().join(u.trim_start_matches('/')).is_file(),
            "{u} exported"
        );
    }
    assert_eq!(
        std::fs::read(out.path().join(url.trim_start_matches('/'))).unwrap(),
        original
    );
    // not an image (invalid UTF-8 garbage, or a script named .jpg)
    let garbage = d
        .reporter
        .upload(
            &d.reporter.csrf,
            &[0xC3, 0x28, 0xA0, 0xA1, 0xFF, 0xFE, 0x00],
        )
        .await;
    assert_eq!(garbage.status, 415);
    assert!(garbage.body.contains("只支持 JPEG、PNG、GIF 和 WebP 图片"));
    let script = d
        .reporter
        .upload(&d.reporter.csrf, b"<script>alert(1)</script>")
        .await;
    assert_eq!(script.status, 415);
    // too large: 413 with a message
    let mut big = png(10, 10);
    big.resize(6 * 1024 * 1024, 0);
    let huge = d.reporter.upload(&d.reporter.csrf, &big).await;
    assert_eq!(huge.status, 413);
    assert!(huge.body.contains("图片不能超过 5 MB"), "{}", huge.body);
    // CSRF applies to uploads too
    assert_eq!(d.reporter.upload("forged", &png(10, 10)).await.status, 403);
    // a story can carry the image; the public page shows it
    let body = format!("<p>图片新闻</p><p><img src=\"{url}\" alt=\"现场\"></p>");
    let id = d.editor.write(d.yw, "带图片的稿件", &body).await;
    let preview = d.editor.get(&format!("/admin/stories/{id}/preview")).await;
    assert_eq!(
        preview.select_attr(".story-body img", "src"),
        vec![url.to_string()]
    );
    assert_eq!(app.get("/media/../gazette.db").await.status, 404);
    // the accepted uploads get their sizes made
    app.run_jobs().await;
}

#[tokio::test]
async fn admins_set_review_levels_footer_facts_and_accounts() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    assert_eq!(admin.get("/admin/channels").await.status, 200);
    // 社会民生 gets a single review level: the 签发人 signs off at once
    let sh = app.channel_id("main", "sh").await;
    let r = admin
        .post(
            &format!("/admin/channels/{sh}"),
            &[
                ("name", "社会民生"),
                ("sort", "7"),
                ("page_size", "20"),
                ("review_levels", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let bad = admin
        .post(
            &format!("/admin/channels/{sh}"),
            &[
                ("name", "社会民生"),
                ("sort", "7"),
                ("page_size", "20"),
                ("review_levels", "12"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    let id = d.reporter.write(sh, "一审即签发的稿件", BODY).await;
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    assert_eq!(
        d.editor.act(id, "approve", "同意").await.status,
        403,
        "no 初审 in a one-level channel"
    );
    assert_eq!(d.signer.act(id, "approve", "同意").await.status, 303);
    assert!(app.get("/sh/").await.text().contains("一审即签发的稿件"));
    // footer facts are the site's settings
    let r = admin
        .post(
            "/admin/sites/main",
            &[
                ("name", "滨州网"),
                ("icp", "鲁ICP备00000000号-1"),
                ("report_phone", "0543-0000000"),
                ("report_email", "jubao@example.cn"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let home = app.get("/").await;
    assert!(home.text().contains("鲁ICP备00000000号-1"));
    assert!(home.text().contains("0543-0000000"));
    let hostile = admin
        .post(
            "/admin/sites/main",
            &[("name", "滨州网"), ("host", "evil.com/<script>")],
        )
        .await;
    assert_eq!(hostile.status, 400);
    // a disabled account can no longer sign in, and its sessions end
    let reporter = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0;
    let r = admin
        .post(
            &format!("/admin/users/{}", reporter.id),
            &[("role", "reporter"), ("site", "main")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(d.reporter.get("/admin/").await.status, 303);
    let again = app.sign_in("reporter", crate::util::agent::PASSWORD).await;
    assert_eq!(again.status, 401);
    // reprints cannot be signed off without their origin
    let id = d.editor.write(d.yw, "转载稿", BODY).await;
    let v = d.editor.version(id).await;
    d.editor
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v),
                ("title", "转载稿"),
                ("channel_id", &d.yw.to_string()),
                ("body", BODY),
                ("is_reprint", "1"),
                ("reprint_source", "新华社"),
            ],
        )
        .await;
    app.add_user("second2", &[Role::Reviewer(2)], &["main"])
        .await;
    app.add_user("editor3", &[Role::Editor], &["main"]).await;
    let e3 = app.login("editor3").await;
    for (who, action) in [
        (&d.editor, "submit"),
        (&e3, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303, "{action}");
    }
    let refused = d.signer.act(id, "approve", "同意").await;
    assert_eq!(refused.status, 400);
    assert!(
        refused
            .text()
            .contains("转载稿须填写原出处、原作者、原标题和原文链接")
    );
}

#[tokio::test]
async fn hostile_text_in_every_field_renders_inert() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let x = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
    let yw = d.yw.to_string();
    let resp = d
        .editor
        .post(
            "/admin/stories/new",
            &[
                ("title", x),
                ("short_title", x),
                ("subtitle", x),
                ("byline_role", "<i>记者</i>"),
                ("byline_name", x),
                ("source", x),
                ("editor", x),
                ("is_reprint", "1"),
                ("reprint_source", x),
                ("reprint_author", x),
                ("reprint_title", x),
                ("reprint_url", "https://x.cn/\"><script>"),
                ("channel_id", &yw),
                ("tags", x),
                ("summary", x),
                ("body", x),
                ("correction", x),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{}", resp.body);
    let id: i64 = resp
        .header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for path in [
        format!("/admin/stories/{id}"),
        format!("/admin/stories/{id}/preview"),
        "/admin/stories".to_string(),
        "/admin/".to_string(),
    ] {
        let page = d.editor.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        let html = page.html();
        for sel in [
            "script:not([src]):not([type='application/ld+json'])",
            "img[onerror]",
            "[onerror]",
        ] {
            let s = scraper::Selector::parse(sel).unwrap();
            assert_eq!(html.select(&s).count(), 0, "{sel} on {path}");
        }
    }
    let preview = d.editor.get(&format!("/admin/stories/{id}/preview")).await;
    assert_eq!(
        preview.select_text("h1"),
        vec![x.to_string()],
        "shown as text"
    );
    assert!(
        preview
            .text()
            .contains(&format!("作者:<i>记者</i> {x} 报道"))
    );
}
