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
