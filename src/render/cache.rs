//! The render cache: rendered pages in memory, bounded by bytes, with gzip and
//! brotli variants made once, ETags, and exact invalidation (DESIGN.md §2).
//!
//! Keys are (site, site-relative path), so a county site answers the same
//! bytes on its host name and under its prefix. Each page is stored with the
//! dependency keys it read; the change-log follower maps every committed
//! change's keys to the pages that read them and drops exactly those. A miss
//! renders once however many requests wait for it (moka's `try_get_with`).
//! Only 200 and 410 answers are cached (404s are cheap, and caching them would
//! let random URLs flush the cache).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use bytes::Bytes;

use super::Page;
use crate::db::Store;
use crate::domain::Site;

/// A cached answer with its encodings.
#[derive(Debug)]
pub struct Cached {
    pub status: u16,
    pub content_type: &'static str,
    pub identity: Bytes,
    pub gzip: Bytes,
    pub brotli: Bytes,
    pub etag: String,
    pub last_modified: Option<i64>,
    pub deps: BTreeSet<String>,
    /// Header values made once: ETags of identity, gzip and brotli bodies,
    /// content type, Last-Modified.
    pub etag_values: [axum::http::HeaderValue; 3],
    pub content_type_value: axum::http::HeaderValue,
    pub last_modified_value: Option<axum::http::HeaderValue>,
    /// Its dependency keys for a CDN in front: `Surrogate-Key` (Varnish
    /// xkey, Fastly) and `Cache-Tag` (Cloudflare), `domain::surrogate`.
    pub surrogate_key_value: Option<axum::http::HeaderValue>,
    pub cache_tag_value: Option<axum::http::HeaderValue>,
    /// The story whose page this is (a reader's GET counts a view).
    pub viewed: Option<crate::domain::reach::Viewed>,
}

impl Cached {
    pub fn from_page(page: Page) -> Self {
        let identity = Bytes::from(page.body.into_bytes());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        let _ = gz.write_all(&identity);
        let gzip = Bytes::from(gz.finish().unwrap_or_default());
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
            let _ = w.write_all(&identity);
        }
        let hash = {
            use sha2::Digest;
            let d = sha2::Sha256::digest(&identity);
            hex::encode(&d[..12])
        };
        let etag = format!("\"{hash}\"");
        let value = |suffix: &str| {
            axum::http::HeaderValue::from_str(&format!("\"{hash}{suffix}\""))
                .unwrap_or(axum::http::HeaderValue::from_static("\"\""))
        };
        let last_modified_value = page.last_modified.and_then(|ts| {
            let date = chrono::DateTime::from_timestamp(ts, 0)?
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string();
            axum::http::HeaderValue::from_str(&date).ok()
        });
        let header = |v: String| {
            (!v.is_empty())
                .then(|| axum::http::HeaderValue::from_str(&v).ok())
                .flatten()
        };
        Cached {
            surrogate_key_value: header(crate::domain::surrogate::surrogate_key(&page.deps)),
            cache_tag_value: header(crate::domain::surrogate::cache_tag(&page.deps)),
            etag_values: [value(""), value("-gz"), value("-br")],
            content_type_value: axum::http::HeaderValue::from_static(page.content_type),
            last_modified_value,
            status: page.status,
            content_type: page.content_type,
            gzip,
            brotli: Bytes::from(br),
            identity,
            etag,
            last_modified: page.last_modified,
            viewed: page.viewed,
            deps: page.deps,
        }
    }

    fn weight(&self) -> u32 {
        (self.identity.len() + self.gzip.len() + self.brotli.len() + 256)
            .try_into()
            .unwrap_or(u32::MAX)
    }
}

#[derive(Default)]
pub struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub renders: AtomicU64,
    pub invalidations: AtomicU64,
}

pub struct RenderCache {
    pages: moka::future::Cache<String, Arc<Cached>>,
    /// dependency key -> cache keys of pages that read it
    index: Mutex<HashMap<String, HashSet<String>>>,
    /// dependency key -> last change-log seq that touched it
    touched: Mutex<HashMap<String, i64>>,
    cursor: AtomicI64,
    /// When this year ends (`turn_year`); 0 before the first look.
    year_ends: AtomicI64,
    /// The fingerprint of the change at the cursor (`Store::change_mark`):
    /// if the log no longer has that row there, the database was restored
    /// or replaced under the running process, and everything is dropped.
    mark: Mutex<Option<String>>,
    sites: RwLock<Option<Arc<Vec<Site>>>>,
    channels: RwLock<HashMap<String, Arc<crate::domain::ChannelTree>>>,
    /// Short lists many pages show (a channel's newest items, a slot's
    /// items), by the dependency key that invalidates them.
    lists: RwLock<HashMap<String, Arc<Listed>>>,
    /// Each site's live 专题, whole (every story page asks which hold it),
    /// by site id (dropped on `topics:SITE`).
    topics: RwLock<HashMap<String, Arc<Vec<crate::domain::Article>>>>,
    /// Library pictures pages show, by id (dropped on `image:ID`).
    pictures: RwLock<HashMap<i64, Arc<crate::domain::picture::Picture>>>,
    pub counters: Counters,
    pub enabled: bool,
}

impl RenderCache {
    pub fn new(max_bytes: u64) -> Self {
        Self {
            pages: moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_k: &String, v: &Arc<Cached>| v.weight())
                .build(),
            index: Mutex::default(),
            touched: Mutex::default(),
            cursor: AtomicI64::new(-1),
            year_ends: AtomicI64::new(0),
            mark: Mutex::new(None),
            sites: RwLock::new(None),
            channels: RwLock::default(),
            lists: RwLock::default(),
            topics: RwLock::default(),
            pictures: RwLock::default(),
            counters: Counters::default(),
            enabled: max_bytes > 0,
        }
    }

    pub fn key(site_id: &str, rel: &str) -> String {
        format!("{site_id}\t{rel}")
    }

    /// The sites, from memory (reloaded after a site change).
    pub async fn sites(&self, store: &dyn Store) -> anyhow::Result<Arc<Vec<Site>>> {
        if let Some(s) = self.sites.read().unwrap_or_else(|p| p.into_inner()).clone() {
            return Ok(s);
        }
        let fresh = Arc::new(store.sites().await?);
        *self.sites.write().unwrap_or_else(|p| p.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }

    /// A site's channel tree, from memory (reloaded after a change to the site).
    pub async fn channels(
        &self,
        store: &dyn Store,
        site_id: &str,
    ) -> anyhow::Result<Arc<crate::domain::ChannelTree>> {
        if let Some(c) = self
            .channels
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(site_id)
        {
            return Ok(c.clone());
        }
        let fresh = Arc::new(crate::domain::ChannelTree::new(
            store.channels(site_id).await?,
        ));
        self.channels
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(site_id.to_string(), fresh.clone());
        Ok(fresh)
    }

    /// The list memoized under dependency key `dep`, loading it on a miss.
    /// A load that a change overtook is answered but not kept.
    pub async fn list<F, Fut>(&self, dep: &str, load: F) -> anyhow::Result<Arc<Listed>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<Listed>>,
    {
        if let Some(l) = self
            .lists
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(dep)
        {
            return Ok(l.clone());
        }
        let seq_before = self.cursor();
        let fresh = Arc::new(load().await?);
        let overtaken = self
            .touched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(dep)
            .is_some_and(|seq| *seq > seq_before);
        if !overtaken && seq_before >= 0 {
            self.lists
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(dep.to_string(), fresh.clone());
        }
        Ok(fresh)
    }

    /// A site's live 专题, from memory (read again after `topics:SITE`). A
    /// load a change overtook is answered but not kept.
    pub async fn live_topics(
        &self,
        store: &dyn Store,
        site_id: &str,
    ) -> anyhow::Result<Arc<Vec<crate::domain::Article>>> {
        if let Some(t) = self
            .topics
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(site_id)
        {
            return Ok(t.clone());
        }
        let seq_before = self.cursor();
        let fresh = Arc::new(store.live_topics(site_id).await?);
        let key = crate::domain::topic::site_key(site_id);
        let overtaken = self
            .touched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .is_some_and(|seq| *seq > seq_before);
        if !overtaken && seq_before >= 0 {
            self.topics
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(site_id.to_string(), fresh.clone());
        }
        Ok(fresh)
    }

    /// The pictures `ids` names (those that exist), from memory where
    /// known, the rest in one query. A load a change overtook is answered
    /// but not kept.
    pub async fn pictures(
        &self,
        store: &dyn Store,
        ids: &[i64],
    ) -> anyhow::Result<HashMap<i64, Arc<crate::domain::picture::Picture>>> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        {
            let memo = self.pictures.read().unwrap_or_else(|p| p.into_inner());
            for id in ids {
                match memo.get(id) {
                    Some(p) => {
                        found.insert(*id, p.clone());
                    }
                    None if !missing.contains(id) => missing.push(*id),
                    None => {}
                }
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let seq_before = self.cursor();
        let loaded = store.pictures(&missing).await?;
        let overtaken: HashSet<i64> = {
            let touched = self.touched.lock().unwrap_or_else(|p| p.into_inner());
            loaded
                .iter()
                .filter(|p| {
                    touched
                        .get(&format!("image:{}", p.id))
                        .is_some_and(|seq| *seq > seq_before)
                })
                .map(|p| p.id)
                .collect()
        };
        let mut memo = self.pictures.write().unwrap_or_else(|p| p.into_inner());
        for p in loaded {
            let p = Arc::new(p);
            if !overtaken.contains(&p.id) && seq_before >= 0 {
                memo.insert(p.id, p.clone());
            }
            found.insert(p.id, p);
        }
        Ok(found)
    }

    pub fn cursor(&self) -> i64 {
        self.cursor.load(Ordering::SeqCst)
    }

    /// Whether a page is cached now (tests and metrics).
    /// The change-log seq that last touched dependency key `key`, as this
    /// node has applied it (a memo loaded at an earlier cursor is stale).
    pub fn touched_at(&self, key: &str) -> Option<i64> {
        self.touched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .copied()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.pages.contains_key(key)
    }

    /// Whether a page is cached now (for tests and diagnostics).
    pub async fn holds(&self, key: &str) -> bool {
        self.pages.get(key).await.is_some()
    }

    pub fn entries(&self) -> u64 {
        self.pages.entry_count()
    }

    pub fn bytes(&self) -> u64 {
        self.pages.weighted_size()
    }

    /// The cached answer for `key` if there is one (counted as a hit);
    /// `None` leaves the miss to `get_or_render`.
    pub async fn peek(&self, key: &str) -> Option<Arc<Cached>> {
        let hit = self.pages.get(key).await?;
        self.counters.hits.fetch_add(1, Ordering::Relaxed);
        Some(hit)
    }

    /// The cached answer for `key`, rendering it once on a miss however many
    /// requests wait for it.
    pub async fn get_or_render<F, Fut>(&self, key: &str, render: F) -> anyhow::Result<Answer>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<Page>>,
    {
        if let Some(hit) = self.pages.get(key).await {
            self.counters.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Answer::Cached(hit));
        }
        self.counters.misses.fetch_add(1, Ordering::Relaxed);
        let seq_before = self.cursor();
        let uncacheable: Arc<Mutex<Option<Page>>> = Arc::default();
        let slot = uncacheable.clone();
        let result = self
            .pages
            .try_get_with(key.to_string(), async move {
                self.counters.renders.fetch_add(1, Ordering::Relaxed);
                let page = render().await?;
                if !matches!(page.status, 200 | 410) {
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(page);
                    return Err(anyhow::Error::new(NotCached));
                }
                Ok::<_, anyhow::Error>(Arc::new(Cached::from_page(page)))
            })
            .await;
        match result {
            Ok(cached) => {
                self.register(key, &cached, seq_before).await;
                Ok(Answer::Cached(cached))
            }
            Err(e) => {
                if let Some(page) = uncacheable.lock().unwrap_or_else(|p| p.into_inner()).take() {
                    return Ok(Answer::Fresh(page));
                }
                if e.downcast_ref::<NotCached>().is_some() {
                    // another waiter rendered an answer that is not cached
                    return Ok(Answer::Retry);
                }
                Err(anyhow::anyhow!("{e:#}"))
            }
        }
    }

    /// Index a freshly cached page by its dependencies; if a change touched one
    /// of them while it was rendering, drop it at once (never keep it stale).
    async fn register(&self, key: &str, cached: &Cached, seq_before: i64) {
        {
            let mut index = self.index.lock().unwrap_or_else(|p| p.into_inner());
            for d in &cached.deps {
                index.entry(d.clone()).or_default().insert(key.to_string());
            }
        }
        let stale = {
            let touched = self.touched.lock().unwrap_or_else(|p| p.into_inner());
            cached
                .deps
                .iter()
                .any(|d| touched.get(d).is_some_and(|seq| *seq > seq_before))
        };
        if stale {
            self.pages.invalidate(key).await;
        }
    }

    /// Drop every page that read one of `keys`.
    pub async fn invalidate_keys(&self, keys: &[String], seq: i64) {
        let victims: HashSet<String> = {
            let mut index = self.index.lock().unwrap_or_else(|p| p.into_inner());
            let mut touched = self.touched.lock().unwrap_or_else(|p| p.into_inner());
            let mut out = HashSet::new();
            for k in keys {
                touched.insert(k.clone(), seq);
                if let Some(set) = index.remove(k) {
                    out.extend(set);
                }
            }
            out
        };
        {
            let mut lists = self.lists.write().unwrap_or_else(|p| p.into_inner());
            for k in keys {
                lists.remove(k);
            }
        }
        {
            let mut topics = self.topics.write().unwrap_or_else(|p| p.into_inner());
            for site in keys.iter().filter_map(|k| k.strip_prefix("topics:")) {
                topics.remove(site);
            }
        }
        {
            let mut pictures = self.pictures.write().unwrap_or_else(|p| p.into_inner());
            for id in keys
                .iter()
                .filter_map(|k| k.strip_prefix("image:")?.parse::<i64>().ok())
            {
                pictures.remove(&id);
            }
        }
        if keys.iter().any(|k| k.starts_with("site:")) {
            *self.sites.write().unwrap_or_else(|p| p.into_inner()) = None;
            self.channels
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .clear();
        }
        for v in victims {
            if self.pages.contains_key(&v) {
                self.counters.invalidations.fetch_add(1, Ordering::Relaxed);
            }
            self.pages.invalidate(&v).await;
        }
    }

    /// At the turn of the year (China Standard Time) drop every page: lists
    /// date this year's stories `MM-DD` and older ones with their year
    /// (`domain::text::list_date`), so every list's dates change at once.
    pub fn turn_year(&self, now: i64) {
        let turns_at = self.year_ends.load(Ordering::Relaxed);
        if now < turns_at {
            return;
        }
        let next = crate::domain::text::next_new_year(now);
        if self
            .year_ends
            .compare_exchange(turns_at, next, Ordering::SeqCst, Ordering::Relaxed)
            .is_ok()
            && turns_at > 0
        {
            tracing::info!("a new year: dropping every cached page");
            self.forget_all();
        }
    }

    /// Drop every page and every memo.
    fn forget_all(&self) {
        self.pages.invalidate_all();
        self.index.lock().unwrap_or_else(|p| p.into_inner()).clear();
        *self.sites.write().unwrap_or_else(|p| p.into_inner()) = None;
        self.channels
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.lists
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.topics
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.pictures
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Apply every change logged since the cursor. The first call drops what
    /// was read before it (nothing, in a process that has just started) and
    /// moves the cursor to the end.
    pub async fn catch_up(&self, store: &dyn Store) -> anyhow::Result<usize> {
        let cursor = self.cursor();
        let known = self.mark.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let moved = cursor > 0 && store.change_mark(cursor).await? != known;
        if cursor < 0 || moved {
            if moved {
                tracing::warn!(
                    cursor,
                    "the change log no longer matches the render cache (database restored?); dropping every page"
                );
            }
            // anything read before the cursor was fixed may be stale
            let end = store.last_change().await?;
            self.forget_all();
            *self.mark.lock().unwrap_or_else(|p| p.into_inner()) = store.change_mark(end).await?;
            self.cursor.store(end, Ordering::SeqCst);
            return Ok(0);
        }
        let mut applied = 0;
        loop {
            let changes = store.changes_since(self.cursor(), 1000).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            for c in &changes {
                self.invalidate_keys(&c.keys, c.seq).await;
            }
            applied += changes.len();
            let mark = changes.last().map(|c| c.mark.clone());
            *self.mark.lock().unwrap_or_else(|p| p.into_inner()) = mark;
            self.cursor.store(last, Ordering::SeqCst);
        }
        Ok(applied)
    }
}

/// A memoized short list: a slot's name (for slots) and items.
#[derive(Debug, Default)]
pub struct Listed {
    pub name: Option<String>,
    /// A slot's block style.
    pub style: crate::domain::channel::ListStyle,
    pub items: Vec<crate::domain::ArticleSummary>,
}

/// What the cache gives a request.
pub enum Answer {
    Cached(Arc<Cached>),
    /// Rendered for this request only (not a cacheable status).
    Fresh(Page),
    /// Another request rendered an uncacheable answer: render for this one.
    Retry,
}

#[derive(Debug)]
struct NotCached;

impl std::fmt::Display for NotCached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not cached")
    }
}

impl std::error::Error for NotCached {}
