//! 稿件 at archive scale: keyset pages that hold every story once, the
//! filters, the person's scope, and bulk actions that go through the
//! workflow story by story.

use std::collections::BTreeSet;

use gazette::domain::user::Role;

use crate::util::TestApp;
use crate::util::agent::Agent;
use crate::util::desk::{BODY, desk};

/// Every story id the list shows for `query`, following 更早的稿件 to the end.
async fn all_pages(who: &Agent<'_>, query: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut url = format!("/admin/stories?{query}");
    for _ in 0..100 {
        let page = who.get(&url).await;
        assert_eq!(page.status, 200, "{url}: {}", page.body);
        ids.extend(
            page.select_attr("table.stories input[name=ids]", "value")
                .iter()
                .map(|v| v.parse::<i64>().unwrap()),
        );
        match page.select_attr("a[rel=next]", "href").first() {
            Some(next) => url = next.replace("&amp;", "&"),
            None => return ids,
        }
    }
    panic!("the pages did not end");
}

#[tokio::test]
async fn keyset_pages_hold_every_story_once_and_filters_narrow_them() {
    let app = TestApp::with_corpus(260).await;
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let admin = app.login("admin").await;
    let total = app.state.store.live_count().await.unwrap() as usize;
    let ids = all_pages(&admin, "state=live").await;
    assert_eq!(ids.len(), total, "every live story");
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "none twice"
    );
    let first = admin.get("/admin/stories?state=live").await;
    assert_eq!(
        first
            .select_attr("table.stories input[name=ids]", "value")
            .len(),
        50
    );
    // a channel takes its subchannels with it
    let zw = app.channel_id("main", "zw").await;
    let in_zw = all_pages(&admin, &format!("state=live&channel={zw}")).await;
    assert!(!in_zw.is_empty() && in_zw.len() < total);
    for id in in_zw.iter().take(20) {
        let a = app.state.store.article(*id).await.unwrap().unwrap();
        let channel = app
            .state
            .store
            .channels("main")
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id == a.channel_id)
            .unwrap();
        assert!(
            channel.path == "zw" || channel.path.starts_with("zw/"),
            "{}",
            channel.path
        );
    }
    // by number, by title words, by date
    let one = ids[7];
    assert_eq!(all_pages(&admin, &format!("id={one}")).await, [one]);
    let title = app.state.store.article(one).await.unwrap().unwrap().title;
    let word: String = title.chars().take(6).collect();
    let by_title = all_pages(
        &admin,
        &format!("q={}", gazette::web::auth::urlencode(&word)),
    )
    .await;
    assert!(by_title.contains(&one), "{word}");
    assert!(all_pages(&admin, "to=1999-12-31").await.is_empty());
    // a day's pages, across the many stories an import gave the same second
    let today = gazette::domain::text::to_cst(
        gazette::domain::text::parse_rfc3339(crate::util::test_app::CORPUS_IMPORTED_AT).unwrap(),
    )
    .format("%Y-%m-%d")
    .to_string();
    let day = all_pages(&admin, &format!("state=live&from={today}&to={today}")).await;
    let mut expected = Vec::new();
    for id in &ids {
        let a = app.state.store.article(*id).await.unwrap().unwrap();
        if gazette::domain::text::to_cst(a.updated_at)
            .format("%Y-%m-%d")
            .to_string()
            == today
        {
            expected.push(*id);
        }
    }
    assert!(expected.len() > 100, "{}", expected.len());
    assert_eq!(day, expected);
    // bad filters are told apart
    let bad = admin.get("/admin/stories?from=2024-13-01").await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("开始日期格式应为"));
    assert_eq!(admin.get("/admin/stories?before=1.x").await.status, 400);
}

#[tokio::test]
async fn people_see_their_scope_and_filter_by_author_and_signer() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    app.add_user("county", &[Role::Editor], &["zouping"]).await;
    let county = app.login("county").await;
    let mine = d.reporter.write(d.yw, "记者的草稿", BODY).await;
    let signed = crate::util::desk::reviewed(&d, "签发人签的稿件").await;
    assert_eq!(d.signer.act(signed, "approve", "同意").await.status, 303);
    // a county editor's list holds only the county's channels
    let seen = all_pages(&county, "").await;
    assert!(!seen.contains(&mine) && !seen.contains(&signed));
    // a reporter sees their own stories only
    let own = all_pages(&d.reporter, "").await;
    assert!(own.contains(&mine) && own.contains(&signed));
    assert!(!own.contains(&900_101));
    // by author and by signer
    let reporter_id = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let by_author = all_pages(&d.editor, &format!("author={reporter_id}")).await;
    assert_eq!(
        by_author.iter().collect::<BTreeSet<_>>(),
        [mine, signed].iter().collect()
    );
    let by_signer = all_pages(
        &d.editor,
        &format!("signer={}", gazette::web::auth::urlencode("signer名")),
    )
    .await;
    assert_eq!(by_signer, [signed]);
    let drafts = all_pages(&d.editor, "state=draft").await;
    assert!(drafts.contains(&mine) && !drafts.contains(&signed));
}

#[tokio::test]
async fn bulk_actions_apply_the_workflow_to_each_story_and_report_refusals() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let a = d.reporter.write(d.yw, "批量一", BODY).await;
    let b = d.reporter.write(d.yw, "批量二", BODY).await;
    let (sa, sb) = (a.to_string(), b.to_string());
    // submit both, and a live story that cannot be submitted
    let r = d
        .reporter
        .post(
            "/admin/stories/bulk",
            &[
                ("bulk", "submit"),
                ("ids", &sa),
                ("ids", &sb),
                ("ids", "900101"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let report = r.select_text(".bulk-report");
    assert!(report[0].contains("完成 2 篇,未处理 1 篇"), "{report:?}");
    assert!(r.select_text(".bulk-report li.refused")[0].contains("#900101"));
    for id in [a, b] {
        let w = app.state.store.work_state(id).await.unwrap().unwrap();
        assert_eq!(w.work, gazette::domain::workflow::Work::Review { level: 1 });
    }
    // withdraw needs one reason, and a 签发人
    let r = d
        .signer
        .post(
            "/admin/stories/bulk",
            &[("bulk", "withdraw"), ("ids", "900101")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("撤稿须写明理由"));
    let r = d
        .editor
        .post(
            "/admin/stories/bulk",
            &[("bulk", "withdraw"), ("ids", "900101"), ("reason", "重复")],
        )
        .await;
    assert!(r.select_text(".bulk-report")[0].contains("未处理 1 篇"));
    let r = d
        .signer
        .post(
            "/admin/stories/bulk",
            &[
                ("bulk", "withdraw"),
                ("ids", "900101"),
                ("ids", "900102"),
                ("reason", "内容重复"),
            ],
        )
        .await;
    assert!(
        r.select_text(".bulk-report")[0].contains("完成 2 篇"),
        "{}",
        r.text()
    );
    assert_eq!(app.get("/zw/yw/2023-06/01/900001.html").await.status, 200);
    let withdrawn = app.state.store.audit_of(900_101).await.unwrap();
    assert_eq!(withdrawn.last().unwrap().opinion, "内容重复");
    // move: a draft moves; a live story's move is a revision for review
    let c = d.reporter.write(d.yw, "批量三", BODY).await;
    let bm = app.channel_id("main", "zw/bm").await;
    let r = d
        .editor
        .post(
            "/admin/stories/bulk",
            &[
                ("bulk", "move"),
                ("channel_id", &bm.to_string()),
                ("ids", &c.to_string()),
                ("ids", "900001"),
            ],
        )
        .await;
    assert!(
        r.select_text(".bulk-report")[0].contains("完成 2 篇"),
        "{}",
        r.text()
    );
    assert_eq!(
        app.state
            .store
            .work_state(c)
            .await
            .unwrap()
            .unwrap()
            .article
            .channel_id,
        bm
    );
    let live = app.state.store.work_state(900_001).await.unwrap().unwrap();
    assert_ne!(
        live.article.channel_id, bm,
        "the live page stays until sign-off"
    );
    assert_eq!(app.get("/zw/yw/2023-06/01/900001.html").await.status, 200);
    assert_eq!(live.work, gazette::domain::workflow::Work::Draft);
    // nothing chosen, too many, or a made-up id
    let r = d
        .editor
        .post("/admin/stories/bulk", &[("bulk", "submit")])
        .await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("请先勾选"));
    let many: Vec<String> = (1..=201).map(|i| i.to_string()).collect();
    let mut pairs = vec![("bulk", "submit")];
    pairs.extend(many.iter().map(|i| ("ids", i.as_str())));
    assert_eq!(
        d.editor.post("/admin/stories/bulk", &pairs).await.status,
        400
    );
    let r = d
        .editor
        .post(
            "/admin/stories/bulk",
            &[("bulk", "submit"), ("ids", "777777")],
        )
        .await;
    assert!(r.select_text(".bulk-report li.refused")[0].contains("不存在"));
}

/// 稿件 names each story's kind, author and 签发人; 最近发布 on the 工作台
/// is ordered by 签发 time (a corrected story does not jump above newer
/// ones) and holds no 单页 (issue 24 §5).
#[tokio::test]
async fn the_list_names_kind_author_and_signer_and_recent_is_by_sign_off() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let first = crate::util::desk::reviewed(&d, "先签发的稿件").await;
    assert_eq!(d.signer.act(first, "approve", "签发").await.status, 303);
    let second = crate::util::desk::reviewed(&d, "后签发的稿件").await;
    assert_eq!(d.signer.act(second, "approve", "签发").await.status, 303);
    // the first is corrected afterwards: it changes, but was signed earlier
    let edit = format!("/admin/stories/{first}");
    let mut form = crate::util::form::fields(&d.reporter.get(&edit).await.body, "story-form");
    crate::util::form::set(&mut form, "title", "先签发的稿件(更正)");
    crate::util::form::set(&mut form, "correction", "更正标题");
    assert_eq!(
        d.reporter
            .post(&edit, &crate::util::form::pairs(&form))
            .await
            .status,
        303
    );
    for (who, action) in [
        (&d.reporter, "submit"),
        (&d.editor, "approve"),
        (&d.second, "approve"),
        (&d.signer, "approve"),
    ] {
        assert_eq!(who.act(first, action, "同意").await.status, 303);
    }
    let dash = d.editor.get("/admin/").await;
    let recent: Vec<String> = dash
        .html()
        .select(&scraper::Selector::parse("section:last-of-type table.stories tbody tr").unwrap())
        .map(|tr| tr.text().collect::<String>())
        .collect();
    let pos = |t: &str| recent.iter().position(|r| r.contains(t));
    assert!(
        pos("后签发的稿件").unwrap() < pos("先签发的稿件(更正)").unwrap(),
        "{recent:?}"
    );
    assert!(recent.iter().all(|r| !r.contains("单页")), "{recent:?}");
    assert!(recent[0].contains("signer名"), "{recent:?}");
    // the list's columns
    let list = d.editor.get(&format!("/admin/stories?id={second}")).await;
    let row = list.select_text("table.stories tbody tr td");
    assert!(row.contains(&"文字".to_string()), "{row:?}");
    assert!(row.contains(&"reporter名".to_string()), "{row:?}");
    assert!(row.contains(&"signer名".to_string()), "{row:?}");
}
