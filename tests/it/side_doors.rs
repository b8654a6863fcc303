//! No side door around review (issue 24 §2): what a person's roles do not
//! allow, no path allows either.

use gazette::domain::user::Role;

use crate::live::live_story;
use crate::util::TestApp;
use crate::util::desk::desk;
use crate::util::upload::png;

/// An account that only handles 举报 (or only curates 推荐位) files no story,
/// uploads no picture and writes no live entry, though its scope covers
/// the channels: the scope says where it works, the role what it does.
#[tokio::test]
async fn handling_reports_or_curating_alone_writes_nothing() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let live = live_story(&d).await;
    app.add_user("jubao", &[Role::Handler], &["main"]).await;
    app.add_user("curator", &[Role::Curator], &["main"]).await;
    for name in ["jubao", "curator"] {
        let who = app.login(name).await;
        let channel = d.yw.to_string();
        let r = who
            .post(
                "/admin/stories/new",
                &[
                    ("title", "不该由举报受理写的稿件"),
                    ("byline_role", "记者"),
                    ("byline_name", "丁春贵"),
                    ("source", "滨州日报/滨州网讯"),
                    ("editor", "闫晓亮"),
                    ("channel_id", &channel),
                    ("body", crate::util::desk::BODY),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "{name} filed a story: {}", r.body);
        assert!(r.text().contains("不能写稿"), "{}", r.body);
        let r = who.upload(&who.csrf, &png(200, 100)).await;
        assert_eq!(r.status, 403, "{name} uploaded a picture: {}", r.body);
        let r = who
            .post(
                &format!("/admin/live/{live}/entries"),
                &[("body", "现场:不该出现的条目")],
            )
            .await;
        assert_eq!(r.status, 403, "{name} wrote a live entry: {}", r.body);
    }
    assert!(
        app.state
            .store
            .entries(live, false)
            .await
            .unwrap()
            .iter()
            .all(|e| !e.body_html.contains("不该出现")),
        "no entry was stored"
    );
    // the handler still handles reports
    let jubao = app.login("jubao").await;
    assert_eq!(jubao.get("/admin/reports").await.status, 200);
}

/// The picture library: a reporter edits his own upload until a published
/// story shows it; another's picture, or one readers see, is the photo
/// desk's (图片编辑) or an editor's; an AI declaration readers see is not
/// taken off in the library; every change is in the record.
#[tokio::test]
async fn pictures_of_others_or_on_published_stories_are_the_photo_desks() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("other", &[Role::Reporter], &["main"]).await;
    app.add_user("photo", &[Role::Photo], &["main"]).await;
    let (other, photo) = (app.login("other").await, app.login("photo").await);
    let r = d
        .reporter
        .upload_with(&[("caption", "原说明"), ("alt", "大桥")], &png(400, 300))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pic = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_i64()
        .unwrap();
    app.run_jobs().await;
    let page = format!("/admin/images/{pic}");
    let words = |caption: &'static str, ai: &'static str| {
        vec![
            ("caption", caption),
            ("credit", "张三"),
            ("alt", "大桥"),
            ("ai", ai),
            ("focal_x", "50"),
            ("focal_y", "50"),
        ]
    };
    // his own, not yet on a published story: his to fix (and declare)
    assert_eq!(
        d.reporter
            .post(&page, &words("本人改的说明", "whole"))
            .await
            .status,
        303
    );
    app.run_jobs().await;
    // another reporter's: refused, and the page says so with the form disabled
    let r = other.post(&page, &words("别人改的说明", "whole")).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.text().contains("图片编辑或编辑"), "{}", r.body);
    let shown = other.get(&page).await;
    assert!(
        shown
            .select_text("#image-locked")
            .join("")
            .contains("reporter名上传的")
    );
    assert_eq!(shown.select_attr("#image-form fieldset", "disabled"), [""]);
    // the photo desk may
    assert_eq!(
        photo
            .post(&page, &words("图片编辑改的说明", "whole"))
            .await
            .status,
        303
    );
    // once readers see it on a published story, not even its uploader
    let yw = d.yw.to_string();
    let pic_s = pic.to_string();
    let r = d
        .reporter
        .post(
            "/admin/stories/new",
            &[
                ("title", "用了这张图的稿件"),
                ("channel_id", &yw),
                ("body", crate::util::desk::BODY),
                ("ai", "whole"),
                ("lead_image", &pic_s),
                ("lead_alt", "大桥"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let story: i64 = r.header("location").unwrap()["/admin/stories/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(story, action, "同意").await.status, 303);
    }
    let r = d
        .reporter
        .post(&page, &words("发布后本人改的说明", "whole"))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.text().contains("用在已发布的稿件《用了这张图的稿件》上"));
    // the editor may fix its words, but not take the AI label off
    assert_eq!(
        d.editor
            .post(&page, &words("编辑改的说明", "whole"))
            .await
            .status,
        303
    );
    let r = d.editor.post(&page, &words("编辑改的说明", "")).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.text().contains("不能在图片库里撤销"), "{}", r.body);
    let p = app.state.store.picture(pic).await.unwrap().unwrap();
    assert_eq!(p.caption, "编辑改的说明");
    assert!(p.ai.is_declared());
    // every change that went through is in the record, by name
    let record = app
        .state
        .store
        .audit_page(&gazette::db::AuditQuery {
            action: Some("picture_edit".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let edits: Vec<&str> = record.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(edits, ["editor名", "photo名", "reporter名"], "{edits:?}");
    app.run_jobs().await;
}
