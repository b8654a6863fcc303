//! County sub-sites: by path prefix and by host name.

use crate::util::TestApp;

#[tokio::test]
async fn sub_site_pages_live_under_their_prefix() {
    let app = TestApp::with_demo().await;
    let a = app
        .publish(
            4001,
            "zouping",
            "zw/yw",
            "邹平市召开职业教育工作会议",
            "2024-04-12T09:00:00+08:00",
        )
        .await;
    let path = format!("/zouping/{}", a.url_path.as_deref().unwrap());
    assert_eq!(path, "/zouping/zw/yw/2024-04/12/4001.html");
    let resp = app.get(&path).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.select_text("h1"), vec!["邹平市召开职业教育工作会议"]);
    assert_eq!(
        resp.select_attr("nav.crumb a", "href"),
        vec!["/zouping/", "/zouping/zw/", "/zouping/zw/yw/"]
    );
    // the region navigation marks the current county
    assert_eq!(
        resp.select_text("nav.regions a[aria-current]"),
        vec!["邹平"]
    );
    // the county home and channel list show it; the main site's do not
    assert!(
        app.get("/zouping/")
            .await
            .text()
            .contains("邹平市召开职业教育工作会议")
    );
    assert!(
        app.get("/zouping/zw/yw/")
            .await
            .text()
            .contains("邹平市召开职业教育工作会议")
    );
    assert!(
        !app.get("/zw/yw/")
            .await
            .text()
            .contains("邹平市召开职业教育工作会议")
    );
    // the same story path under the main site is not found
    assert_eq!(app.get(&TestApp::path_of(&a)).await.status, 404);
    // the county footer falls back to the group's licence facts
    assert!(
        app.get("/zouping/")
            .await
            .text()
            .contains("互联网新闻信息服务许可证")
    );
}

#[tokio::test]
async fn prefix_and_channel_without_slash_redirect() {
    let app = TestApp::with_demo().await;
    let r = app.get("/zouping").await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/zouping/"));
    let r = app.get("/zw/yw").await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/zw/yw/"));
    let r = app.get("/zouping/zw").await;
    assert_eq!(r.header("location"), Some("/zouping/zw/"));
    assert_eq!(app.get("/nosuchchannel").await.status, 404);
}

#[tokio::test]
async fn sub_site_answers_on_its_host_name() {
    let app = TestApp::with_demo().await;
    let mut sites = app.state.store.sites().await.unwrap();
    let bincheng = sites.iter_mut().find(|s| s.id == "bincheng").unwrap();
    bincheng.host = Some("bincheng.example.cn".into());
    app.state
        .store
        .put_site(bincheng, app.state.now())
        .await
        .unwrap();
    let a = app
        .publish(
            4002,
            "bincheng",
            "sh",
            "滨城区开展文明城市创建活动",
            "2024-04-13T09:00:00+08:00",
        )
        .await;
    let rel = a.url_path.clone().unwrap();

    let by_host = app
        .get_with_host("bincheng.example.cn", &format!("/{rel}"))
        .await;
    assert_eq!(by_host.status, 200);
    assert_eq!(
        by_host.select_text("h1"),
        vec!["滨城区开展文明城市创建活动"]
    );
    // with a port, and in capitals
    assert_eq!(
        app.get_with_host("BINCHENG.example.cn:8080", &format!("/{rel}"))
            .await
            .status,
        200
    );
    // prefixed paths work on the host too
    assert_eq!(
        app.get_with_host("bincheng.example.cn", &format!("/bincheng/{rel}"))
            .await
            .status,
        200
    );
    // and the prefix still works on the main host
    assert_eq!(app.get(&format!("/bincheng/{rel}")).await.status, 200);
    // the host's home is the county home
    let home = app.get_with_host("bincheng.example.cn", "/").await;
    assert!(home.text().contains("滨城区开展文明城市创建活动"));
    // canonical and links of a host-mapped site use its host
    assert_eq!(
        by_host.select_attr("link[rel=canonical]", "href"),
        vec![format!("http://bincheng.example.cn/{rel}")]
    );
    let main_page = app.get("/").await;
    assert!(
        main_page
            .select_attr("nav.regions a", "href")
            .contains(&"//bincheng.example.cn/".to_string())
    );
    // an unknown host gets the main site
    assert!(
        app.get_with_host("unknown.example.cn", "/")
            .await
            .select_text(".carousel .slide-title")
            .iter()
            .any(|t| t == "全省职教社工作研讨班暨规范化建设现场推进会在滨州召开"),
        "the main site's 焦点图"
    );
}
