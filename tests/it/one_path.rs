//! One validation path and no way around the workflow: import, the editor
//! form and the admin screens hold the same rules.

use gazette::domain::user::{Role, Scope};

use crate::util::TestApp;
use crate::util::desk::{BODY, desk, reviewed};

fn line(id: i64, title: &str, extra: &str) -> String {
    format!(
        r#"{{"id": {id}, "site": "main", "channel": "zw/yw", "title": "{title}", "authors": [{{"role": "记者", "name": "丁春贵"}}], "source": "滨州网讯", "editor": "闫晓亮", "signed_at": "2024-04-19T10:30:00+08:00", "body": ["第一段"]{extra}}}
"#
    )
}

#[tokio::test]
async fn import_never_overwrites_a_story_in_the_newsroom_and_audits_what_it_changes() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    // a draft, and one awaiting 签发
    let draft = d.reporter.write(d.yw, "记者的草稿", BODY).await;
    let pending = reviewed(&d, "待签发的稿件").await;
    let text = [
        line(draft, "导入覆盖草稿", ""),
        line(pending, "导入绕过签发", ""),
        line(880001, "档案稿", ""),
    ]
    .concat();
    let summary = app.import(&text).await;
    assert_eq!(summary.created, 1, "{:?}", summary.rejected);
    assert_eq!(summary.rejected.len(), 2, "{:?}", summary.rejected);
    assert!(
        summary
            .rejected
            .iter()
            .all(|r| r.reason.contains("在采编系统中")),
        "{:?}",
        summary.rejected
    );
    // neither went live, nor changed
    for (id, title) in [(draft, "记者的草稿"), (pending, "待签发的稿件")] {
        let ws = app.state.store.work_state(id).await.unwrap().unwrap();
        assert_eq!(ws.article.title, title);
        assert_ne!(ws.article.status, gazette::domain::Status::Published);
    }
    assert!(!app.get("/zw/yw/").await.text().contains("导入绕过签发"));
    // an archive story updated by a later import: the record says so
    let again = app.import(&line(880001, "档案稿(修订)", "")).await;
    assert_eq!(again.updated, 1, "{:?}", again.rejected);
    let audit = app.state.store.audit_of(880001).await.unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].action, "import");
    assert_eq!(audit[0].actor, "导入");
}

#[tokio::test]
async fn approved_text_is_not_changed_under_the_later_levels() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "送审的稿件", BODY).await;
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    // at 初审 the editor may still correct the text
    let save = |who: &'static str, title: &'static str| {
        let agent = if who == "editor" {
            &d.editor
        } else {
            &d.second
        };
        let yw = d.yw.to_string();
        async move {
            let v = agent.version(id).await;
            agent
                .post(
                    &format!("/admin/stories/{id}"),
                    &[
                        ("version", &v),
                        ("title", title),
                        ("channel_id", &yw),
                        ("body", BODY),
                    ],
                )
                .await
        }
    };
    assert_eq!(save("editor", "初审时改过的标题").await.status, 303);
    // ...but then another editor approves it: whoever changed it does not
    let own = d.editor.act(id, "approve", "同意").await;
    assert_eq!(own.status, 403, "{}", own.body);
    app.add_user("editor3", &[Role::Editor], &["main"]).await;
    let other = app.login("editor3").await;
    assert_eq!(other.act(id, "approve", "同意").await.status, 303);
    // after 初审 approved it, 复审 cannot change it: it goes back instead
    let refused = save("second", "复审偷改的标题").await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.text().contains("已通过初审"), "{}", refused.text());
    // the form keeps what was typed
    assert!(refused.body.contains("复审偷改的标题"));
    let ws = app.state.store.working_revision(id).await.unwrap().unwrap();
    assert_eq!(ws.draft.title, "初审时改过的标题");
    // rejected back to draft, the text may change, and review starts again at 初审
    assert_eq!(d.second.act(id, "reject", "标题要改").await.status, 303);
    assert_eq!(save("second", "退回后改的标题").await.status, 303);
    assert_eq!(d.second.act(id, "submit", "").await.status, 303);
    let page = other.get(&format!("/admin/stories/{id}")).await;
    assert!(page.text().contains("待初审"), "{}", page.text());
}

#[tokio::test]
async fn scopes_cover_every_channel_a_story_is_listed_in() {
    let app = TestApp::with_demo().await;
    let yw = app.channel_id("main", "zw/yw").await;
    let sh = app.channel_id("main", "sh").await;
    let user = gazette::db::NewUser {
        username: "scoped".into(),
        display_name: "政务记者".into(),
        password_hash: gazette::accounts::hash_password(crate::util::agent::PASSWORD).unwrap(),
        roles: vec![Role::Reporter],
        scopes: vec![Scope {
            site_id: "main".into(),
            channel_path: Some("zw".into()),
        }],
    };
    app.state
        .store
        .create_user(&user, app.state.now())
        .await
        .unwrap();
    let reporter = app.login("scoped").await;
    let refused = reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "借附加栏目越界"),
                ("channel_id", &yw.to_string()),
                ("extra_channel", &sh.to_string()),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.text().contains("不在您的负责范围内"),
        "{}",
        refused.text()
    );
    assert!(
        !reporter
            .get("/admin/stories")
            .await
            .body
            .contains("借附加栏目越界")
    );
}

#[tokio::test]
async fn control_characters_never_reach_pages_or_feeds() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = reviewed(&d, "滨州\u{0}召开\u{8}会议\u{1b}\u{85}").await;
    assert_eq!(d.signer.act(id, "approve", "同意").await.status, 303);
    let ws = app.state.store.work_state(id).await.unwrap().unwrap();
    assert_eq!(ws.article.title, "滨州召开会议");
    // and the XML writers are safe whatever is stored (an old import, a database edit)
    let mut a = ws.article.clone();
    a.title = "库里的\u{1}标题\u{ffff}".into();
    app.save(&a).await;
    for path in [
        "/rss.xml",
        "/atom.xml",
        "/sitemap-news.xml",
        "/zw/yw/rss.xml",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        roxmltree::Document::parse(&r.body).unwrap_or_else(|e| panic!("{path} is not XML: {e}"));
        assert!(r.body.contains("库里的标题"), "{path}");
    }
}

#[tokio::test]
async fn implausible_dates_hosts_and_self_lockouts_are_refused_with_reasons() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    // a schedule years ahead
    let id = reviewed(&d, "定时稿").await;
    let v = d.signer.version(id).await;
    let far = d
        .signer
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "approve"),
                ("opinion", "同意"),
                ("publish_at", "2031-01-01T08:00"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(far.status, 400, "{}", far.body);
    assert!(far.text().contains("不能晚于一年之后"), "{}", far.text());
    // a host that is no host name, and one another site already has
    let none = admin
        .post("/admin/sites/main", &[("name", "滨州网"), ("host", "none")])
        .await;
    assert_eq!(none.status, 400);
    assert!(none.text().contains("不是有效的域名"), "{}", none.text());
    assert_eq!(
        admin
            .post(
                "/admin/sites/zouping",
                &[("name", "邹平"), ("host", "zouping.bzcm.net")]
            )
            .await
            .status,
        303
    );
    let dup = admin
        .post(
            "/admin/sites/main",
            &[("name", "滨州网"), ("host", "zouping.bzcm.net")],
        )
        .await;
    assert_eq!(dup.status, 409, "{}", dup.body);
    assert!(dup.text().contains("已被站点"), "{}", dup.text());
    // an administrator cannot disable themselves, nor the last administrator
    let me = app
        .state
        .store
        .user_with_hash("admin")
        .await
        .unwrap()
        .unwrap()
        .0;
    let own = admin
        .post(
            &format!("/admin/users/{}", me.id),
            &[("role", "admin"), ("site", "main")],
        )
        .await;
    assert_eq!(own.status, 400);
    assert!(own.text().contains("不能停用自己的账号"), "{}", own.text());
    assert_eq!(admin.get("/admin/").await.status, 200, "still signed in");
}

#[tokio::test]
async fn a_signer_who_changed_the_text_does_not_sign_it_off() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "记者的稿件", BODY).await;
    // the signer rewrites the reporter's draft, then it goes through review
    let v = d.signer.version(id).await;
    let yw = d.yw.to_string();
    let saved = d
        .signer
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v),
                ("title", "签发人改写的标题"),
                ("channel_id", &yw),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    let own = d.signer.act(id, "approve", "同意签发").await;
    assert_eq!(own.status, 403, "{}", own.body);
    assert!(
        own.text().contains("修改过这一稿文字的人"),
        "{}",
        own.text()
    );
    assert!(!app.get("/zw/yw/").await.text().contains("签发人改写的标题"));
    // another 签发人 signs it off
    app.add_user("signer2", &[Role::Signer], &["main"]).await;
    let other = app.login("signer2").await;
    assert_eq!(other.act(id, "approve", "同意签发").await.status, 303);
    assert!(app.get("/zw/yw/").await.text().contains("签发人改写的标题"));
}

#[tokio::test]
async fn saving_site_settings_as_shown_keeps_an_absent_host_absent() {
    let app = TestApp::with_demo().await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    let page = admin.get("/admin/sites/zouping").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.select_attr("input[name=host]", "value"),
        vec![String::new()]
    );
    assert!(
        !page.body.contains("value=\"none\""),
        "no absent value prints as none"
    );
    // post every field back as the form shows it
    let html = page.html();
    let inputs =
        scraper::Selector::parse("form[action='/admin/sites/zouping'] input[name]").unwrap();
    let fields: Vec<(String, String)> = html
        .select(&inputs)
        .filter(|e| e.value().attr("name") != Some("_csrf"))
        .map(|e| {
            (
                e.value().attr("name").unwrap().to_string(),
                e.value().attr("value").unwrap_or_default().to_string(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = admin.post("/admin/sites/zouping", &pairs).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let site = app
        .state
        .store
        .sites()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == "zouping")
        .unwrap();
    assert_eq!(site.host, None);
    let home = app.get("/zouping/").await;
    assert!(
        !home.body.contains("//none/"),
        "links keep pointing at the portal"
    );
}

#[tokio::test]
async fn refused_forms_keep_what_was_typed() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.state
        .store
        .add_sensitive_word("违禁词", "测试", "block", app.state.now())
        .await
        .unwrap();
    let id = d
        .reporter
        .write(d.yw, "含拦截词的稿件", "<p>这里有违禁词。</p>")
        .await;
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    // the sign-off is blocked: the opinion and the schedule stay as typed
    let v = d.signer.version(id).await;
    let blocked = d
        .signer
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "approve"),
                ("opinion", "同意签发,注意核实数据"),
                ("publish_at", "2024-04-21T08:30"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(blocked.status, 400, "{}", blocked.body);
    assert!(blocked.text().contains("敏感词"), "{}", blocked.text());
    assert_eq!(
        blocked.select_text("#opinion"),
        vec!["同意签发,注意核实数据"]
    );
    assert_eq!(
        blocked.select_attr("#sign_publish_at", "value"),
        vec!["2024-04-21T08:30".to_string()]
    );
    // the new-user form after a duplicate name: everything but the password
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    let dup = admin
        .post(
            "/admin/users",
            &[
                ("username", "reporter"),
                ("display_name", "新来的记者"),
                ("password", "a long enough password"),
                ("role", "editor"),
                ("site", "zouping"),
            ],
        )
        .await;
    assert_eq!(dup.status, 409, "{}", dup.body);
    let form = "form[action='/admin/users']";
    assert_eq!(
        dup.select_attr(&format!("{form} input[name=username]"), "value"),
        vec!["reporter"]
    );
    assert_eq!(
        dup.select_attr(&format!("{form} input[name=display_name]"), "value"),
        vec!["新来的记者"]
    );
    assert_eq!(
        dup.select_attr(&format!("{form} input[name=role][checked]"), "value"),
        vec!["editor"]
    );
    assert_eq!(
        dup.select_attr(
            &format!("{form} select[name=scope] option[selected]"),
            "value"
        ),
        vec!["zouping"]
    );
    assert!(
        dup.select_attr(&format!("{form} input[name=password]"), "value")
            .is_empty()
    );
}

#[tokio::test]
async fn a_revision_sign_off_is_an_update_not_a_new_sign_off() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let first = reviewed(&d, "首发的稿件").await;
    assert_eq!(d.signer.act(first, "approve", "同意签发").await.status, 303);
    let path = format!(
        "/{}",
        app.state
            .store
            .work_state(first)
            .await
            .unwrap()
            .unwrap()
            .article
            .url_path
            .unwrap()
    );
    // hours later another story; later still the first one is revised
    // (within the sessions' 12 hours)
    app.clock.advance(5 * 3600);
    let second = reviewed(&d, "后发的稿件").await;
    assert_eq!(
        d.signer.act(second, "approve", "同意签发").await.status,
        303
    );
    app.clock.advance(5 * 3600);
    let v = d.editor.version(first).await;
    let yw = d.yw.to_string();
    let saved = d
        .editor
        .post(
            &format!("/admin/stories/{first}"),
            &[
                ("version", &v),
                ("title", "首发的稿件(修订)"),
                ("channel_id", &yw),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    app.add_user("editor3", &[Role::Editor], &["main"]).await;
    let other = app.login("editor3").await;
    for (who, action) in [
        (&d.editor, "submit"),
        (&other, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(first, action, "同意").await.status, 303, "{action}");
    }
    let page = app.get(&path).await;
    assert_eq!(page.select_text("h1"), vec!["首发的稿件(修订)"]);
    assert_eq!(
        page.select_text(".story-meta .signed"),
        vec!["签发日期:2024年04月20日 12:00"]
    );
    assert_eq!(
        page.select_text(".story-meta .revised"),
        vec!["更新:2024年04月20日 22:00"]
    );
    let ld = page
        .body
        .split("application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let ld: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(ld["datePublished"], "2024-04-20T12:00:00+08:00");
    assert_eq!(ld["dateModified"], "2024-04-20T22:00:00+08:00");
    // its place in the list is its first sign-off: the later story stays above it
    let list = app.get("/zw/yw/").await.select_text(".channel-list li a");
    let at = |t: &str| {
        list.iter()
            .position(|x| x.contains(t))
            .unwrap_or_else(|| panic!("{t} in {list:?}"))
    };
    assert!(at("后发的稿件") < at("首发的稿件"), "{list:?}");
    // feeds and sitemaps say it changed
    let atom = app.get("/atom.xml").await.body;
    let entry = atom
        .split("<entry>")
        .find(|e| e.contains("首发的稿件"))
        .unwrap();
    assert!(
        entry.contains("<updated>2024-04-20T22:00:00+08:00</updated>"),
        "{entry}"
    );
    let n = gazette::domain::url::sitemap_block_of(first);
    let sitemap = app.get(&format!("/sitemap-{n}.xml")).await.body;
    let url = sitemap.split("<url>").find(|u| u.contains(&path)).unwrap();
    assert!(
        url.contains("<lastmod>2024-04-20T22:00:00+08:00</lastmod>"),
        "{url}"
    );
}
