//! The editor loses nothing: the autosaved working copy (not a revision),
//! offered back, dropped on save or 放弃, and 正文字数.

use crate::util::TestApp;
use crate::util::desk::{BODY, desk};

#[tokio::test]
async fn an_autosaved_copy_comes_back_without_adding_revisions() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let yw = d.yw.to_string();
    let id = d.reporter.write(d.yw, "自动保存的稿件", BODY).await;
    let v = d.reporter.version(id).await;
    let url = format!("/admin/stories/{id}/autosave");
    let half = "<p>滨州网讯 写到一半的第二段,还没有保存。</p>";
    for body in ["<p>第一次自动保存</p>", half] {
        let r = d
            .reporter
            .post(
                &url,
                &[
                    ("version", &v),
                    ("title", "自动保存的稿件(改)"),
                    ("channel_id", &yw),
                    ("body", body),
                ],
            )
            .await;
        assert_eq!(r.status, 204, "{}", r.body);
    }
    // a half-written form is kept as it is: no title, no channel
    let r = d
        .reporter
        .post(&url, &[("version", &v), ("title", ""), ("body", half)])
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = d
        .reporter
        .post(
            &url,
            &[
                ("version", &v),
                ("title", "自动保存的稿件(改)"),
                ("channel_id", &yw),
                ("body", half),
            ],
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        app.state.store.revisions(id).await.unwrap().len(),
        1,
        "no revision"
    );
    // the editor offers it back, saved against the version it was based on
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    assert_eq!(page.select_text(".restored").len(), 1, "{}", page.body);
    assert!(
        page.select_text("#body")
            .concat()
            .contains("写到一半的第二段")
    );
    assert_eq!(page.select_attr("#title", "value"), ["自动保存的稿件(改)"]);
    assert_eq!(
        page.select_attr("#story-form input[name=version]", "value")[0],
        v
    );
    // 正文字数: characters without whitespace
    let n: usize = page.select_text("#body-count")[0].parse().unwrap();
    assert_eq!(n, "滨州网讯写到一半的第二段,还没有保存。".chars().count());
    // someone else's copy is theirs alone
    assert!(
        d.editor
            .get(&format!("/admin/stories/{id}"))
            .await
            .select_text(".restored")
            .is_empty()
    );
    // saving drops the copy
    let r = d
        .reporter
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v),
                ("title", "自动保存的稿件(改)"),
                ("channel_id", &yw),
                ("body", half),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    assert!(page.select_text(".restored").is_empty());
    assert_eq!(app.state.store.revisions(id).await.unwrap().len(), 2);

    // a copy based on a version someone else moved on: the save is a conflict
    let v2 = d.reporter.version(id).await;
    let r = d
        .reporter
        .post(
            &url,
            &[
                ("version", &v2),
                ("title", "我的修改"),
                ("channel_id", &yw),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(r.status, 204);
    let r = d
        .editor
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &v2),
                ("title", "编辑的修改"),
                ("channel_id", &yw),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    assert!(page.select_text(".restored")[0].contains("他人保存"));
    assert_eq!(page.select_attr("#title", "value"), ["我的修改"]);
    let stale = page.select_attr("#story-form input[name=version]", "value")[0].clone();
    let r = d
        .reporter
        .post(
            &format!("/admin/stories/{id}"),
            &[
                ("version", &stale),
                ("title", "我的修改"),
                ("channel_id", &yw),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(r.status, 409, "the other save is not overwritten");
    // 放弃: back to the story as saved
    let r = d.reporter.post(&format!("{url}/discard"), &[]).await;
    assert_eq!(r.status, 303);
    let page = d.reporter.get(&format!("/admin/stories/{id}")).await;
    assert!(page.select_text(".restored").is_empty());
    assert_eq!(page.select_attr("#title", "value"), ["编辑的修改"]);
}

#[tokio::test]
async fn autosave_follows_the_editing_rules() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let yw = d.yw.to_string();
    let id = crate::util::desk::reviewed(&d, "已过复审的稿件").await;
    let v = d.editor.version(id).await;
    let form = [
        ("version", v.as_str()),
        ("title", "改"),
        ("channel_id", &yw),
        ("body", BODY),
    ];
    // approved text is not edited under later levels, nor autosaved
    let r = d
        .editor
        .post(&format!("/admin/stories/{id}/autosave"), &form)
        .await;
    assert_eq!(r.status, 409);
    assert!(r.text().contains("自动保存未进行"));
    // another reporter does not see the story at all
    app.add_user("other", &[gazette::domain::user::Role::Reporter], &["main"])
        .await;
    let other = app.login("other").await;
    let mine = d.reporter.write(d.yw, "记者的稿件", BODY).await;
    let r = other
        .post(&format!("/admin/stories/{mine}/autosave"), &form)
        .await;
    assert_eq!(r.status, 404);
    // and a form without the session's token is refused
    let r = app
        .post_form(
            &format!("/admin/stories/{mine}/autosave"),
            Some(&d.reporter.cookie),
            &[("_csrf", "bad"), ("version", v.as_str())],
        )
        .await;
    assert_eq!(r.status, 403);
}
