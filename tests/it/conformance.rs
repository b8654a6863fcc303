//! The storage conformance suite: every case runs against SQLite and against
//! PostgreSQL (a fresh schema per case). The PostgreSQL half needs a server
//! (`GAZETTE_TEST_DATABASE_URL`, default the CI machine's 127.0.0.1:5432);
//! without one it prints NOT RUN, and fails under CI. That half is in
//! `external::postgres`, with the tests that need outside programs.

use std::collections::BTreeSet;
use std::sync::Arc;

use gazette::db::StoreError;
use gazette::domain::Status;

pub(crate) use crate::api::the_api_pages_public_stories_and_shares_a_keys_minute;
pub(crate) use crate::planning::{
    a_story_outside_its_plan_warns_before_it_goes_out,
    readers_tip_off_without_javascript_within_limits_and_are_forgotten,
    robots_hear_each_event_once_retried_and_never_at_loopback_unless_allowed,
    the_board_hears_changes_made_on_another_node,
    the_budget_keeps_its_order_and_refuses_stale_arrangements,
    the_duty_roster_drives_deputy_sign_off, the_planning_day_runs_from_tip_to_published_story,
};
use crate::util::TestApp;
use crate::util::backend::Backend;
use crate::util::desk::{BODY, desk, schedule};

/// Every case, handed to a macro that makes one test per case on a backend:
/// SQLite here, PostgreSQL in `external::postgres` (it needs a server).
macro_rules! cases {
    ($on:ident) => {
        $on!(
            the_portal_serves_an_imported_archive,
            three_reviews_and_a_sign_off_publish_then_withdraw,
            a_scheduled_story_is_published_once_when_due,
            ids_urls_and_names_stay_unique,
            concurrent_runners_never_share_a_job,
            a_long_job_is_held_while_it_renews_its_claim,
            followers_see_every_change_in_order,
            sessions_expire_and_end,
            export_bookkeeping_follows_the_files,
            slots_the_record_lists_and_autosaves_behave_alike,
            reports_limits_and_acts_hold_across_writers,
            views_add_up_and_lists_move_only_by_the_rule,
            the_planning_day_runs_from_tip_to_published_story,
            the_budget_keeps_its_order_and_refuses_stale_arrangements,
            the_board_hears_changes_made_on_another_node,
            the_duty_roster_drives_deputy_sign_off,
            robots_hear_each_event_once_retried_and_never_at_loopback_unless_allowed,
            readers_tip_off_without_javascript_within_limits_and_are_forgotten,
            a_story_outside_its_plan_warns_before_it_goes_out,
            the_api_pages_public_stories_and_shares_a_keys_minute,
        );
    };
}
pub(crate) use cases;

macro_rules! on_sqlite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let app = crate::util::TestApp::on(
                        crate::util::backend::Backend::Sqlite,
                        stringify!($case),
                        None,
                    )
                    .await
                    .expect("SQLite");
                    super::$case(&app, crate::util::backend::Backend::Sqlite).await;
                }
            )*
        }
    };
}

cases!(on_sqlite);

/// 热点排行 on either backend: batches from several writers (nodes) add
/// up in the hour's row; a list is written only when it differs and logs
/// `rank:SITE` only when an order moved; a removal is refused for a story
/// not listed, recorded otherwise; an access log's mark moves with its counts.
pub(crate) async fn views_add_up_and_lists_move_only_by_the_rule(app: &TestApp, _: Backend) {
    use gazette::db::ViewCount;
    use gazette::domain::rank::{Period, Place};
    app.load_demo().await;
    app.publish(8201, "main", "sh", "计数甲", "2024-04-20T08:00:00+08:00")
        .await;
    app.publish(8202, "main", "sh", "计数乙", "2024-04-20T09:00:00+08:00")
        .await;
    let store = app.state.store.clone();
    let sh = app.channel_id("main", "sh").await;
    let row = |id: i64, count: i64| ViewCount {
        hour: 500_000,
        article_id: id,
        outlet: "web".into(),
        site_id: "main".into(),
        channel_id: sh,
        count,
    };
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        let batch = vec![row(8201, 3), row(8202, 1)];
        tasks.push(tokio::spawn(async move { store.add_views(&batch).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.story_views(8201).await.unwrap(), 24);
    assert_eq!(store.story_views(8202).await.unwrap(), 8);
    let counted = store
        .counted("main", 500_000 - 167, 500_000 - 23)
        .await
        .unwrap();
    let of = |id| counted.iter().find(|c| c.article_id == id).unwrap().clone();
    assert_eq!((of(8201).day, of(8201).week), (24, 24));
    assert_eq!(
        store.counted("main", 500_001, 500_001).await.unwrap().len(),
        0
    );
    let place = |pos, id, views| Place {
        channel: String::new(),
        period: Period::Day,
        position: pos,
        article_id: id,
        views,
    };
    let last = store.last_change().await.unwrap();
    let now = app.state.now();
    assert!(
        store
            .replace_rankings("main", &[place(1, 8201, 24), place(2, 8202, 8)], now)
            .await
            .unwrap()
    );
    let after_first = store.last_change().await.unwrap();
    assert!(after_first > last, "a new list logs its change");
    // the same order with new counts: stored, but no page changes
    assert!(
        !store
            .replace_rankings("main", &[place(1, 8201, 30), place(2, 8202, 9)], now)
            .await
            .unwrap()
    );
    assert_eq!(store.last_change().await.unwrap(), after_first);
    let day = store.ranking("main", "", Period::Day, 10).await.unwrap();
    assert_eq!(
        day.iter()
            .map(|r| (r.story.id, r.views))
            .collect::<Vec<_>>(),
        [(8201, 30), (8202, 9)]
    );
    let actor = gazette::db::Actor::cli("test");
    let refused = store
        .remove_from_rankings("main", 9_999_999, "理由", &actor, now)
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(_)), "{refused:?}");
    store
        .remove_from_rankings("main", 8201, "理由", &actor, now)
        .await
        .unwrap();
    let day = store.ranking("main", "", Period::Day, 10).await.unwrap();
    assert_eq!(
        day.iter()
            .map(|r| (r.position, r.story.id))
            .collect::<Vec<_>>(),
        [(1, 8202)]
    );
    assert_eq!(store.removed_from_rankings("main").await.unwrap(), [8201]);
    assert!(matches!(
        store
            .remove_from_rankings("main", 8202, " ", &actor, now)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let removal = store.rank_removals("main", 5).await.unwrap()[0].clone();
    assert_eq!(
        (removal.article_id, removal.reason.as_str()),
        (8201, "理由")
    );
    store
        .restore_to_rankings("main", removal.id, &actor, now)
        .await
        .unwrap();
    assert!(
        store
            .removed_from_rankings("main")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .restore_to_rankings("main", removal.id, &actor, now)
            .await,
        Err(StoreError::Conflict(_))
    ));
    // an access log's counts and its mark, together
    assert_eq!(store.view_import_mark("web:").await.unwrap(), None);
    store
        .add_logged_views("web:", &[row(8202, 2)], 1_700_000_000)
        .await
        .unwrap();
    assert_eq!(
        store.view_import_mark("web:").await.unwrap(),
        Some(1_700_000_000)
    );
    assert_eq!(store.story_views(8202).await.unwrap(), 10);
}

/// 举报 on either backend: twelve writers (as several nodes) hammering one
/// address never get past its limit; a challenge files one report; an act
/// on a stale view is a conflict; counts and filters agree.
pub(crate) async fn reports_limits_and_acts_hold_across_writers(app: &TestApp, _: Backend) {
    use gazette::db::{Attempt, Filing, Limits, NewReport, ReportFilter};
    use gazette::domain::report::{Act, check, receipt};
    let store = app.state.store.clone();
    let limits = Limits {
        window_secs: 3600,
        per_address: 5,
        global: 1000,
    };
    let now = 2_000_000_000;
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store.report_attempt("addr-a", limits, now).await.unwrap()
        }));
    }
    let mut allowed = 0;
    for t in tasks {
        if t.await.unwrap() == Attempt::Allowed {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 5, "exactly the limit passes");
    assert_eq!(
        store.report_attempt("addr-b", limits, now).await.unwrap(),
        Attempt::Allowed
    );
    // an hour later the window has moved on
    assert_eq!(
        store
            .report_attempt("addr-a", limits, now + 3601)
            .await
            .unwrap(),
        Attempt::Allowed
    );
    let filed = check(
        "rumor",
        "/zw/",
        "报道与事实不符,请核实。",
        "13800000000",
        &[],
    )
    .unwrap();
    let new = NewReport {
        receipt: receipt(now, &[1, 2, 3, 4, 5, 6, 7, 8]),
        site_id: "main".into(),
        filed,
        article_id: None,
        shots: vec!["private/202401/abc.jpg".into()],
        shot_bytes: 120_000,
        nonce: "nonce-1".into(),
        due_at: now + 10 * 86_400,
        contact_until: now + 180 * 86_400,
    };
    let Filing::Filed(r) = store.file_report(&new, now).await.unwrap() else {
        panic!("filed");
    };
    let again = NewReport {
        receipt: receipt(now, &[9; 8]),
        ..new.clone()
    };
    assert_eq!(
        store.file_report(&again, now).await.unwrap(),
        Filing::Replayed
    );
    // the hourly screenshot budget counts what was stored, once
    assert_eq!(store.shot_bytes_since(now - 3600).await.unwrap(), 120_000);
    assert_eq!(store.shot_bytes_since(now + 1).await.unwrap(), 0);
    let actor = gazette::db::Actor {
        id: Some(1),
        name: "受理人".into(),
        address: String::new(),
    };
    let checked = store
        .act_on_report(r.id, &Act::Check, r.updated_at, &actor, now + 5)
        .await
        .unwrap();
    assert_eq!(checked.state.as_str(), "checking");
    let stale = store
        .act_on_report(r.id, &Act::Check, r.updated_at, &actor, now + 6)
        .await;
    assert!(
        matches!(stale, Err(gazette::db::StoreError::Conflict(_))),
        "{stale:?}"
    );
    assert_eq!(
        store.report_counts(None, now + 11 * 86_400).await.unwrap(),
        (1, 1)
    );
    assert_eq!(
        store
            .report_counts(Some(&["zouping".to_string()]), now)
            .await
            .unwrap(),
        (0, 0)
    );
    let open = store
        .reports(&ReportFilter {
            open: true,
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    // the contact goes once its time is up, not before
    assert!(!store.clear_report_contact(r.id, now).await.unwrap());
    assert!(
        store
            .clear_report_contact(r.id, now + 180 * 86_400)
            .await
            .unwrap()
    );
    assert_eq!(store.report(r.id).await.unwrap().unwrap().contact, None);
    // the first secret stays: a second node's fresh value does not replace it
    let first = store.report_secret("first").await.unwrap();
    assert_eq!(first, "first");
    assert_eq!(store.report_secret("second").await.unwrap(), "first");
}

pub(crate) async fn the_portal_serves_an_imported_archive(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let text: String = crate::util::test_app::CORPUS
        .lines()
        .take(120)
        .map(|l| format!("{l}\n"))
        .collect();
    let summary = app.import(&text).await;
    assert_eq!(summary.created, 120, "{:?}", summary.rejected);
    // importing again changes nothing (ids are the archive's)
    let again = app.import(&text).await;
    assert_eq!(again.created, 0);
    app.index().await;
    let home = app.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.text().contains("滨州网"));
    // a story of the archive, its channel list and the channel's page 2
    let first: serde_json::Value =
        serde_json::from_str(crate::util::test_app::CORPUS.lines().next().unwrap()).unwrap();
    let title = first["title"].as_str().unwrap();
    let id = first["id"].as_i64().unwrap();
    let story = app
        .state
        .store
        .article(id)
        .await
        .unwrap()
        .expect("imported");
    assert_eq!(story.title, title);
    assert_eq!(story.status, Status::Published);
    let site = app
        .state
        .store
        .sites()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == story.site_id)
        .unwrap();
    let page = app
        .get(&format!(
            "{}{}",
            site.prefix,
            story.url_path.as_deref().unwrap()
        ))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.text().contains(title));
    // lists are newest first and page 2 continues where page 1 stops
    let channel = app
        .state
        .store
        .channels(&story.site_id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == story.channel_id)
        .unwrap();
    let total = app.state.store.channel_count(channel.id).await.unwrap();
    assert!(total >= 1);
    let all = app
        .state
        .store
        .channel_page(channel.id, total, 0)
        .await
        .unwrap();
    assert_eq!(all.len() as i64, total);
    assert!(
        all.windows(2)
            .all(|w| (w[0].signed_at, w[0].id) > (w[1].signed_at, w[1].id))
    );
    // search follows the same change log on both backends
    let found = app
        .get(&format!("/search.json?q={}", urlencode(title)))
        .await;
    assert_eq!(found.status, 200);
    assert!(
        found.body.contains(&format!("\"id\":{id}")),
        "{}",
        found.body
    );
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()[2..].to_string()
}

pub(crate) async fn three_reviews_and_a_sign_off_publish_then_withdraw(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let d = desk(app).await;
    let id = d.reporter.write(d.yw, "三审三校后签发的稿件", BODY).await;
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    assert_eq!(d.editor.act(id, "approve", "初审通过").await.status, 303);
    assert_eq!(d.second.act(id, "approve", "复审通过").await.status, 303);
    // a stale version is refused, not applied twice
    let stale = d.signer.version(id).await;
    assert_eq!(d.signer.act(id, "approve", "同意签发").await.status, 303);
    let again = d
        .signer
        .post(
            &format!("/admin/stories/{id}/act"),
            &[
                ("action", "approve"),
                ("opinion", "再签"),
                ("version", &stale),
            ],
        )
        .await;
    assert_ne!(again.status, 303, "a stale sign-off must not apply");
    let story = app.state.store.article(id).await.unwrap().unwrap();
    assert_eq!(story.status, Status::Published);
    let url = format!("/{}", story.url_path.unwrap());
    let page = app.get(&url).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("三审三校后签发的稿件"));
    assert!(
        app.get("/zw/yw/")
            .await
            .text()
            .contains("三审三校后签发的稿件")
    );
    let audit = app.state.store.audit_of(id).await.unwrap();
    // one submit, 初审, 复审 and one 签发: the stale second sign-off left no trace
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["submit", "approve", "approve", "approve"]);
    assert_eq!(d.signer.act(id, "withdraw", "内容有误").await.status, 303);
    assert_eq!(app.get(&url).await.status, 410);
    assert!(
        !app.get("/zw/yw/")
            .await
            .text()
            .contains("三审三校后签发的稿件")
    );
}

pub(crate) async fn a_scheduled_story_is_published_once_when_due(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let d = desk(app).await;
    // the demo's pictures have their variant jobs: done first
    app.run_jobs().await;
    let id = schedule(app, &d, "定时发布的稿件", 600).await;
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 0);
    app.clock.advance(600);
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 1);
    assert_eq!(gazette::jobs::run_due(&app.state).await.unwrap(), 0);
    assert!(app.get("/zw/yw/").await.text().contains("定时发布的稿件"));
    let audit = app.state.store.audit_of(id).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "publish").count(), 1);
}

pub(crate) async fn ids_urls_and_names_stay_unique(app: &TestApp, _: Backend) {
    app.load_demo().await;
    // an archive story keeps its id; a new story is numbered after it
    let imported = app
        .publish(
            900_000,
            "main",
            "zw/yw",
            "档案中的稿件",
            "2024-04-19T08:00:00+08:00",
        )
        .await;
    let mut fresh = imported.clone();
    fresh.id = 0;
    fresh.url_path = Some("zw/yw/202404/19/new-one.html".into());
    let new_id = app
        .state
        .store
        .save_article(&fresh, app.state.now())
        .await
        .unwrap();
    assert!(
        new_id > 900_000,
        "new id {new_id} must follow the archive's"
    );
    // two stories cannot share a URL
    let mut clash = imported.clone();
    clash.id = 0;
    let err = app
        .state
        .store
        .save_article(&clash, app.state.now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(err.is_data_error());
    // nothing of the refused write is left behind
    let live = app.state.store.live_count().await.unwrap();
    assert_eq!(
        app.state
            .store
            .channel_page(app.channel_id("main", "zw/yw").await, 1000, 0)
            .await
            .unwrap()
            .iter()
            .filter(|s| s.title == "档案中的稿件")
            .count(),
        2
    );
    assert!(live >= 2);
    // user names are unique
    app.add_user(
        "reporter",
        &[gazette::domain::user::Role::Reporter],
        &["main"],
    )
    .await;
    let user = gazette::db::NewUser {
        username: "reporter".into(),
        display_name: "重名".into(),
        password_hash: "x".into(),
        roles: vec![],
        scopes: vec![],
    };
    let err = app
        .state
        .store
        .create_user(&user, app.state.now())
        .await
        .unwrap_err();
    assert!(err.is_data_error(), "{err:?}");
}

pub(crate) async fn concurrent_runners_never_share_a_job(app: &TestApp, _: Backend) {
    let store = &app.state.store;
    let now = 1_000_000;
    for i in 0..120 {
        store
            .enqueue_job("noop", &i.to_string(), now - 10)
            .await
            .unwrap();
    }
    // six runners claim at once, as six nodes would
    let mut tasks = Vec::new();
    for n in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let jobs = store
                    .claim_jobs(&format!("node-{n}"), now, 60, 7)
                    .await
                    .unwrap();
                if jobs.is_empty() {
                    break mine;
                }
                mine.extend(jobs.into_iter().map(|j| j.key));
            }
        }));
    }
    let mut seen = Vec::new();
    for t in tasks {
        seen.extend(t.await.unwrap());
    }
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 120, "every job claimed exactly once");
    assert_eq!(distinct.len(), 120);
    // while the claims hold nobody else gets them; a released claim is free
    assert!(
        store
            .claim_jobs("late", now + 1, 60, 500)
            .await
            .unwrap()
            .is_empty()
    );
    let released = store.release_jobs("node-0").await.unwrap();
    let retaken = store.claim_jobs("late", now + 1, 60, 500).await.unwrap();
    assert_eq!(retaken.len() as u64, released);
    // a claim that outlived its lease (its node died) is taken by another
    let after_lease = store
        .claim_jobs("survivor", now + 62, 60, 500)
        .await
        .unwrap();
    assert_eq!(after_lease.len(), 120);
    for j in &after_lease {
        store.finish_job(j.id, now + 63).await.unwrap();
    }
    assert!(
        store
            .claim_jobs("any", now + 500, 60, 500)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A video job outlasts the lease: the node running it renews its claim,
/// so no other node starts it again; the short-job runner never takes it;
/// a node that stops renewing (it died) loses it after the lease.
pub(crate) async fn a_long_job_is_held_while_it_renews_its_claim(app: &TestApp, _: Backend) {
    let store = &app.state.store;
    let now = 2_000_000;
    store
        .enqueue_job("video_process", "7", now - 1)
        .await
        .unwrap();
    store.enqueue_job("noop", "x", now - 1).await.unwrap();
    let short = store.claim_jobs("a", now, 30, 50).await.unwrap();
    assert_eq!(short.len(), 1);
    assert_eq!(
        short[0].kind, "noop",
        "the short runner leaves videos alone"
    );
    let job = store
        .claim_job_of("video_process", "a", now, 30)
        .await
        .unwrap()
        .expect("the video job");
    assert_eq!(job.key, "7");
    // node a renews every 10 s for two minutes; node b keeps asking
    for t in (10..=120).step_by(10) {
        assert!(store.extend_claim(job.id, "a", now + t + 30).await.unwrap());
        assert!(
            store
                .claim_job_of("video_process", "b", now + t + 1, 30)
                .await
                .unwrap()
                .is_none(),
            "held at +{t} s"
        );
    }
    // b cannot renew a's claim
    assert!(!store.extend_claim(job.id, "b", now + 500).await.unwrap());
    // a dies: after the lease, b takes it up
    let retaken = store
        .claim_job_of("video_process", "b", now + 151, 30)
        .await
        .unwrap()
        .expect("taken up after the lease");
    assert_eq!(retaken.id, job.id);
    assert!(!store.extend_claim(job.id, "a", now + 200).await.unwrap());
    store.finish_job(job.id, now + 160).await.unwrap();
    assert!(!store.extend_claim(job.id, "b", now + 200).await.unwrap());
    store.finish_job(short[0].id, now + 160).await.unwrap();
    // the fair queue: two uploaders' videos, each with its job; the one
    // with a video done this hour waits for the other's (same SQL on each
    // backend)
    let actor = |id| gazette::db::Actor {
        id: Some(id),
        name: format!("上传者{id}"),
        address: String::new(),
    };
    let video = |n: u32| gazette::db::NewVideo {
        site_id: "main".into(),
        key: format!("2026/12/{n:020}.mp4"),
        name: format!("{n}.mp4"),
        bytes: 1,
        probe: gazette::domain::video::Probe {
            duration_ms: 10_000,
            width: 1280,
            height: 720,
            ..Default::default()
        },
    };
    let t = now + 1000;
    let (a1, _) = store.add_video(&video(1), &actor(1), t).await.unwrap();
    let (a2, _) = store.add_video(&video(2), &actor(1), t).await.unwrap();
    let (b1, _) = store.add_video(&video(3), &actor(2), t + 1).await.unwrap();
    let queue = store.video_queue(t + 5, t - 3600).await.unwrap();
    assert_eq!(queue.len(), 3, "{queue:?}");
    assert!(queue.iter().all(|q| q.uploader_recent == 0));
    let first = gazette::domain::video::fair_next(&queue, t + 5).unwrap();
    let a1_job = store
        .claim_job(queue[first].job_id, "a", t + 5, 30)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a1_job.key, a1.id.to_string());
    assert!(
        store
            .claim_job(a1_job.id, "b", t + 6, 30)
            .await
            .unwrap()
            .is_none(),
        "claimed once"
    );
    store.finish_job(a1_job.id, t + 20).await.unwrap();
    let queue = store.video_queue(t + 21, t - 3600).await.unwrap();
    let next = &queue[gazette::domain::video::fair_next(&queue, t + 21).unwrap()];
    assert_eq!(
        next.uploader_id,
        Some(2),
        "the other uploader's turn: {queue:?}"
    );
    let a2_waits = queue.iter().find(|q| q.uploader_id == Some(1)).unwrap();
    assert_eq!(a2_waits.uploader_recent, 1);
    // the rest are done (no job of this test is left due)
    let mut left = Vec::new();
    while let Some(j) = store
        .claim_job_of("video_process", "a", t + 30, 30)
        .await
        .unwrap()
    {
        left.push(j.key.clone());
        store.finish_job(j.id, t + 31).await.unwrap();
    }
    left.sort();
    let mut want = vec![a2.id.to_string(), b1.id.to_string()];
    want.sort();
    assert_eq!(left, want);
}

pub(crate) async fn followers_see_every_change_in_order(app: &TestApp, _: Backend) {
    app.load_demo().await;
    let store = app.state.store.clone();
    let start = store.last_change().await.unwrap();
    let base = app
        .publish(1, "main", "zw/yw", "并发写入", "2024-04-19T08:00:00+08:00")
        .await;
    // four writers save stories concurrently while a follower reads the log
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            let base = base.clone();
            tokio::spawn(async move {
                for i in 0..15 {
                    let mut a = base.clone();
                    a.id = 10_000 + w * 100 + i;
                    a.title = format!("并发写入 {w}-{i}");
                    a.url_path = Some(format!("zw/yw/202404/19/c{w}-{i}.html"));
                    store.save_article(&a, 1_713_500_000).await.unwrap();
                }
            })
        })
        .collect();
    let follower = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut cursor = start;
            let mut seen = Vec::new();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while seen.len() < 61 && std::time::Instant::now() < deadline {
                for c in store.changes_since(cursor, 7).await.unwrap() {
                    assert!(c.seq > cursor);
                    cursor = c.seq;
                    seen.push(c);
                }
                tokio::task::yield_now().await;
            }
            seen
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    let seen = follower.await.unwrap();
    // what the follower collected while writes were committing is exactly the log
    let all = store.changes_since(start, 1000).await.unwrap();
    assert_eq!(all.len(), 61);
    assert_eq!(
        seen.iter().map(|c| c.seq).collect::<Vec<_>>(),
        all.iter().map(|c| c.seq).collect::<Vec<_>>(),
        "a follower must never skip a change that committed late"
    );
    let stories: BTreeSet<i64> = all.iter().filter_map(|c| c.article_id).collect();
    assert_eq!(stories.len(), 61);
    assert!(
        all.iter()
            .all(|c| c.keys.iter().any(|k| k.starts_with("story:")))
    );
}

pub(crate) async fn sessions_expire_and_end(app: &TestApp, _: Backend) {
    let store = &app.state.store;
    let uid = app
        .add_user("editor", &[gazette::domain::user::Role::Editor], &["main"])
        .await;
    store
        .create_session("tok-a", uid, "csrf-a", 100, 200)
        .await
        .unwrap();
    store
        .create_session("tok-b", uid, "csrf-b", 100, 10_000)
        .await
        .unwrap();
    let (user, csrf) = store.session("tok-a", 150).await.unwrap().unwrap();
    assert_eq!(
        (user.username.as_str(), csrf.as_str()),
        ("editor", "csrf-a")
    );
    assert!(
        store.session("tok-a", 201).await.unwrap().is_none(),
        "expired"
    );
    store.delete_sessions_of(uid).await.unwrap();
    assert!(store.session("tok-b", 150).await.unwrap().is_none());
    // sessions live in the database: any node reads them
    let mut user = store.user(uid).await.unwrap().unwrap();
    user.active = false;
    store.update_user(&user).await.unwrap();
    assert!(!store.user(uid).await.unwrap().unwrap().active);
}

pub(crate) async fn export_bookkeeping_follows_the_files(app: &TestApp, _: Backend) {
    let store = Arc::clone(&app.state.store);
    assert!(store.export_state("/srv/a").await.unwrap().is_none());
    let id = store.export_start("/srv/a", true).await.unwrap();
    let st = store.export_state("/srv/a").await.unwrap().unwrap();
    assert!(!st.complete);
    store
        .export_record(
            id,
            &[
                (
                    "index.html".into(),
                    vec!["channel:main/".into(), "site:main".into()],
                ),
                (
                    "zw/index.html".into(),
                    vec!["channel:main/zw".into(), "site:main".into()],
                ),
            ],
        )
        .await
        .unwrap();
    // recording a file again replaces its keys
    store
        .export_record(
            id,
            &[("zw/index.html".into(), vec!["channel:main/zw".into()])],
        )
        .await
        .unwrap();
    let mut hit = store
        .export_paths(id, &["site:main".into(), "channel:main/zw".into()])
        .await
        .unwrap();
    hit.sort();
    assert_eq!(
        hit,
        vec!["index.html".to_string(), "zw/index.html".to_string()]
    );
    assert_eq!(
        store.export_paths(id, &["site:main".into()]).await.unwrap(),
        vec!["index.html".to_string()]
    );
    store.export_finish(id, 42, 1000).await.unwrap();
    let st = store.export_state("/srv/a").await.unwrap().unwrap();
    assert!(st.complete);
    assert_eq!(st.cursor, 42);
    store
        .export_forget(id, &["index.html".into()])
        .await
        .unwrap();
    assert!(
        store
            .export_paths(id, &["site:main".into()])
            .await
            .unwrap()
            .is_empty()
    );
    store.export_drop(id).await.unwrap();
    assert!(store.export_list().await.unwrap().is_empty());
}

pub(crate) async fn slots_the_record_lists_and_autosaves_behave_alike(app: &TestApp, _: Backend) {
    use gazette::db::{Actor, AuditQuery, Event, Slot, StoryFilter};
    use gazette::domain::slot::Op;
    app.load_demo().await;
    let store = &app.state.store;
    let now = app.state.now();
    let actor = Actor {
        id: None,
        name: "测试".into(),
        address: "127.0.0.1".into(),
    };
    // a new slot, placing, pinning, reordering, expiring
    let id = store
        .save_slot(
            &Slot {
                id: 0,
                site_id: "main".into(),
                key: "xianqu".into(),
                name: "县区动态".into(),
                size: 2,
                sort: 1,
                style: gazette::domain::channel::ListStyle::Pictures,
                kinds: Vec::new(),
                sites: Vec::new(),
            },
            &actor,
            now,
        )
        .await
        .unwrap();
    for a in [900_101, 900_102, 900_103] {
        let op = Op::Place {
            article_id: a,
            expires_at: (a == 900_103).then_some(now + 60),
        };
        store.curate(id, &op, &actor, now).await.unwrap();
    }
    store
        .curate(
            id,
            &Op::Pin {
                article_id: 900_102,
                pinned: true,
            },
            &actor,
            now,
        )
        .await
        .unwrap();
    let order =
        |l: Vec<gazette::db::SlotItem>| l.iter().map(|i| i.entry.article_id).collect::<Vec<_>>();
    assert_eq!(
        order(store.slot_list(id).await.unwrap()),
        [900_103, 900_102, 900_101]
    );
    let stale = Op::Reorder {
        order: vec![900_101],
    };
    assert!(matches!(
        store.curate(id, &stale, &actor, now).await,
        Err(StoreError::Invalid(_))
    ));
    let shown: Vec<i64> = store
        .slot_items(id, 2, now)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(shown, [900_103, 900_102], "the slot's size");
    assert_eq!(store.expire_slot_items(now + 60).await.unwrap(), 1);
    // the pinned item keeps its second place
    assert_eq!(
        order(store.slot_list(id).await.unwrap()),
        [900_101, 900_102]
    );
    assert_eq!(store.slots_holding(900_102).await.unwrap()[0].1, 2);
    // the record: other acts, filters and keyset pages, newest first
    for i in 0..5 {
        let e = Event {
            action: "word_add",
            subject: "words".into(),
            title: format!("词{i}"),
            ..Event::default()
        };
        store.record(&actor, &e, now + 100 + i).await.unwrap();
    }
    let q = AuditQuery {
        action: Some("word_add".into()),
        limit: 2,
        ..Default::default()
    };
    let first = store.audit_page(&q).await.unwrap();
    assert_eq!(
        first.iter().map(|e| e.title.as_str()).collect::<Vec<_>>(),
        ["词4", "词3"]
    );
    let next = store
        .audit_page(&AuditQuery {
            before: Some((first[1].at, first[1].id)),
            ..q.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        next.iter().map(|e| e.title.as_str()).collect::<Vec<_>>(),
        ["词2", "词1"]
    );
    let slot_rows = store
        .audit_page(&AuditQuery {
            action: Some("slot_place".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(slot_rows.len(), 3);
    assert_eq!(slot_rows[0].address, "127.0.0.1");
    // the record as a site's editor reads it: the slot acts of his site,
    // nothing of another's; groups in and out (the same SQL on each backend)
    let scoped = |sites: &[&str]| AuditQuery {
        limit: 100,
        scope: Some(gazette::db::RecordScope {
            me: -1,
            sites: sites.iter().map(|s| s.to_string()).collect(),
            reports: true,
        }),
        ..Default::default()
    };
    let main_rows = store.audit_page(&scoped(&["main"])).await.unwrap();
    assert!(
        main_rows
            .iter()
            .filter(|e| e.action == "slot_place")
            .count()
            >= 3
    );
    assert!(main_rows.iter().all(|e| e.action != "word_add"));
    let other = store.audit_page(&scoped(&["zouping"])).await.unwrap();
    assert!(other.iter().all(|e| e.action != "slot_place"));
    let only_words = store
        .audit_page(&AuditQuery {
            actions: gazette::domain::record::group_actions("settings"),
            exclude: vec!["word_delete".into()],
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(only_words.len() >= 4 && only_words.iter().all(|e| e.action == "word_add"));
    // the story list's keyset pages hold every story once
    let mut seen = BTreeSet::new();
    let mut before = None;
    loop {
        let page = store
            .stories(&StoryFilter {
                state: Some("live".into()),
                before,
                limit: 7,
                ..Default::default()
            })
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        for r in &page {
            assert!(seen.insert(r.id), "{} twice", r.id);
        }
        before = page.last().map(|r| (r.updated_at, r.id));
    }
    assert_eq!(seen.len() as i64, store.live_count().await.unwrap());
    // the nav counts and an autosave
    let d = desk(app).await;
    let story = d.reporter.write(d.yw, "存稿", BODY).await;
    let reporter = store.user_with_hash("reporter").await.unwrap().unwrap().0;
    let (work, returned) = store.in_work(reporter.id).await.unwrap();
    assert!(work.iter().any(|w| w.id == story));
    assert_eq!(returned, 0);
    let mut draft = store.working_revision(story).await.unwrap().unwrap().draft;
    draft.title = "自动保存的标题".into();
    store
        .put_autosave(story, reporter.id, &draft, 1, now)
        .await
        .unwrap();
    store
        .put_autosave(story, reporter.id, &draft, 1, now + 30)
        .await
        .unwrap();
    let (copy, base, at) = store.autosave(story, reporter.id).await.unwrap().unwrap();
    assert_eq!(
        (copy.title.as_str(), base, at),
        ("自动保存的标题", 1, now + 30)
    );
    store.drop_autosave(story, reporter.id).await.unwrap();
    assert!(store.autosave(story, reporter.id).await.unwrap().is_none());
    // statistics read the same acts on both
    assert_eq!(d.reporter.act(story, "submit", "").await.status, 303);
    let (acts, written) = store.stats_acts(now - 10, now + 1000).await.unwrap();
    assert!(
        acts.iter()
            .any(|a| a.article_id == story && a.action == "submit")
    );
    assert!(written.iter().any(|(a, _)| *a == reporter.id));
}
