//! A fresh app on a fresh temporary database, called in-process with `oneshot`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use gazette::clock::FixedClock;
use gazette::config::Config;
use gazette::domain::html::paragraphs_to_html;
use gazette::domain::text::parse_rfc3339;
use gazette::domain::url::story_path;
use gazette::domain::{Article, Byline, Status};
use gazette::state::AppState;
use http_body_util::BodyExt;
use tempfile::TempDir;
use tower::ServiceExt;

#[allow(
    dead_code,
    reason = "kept alive for the test's duration; the clock for tests that move time"
)]
/// 1,000 stories from `shared/bench/gen_corpus.py 1000` (the archive format).
pub const CORPUS: &str = include_str!("../../fixtures/corpus_1k.jsonl");
/// When tests import the corpus: the day after its newest story
/// (2026-12-28), so every line is history and live at once.
pub const CORPUS_IMPORTED_AT: &str = "2027-01-01T00:00:00+08:00";

pub struct TestApp {
    /// Kept alive for the test's duration.
    _dir: TempDir,
    pub state: AppState,
    #[allow(dead_code, reason = "for tests that move time (scheduled publication)")]
    pub clock: FixedClock,
    router: Router,
    /// Jobs up to this id are the fixture's (the demo's), not the test's.
    fixture_jobs: std::sync::atomic::AtomicI64,
    /// The PostgreSQL schema of a test on that backend, dropped at the end
    /// (last: fields drop in order, the store's connections first).
    _pg: Option<super::backend::PgSchema>,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    pub fn text(&self) -> String {
        super::html::to_text(&self.html())
    }

    /// Texts of every element matching a CSS selector.
    pub fn select_text(&self, selector: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&sel)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Values of an attribute on every element matching a selector.
    pub fn select_attr(&self, selector: &str, attr: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&sel)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// An app on an empty, migrated SQLite database.
    pub async fn new() -> Self {
        Self::on(super::backend::Backend::Sqlite, "sqlite", None)
            .await
            .expect("SQLite is always there")
    }

    /// An app with the demo content whose uploads go to `media` instead of
    /// the data directory.
    pub async fn with_demo_and_media(media: gazette::media::DynMedia) -> Self {
        let app = Self::on(super::backend::Backend::Sqlite, "sqlite", Some(media))
            .await
            .expect("SQLite is always there");
        app.load_demo().await;
        app
    }

    /// An app on an empty, migrated database of `backend` (uploads to `media`
    /// if given); None when that is PostgreSQL and no server answers (a NOT
    /// RUN line was printed).
    pub async fn on(
        backend: super::backend::Backend,
        case: &str,
        media: Option<gazette::media::DynMedia>,
    ) -> Option<Self> {
        Self::configured(backend, case, media, |_| {}).await
    }

    /// An app on SQLite with the demo content and a configuration of the
    /// test's own (limits, trusted proxies).
    pub async fn with_config(tweak: impl FnOnce(&mut Config)) -> Self {
        let app = Self::configured(super::backend::Backend::Sqlite, "sqlite", None, tweak)
            .await
            .expect("SQLite is always there");
        app.load_demo().await;
        app
    }

    /// An app on SQLite with the demo content, its data directory inside
    /// `parent` (a small file system, for disk-full tests).
    pub async fn in_dir(parent: &std::path::Path) -> Self {
        let dir = tempfile::tempdir_in(parent).expect("temp dir");
        let app = Self::configured_in(dir, super::backend::Backend::Sqlite, "sqlite", None, |_| {})
            .await
            .expect("SQLite is always there");
        app.load_demo().await;
        app
    }

    async fn configured(
        backend: super::backend::Backend,
        case: &str,
        media: Option<gazette::media::DynMedia>,
        tweak: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::configured_in(dir, backend, case, media, tweak).await
    }

    async fn configured_in(
        dir: TempDir,
        backend: super::backend::Backend,
        case: &str,
        media: Option<gazette::media::DynMedia>,
        tweak: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let (store, pg) = super::backend::open(backend, dir.path(), case).await?;
        let clock = FixedClock::new(parse_rfc3339("2024-04-20T12:00:00+08:00").unwrap());
        let mut config = Config::for_data_dir(dir.path());
        tweak(&mut config);
        let mut state = AppState::open(config, store)
            .expect("app state")
            .with_clock(Arc::new(clock.clone()));
        if let Some(media) = media {
            state = state.with_media(media);
        }
        let router = gazette::web::router(state.clone());
        Some(Self {
            _dir: dir,
            _pg: pg,
            state,
            clock,
            router,
            fixture_jobs: std::sync::atomic::AtomicI64::new(0),
        })
    }

    /// An app with the 滨州网 demo content.
    pub async fn with_demo() -> Self {
        let app = Self::new().await;
        app.load_demo().await;
        app
    }

    /// Load the 滨州网 demo content.
    pub async fn load_demo(&self) {
        gazette::demo::load(
            self.state.store.as_ref(),
            self.state.media.as_ref(),
            self.state.now(),
        )
        .await
        .expect("demo loads");
        // the demo's pictures and videos leave jobs of their own
        let last = super::jobs::last_id(&self.queue());
        self.fixture_jobs
            .store(last, std::sync::atomic::Ordering::Relaxed);
    }

    /// Import JSON lines (created channels on demand) and return the summary.
    /// Import JSON lines as of the day after the corpus's newest story
    /// (2026-12-28): every line of the corpus is history then, live at
    /// once, whatever the test's clock says. `import_as_of` imports at
    /// another time (a line dated after it is scheduled).
    pub async fn import(&self, text: &str) -> gazette::import::Summary {
        let after_corpus = parse_rfc3339(CORPUS_IMPORTED_AT).unwrap();
        self.import_as_of(text, after_corpus.max(self.state.now()))
            .await
    }

    pub async fn import_as_of(&self, text: &str, now: i64) -> gazette::import::Summary {
        let opts = gazette::import::Options {
            create_channels: true,
            batch_size: 100,
            update: true,
        };
        gazette::import::run(
            self.state.store.as_ref(),
            std::io::Cursor::new(text.as_bytes().to_vec()),
            &opts,
            now,
            &indicatif::ProgressBar::hidden(),
        )
        .await
        .expect("import runs")
    }

    /// An app with the demo and the first `n` stories of the 1,000-story corpus, indexed.
    pub async fn with_corpus(n: usize) -> Self {
        let app = Self::with_demo().await;
        let text: String = CORPUS.lines().take(n).map(|l| format!("{l}\n")).collect();
        let summary = app.import(&text).await;
        assert_eq!(summary.created, n, "{:?}", summary.rejected);
        app.index().await;
        app
    }

    /// Serve the app on a loopback port through the production accept loop
    /// (its timeouts and connection cap from the app's limits, the render
    /// cache's hits answered before the router, as `gazette serve` does);
    /// returns its address.
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let app = gazette::web::app(self.state.clone());
        let limits = self.state.config.limits.clone();
        tokio::spawn(async move {
            let cap = limits.max_connections;
            gazette::web::server::serve(listener, app, &limits, cap, std::future::pending()).await;
        });
        addr
    }

    /// A GET straight through the router, without the test-side catch-up of
    /// the render cache that `get` does first: (status, body).
    pub async fn raw_get(&self, path: &str) -> (u16, String) {
        let resp = self
            .router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .expect("router answers");
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Back the SQLite database up as an operator would (`VACUUM INTO`);
    /// returns the backup's path, beside the database.
    pub async fn backup(&self) -> std::path::PathBuf {
        use sqlx::ConnectOptions as _;
        let dir = &self.state.config.data_dir;
        let backup = dir.join("backup.db");
        let mut c =
            <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str("sqlite://")
                .unwrap()
                .filename(dir.join("gazette.db"))
                .connect()
                .await
                .expect("open the database");
        sqlx::query(&format!("VACUUM INTO '{}'", backup.display()))
            .execute(&mut c)
            .await
            .expect("back up");
        backup
    }

    /// The router (for concurrent requests).
    pub fn router_clone(&self) -> Router {
        self.router.clone()
    }

    /// Headers and raw body bytes (for compressed answers).
    /// A GET's body as bytes (a picture, not text).
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        self.router_response(Request::get(path).body(Body::empty()).unwrap())
            .await
            .1
    }

    pub async fn router_response(&self, req: Request<Body>) -> (HeaderMap, Vec<u8>) {
        self.state
            .cache
            .catch_up(self.state.store.as_ref())
            .await
            .expect("cache follows");
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let headers = resp.headers().clone();
        (
            headers,
            resp.into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
                .to_vec(),
        )
    }

    /// Bring the search index up to date with every change so far.
    pub async fn index(&self) {
        self.state
            .search
            .catch_up(self.state.store.as_ref())
            .await
            .expect("index catches up");
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_with_host(&self, host: &str, path: &str) -> TestResponse {
        self.request(
            Request::get(path)
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn request(&self, req: Request<Body>) -> TestResponse {
        // what the change-log follower does within milliseconds in `serve`
        self.state.cache.turn_year(self.state.now());
        self.state
            .cache
            .catch_up(self.state.store.as_ref())
            .await
            .expect("cache follows the change log");
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn channel_id(&self, site: &str, path: &str) -> i64 {
        self.state
            .store
            .channels(site)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.path == path)
            .expect("channel")
            .id
    }

    /// Store a published story directly (as an import would) and return it.
    pub async fn publish(
        &self,
        id: i64,
        site: &str,
        channel: &str,
        title: &str,
        signed_at: &str,
    ) -> Article {
        let signed = parse_rfc3339(signed_at).expect("valid time");
        let article = Article {
            id,
            site_id: site.into(),
            channel_id: self.channel_id(site, channel).await,
            extra_channel_ids: vec![],
            title: title.into(),
            short_title: None,
            subtitle: None,
            byline: vec![Byline {
                role: "记者".into(),
                name: "测试".into(),
            }],
            source: "滨州网讯".into(),
            reprint: None,
            editor: "编辑甲".into(),
            body_html: paragraphs_to_html(&["第一段。", "第二段。"]),
            summary: String::new(),
            tags: vec![],
            status: Status::Published,
            signed_at: Some(signed),
            signed_by: Some("签发人".into()),
            published_at: Some(signed),
            url_path: Some(story_path(channel, signed, id)),
            created_at: signed,
            updated_at: signed,
            version: 1,
            corrections: vec![],
            revised_at: None,
            kind: Default::default(),
            ai: Default::default(),
            parts: Default::default(),
        };
        self.state
            .store
            .save_article(&article, self.state.now())
            .await
            .expect("save story");
        article
    }

    /// Save a story as it stands (edited fields, status) straight to the store.
    pub async fn save(&self, article: &Article) {
        self.state
            .store
            .save_article(article, self.state.now())
            .await
            .expect("save story");
    }

    /// Withdraw a live story (撤稿) straight in the store.
    pub async fn withdraw(&self, article: &mut Article) {
        article.status = Status::Withdrawn;
        self.save(article).await;
    }

    /// The public path of a story of the main site.
    pub fn path_of(article: &Article) -> String {
        format!("/{}", article.url_path.as_deref().unwrap())
    }
}

impl TestApp {
    /// Run every job due now, as a node's runner would, until none is left.
    pub async fn run_jobs(&self) {
        while gazette::jobs::run_due(&self.state).await.expect("jobs run") > 0 {}
    }

    fn queue(&self) -> super::jobs::Queue {
        match &self._pg {
            Some(pg) => super::jobs::Queue::Postgres {
                url: pg.url.clone(),
                schema: pg.name.clone(),
            },
            None => super::jobs::Queue::Sqlite(self._dir.path().join("gazette.db")),
        }
    }
}

impl Drop for TestApp {
    /// Every test ends with no job left due (see `util::jobs`).
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let fixture = self.fixture_jobs.load(std::sync::atomic::Ordering::Relaxed);
        let left = super::jobs::left_due(&self.queue(), fixture, self.state.now());
        assert!(
            left.is_empty(),
            "the test left jobs due: {left:?} (run them with `app.run_jobs()` and check what they did)"
        );
    }
}
