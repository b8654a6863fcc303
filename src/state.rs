//! Shared application state, handed to every handler.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::DynStore;
use crate::render::Renderer;
use crate::search::SearchIndex;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: DynStore,
    pub render: Arc<Renderer>,
    pub search: Arc<SearchIndex>,
    /// Where uploaded images live (`DATA_DIR/media` or a bucket).
    pub media: crate::media::DynMedia,
    /// Bumped after a local content write so followers (the index) catch up now.
    pub changed: Arc<tokio::sync::watch::Sender<u64>>,
    pub cache: Arc<crate::render::cache::RenderCache>,
    pub clock: Arc<dyn Clock>,
    /// Bounded pools for hashing, decoding and diffs (off the async threads).
    pub work: Arc<crate::work::Pools>,
    /// Live coverage's readers and their fan-out.
    pub live: Arc<crate::live::Hub>,
    /// Resumable uploads in progress on this node's disk (videos).
    pub uploads: Arc<crate::media::upload::Uploads>,
    /// Readiness: the write probe and whether the database was seen damaged.
    pub health: Arc<crate::health::Health>,
    /// The secret signing the 举报 form's challenges (read once from the store).
    pub report_secret: Arc<tokio::sync::OnceCell<String>>,
}

impl AppState {
    /// Open the state's parts under the configured data directory; the
    /// media store is the configured one (object storage set up from the
    /// process's `AWS_*` variables).
    pub fn open(config: Config, store: DynStore) -> anyhow::Result<Self> {
        let render = Arc::new(Renderer::new(config.theme_dir.clone()));
        let cache_bytes = config.cache_bytes;
        let search = SearchIndex::open(&config.data_dir.join("search"))?;
        let media =
            crate::media::open(&config.media, &config.data_dir, crate::media::process_env())?;
        let work = Arc::new(crate::work::Pools::new(&config.limits));
        let uploads = Arc::new(crate::media::upload::Uploads::new(
            config.data_dir.join("uploads"),
        ));
        Ok(Self {
            work,
            uploads,
            live: Arc::new(crate::live::Hub::new()),
            health: Arc::default(),
            report_secret: Arc::default(),
            config: Arc::new(config),
            store,
            render,
            search,
            media,
            changed: Arc::new(tokio::sync::watch::channel(0).0),
            cache: Arc::new(crate::render::cache::RenderCache::new(cache_bytes)),
            clock: Arc::new(SystemClock),
        })
    }

    /// Replace the clock (tests set 签发 times deterministically).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replace the media store (tests point it at their own bucket).
    pub fn with_media(mut self, media: crate::media::DynMedia) -> Self {
        self.media = media;
        self
    }

    /// The secret that signs the 举报 form's challenges and hashes
    /// addresses for its limit (one per database, shared by every node).
    pub async fn report_secret(&self) -> Result<&str, crate::db::StoreError> {
        self.report_secret
            .get_or_try_init(|| self.store.report_secret())
            .await
            .map(String::as_str)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Start the background followers of the change log (the search index).
    /// After a local content write: drop the pages it changed before
    /// answering (read-your-writes), then wake the other followers.
    pub async fn after_write(&self) {
        if let Err(e) = self.cache.catch_up(self.store.as_ref()).await {
            tracing::error!(error = %format!("{e:#}"), "render cache catch-up failed");
        }
        if let Err(e) = self.live.catch_up(self).await {
            tracing::error!(error = %format!("{e:#}"), "live fan-out catch-up failed");
        }
        self.changed.send_modify(|n| *n += 1);
    }

    /// Start the background followers of the change log: the render cache
    /// (writes by other processes), the search index, and the job runner.
    /// Other nodes' commits wake them through the store's notifications
    /// (PostgreSQL); without them, or when one is missed, they poll: a page
    /// is never stale for longer than `CACHE_POLL` after a commit elsewhere.
    pub async fn spawn_followers(&self) -> Followers {
        let changed = self.changed.clone();
        match self
            .store
            .subscribe_changes(Arc::new(move || changed.send_modify(|n| *n += 1)))
            .await
        {
            Ok(true) => tracing::info!("following other nodes' changes by notification"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "no change notifications; polling the change log"),
        }
        self.search.clone().spawn_follower(
            self.store.clone(),
            self.changed.subscribe(),
            Duration::from_secs(1),
        );
        let state = self.clone();
        let mut rx = self.changed.subscribe();
        tokio::spawn(async move {
            loop {
                if let Err(e) = state.cache.catch_up(state.store.as_ref()).await {
                    tracing::error!(error = %format!("{e:#}"), "render cache catch-up failed; will retry");
                }
                // other nodes' approvals reach this node's live readers
                if let Err(e) = state.live.catch_up(&state).await {
                    tracing::error!(error = %format!("{e:#}"), "live fan-out catch-up failed; will retry");
                }
                // a missed wake-up costs at most this long: the change log is durable
                let _ = tokio::time::timeout(CACHE_POLL, rx.changed()).await;
            }
        });
        Followers {
            jobs: crate::jobs::spawn(self.clone()),
        }
    }
}

/// How often the render cache reads the change log when nothing woke it: the
/// bound on a stale page after a missed notification.
pub const CACHE_POLL: Duration = Duration::from_millis(500);

/// Handles of the background work `serve` stops at shutdown.
pub struct Followers {
    jobs: tokio::task::JoinHandle<()>,
}

impl Followers {
    /// Stop the job runner (a job cut off mid-way is rolled back with its
    /// transaction; its claim is released by the caller).
    pub async fn stop(self) {
        self.jobs.abort();
        let _ = self.jobs.await;
    }
}
