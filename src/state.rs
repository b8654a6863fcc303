//! Shared application state, handed to every handler.

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::DynStore;
use crate::render::{Env, Renderer};
use crate::search::SearchIndex;

/// The composition root: every part of the running application, built once
/// and handed to every handler. It holds no behaviour of its own.
///
/// What rendering needs is its `env` (the store, templates, cache, search
/// index, clock and public URL); `AppState` dereferences to it, so
/// `state.store` is `state.env.store` and a handler passes `&state` where
/// a renderer takes `&Env`.
///
/// It is one `Arc`: every layer and extractor of a request clones the
/// state, and a clone is one reference count, not one per part (the warm
/// page's hit path spent 8% of its time cloning and dropping the parts).
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

/// The parts of `AppState`.
pub struct Parts {
    pub env: Env,
    pub config: Arc<Config>,
    /// Where uploaded images live (`DATA_DIR/media` or a bucket).
    pub media: crate::media::DynMedia,
    /// Bumped after a local content write so followers (the index) catch up now.
    pub changed: Arc<tokio::sync::watch::Sender<u64>>,
    /// Bounded pools for hashing, decoding and diffs (off the async threads).
    pub work: Arc<crate::work::Pools>,
    /// Live coverage's readers and their fan-out.
    pub live: Arc<crate::live::Hub>,
    /// The open 指挥调度 boards and their fan-out.
    pub boards: Arc<crate::planning::hub::Boards>,
    /// Resumable uploads in progress on this node's disk (videos).
    pub uploads: Arc<crate::media::upload::Uploads>,
    /// Readiness: the write probe and whether the database was seen damaged.
    pub health: Arc<crate::health::Health>,
    /// The secret signing the 举报 form's challenges (read once from the store).
    pub report_secret: Arc<tokio::sync::OnceCell<String>>,
    /// This node's counted story views not yet added to the database.
    pub views: Arc<crate::reach::Views>,
    /// The content API's keys and this node's share of their limits.
    pub api_keys: Arc<crate::api_keys::Gate>,
    /// The change-log seq this node last queued a CDN purge for.
    pub purge_queued: Arc<std::sync::atomic::AtomicI64>,
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
        Ok(Self(Arc::new(Parts {
            env: Env {
                store,
                render,
                cache: Arc::new(crate::render::cache::RenderCache::new(cache_bytes)),
                search,
                clock: Arc::new(SystemClock),
                public_url: config.public_url.as_str().into(),
            },
            work,
            uploads,
            live: Arc::new(crate::live::Hub::new()),
            boards: Arc::new(crate::planning::hub::Boards::new()),
            health: Arc::default(),
            report_secret: Arc::default(),
            views: Arc::new(crate::reach::Views::new(config.count_views)),
            api_keys: Arc::default(),
            purge_queued: Arc::default(),
            config: Arc::new(config),
            media,
            changed: Arc::new(tokio::sync::watch::channel(0).0),
        })))
    }

    fn parts_mut(&mut self) -> &mut Parts {
        Arc::get_mut(&mut self.0).expect("the state is set up before it is shared")
    }

    /// Replace the clock (tests set 签发 times deterministically).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.parts_mut().env.clock = clock;
        self
    }

    /// Replace the media store (tests point it at their own bucket).
    pub fn with_media(mut self, media: crate::media::DynMedia) -> Self {
        self.parts_mut().media = media;
        self
    }

    /// The secret that signs the 举报 form's challenges and hashes
    /// addresses for its limit (one per database, shared by every node).
    pub async fn report_secret(&self) -> Result<&str, crate::db::StoreError> {
        self.report_secret
            .get_or_try_init(|| async {
                self.store
                    .report_secret(&crate::token::random_token())
                    .await
            })
            .await
            .map(String::as_str)
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl std::ops::Deref for Parts {
    type Target = Env;

    fn deref(&self) -> &Env {
        &self.env
    }
}
