//! 策划指挥 in a real browser (issue 26): the morning meeting. A reporter
//! pitches three stories; the desk's editor takes them onto the day's 报题单
//! and arranges it by dragging and from the keyboard; two coverages are
//! given out and taken up; one story is started from its assignment,
//! reviewed, signed and published; the 指挥调度 board, open in a second
//! browser all along, shows it published without being reloaded. Every
//! planning screen passes axe-core at desktop and phone size. Screenshots
//! of the 报题单, the board (1920x1080) and a reporter's assignments on a
//! phone (390x844) land in `target/browser/`.

use std::path::PathBuf;

use gazette::domain::user::Role;

use super::browser::{
    act, axe_source, axe_violations, chromedriver, login, not_run_unless_available,
};
use crate::util::TestApp;
use crate::util::webdriver::{Driver, wait_ready};

/// The slugs of the 报题单 as the page shows them.
const SLUGS: &str =
    "return [...document.querySelectorAll('#budget-list .budget-slug')].map(a => a.textContent);";

/// Drag the 报题单's item at `from` onto the one at `to` (0-based), as the
/// mouse would: dragstart, dragover on the upper half of the target, dragend.
fn drag(from: usize, to: usize) -> String {
    format!(
        "const items = document.querySelectorAll('#budget-list li.budget-item');
         const src = items[{from}], dst = items[{to}], dt = new DataTransfer();
         src.dispatchEvent(new DragEvent('dragstart', {{ bubbles: true, dataTransfer: dt }}));
         const r = dst.getBoundingClientRect();
         dst.dispatchEvent(new DragEvent('dragover', {{ bubbles: true, cancelable: true, dataTransfer: dt, clientY: r.top + 2 }}));
         src.dispatchEvent(new DragEvent('dragend', {{ bubbles: true, dataTransfer: dt }}));"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_morning_meeting_in_a_browser() {
    if not_run_unless_available() {
        return;
    }
    let axe = axe_source();
    let app = TestApp::with_demo().await;
    for (name, role) in [
        ("reporter", Role::Reporter),
        ("photog", Role::Reporter),
        ("editor", Role::Editor),
        ("second", Role::Reviewer(2)),
        ("signer", Role::Signer),
    ] {
        app.add_user(name, &[role], &["main"]).await;
    }
    app.add_user("admin", &[Role::Admin], &["main"]).await;
    let reporter = app
        .state
        .store
        .user_with_hash("reporter")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let photog = app
        .state
        .store
        .user_with_hash("photog")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let addr = app.serve().await;
    let base = format!("http://{addr}");
    let (mut driver_proc, port) = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    let (main_dir, board_dir) = (profile.path().join("a"), profile.path().join("b"));
    let day = gazette::domain::text::to_cst(app.state.now())
        .format("%Y-%m-%d")
        .to_string();
    let store = app.state.store.clone();
    let rt = tokio::runtime::Handle::current();
    let result = tokio::task::spawn_blocking(move || {
        assert!(wait_ready(port), "chromedriver did not start");
        let d = Driver::new(port, &main_dir);
        // the board on the wall, open from the start
        let wall = Driver::new(port, &board_dir);
        login(&wall, &base, "editor");
        wall.window(1920, 1080);
        wall.goto(&format!("{base}/admin/board?site=main"));
        wall.wait_for("#board-body .board-grid");
        wall.script("window.__notReloaded = true;");

        // three pitches
        login(&d, &base, "reporter");
        for slug in ["黄河大集开集", "秋粮收购进度", "社区阅读角"] {
            d.goto(&format!("{base}/admin/planning/new?pitch=1"));
            d.click("select[name=where] option[value='main|sh']");
            d.type_into("#plan-slug", slug);
            d.type_into("input[name=cov_note]", "一千字");
            d.click("form[action='/admin/planning/new'] button[type=submit]");
            d.wait_for_text(".flash", "报题已提交");
        }
        let pitched: Vec<i64> = rt.block_on(async {
            let mut ids: Vec<i64> = store
                .plans(&gazette::db::PlanFilter::default(), 10)
                .await
                .unwrap()
                .iter()
                .map(|p| p.id)
                .collect();
            ids.sort_unstable();
            ids
        });
        assert_eq!(pitched.len(), 3);
        // the desk takes them (dated today, each to the end of the list)
        login(&d, &base, "editor");
        d.goto(&format!("{base}/admin/planning/pitches?site=main"));
        assert_eq!(d.count(".pitch-list li.pitch"), 3);
        for id in &pitched {
            d.goto(&format!("{base}/admin/planning/{id}"));
            d.clear("input[name=day]");
            d.script(&format!(
                "document.querySelector('input[name=day]').value = '{day}';"
            ));
            d.click("#edit-h + form button[type=submit]");
            d.wait_for_text(".flash", "选题已保存");
            d.click(".pitch-decision .buttons button");
            d.wait_for_text(".flash", "已采用");
        }
        // the meeting arranges the 报题单: a drag, then a key
        d.goto(&format!("{base}/admin/planning?site=main&day={day}"));
        d.wait_for("#budget-list li.budget-item");
        let order =
            |d: &Driver| -> Vec<String> { serde_json::from_value(d.script(SLUGS)).unwrap() };
        assert_eq!(order(&d), ["黄河大集开集", "秋粮收购进度", "社区阅读角"]);
        d.script(&drag(2, 0));
        d.wait_for_text("#budget-live", "已保存");
        d.script("document.getElementById('budget-live').textContent = '';");
        d.type_into("#budget-list li.budget-item:nth-child(3) .grab", "\u{e013}");
        d.wait_for_text("#budget-live", "移到第 2 位");
        d.goto(&format!("{base}/admin/planning?site=main&day={day}"));
        d.wait_for("#budget-list li.budget-item");
        assert_eq!(
            order(&d),
            ["社区阅读角", "秋粮收购进度", "黄河大集开集"],
            "the arrangement was saved"
        );
        d.window(1366, 900);
        d.screenshot(&shots.join("planning-budget.png"));
        // two coverages given out
        for (id, person) in [(pitched[2], reporter), (pitched[1], photog)] {
            d.goto(&format!("{base}/admin/planning/{id}"));
            d.click(&format!(
                ".assign-form select[name=person] option[value='{person}']"
            ));
            d.click(".assign-form button[type=submit]");
            d.wait_for_text(".flash", "已派题");
        }
        // each takes his up; the reporter starts writing from his
        login(&d, &base, "photog");
        d.goto(&format!("{base}/admin/assignments"));
        d.click(".asg-card form.inline button");
        d.wait_for_text(".flash", "已接受");
        login(&d, &base, "reporter");
        d.goto(&format!("{base}/admin/assignments"));
        d.click(".asg-card form.inline button");
        d.wait_for_text(".flash", "已接受");
        d.window(390, 844);
        d.screenshot(&shots.join("planning-assignments-phone.png"));
        d.window(1366, 900);
        d.click("form[action$='/start'] button");
        d.wait_for("#story-form");
        assert_eq!(
            d.script("return document.querySelector('#title').value;")
                .as_str(),
            Some("社区阅读角")
        );
        d.type_into("#source", "滨州网讯");
        d.click(".editor");
        d.type_into(
            ".editor",
            "滨州网讯 社区阅读角今天开放,居民可以免费借阅图书。",
        );
        d.click("#story-form button[name=save]");
        d.wait_for_text(".flash", "已保存");
        let id: i64 = d
            .url()
            .split("/admin/stories/")
            .nth(1)
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        d.click("button.act-submit");
        d.wait_for_text(".flash", "已提交审核");
        login(&d, &base, "editor");
        act(&d, &base, id, "approve", "同意", "审核通过");
        login(&d, &base, "second");
        act(&d, &base, id, "approve", "同意", "审核通过");
        login(&d, &base, "signer");
        act(&d, &base, id, "approve", "同意签发", "已签发");
        // the board, never reloaded, shows it published
        wall.wait_for_text("#board-body .published", "社区阅读角");
        wall.wait_for_text("#board-body .plans", "已发布");
        assert_eq!(
            wall.script("return window.__notReloaded === true;")
                .as_bool(),
            Some(true),
            "the board updated in place"
        );
        assert!(
            wall.script("return Number(document.getElementById('board-body').dataset.updates);")
                .as_i64()
                .unwrap_or(0)
                > 0
        );
        wall.screenshot(&shots.join("planning-board-1920.png"));
        // axe on every planning screen, at desktop and phone size
        if let Some(axe) = &axe {
            login(&d, &base, "admin");
            let mut found = Vec::new();
            for (name, path) in [
                ("budget", format!("/admin/planning?site=main&day={day}")),
                (
                    "print",
                    format!("/admin/planning/print?site=main&day={day}"),
                ),
                ("pitches", "/admin/planning/pitches".to_string()),
                ("plan", format!("/admin/planning/{}", pitched[0])),
                ("plan-new", "/admin/planning/new".to_string()),
                ("assignments", "/admin/assignments".to_string()),
                ("tips", "/admin/tips".to_string()),
                ("board", "/admin/board".to_string()),
                ("roster", "/admin/roster".to_string()),
                ("hooks", "/admin/planning/hooks".to_string()),
                ("baoliao", "/baoliao/".to_string()),
            ] {
                for (w, h, size) in [(1366, 900, "desktop"), (390, 844, "phone")] {
                    d.window(w, h);
                    d.goto(&format!("{base}{path}"));
                    d.wait_for("main");
                    for v in axe_violations(&d, axe) {
                        found.push(format!("{name} ({size}): {v}"));
                    }
                }
            }
            assert!(found.is_empty(), "axe findings:\n{}", found.join("\n"));
        }
    })
    .await;
    let _ = driver_proc.kill();
    let _ = driver_proc.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}
