//! Review that says why (issue 24 §1): every check the sign-off makes is a
//! warning from the writer on; an action a person expects but may not take
//! is a disabled button with its reason and who could; the nav counts only
//! what the person can act on; a workflow button saves the form first; the
//! reviewer sees the whole story; the 初审 approver is the 责任编辑; a
//! county desk's one 签发人 signs through a named deputy (代签); a refused
//! save keeps everything typed.

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::agent::Agent;
use crate::util::desk::{BODY, Desk, desk};
use crate::util::form::{fields, pairs, set};
use crate::util::upload::jpeg;

async fn picture(agent: &Agent<'_>, fields: &[(&str, &str)]) -> i64 {
    let r = agent.upload_with(fields, &jpeg(800, 600)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// A story with a 题图 whose 替代文字 is `alt`, by the reporter.
async fn with_lead(d: &Desk<'_>, picture: i64, alt: &str) -> i64 {
    let (yw, pic) = (d.yw.to_string(), picture.to_string());
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "黄河大桥合龙"),
                ("channel_id", &yw),
                ("byline_role", "记者"),
                ("byline_name", "丁春贵"),
                ("body", BODY),
                ("summary", "黄河大桥今天合龙。"),
                ("tags", "黄河,大桥"),
                ("ai", "partial"),
                ("lead_image", &pic),
                ("lead_caption", "合龙现场"),
                ("lead_credit", "张三摄"),
                ("lead_alt", alt),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    id_of(&r)
}

fn id_of(r: &crate::util::TestResponse) -> i64 {
    r.header("location")
        .unwrap()
        .trim_start_matches("/admin/stories/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The nav's 待我审核 count on the person's dashboard.
async fn to_review(agent: &Agent<'_>) -> usize {
    let page = agent.get("/admin/").await;
    page.select_text("a.nav-count .count")
        .first()
        .map_or(0, |t| t.trim().parse().unwrap())
}

#[tokio::test]
async fn a_sign_off_check_warns_at_every_level_and_disables_the_button_with_its_reason() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let pic = picture(&d.reporter, &[]).await;
    app.run_jobs().await;
    let id = with_lead(&d, pic, "").await;
    let page = format!("/admin/stories/{id}");
    // the writer is told before he submits, and at every level after
    for (who, next) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        let p = who.get(&page).await;
        let warned = p.select_text(".signoff-warnings li");
        assert!(
            warned.iter().any(|w| w.contains("题图须填写替代文字")),
            "{warned:?}"
        );
        assert_eq!(who.act(id, next, "同意").await.status, 303);
    }
    // the 签发人: 签发 drawn disabled, with the reason; 退回修改 works
    let p = d.signer.get(&page).await;
    assert_eq!(
        p.select_attr("button.act-approve", "disabled"),
        vec![String::new()],
        "{}",
        p.body
    );
    assert_eq!(p.select_text("button.act-approve"), vec!["签发"]);
    let why = p.select_text("#why-approve").join("");
    assert!(why.contains("替代文字"), "{why}");
    assert!(p.select_attr("button.act-reject", "disabled").is_empty());
    // he can still act on it (send it back), so it is his to review
    assert_eq!(to_review(&d.signer).await, 1);
    // pressing it anyway (a stale page) is refused with the same reason
    let r = d.signer.act(id, "approve", "签发").await;
    assert_eq!(r.status, 400);
    assert!(
        r.select_text(".form-error").join("").contains("替代文字"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn the_one_signer_of_a_desk_signs_what_he_edited_only_through_a_named_deputy() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("deputy", &[Role::Editor], &["main"]).await;
    app.add_user("boss", &[Role::Admin], &["main"]).await;
    let (deputy, boss) = (app.login("deputy").await, app.login("boss").await);
    let id = d.reporter.write(d.yw, "县里的更正", BODY).await;
    // the 签发人 fixes the draft himself before it goes in
    let page = format!("/admin/stories/{id}");
    let mut form = fields(&d.signer.get(&page).await.body, "story-form");
    set(&mut form, "title", "县里的更正(签发人改)");
    let r = d.signer.post(&page, &pairs(&form)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    // he may not sign what he changed: not his to review, and the page says
    // why and that nobody else can yet
    assert_eq!(to_review(&d.signer).await, 0);
    let p = d.signer.get(&page).await;
    assert!(
        p.select_text("#why-approve")
            .join("")
            .contains("修改过这一稿文字的人")
    );
    assert!(p.select_text(".may-sign").join("").contains("代签设置"));
    assert_eq!(to_review(&deputy).await, 0);
    // the administrator names a deputy for the channel's site
    let r = boss
        .post(
            "/admin/deputies",
            &[("desk", "main|"), ("user_id", &deputy_id(&app).await)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let listed = boss.get("/admin/deputies").await;
    assert!(listed.text().contains("deputy名"), "{}", listed.body);
    let p = d.signer.get(&page).await;
    assert_eq!(
        p.select_text(".may-sign").join(""),
        "可以签发的人:deputy名(代签)"
    );
    assert_eq!(to_review(&deputy).await, 1);
    let r = deputy.act(id, "approve", "代为签发").await;
    assert_eq!(r.status, 303, "{}", r.body);
    let ws = app.state.store.work_state(id).await.unwrap().unwrap();
    assert_eq!(ws.article.status, gazette::domain::Status::Published);
    // the record says it was a deputy's sign-off
    let record = app.state.store.audit_of(id).await.unwrap();
    let signed = record.iter().rev().find(|e| e.action == "approve").unwrap();
    assert_eq!(signed.actor, "deputy名");
    assert!(signed.detail.starts_with("代签"), "{signed:?}");
    let shown = d.signer.get(&page).await;
    assert!(
        shown
            .select_text(".audit td")
            .iter()
            .any(|t| t.contains("代签"))
    );
}

async fn deputy_id(app: &TestApp) -> String {
    let users = app.state.store.users().await.unwrap();
    users
        .iter()
        .find(|u| u.username == "deputy")
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn a_workflow_button_saves_what_the_form_holds_first() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "初稿标题", BODY).await;
    let page = format!("/admin/stories/{id}");
    let act = format!("/admin/stories/{id}/act");
    // typed a new title, then pressed 提交审核 without saving
    let mut form = fields(&d.reporter.get(&page).await.body, "story-form");
    set(&mut form, "title", "改过的标题");
    set(&mut form, "action", "submit");
    let r = d.reporter.post(&act, &pairs(&form)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let story = app.state.store.working_revision(id).await.unwrap().unwrap();
    assert_eq!(story.draft.title, "改过的标题");
    let ws = app.state.store.work_state(id).await.unwrap().unwrap();
    assert_eq!(
        ws.work,
        gazette::domain::workflow::Work::Review { level: 1 }
    );
    // the 初审 editor presses 初审通过 on the form as shown: nothing to save
    let shown = fields(&d.editor.get(&page).await.body, "story-form");
    let mut edited = shown.clone();
    set(&mut edited, "title", "编辑顺手改的标题");
    set(&mut edited, "action", "approve");
    set(&mut edited, "opinion", "同意");
    // with an edit he may not approve the text he changed: refused, kept
    let r = d.editor.post(&act, &pairs(&edited)).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.text().contains("您在表单里改动了稿件"), "{}", r.body);
    assert_eq!(r.select_attr("#title", "value"), vec!["编辑顺手改的标题"]);
    assert_eq!(
        app.state
            .store
            .working_revision(id)
            .await
            .unwrap()
            .unwrap()
            .draft
            .title,
        "改过的标题"
    );
    let mut unchanged = shown;
    set(&mut unchanged, "action", "approve");
    set(&mut unchanged, "opinion", "同意");
    let r = d.editor.post(&act, &pairs(&unchanged)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let ws = app.state.store.work_state(id).await.unwrap().unwrap();
    assert_eq!(
        ws.work,
        gazette::domain::workflow::Work::Review { level: 2 }
    );
    let editor = app_user(&app, "editor").await;
    assert!(!ws.editors.contains(&editor), "{:?}", ws.editors);
}

async fn app_user(app: &TestApp, name: &str) -> i64 {
    let users = app.state.store.users().await.unwrap();
    users.iter().find(|u| u.username == name).unwrap().id
}

#[tokio::test]
async fn the_reviewer_sees_the_whole_story_and_the_first_review_names_its_editor() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let pic = picture(&d.reporter, &[]).await;
    app.run_jobs().await;
    let id = with_lead(&d, pic, "大桥两端在江面上合拢").await;
    let page = format!("/admin/stories/{id}");
    // the reporter names no 责任编辑: the field is not his
    let p = d.reporter.get(&page).await;
    assert!(p.select_attr("input[name=editor]", "value").is_empty());
    assert_eq!(p.select_attr("#editor", "readonly"), vec![String::new()]);
    let mut form = fields(&p.body, "story-form");
    set(&mut form, "editor", "自封编辑");
    assert_eq!(d.reporter.post(&page, &pairs(&form)).await.status, 303);
    let draft = app
        .state
        .store
        .working_revision(id)
        .await
        .unwrap()
        .unwrap()
        .draft;
    assert_eq!(draft.editor, "");
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    // the 签发人's view: everything he signs
    let p = d.signer.get(&page).await;
    let view = p.select_text(".review-view").join("\n");
    for seen in [
        "黄河大桥合龙",
        "合龙现场",
        "张三摄",
        "替代文字:大桥两端在江面上合拢",
        "黄河大桥今天合龙。",
        "黄河、大桥",
        "记者 丁春贵",
        "含人工智能生成内容",
        "要闻",
        "editor名",
        "全省职教社工作研讨班",
    ] {
        assert!(view.contains(seen), "{seen} missing from\n{view}");
    }
    let thumbs = p.select_attr(".review-view img", "src");
    assert_eq!(thumbs.len(), 1, "{thumbs:?}");
    assert_eq!(d.signer.get(&thumbs[0]).await.status, 200);
    // the preview says it is one
    let preview = d.signer.get(&format!("{page}/preview")).await;
    assert_eq!(
        preview.select_text(".preview-banner"),
        vec!["预览·未发布:这是稿件签发前的样子,读者还看不到这个页面"]
    );
    assert_eq!(d.signer.act(id, "approve", "签发").await.status, 303);
    let ws = app.state.store.work_state(id).await.unwrap().unwrap();
    assert_eq!(ws.article.editor, "editor名");
    let public = app.get(&TestApp::path_of(&ws.article)).await;
    assert_eq!(public.select_text(".editor"), vec!["编辑:editor名"]);
    assert!(public.select_text(".preview-banner").is_empty());
    app.run_jobs().await;
}

#[tokio::test]
async fn a_refused_save_shows_the_form_again_with_the_reason_beside_the_field() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let main_picture = picture(&d.reporter, &[]).await;
    app.add_user("county", &[Role::Reporter], &["zouping"])
        .await;
    let county = app.login("county").await;
    let channel = app.channel_id("zouping", "fb").await.to_string();
    let pic = main_picture.to_string();
    let r = county
        .post(
            "/admin/stories/new",
            &[
                ("title", "邹平的新稿"),
                ("channel_id", &channel),
                ("body", "<p>写了很久的正文。</p>"),
                ("summary", "摘要也写好了"),
                ("lead_image", &pic),
                ("lead_caption", "图片说明"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.select_attr("#title", "value"), vec!["邹平的新稿"]);
    assert_eq!(r.select_text("#summary"), vec!["摘要也写好了"]);
    assert!(r.select_text("#body").join("").contains("写了很久的正文"));
    assert_eq!(
        r.select_attr("input[name=lead_caption]", "value"),
        vec!["图片说明"]
    );
    let beside = r.select_text("#err-lead").join("");
    assert!(beside.contains("属于其他站点的图片库"), "{}", r.body);
    assert_eq!(
        r.select_attr("input[name=lead_image]", "aria-describedby"),
        vec!["err-lead"]
    );
    app.run_jobs().await;
}
