//! The publication record a regulator reads: every act with who, when, what
//! (old and new values), in Chinese, filtered, paged and exported as filtered.

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::agent::Agent;

async fn rows(who: &Agent<'_>, query: &str) -> Vec<serde_json::Value> {
    let r = who.get(&format!("/admin/audit.json?{query}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str::<serde_json::Value>(&r.body)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn sign_ins_settings_words_and_accounts_are_recorded_with_old_and_new_values() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    app.add_user("editor", &[Role::Editor], &["main"]).await;
    // a failed sign-in, for a known and an unknown name
    assert_eq!(app.sign_in("editor", "wrong password!").await.status, 401);
    assert_eq!(app.sign_in("nobody", "wrong password!").await.status, 401);
    let admin = app.login("admin").await;
    let failed = rows(&admin, "action=login_failed").await;
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0]["actor"], "nobody");
    assert_eq!(failed[0]["detail"], "没有这个用户名");
    assert_eq!(failed[1]["actor"], "editor");
    assert!(
        failed[1]["actor_id"].is_i64(),
        "a known account is named by id"
    );
    assert_eq!(rows(&admin, "action=login").await[0]["actor"], "admin名");

    // site settings: the old and the new 备案号
    let r = admin
        .post(
            "/admin/sites/main",
            &[("name", "滨州网"), ("icp", "鲁ICP备11111111号")],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = admin
        .post(
            "/admin/sites/main",
            &[("name", "滨州网"), ("icp", "鲁ICP备22222222号")],
        )
        .await;
    assert_eq!(r.status, 303);
    let settings = rows(&admin, "action=site_settings").await;
    assert_eq!(settings[0]["action_label"], "修改站点设置");
    assert!(
        settings[0]["detail"]
            .as_str()
            .unwrap()
            .contains("ICP 备案号:「鲁ICP备11111111号」→「鲁ICP备22222222号」"),
        "{}",
        settings[0]["detail"]
    );

    // the word list
    let r = admin
        .post(
            "/admin/words",
            &[("word", "违禁词甲"), ("severity", "block")],
        )
        .await;
    assert_eq!(r.status, 303);
    let words = rows(&admin, "action=word_add").await;
    assert_eq!(words[0]["title"], "违禁词甲");
    assert!(words[0]["detail"].as_str().unwrap().contains("拦截"));

    // an account's roles and scope, and a password reset
    let editor_id = app
        .state
        .store
        .user_with_hash("editor")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let r = admin
        .post(
            &format!("/admin/users/{editor_id}"),
            &[
                ("role", "editor"),
                ("role", "curator"),
                ("scope", "main:zw"),
                ("active", "1"),
                ("new_password", "another long password"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let user = app.state.store.user(editor_id).await.unwrap().unwrap();
    assert!(user.has(Role::Curator));
    assert_eq!(user.scopes[0].channel_path.as_deref(), Some("zw"));
    let changed = rows(&admin, "action=user_update").await;
    let detail = changed[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("角色:「编辑」→「编辑、推荐位编辑」"),
        "{detail}"
    );
    // scopes by the names people read, not the channel's path
    assert!(
        detail.contains("范围:「滨州网(全站)」→「滨州网·滨州政务」"),
        "{detail}"
    );
    assert_eq!(rows(&admin, "action=password_reset").await.len(), 1);

    // the rest of an administrator's day: a word removed, a channel changed,
    // an account created and unlocked, one's own password changed
    let word_id = app.state.store.sensitive_words().await.unwrap()[0].id;
    let r = admin
        .post(&format!("/admin/words/{word_id}/delete"), &[])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        rows(&admin, "action=word_delete").await[0]["title"],
        "违禁词甲"
    );
    let yw = app.channel_id("main", "zw/yw").await;
    let r = admin
        .post(
            &format!("/admin/channels/{yw}"),
            &[
                ("name", "政务要闻"),
                ("sort", "1"),
                ("page_size", "30"),
                ("review_levels", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let ch = rows(&admin, "action=channel_update").await;
    assert!(
        ch[0]["detail"]
            .as_str()
            .unwrap()
            .contains("审核级数:「3」→「2」"),
        "{}",
        ch[0]["detail"]
    );
    // an account that is no administrator needs a scope: without one it
    // would sign in to an empty 工作台
    let r = admin
        .post(
            "/admin/users",
            &[
                ("username", "noscope"),
                ("display_name", "无范围"),
                ("password", "a long enough password"),
                ("role", "reporter"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.text().contains("请选择负责范围"), "{}", r.body);
    assert!(
        r.body.contains("value=\"noscope\""),
        "what was typed stays: {}",
        r.body
    );
    let users = admin.get("/admin/users").await;
    assert!(
        users.text().contains("滨州网·滨州政务›政务要闻"),
        "channel names in the scope list"
    );
    let r = admin
        .post(
            "/admin/users",
            &[
                ("username", "newbie"),
                ("display_name", "新人"),
                ("password", "a long enough password"),
                ("role", "reporter"),
                ("scope", "main"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let created = rows(&admin, "action=user_create").await;
    assert!(
        created[0]["detail"]
            .as_str()
            .unwrap()
            .contains("记者/通讯员")
    );
    let r = admin
        .post(&format!("/admin/users/{editor_id}/unlock"), &[])
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(rows(&admin, "action=user_unlock").await.len(), 1);
    let newbie = app.login_with("newbie", "a long enough password").await;
    let r = newbie
        .post(
            "/admin/password",
            &[
                ("current", "a long enough password"),
                ("new", "an even longer password"),
                ("repeat", "an even longer password"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let changed_pw = rows(&admin, "action=password_change").await;
    assert_eq!(changed_pw[0]["actor"], "新人");

    // the screen: Chinese labels only, no machine names or None
    let page = admin.get("/admin/audit").await;
    let text = page.text();
    for label in [
        "登录失败",
        "修改站点设置",
        "添加敏感词",
        "修改用户",
        "重设密码",
    ] {
        assert!(text.contains(label), "{label}");
    }
    for raw in [
        "login_failed",
        "site_settings",
        "None",
        "live/idle",
        "approve",
    ] {
        assert!(
            !page.select_text("table.audit").concat().contains(raw),
            "{raw} on the screen"
        );
    }
    // a reporter does not read the record
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    let reporter = app.login("reporter").await;
    assert_eq!(reporter.get("/admin/audit").await.status, 403);
    assert_eq!(reporter.get("/admin/audit.csv").await.status, 403);
}

#[tokio::test]
async fn the_record_pages_by_keyset_and_exports_exactly_the_filtered_rows() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    // 120 word-list acts, a second apart
    for i in 0..120 {
        app.clock.advance(1);
        let r = admin
            .post(
                "/admin/words",
                &[("word", &format!("词{i:03}")), ("severity", "warn")],
            )
            .await;
        assert_eq!(r.status, 303);
    }
    let first = admin.get("/admin/audit?action=word_add").await;
    let shown = first.select_text("table.audit tbody tr");
    assert_eq!(shown.len(), 50);
    assert!(shown[0].contains("词119"), "newest first");
    let next = first.select_attr("a[rel=next]", "href");
    assert_eq!(next.len(), 1);
    assert!(
        next[0].contains("action=word_add"),
        "the filter stays: {}",
        next[0]
    );
    let second = admin.get(&next[0]).await;
    let shown2 = second.select_text("table.audit tbody tr");
    assert_eq!(shown2.len(), 50);
    assert!(shown2[0].contains("词069"), "{}", shown2[0]);
    let third = admin
        .get(&second.select_attr("a[rel=next]", "href")[0])
        .await;
    assert_eq!(third.select_text("table.audit tbody tr").len(), 20);
    assert!(third.select_attr("a[rel=next]", "href").is_empty());
    // the exports carry the filter and every matching row, more than a batch would hold
    let csv = admin.get("/admin/audit.csv?action=word_add").await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 121, "a header and 120 rows");
    assert!(lines[0].contains("编号,时间,人员,操作"));
    assert!(lines[1].contains("添加敏感词") && lines[1].contains("词119"));
    assert!(lines.iter().skip(1).all(|l| l.contains("添加敏感词")));
    // a date range: today (Beijing time) has them all, another day none
    let today = gazette::domain::text::to_cst(app.state.now())
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        rows(&admin, &format!("action=word_add&from={today}&to={today}"))
            .await
            .len(),
        120
    );
    assert!(
        rows(&admin, "action=word_add&to=2001-01-01")
            .await
            .is_empty()
    );
    // by person
    let admin_id = app
        .state
        .store
        .user_with_hash("admin")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    assert_eq!(
        rows(&admin, &format!("person={admin_id}&action=word_add"))
            .await
            .len(),
        120
    );
    // bad filters are told apart, not a 500
    let bad = admin.get("/admin/audit?from=2024-02-30").await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("开始日期格式应为"));
    assert_eq!(
        admin.get("/admin/audit?action=drop_table").await.status,
        400
    );
    assert_eq!(admin.get("/admin/audit?before=x").await.status, 400);
}

#[test]
fn command_line_account_changes_and_imports_are_recorded() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let gazette = |args: &[&str], stdin: &[u8]| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(gazette(&["migrate"], b"").status.success());
    let pw = b"a long enough password\n";
    assert!(
        gazette(&["user", "add", "--role", "管理员", "chief"], pw)
            .status
            .success()
    );
    assert!(
        gazette(&["user", "add", "--role", "编辑", "li"], pw)
            .status
            .success()
    );
    // the last administrator keeps the role
    let refused = gazette(&["user", "role", "chief", "--role", "编辑"], b"");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("last active administrator"));
    let ok = gazette(
        &[
            "user",
            "role",
            "li",
            "--role",
            "编辑",
            "--role",
            "推荐位编辑",
        ],
        b"",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let list = gazette(&["user", "list"], b"");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.starts_with("用户名\t姓名\t角色\t状态"), "{listed}");
    assert!(listed.contains("li\tli\t编辑,推荐位编辑\t可用"), "{listed}");
    assert!(gazette(&["user", "disable", "li"], b"").status.success());
    // an import
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "not json\n").unwrap();
    let imported = gazette(&["import", input.to_str().unwrap()], b"");
    assert!(!imported.status.success());

    let rt = tokio::runtime::Runtime::new().unwrap();
    let record = rt.block_on(async {
        let store = gazette::db::open(&gazette::db::Location::Sqlite(
            data.join(gazette::db::sqlite::FILE_NAME),
        ))
        .await
        .unwrap();
        store
            .audit_page(&gazette::db::AuditQuery {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
    });
    let acts: Vec<(&str, &str)> = record
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        acts,
        [
            ("import", "命令行(gazette import)"),
            ("user_update", "命令行(gazette user)"),
            ("user_update", "命令行(gazette user)"),
            ("user_create", "命令行(gazette user)"),
            ("user_create", "命令行(gazette user)"),
        ]
    );
    assert!(
        record[0].detail.contains("未导入 1"),
        "{}",
        record[0].detail
    );
    assert!(record[1].detail.contains("停用"));
    assert!(record[2].detail.contains("「编辑」→「编辑、推荐位编辑」"));
}

/// A county editor reads his site's record and his own acts, not the city's
/// stories nor anyone's sign-ins; 稿件统计 likewise; anyone filters by a
/// group of actions or leaves groups out, and an export is named by its
/// range (issue 24 §2, §5).
#[tokio::test]
async fn the_record_and_the_figures_are_the_readers_sites_and_filter_by_groups() {
    let app = TestApp::with_demo().await;
    let d = crate::util::desk::desk(&app).await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    app.add_user("county", &[Role::Editor], &["zouping"]).await;
    let id = crate::util::desk::reviewed(&d, "市里的稿件").await;
    assert_eq!(d.signer.act(id, "approve", "签发").await.status, 303);
    let admin = app.login("admin").await;
    let county = app.login("county").await;
    let all = rows(&admin, "").await;
    assert!(all.iter().any(|r| r["title"] == "市里的稿件"));
    assert!(
        all.iter()
            .any(|r| r["action"] == "login" && r["actor"] == "editor名")
    );
    let his = rows(&county, "").await;
    assert!(!his.is_empty());
    assert!(his.iter().all(|r| r["title"] != "市里的稿件"), "{his:?}");
    assert!(
        his.iter()
            .all(|r| r["action"] != "login" || r["actor"] == "county名"),
        "{his:?}"
    );
    assert!(
        his.iter()
            .any(|r| r["action"] == "login" && r["actor"] == "county名")
    );
    // the city's editor sees the city's story
    let city = rows(&d.editor, "").await;
    assert!(city.iter().any(|r| r["title"] == "市里的稿件"));
    // groups: only sign-ins, or everything but them
    let logins = rows(&admin, "group=account").await;
    assert!(!logins.is_empty());
    assert!(
        logins.iter().all(|r| r["action"] == "login"
            || r["action"] == "user_create"
            || r["action"] == "login_failed"),
        "{logins:?}"
    );
    let rest = rows(&admin, "exclude=account&exclude=settings").await;
    assert!(rest.iter().all(|r| r["action"] != "login"));
    assert!(rest.iter().any(|r| r["action"] == "submit"));
    let page = admin.get("/admin/audit?exclude=account").await;
    assert_eq!(
        page.select_attr("input[name=exclude][value=account]", "checked"),
        [""]
    );
    assert!(page.select_attr("a[href^='/admin/audit.csv']", "href")[0].contains("exclude=account"));
    // an export says what range it holds
    let csv = admin
        .get("/admin/audit.csv?from=2026-01-01&to=2026-01-31")
        .await;
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"publication-record_2026-01-01_2026-01-31.csv\"")
    );
    // 稿件统计: the county editor's figures hold no city channel
    let stats = county.get("/admin/stats").await;
    assert_eq!(stats.status, 200);
    assert!(!stats.text().contains("滨州网·"), "{}", stats.body);
    assert!(admin.get("/admin/stats").await.text().contains("滨州网·"));
}
