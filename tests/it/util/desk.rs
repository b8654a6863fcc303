//! The shared newsroom fixture: a desk of four (reporter, 初审 editor, 复审
//! reviewer, 签发人) on the demo's main site, and the steps many tests take
//! with it (a story through 初审 and 复审, a scheduled sign-off).

use gazette::domain::user::Role;

use super::TestApp;
use super::agent::Agent;

pub(crate) struct Desk<'a> {
    pub reporter: Agent<'a>,
    pub editor: Agent<'a>,
    pub second: Agent<'a>,
    pub signer: Agent<'a>,
    pub yw: i64,
}

pub(crate) async fn desk(app: &TestApp) -> Desk<'_> {
    app.add_user("reporter", &[Role::Reporter], &["main"]).await;
    app.add_user("editor", &[Role::Editor], &["main"]).await;
    app.add_user("second", &[Role::Reviewer(2)], &["main"])
        .await;
    app.add_user("signer", &[Role::Signer], &["main"]).await;
    Desk {
        reporter: app.login("reporter").await,
        editor: app.login("editor").await,
        second: app.login("second").await,
        signer: app.login("signer").await,
        yw: app.channel_id("main", "zw/yw").await,
    }
}

/// File a story and take it through 初审 and 复审: it waits for the 签发人.
pub(crate) async fn reviewed(d: &Desk<'_>, title: &str) -> i64 {
    let id = d.reporter.write(d.yw, title, BODY).await;
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
    ] {
        assert_eq!(who.act(id, action, "同意").await.status, 303);
    }
    id
}

/// File a story, take it through 初审 and 复审, and have the signer sign it
/// off for `after` seconds from now; returns its id.
pub(crate) async fn schedule(app: &TestApp, d: &Desk<'_>, title: &str, after: i64) -> i64 {
    let id = reviewed(d, title).await;
    let at = gazette::domain::text::to_cst(app.state.now() + after)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let v = d.signer.version(id).await;
    let r = d
        .signer
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "approve"),
                ("opinion", "同意"),
                ("publish_at", &at),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    id
}

pub(crate) const BODY: &str = "<p>滨州网讯 5月29日,全省职教社工作研讨班在邹平召开。</p><h2>会议要求</h2><p>要强化思想政治引领。</p>";
