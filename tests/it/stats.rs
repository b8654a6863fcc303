//! 稿件统计: per person and per channel, with review turnaround, and CSV.

use crate::util::TestApp;
use crate::util::desk::{BODY, desk};

#[tokio::test]
async fn the_period_counts_each_persons_work_and_how_long_review_took() {
    let app = TestApp::with_demo().await;
    let d = desk(&app).await;
    let id = d.reporter.write(d.yw, "统计用的稿件", BODY).await;
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    app.clock.advance(600); // 10 minutes at 初审
    assert_eq!(d.editor.act(id, "reject", "补充导语").await.status, 303);
    assert_eq!(d.reporter.act(id, "submit", "").await.status, 303);
    app.clock.advance(1200); // 20 minutes
    assert_eq!(d.editor.act(id, "approve", "同意").await.status, 303);
    app.clock.advance(3600); // an hour at 复审
    assert_eq!(d.second.act(id, "approve", "同意").await.status, 303);
    app.clock.advance(7200); // two hours at 签发
    assert_eq!(d.signer.act(id, "approve", "同意签发").await.status, 303);

    let page = d.editor.get("/admin/stats").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let row = |who: &str| -> Vec<String> {
        let doc = page.html();
        let tr = scraper::Selector::parse("section:first-of-type table.stats tbody tr").unwrap();
        let td = scraper::Selector::parse("td").unwrap();
        doc.select(&tr)
            .map(|r| {
                r.select(&td)
                    .map(|c| c.text().collect::<String>())
                    .collect::<Vec<_>>()
            })
            .find(|cells| cells[0].starts_with(who))
            .unwrap_or_else(|| panic!("no row for {who}"))
    };
    // 人员, 写稿, 提交, 被退回, 审核, 签发, 发布, 平均审核用时, 中位数
    assert_eq!(&row("reporter名")[1..7], ["1", "2", "1", "0", "0", "1"]);
    let editor = row("editor名");
    assert_eq!(&editor[1..7], ["0", "0", "0", "2", "0", "0"]);
    assert_eq!(editor[7], "15分", "(10 + 20) / 2 minutes");
    assert_eq!(row("second名")[7], "1小时0分");
    let signer = row("signer名");
    assert_eq!(&signer[4..6], ["1", "1"]);
    assert_eq!(signer[7], "2小时0分");
    // the channel: from the last submission to sign-off
    assert!(page.text().contains("滨州网·政务要闻"), "{}", page.text());
    let csv = d.editor.get("/admin/stats.csv?kind=channels").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("stats-channels-")
    );
    let line = csv.body.lines().find(|l| l.contains("政务要闻")).unwrap();
    // 栏目,写稿,提交,被退回,签发,发布 ... ,提交到签发平均(秒) = 1h20m + 2h... = 1200+3600+7200
    assert!(
        line.starts_with("\"滨州网·政务要闻\",\"1\",\"2\",\"1\",\"0\",\"1\",\"1\""),
        "{line}"
    );
    assert!(
        line.ends_with(&format!("\"{}\"", 1200 + 3600 + 7200)),
        "{line}"
    );
    let people = d.editor.get("/admin/stats.csv?kind=people").await;
    assert!(
        people
            .body
            .starts_with("\u{feff}人员,写稿,提交,被退回,审核,签发,发布")
    );
    // a period before any of it is empty; bad periods are told apart
    let empty = d
        .editor
        .get("/admin/stats?from=2001-01-01&to=2001-01-31")
        .await;
    assert!(empty.text().contains("这段时间没有稿件流转"));
    for (q, msg) in [
        ("from=2024-02-30", "开始日期格式应为"),
        ("from=2020-01-01&to=2024-01-01", "一次最多统计"),
        ("from=2024-02-01&to=2024-01-01", "开始日期须早于结束日期"),
    ] {
        let r = d.editor.get(&format!("/admin/stats?{q}")).await;
        assert_eq!(r.status, 400, "{q}");
        assert!(r.text().contains(msg), "{q}");
    }
    // reporters neither see it in the nav nor open it
    assert!(
        d.reporter
            .get("/admin/")
            .await
            .select_attr("nav a[href='/admin/stats']", "href")
            .is_empty()
    );
    assert_eq!(d.reporter.get("/admin/stats").await.status, 403);
}
