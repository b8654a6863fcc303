//! The newsroom tells people where their stories are: what came back and
//! why, what they sent in (and may still take back), and the way home from
//! an error.

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::desk::{BODY, desk};

#[tokio::test]
async fn a_returned_story_says_why_at_the_top_and_on_the_dashboard() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "要退回的稿件", BODY).await;
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    // sent in: on the author's dashboard, 待初审
    let dash = d.reporter.get("/admin/").await;
    assert!(dash.text().contains("我提交的稿件"), "{}", dash.text());
    assert!(dash.text().contains("要退回的稿件"));
    // the navigation counts what waits: 初审 for the editor, not for 复审
    let count = |page: &crate::util::TestResponse, label: &str| -> String {
        page.select_text("nav .nav-count")
            .into_iter()
            .find(|t| t.contains(label))
            .map(|t| t.replace(label, "").trim().to_string())
            .unwrap_or_else(|| format!("no {label} in the nav"))
    };
    assert_eq!(
        count(&d.editor.get("/admin/stories").await, "待我审核"),
        "1"
    );
    assert_eq!(count(&d.second.get("/admin/").await, "待我审核"), "0");
    assert!(
        d.reporter
            .get("/admin/")
            .await
            .select_text("nav .nav-count")
            .iter()
            .all(|t| !t.contains("待我审核")),
        "a reporter reviews nothing"
    );
    assert_eq!(count(&d.reporter.get("/admin/").await, "被退回"), "0");
    assert_eq!(
        d.editor
            .act(id, "reject", "导语要写明主办单位")
            .await
            .status,
        303
    );
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    let returned = page.select_text(".returned");
    assert_eq!(returned.len(), 1, "{}", page.body);
    assert!(returned[0].contains("导语要写明主办单位"), "{returned:?}");
    assert!(returned[0].contains("editor名"), "{returned:?}");
    let dash = d.reporter.get("/admin/").await;
    assert!(dash.text().contains("已退回修改"), "{}", dash.text());
    assert_eq!(count(&dash, "被退回"), "1");
    assert_eq!(count(&d.editor.get("/admin/").await, "待我审核"), "0");
    // fixed and sent again: the notice is gone
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    assert!(page.select_text(".returned").is_empty());
}

#[tokio::test]
async fn the_author_takes_a_submitted_story_back_until_review_acts() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "想撤回的稿件", BODY).await;
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    assert!(
        page.select_text("button.act-recall")
            .contains(&"撤回".to_string()),
        "{}",
        page.body
    );
    let r = d.reporter.act(id, "recall", "").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = d
        .reporter
        .get(&format!("/admin/stories/{id}?done=recall"))
        .await;
    assert!(page.text().contains("已撤回"), "{}", page.text());
    assert_eq!(page.select_text("#flow-state"), vec!["草稿"]);
    // once 初审 has passed it, it can no longer be taken back
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    assert_eq!(d.editor.act(id, "approve", "同意").await.status, 303);
    let late = d.reporter.act(id, "recall", "").await;
    assert_eq!(late.status, 400, "{}", late.body);
    assert!(late.text().contains("不能撤回"), "{}", late.text());
    // nor by someone else
    let id2 = d.reporter.write(d.yw, "别人的稿件", BODY).await;
    assert_eq!(d.reporter.act(id2, "submit", "").await.status, 303);
    assert_eq!(d.editor.act(id2, "recall", "").await.status, 403);
}

#[tokio::test]
async fn newsroom_error_pages_lead_back_to_the_newsroom() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let refused = d.reporter.get("/admin/users").await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.select_attr(".error-page a", "href"),
        vec!["/admin/"]
    );
    assert!(refused.text().contains("返回工作台"));
    let missing = d.reporter.get("/admin/stories/99999999").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.select_attr(".error-page a", "href"),
        vec!["/admin/"]
    );
    // the portal's own error pages still lead to its home page
    let portal = app.get("/no/such/page.html").await;
    assert_eq!(portal.status, 404);
    assert!(!portal.body.contains("返回工作台"));
}

#[tokio::test]
async fn a_signer_restores_a_withdrawn_story_with_a_reason() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = crate::util::desk::reviewed(&d, "撤稿后恢复的稿件").await;
    assert_eq!(d.signer.act(id, "approve", "同意签发").await.status, 303);
    let url = format!(
        "/{}",
        app.state
            .store
            .work_state(id)
            .await
            .unwrap()
            .unwrap()
            .article
            .url_path
            .unwrap()
    );
    assert_eq!(d.signer.act(id, "withdraw", "待核实").await.status, 303);
    assert_eq!(app.get(&url).await.status, 410);
    // a reporter cannot, and a reason is required
    assert_eq!(d.reporter.act(id, "restore", "恢复").await.status, 403);
    assert_eq!(d.signer.act(id, "restore", "").await.status, 400);
    let r = d.signer.act(id, "restore", "已核实无误").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = app.get(&url).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.select_text("h1"), vec!["撤稿后恢复的稿件"]);
    assert!(
        page.select_text(".story-meta .revised").is_empty(),
        "a restore is no update"
    );
    assert!(app.get("/zw/yw/").await.text().contains("撤稿后恢复的稿件"));
    let record = app.state.store.audit_of(id).await.unwrap();
    let last = record.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.opinion.as_str()),
        ("restore", "已核实无误")
    );
}

#[tokio::test]
async fn every_admin_save_says_what_happened() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[gazette::domain::user::Role::Admin], &["main"])
        .await;
    let admin = app.login("admin").await;
    let follow = |r: crate::util::TestResponse| r.header("location").unwrap().to_string();
    let saves = [
        (
            admin
                .post(
                    "/admin/sites/zouping",
                    &[("name", "邹平"), ("icp", "鲁ICP备1号")],
                )
                .await,
            "站点设置已保存,页面已随之更新",
        ),
        (
            admin
                .post("/admin/words", &[("word", "测试词"), ("severity", "warn")])
                .await,
            "已添加敏感词",
        ),
        (
            admin
                .post(
                    "/admin/users",
                    &[
                        ("username", "newbie"),
                        ("display_name", "新同事"),
                        ("password", "a long enough password"),
                        ("role", "reporter"),
                        ("site", "main"),
                    ],
                )
                .await,
            "已创建用户",
        ),
    ];
    for (resp, said) in saves {
        assert_eq!(resp.status, 303, "{}", resp.body);
        let page = admin.get(&follow(resp)).await;
        assert_eq!(page.select_text(".flash"), vec![said.to_string()]);
    }
}

#[tokio::test]
async fn a_signer_moves_or_brings_forward_a_schedule_without_a_new_review() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = crate::util::desk::schedule(&app, &d, "定时的稿件", 3600).await;
    // the time shows wherever the story is listed in the newsroom
    let at = |secs: i64| {
        gazette::domain::text::to_cst(app.state.now() + secs)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let list = d.signer.get("/admin/stories").await;
    assert!(
        list.text().contains(&format!("定时 {} 发布", at(3600))),
        "{}",
        list.text()
    );
    // moved two hours later: no review again, the first job no longer publishes it
    let later = gazette::domain::text::to_cst(app.state.now() + 3 * 3600)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let v = d.signer.version(id).await;
    let moved = d
        .signer
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "reschedule"),
                ("publish_at", &later),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let page = d.signer.get(&format!("/admin/stories/{id}")).await;
    assert_eq!(
        page.select_text("#flow-state"),
        vec![format!("已签发,定时 {} 发布", at(3 * 3600))]
    );
    // an editor cannot move it
    let v = d.editor.version(id).await;
    let refused = d
        .editor
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "reschedule"),
                ("publish_at", &later),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    app.clock.advance(3600 + 60);
    gazette::jobs::run_due(&app.state).await.unwrap();
    assert!(
        !app.get("/zw/yw/").await.text().contains("定时的稿件"),
        "not at the old time"
    );
    // and published now, before the new time
    assert_eq!(d.signer.act(id, "publish_now", "").await.status, 303);
    assert!(app.get("/zw/yw/").await.text().contains("定时的稿件"));
    let record = app.state.store.audit_of(id).await.unwrap();
    let actions: Vec<&str> = record.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "submit",
            "approve",
            "approve",
            "approve",
            "reschedule",
            "publish_now"
        ]
    );
}

#[tokio::test]
async fn an_administrator_renames_a_person_and_resets_their_password() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("admin", &[gazette::domain::user::Role::Admin], &["main"])
        .await;
    let admin = app.login("admin").await;
    let reporter = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0;
    let path = format!("/admin/users/{}", reporter.id);
    let short = admin
        .post(
            &path,
            &[
                ("role", "reporter"),
                ("site", "main"),
                ("active", "1"),
                ("new_password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 400, "{}", short.body);
    let saved = admin
        .post(
            &path,
            &[
                ("role", "reporter"),
                ("site", "main"),
                ("active", "1"),
                ("display_name", "丁春贵"),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = admin.get(saved.header("location").unwrap()).await;
    assert_eq!(page.select_text(".flash"), vec!["用户已保存"]);
    assert!(page.text().contains("丁春贵"));
    // the old session ends, the old password no longer works, the new one does
    assert_eq!(d.reporter.get("/admin/").await.status, 303);
    assert_eq!(
        app.sign_in("reporter", crate::util::agent::PASSWORD)
            .await
            .status,
        401
    );
    assert_eq!(
        app.sign_in("reporter", "a brand new password").await.status,
        303
    );
}

#[tokio::test]
async fn the_users_form_offers_every_review_level_and_keeps_roles_it_did_not_list() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    // a channel reviewed at five levels: 审核 up to the fourth (the fifth signs)
    let mut yw = app
        .state
        .store
        .channels("main")
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.path == "zw/yw")
        .unwrap();
    yw.review_levels = 5;
    app.state
        .store
        .update_channel(&yw, app.state.now())
        .await
        .unwrap();
    // someone holding a level no channel has (set from the command line)
    let odd = app.add_user("odd", &[Role::Reviewer(7)], &["main"]).await;
    let page = admin.get("/admin/users").await;
    let offered = page.select_attr("form[action='/admin/users'] input[name=role]", "value");
    for r in [
        "reviewer:1",
        "reviewer:4",
        "reviewer:7",
        "signer",
        "curator",
        "admin",
    ] {
        assert!(offered.contains(&r.to_string()), "{r} in {offered:?}");
    }
    assert!(
        !offered.contains(&"reviewer:5".to_string()),
        "the last level is the 签发人's"
    );
    let form = format!("form[action='/admin/users/{odd}']");
    assert_eq!(
        page.select_attr(&format!("{form} input[name=role][checked]"), "value"),
        ["reviewer:7"]
    );
    // a channel scope is offered and kept
    let scopes = page.select_attr(&format!("{form} select[name=scope] option"), "value");
    assert!(scopes.contains(&"main:zw/yw".to_string()), "{scopes:?}");
    let r = admin
        .post(
            &format!("/admin/users/{odd}"),
            &[
                ("role", "reviewer:7"),
                ("role", "reviewer:4"),
                ("scope", "main:zw/yw"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let user = app.state.store.user(odd).await.unwrap().unwrap();
    assert!(user.has(Role::Reviewer(7)) && user.has(Role::Reviewer(4)));
    assert_eq!(user.scopes.len(), 1);
    assert_eq!(user.scopes[0].channel_path.as_deref(), Some("zw/yw"));
    // a scope that does not exist is refused, not stored
    let r = admin
        .post(
            &format!("/admin/users/{odd}"),
            &[("role", "editor"), ("scope", "main:nope"), ("active", "1")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("栏目 main:nope 不存在"));
}
