//! The single index writer: follows the change log, rebuilds on demand.
//!
//! Only this module mutates the index. Calls are serialized; the tantivy
//! writer is created on first use and kept for the life of the process.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::SearchIndex;
use crate::db::Store;
use crate::domain::channel::ancestry;
use crate::domain::{Article, Status};

/// Memory the tantivy writer may buffer before it flushes a segment.
const WRITER_BUDGET: usize = 200 * 1024 * 1024;
/// Change-log rows applied per commit.
const CHANGES_PER_COMMIT: i64 = 20_000;

pub(super) struct Writer {
    serial: tokio::sync::Mutex<()>,
    inner: Arc<Mutex<Option<IndexWriter>>>,
}

impl Writer {
    pub(super) fn new() -> Self {
        Self {
            serial: tokio::sync::Mutex::new(()),
            inner: Arc::new(Mutex::new(None)),
        }
    }
}

/// The commit payload: `super::Position` as JSON.
fn payload(seq: i64, identity: &str, mark: Option<String>) -> String {
    serde_json::to_string(&super::Position {
        seq,
        db: Some(identity.to_string()),
        mark,
    })
    .unwrap_or_else(|_| seq.to_string())
}

/// Channel paths per channel id, loaded once per pass.
#[derive(Default)]
struct ChannelPaths(HashMap<i64, String>);

impl ChannelPaths {
    async fn load(store: &dyn Store) -> anyhow::Result<Self> {
        let mut map = HashMap::new();
        for site in store.sites().await? {
            for c in store.channels(&site.id).await? {
                map.insert(c.id, c.path);
            }
        }
        Ok(Self(map))
    }

    /// Every channel path the story is listed under, ancestors included.
    fn listed(&self, a: &Article) -> BTreeSet<String> {
        std::iter::once(&a.channel_id)
            .chain(&a.extra_channel_ids)
            .filter_map(|id| self.0.get(id))
            .flat_map(|p| ancestry(p).into_iter().map(str::to_string))
            .collect()
    }
}

fn document(index: &SearchIndex, a: &Article, channels: &ChannelPaths) -> TantivyDocument {
    let f = &index.fields;
    let mut doc = TantivyDocument::default();
    doc.add_i64(f.id, a.id);
    doc.add_text(f.title, &a.title);
    doc.add_text(f.tags, a.tags.join(" "));
    let names: Vec<&str> = a.byline.iter().map(|b| b.name.as_str()).collect();
    let all = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        a.title,
        a.subtitle.as_deref().unwrap_or_default(),
        crate::domain::html::html_to_text(&a.body_html),
        names.join(" "),
        a.editor,
        a.tags.join(" ")
    );
    doc.add_text(f.grams, &all);
    doc.add_text(f.text, all);
    doc.add_text(f.site, &a.site_id);
    for p in channels.listed(a) {
        doc.add_text(f.channel, &p);
    }
    doc.add_i64(f.signed_at, a.signed_at.unwrap_or(a.updated_at));
    doc
}

impl SearchIndex {
    /// Run `f` with the tantivy writer on a blocking thread.
    async fn with_writer<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let inner = self.writer.inner.clone();
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<T> {
            let mut guard = inner.lock().map_err(|_| anyhow::anyhow!("search writer poisoned"))?;
            if guard.is_none() {
                let w = index.writer(WRITER_BUDGET).map_err(|e| {
                    anyhow::anyhow!("cannot lock the search index for writing ({e}); is another gazette process using this --data-dir?")
                })?;
                *guard = Some(w);
            }
            let w = guard.as_mut().expect("writer was just created");
            Ok(f(w)?)
        })
        .await
        .context("search writer task")?
    }

    /// Apply every change logged since the index's cursor. Returns the number
    /// of stories (re)indexed or removed. An index that follows another log
    /// than the database's (another database, or this one restored from a
    /// backup: the change at its cursor is gone or different) is rebuilt
    /// first, or it would never see the changes it thinks it has seen.
    pub async fn catch_up(&self, store: &dyn Store) -> anyhow::Result<usize> {
        let identity = store.identity().await?;
        let stale = {
            let _serial = self.writer.serial.lock().await;
            self.follows_another_log(store, &identity).await?
        };
        if let Some(why) = stale {
            tracing::warn!(reason = %why, "the search index does not match the database; rebuilding it");
            return Ok(self.reindex(store, |_| {}).await? as usize);
        }
        let _serial = self.writer.serial.lock().await;
        self.apply_changes(store, &identity).await
    }

    /// Why the index's recorded position is not a position in this
    /// database's change log, if it is not.
    async fn follows_another_log(
        &self,
        store: &dyn Store,
        identity: &str,
    ) -> anyhow::Result<Option<String>> {
        let at = self.position();
        if at.seq == 0 {
            return Ok(None);
        }
        if at.db.as_deref().is_some_and(|db| db != identity) {
            return Ok(Some("made from another database".into()));
        }
        match (store.change_mark(at.seq).await?, &at.mark) {
            (None, _) => Ok(Some(format!(
                "its cursor {} is past the change log's end {}",
                at.seq,
                store.last_change().await?
            ))),
            (Some(here), Some(there)) if here != *there => Ok(Some(format!(
                "the change at {} is not the one it applied",
                at.seq
            ))),
            _ => Ok(None),
        }
    }

    async fn apply_changes(&self, store: &dyn Store, identity: &str) -> anyhow::Result<usize> {
        let mut cursor = self.cursor();
        let mut applied = 0;
        let mut channels: Option<ChannelPaths> = None;
        loop {
            let changes = store.changes_since(cursor, CHANGES_PER_COMMIT).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            let ids: Vec<i64> = changes
                .iter()
                .filter_map(|c| c.article_id)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let articles = store.articles_by_ids(&ids).await?;
            if channels.is_none() || changes.iter().any(|c| c.kind == "site") {
                channels = Some(ChannelPaths::load(store).await?);
            }
            let paths = channels.as_ref().expect("loaded above");
            let docs: Vec<TantivyDocument> = articles
                .iter()
                .filter(|a| a.status == Status::Published)
                .map(|a| document(self, a, paths))
                .collect();
            let id_field = self.fields.id;
            applied += ids.len();
            let payload = payload(last, identity, changes.last().map(|c| c.mark.clone()));
            self.with_writer(move |w| {
                for id in &ids {
                    w.delete_term(Term::from_field_i64(id_field, *id));
                }
                for d in docs {
                    w.add_document(d)?;
                }
                let mut commit = w.prepare_commit()?;
                commit.set_payload(&payload);
                commit.commit()?;
                Ok(())
            })
            .await?;
            cursor = last;
        }
        if applied > 0 {
            self.reload()?;
        }
        Ok(applied)
    }

    /// Rebuild the index from the database. `progress` is told each story.
    pub async fn reindex(
        &self,
        store: &dyn Store,
        progress: impl Fn(u64) + Send,
    ) -> anyhow::Result<u64> {
        let count = {
            let _serial = self.writer.serial.lock().await;
            let cursor = store.last_change().await?;
            let at_cursor = payload(
                cursor,
                &store.identity().await?,
                store.change_mark(cursor).await?,
            );
            let channels = ChannelPaths::load(store).await?;
            self.with_writer(|w| w.delete_all_documents().map(|_| ()))
                .await?;
            let mut after = 0;
            let mut count = 0u64;
            loop {
                let batch = store.published_after(after, 2000).await?;
                let Some(last) = batch.last() else { break };
                after = last.id;
                let ids: Vec<i64> = batch.iter().map(|a| a.id).collect();
                let full = store.articles_by_ids(&ids).await?; // with extra channels
                let docs: Vec<TantivyDocument> =
                    full.iter().map(|a| document(self, a, &channels)).collect();
                count += docs.len() as u64;
                self.with_writer(move |w| {
                    for d in docs {
                        w.add_document(d)?;
                    }
                    Ok(())
                })
                .await?;
                progress(count);
            }
            self.with_writer(move |w| {
                let mut commit = w.prepare_commit()?;
                commit.set_payload(&at_cursor);
                commit.commit()?;
                Ok(())
            })
            .await?;
            self.reload()?;
            count
        };
        // Changes that landed while rebuilding.
        let identity = store.identity().await?;
        let _serial = self.writer.serial.lock().await;
        self.apply_changes(store, &identity).await?;
        Ok(count)
    }

    /// Keep following the change log until the process ends: wake on
    /// `notify` (a local write) or every `interval` (writes by other processes).
    pub fn spawn_follower(
        self: Arc<Self>,
        store: crate::db::DynStore,
        mut changed: tokio::sync::watch::Receiver<u64>,
        interval: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.catch_up(store.as_ref()).await {
                    tracing::error!(error = %format!("{e:#}"), "search index catch-up failed; will retry");
                }
                let _ = tokio::time::timeout(interval, changed.changed()).await;
            }
        })
    }
}
