//! The static export: every public page of every site as files nginx (with
//! `ssi on;`) serves under the same URLs, through the one render path
//! (DESIGN.md §3), each file written atomically (temp file + rename).
//!
//! A full build records, in the database, the change-log position it reflects
//! and the dependency keys of every file (DESIGN.md §2). An incremental build
//! reads the changes logged since, maps their keys to the files that read
//! them, adds files that did not exist yet (a new story, a new list page, a new
//! sitemap), and rewrites exactly those; files of withdrawn stories are
//! removed. A change to a site's settings touches every page's chrome, so it
//! falls back to a full build.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::db::ExportState;
use crate::domain::article::TagIndex;
use crate::domain::url::{MORE_BLOCKS_PATH, channel_page_path, sitemap_block_of};
use crate::domain::{ArticleSummary, ChannelTree};
use crate::render::Preloaded;
use crate::state::AppState;

/// What a build did.
#[derive(Debug, Default)]
pub struct Report {
    /// Full build (no usable earlier export, or a site-wide change).
    pub full: bool,
    /// Site paths of the pages written, sorted.
    pub written: Vec<String>,
    /// Site paths whose files were removed (no longer public).
    pub removed: Vec<String>,
    /// Other files written: assets, media, the 404 page.
    pub other_files: u64,
    pub bytes: u64,
    pub secs: f64,
}

/// Where a site-relative URL path lands under the output directory.
pub fn file_for(out: &Path, url_path: &str) -> PathBuf {
    let rel = url_path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else {
        out.join(rel)
    }
}

/// Write `bytes` to a temporary file beside `path`, then rename it into
/// place: a reader sees the old file or the new one, never a part. The
/// directory must exist.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("output path has a parent")?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("page")
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} into place", path.display()))
}

/// The pages of one channel list (and its feeds), by its current count.
async fn channel_paths(
    state: &AppState,
    prefix: &str,
    c: &crate::domain::Channel,
    out: &mut Vec<String>,
) -> anyhow::Result<()> {
    let total = state.store.channel_count(c.id).await?;
    let pages = crate::domain::channel::paging::pages(total, c.page_size.clamp(1, 200));
    for n in 1..=pages {
        out.push(format!("{prefix}{}", channel_page_path(&c.path, n as u32)));
    }
    out.push(format!("{prefix}{}/rss.xml", c.path));
    out.push(format!("{prefix}{}/atom.xml", c.path));
    Ok(())
}

/// Every live story, by id.
async fn live_stories(state: &AppState) -> anyhow::Result<Vec<ArticleSummary>> {
    let mut live = Vec::new();
    loop {
        let after = live.last().map_or(0, |s: &ArticleSummary| s.id);
        let batch = state.store.live_after(after, 10_000).await?;
        if batch.is_empty() {
            return Ok(live);
        }
        live.extend(batch.into_iter().map(|(s, _)| s));
    }
}

/// Where every live story stands under its tags (for 相关新闻).
async fn tag_index(state: &AppState, live: Vec<ArticleSummary>) -> anyhow::Result<TagIndex> {
    let mut listings: Vec<(String, i64, i64)> = Vec::new();
    loop {
        let after = listings
            .last()
            .map_or(("", 0), |(t, id, _)| (t.as_str(), *id));
        let batch = state.store.tag_listings_after(after, 50_000).await?;
        if batch.is_empty() {
            return Ok(TagIndex::new(listings, live));
        }
        listings.extend(batch);
    }
}

/// Every public URL path of every site (prefix included).
pub async fn public_paths(state: &AppState) -> anyhow::Result<Vec<String>> {
    paths_of(state, &live_stories(state).await?).await
}

/// Every public URL path of every site, given the live stories by id.
async fn paths_of(state: &AppState, live: &[ArticleSummary]) -> anyhow::Result<Vec<String>> {
    let sites = state.store.sites().await?;
    let mut paths = vec![
        "/robots.txt".to_string(),
        "/sitemap.xml".into(),
        "/sitemap-sections.xml".into(),
        "/sitemap-news.xml".into(),
    ];
    let mut blocks: Vec<i64> = live.iter().map(|s| sitemap_block_of(s.id)).collect();
    blocks.dedup();
    paths.extend(blocks.iter().map(|n| format!("/sitemap-{n}.xml")));
    for site in &sites {
        let p = &site.prefix;
        paths.push(p.clone());
        paths.push(format!("{p}rss.xml"));
        paths.push(format!("{p}atom.xml"));
        paths.push(format!("{p}{MORE_BLOCKS_PATH}"));
        let tree = ChannelTree::new(state.store.channels(&site.id).await?);
        for c in tree.iter() {
            channel_paths(state, p, c, &mut paths).await?;
        }
    }
    for s in live {
        if let Some(site) = sites.iter().find(|x| x.id == s.site_id) {
            paths.push(format!("{}{}", site.prefix, s.url_path));
            // what the kind publishes beside the page (a 直播's entries)
            for file in (s.kind.spec().public_files)(s.id) {
                paths.push(format!("{}{file}", site.prefix));
            }
        }
    }
    Ok(paths)
}

/// The key under which an export is recorded: its directory, absolute.
fn export_key(out: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let abs =
        std::fs::canonicalize(out).with_context(|| format!("cannot resolve {}", out.display()))?;
    Ok(abs.to_string_lossy().into_owned())
}

/// The file in an output directory that says which database and which
/// change the files reflect. The database keeps its own record of the
/// export (`exports`), but a database restored from a backup has an older
/// one: its cursor would make an incremental build skip the changes the
/// files already hold and keep pages of stories it never had.
pub const MARKER: &str = ".gazette-export";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Marker {
    db: String,
    seq: i64,
    mark: Option<String>,
}

async fn marker_at(state: &AppState, seq: i64) -> anyhow::Result<Marker> {
    let store = state.store.as_ref();
    Ok(Marker {
        db: store.identity().await?,
        seq,
        mark: store.change_mark(seq).await?,
    })
}

fn read_marker(out: &Path) -> Option<Marker> {
    serde_json::from_slice(&std::fs::read(out.join(MARKER)).ok()?).ok()
}

/// Build the export in `out`: incrementally when asked and an earlier
/// complete export of `out` is recorded (and the directory's marker says
/// it holds what that record says), else in full.
pub async fn build(
    state: &AppState,
    out: &Path,
    incremental: bool,
    progress: bool,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let key = export_key(out)?;
    let store = state.store.as_ref();
    // exports whose directory is gone need no bookkeeping
    for (id, dir) in store.export_list().await? {
        if dir != key && !Path::new(&dir).exists() {
            tracing::info!(dir, "forgetting a removed export");
            store.export_drop(id).await?;
        }
    }
    let mut known = store.export_state(&key).await?;
    if let Some(k) = known.as_ref().filter(|_| incremental) {
        let expected = marker_at(state, k.cursor).await?;
        let found = read_marker(out);
        if found.as_ref() != Some(&expected) {
            tracing::warn!(
                dir = %out.display(),
                recorded = k.cursor,
                found = ?found.map(|m| m.seq),
                "the export directory does not hold what this database recorded (restored, or another database); building in full"
            );
            known = None;
        }
    }
    // the render cache remembers sites and channels: bring it up to the change log
    state.cache.catch_up(store).await?;
    let cursor = store.last_change().await?;
    let mut report = match known {
        Some(k) if incremental && k.complete && out.join("404.html").exists() => {
            match affected(state, &k).await? {
                Some(paths) => {
                    let id = store.export_start(&key, false).await?;
                    let mut r = write_pages(state, out, id, paths, None, progress).await?;
                    r.other_files += copy_media(state, out, false).await?;
                    // only now do the files reflect the changes up to the cursor
                    store.export_finish(id, cursor, state.now()).await?;
                    r
                }
                None => full(state, out, &key, cursor, progress).await?,
            }
        }
        _ => full(state, out, &key, cursor, progress).await?,
    };
    let marker = serde_json::to_vec(&marker_at(state, cursor).await?)?;
    write_atomically(&out.join(MARKER), &marker)?;
    report.secs = started.elapsed().as_secs_f64();
    Ok(report)
}

async fn full(
    state: &AppState,
    out: &Path,
    key: &str,
    cursor: i64,
    progress: bool,
) -> anyhow::Result<Report> {
    let store = state.store.as_ref();
    // nothing to prune in a directory that held nothing
    let fresh = std::fs::read_dir(out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .next()
        .is_none();
    let id = store.export_start(key, true).await?;
    let started = Instant::now();
    let live = live_stories(state).await?;
    let paths = paths_of(state, &live).await?;
    // every story's 相关新闻 from memory rather than a query per 64 stories
    let tags = tag_index(state, live).await?;
    tracing::debug!(
        secs = started.elapsed().as_secs_f64(),
        "paths and tag index read"
    );
    let mut report = write_pages(state, out, id, paths, Some(Arc::new(tags)), progress).await?;
    report.full = true;
    // the styled 404 page, for `error_page 404 /404.html;`
    let missing = crate::render::export_page(state, "/404-page-of-the-export/", None).await?;
    write_atomically(&out.join("404.html"), missing.body.as_bytes())?;
    std::fs::create_dir_all(out.join("static"))?;
    report.other_files += 1;
    for name in crate::render::theme::asset_names() {
        if let Some(asset) = state.render.asset(name) {
            write_atomically(&out.join("static").join(name), &asset.body)?;
            report.other_files += 1;
        }
    }
    report.other_files += copy_media(state, out, true).await?;
    // pages an earlier build wrote that are no longer public (a withdrawn
    // story, a list that got shorter)
    if !fresh {
        let keep: std::collections::HashSet<PathBuf> =
            report.written.iter().map(|p| file_for(out, p)).collect();
        report.removed.extend(prune(out, out, &keep)?);
    }
    store.export_finish(id, cursor, state.now()).await?;
    Ok(report)
}

/// Remove the page files under `dir` that are not in `keep` (assets, media
/// and the 404 page stay); returns their site paths.
fn prune(
    out: &Path,
    dir: &Path,
    keep: &std::collections::HashSet<PathBuf>,
) -> anyhow::Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if dir != out || !matches!(entry.file_name().to_str(), Some("static" | "media")) {
                removed.extend(prune(out, &path, keep)?);
            }
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let page = name.ends_with(".html") || name.ends_with(".xml") || name == "robots.txt";
        if page && !keep.contains(&path) && !(dir == out && name == "404.html") {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
            let rel = path.strip_prefix(out).unwrap_or(&path).to_string_lossy();
            removed.push(format!("/{}", rel.trim_end_matches("index.html")));
        }
    }
    Ok(removed)
}

/// The site paths the changes after the export's cursor affect, or `None`
/// when one of them needs a full build.
async fn affected(state: &AppState, export: &ExportState) -> anyhow::Result<Option<Vec<String>>> {
    let store = state.store.as_ref();
    let mut keys = BTreeSet::new();
    let mut after = export.cursor;
    loop {
        let changes = store.changes_since(after, 1000).await?;
        let Some(last) = changes.last() else { break };
        after = last.seq;
        for c in changes {
            keys.extend(c.keys);
        }
    }
    if keys.iter().any(|k| k.starts_with("site:")) {
        return Ok(None);
    }
    let keys: Vec<String> = keys.into_iter().collect();
    // files that read a changed key (a withdrawn story's own file among them)
    let mut paths: BTreeSet<String> = store
        .export_paths(export.id, &keys)
        .await?
        .into_iter()
        .collect();
    // and files that did not exist yet: a new story's page and sitemap, a new list page
    let sites = store.sites().await?;
    let ids_of = |prefix: &str| -> BTreeSet<i64> {
        keys.iter()
            .filter_map(|k| k.strip_prefix(prefix)?.parse().ok())
            .collect()
    };
    // a changed story: its own file (written, or removed when no longer live)
    // and its sitemap; a story whose 相关新闻 a change may enter: its file
    let (changed, related) = (ids_of("story:"), ids_of("related:"));
    let ids: Vec<i64> = changed.union(&related).copied().collect();
    for chunk in ids.chunks(500) {
        for a in store.articles_by_ids(chunk).await? {
            let site = sites.iter().find(|s| s.id == a.site_id);
            if let (Some(site), Some(url)) = (site, &a.url_path) {
                paths.insert(format!("{}{url}", site.prefix));
                if changed.contains(&a.id) {
                    paths.insert(format!("/sitemap-{}.xml", sitemap_block_of(a.id)));
                }
            }
        }
    }
    // a list whose older pages moved may have gained a page (the pages it lost
    // are among the files above, and render as 404 now)
    for key in &keys {
        let Some((site_id, path)) = key
            .strip_prefix("channel-pages:")
            .and_then(|k| k.split_once('/'))
        else {
            continue;
        };
        let Some(site) = sites.iter().find(|s| s.id == site_id) else {
            continue;
        };
        let channels = state.cache.channels(store, site_id).await?;
        if let Some(c) = channels.iter().find(|c| c.path == path) {
            let mut list = Vec::new();
            channel_paths(state, &site.prefix, c, &mut list).await?;
            paths.extend(list);
        }
    }
    Ok(Some(paths.into_iter().collect()))
}

/// Render workers: one per core.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Paths a render worker takes at a time (their stories are read in one query).
const CHUNK: usize = 64;

/// The story id in a story path (`.../900001.html`).
fn story_id(path: &str) -> Option<i64> {
    path.rsplit('/').next()?.strip_suffix(".html")?.parse().ok()
}

/// Claim the next `CHUNK` of `paths` and read its stories with their
/// 相关新闻 candidates (`None` when every path is claimed).
async fn next_chunk(
    state: &AppState,
    paths: &[String],
    next: &AtomicUsize,
    tags: Option<&TagIndex>,
) -> anyhow::Result<Option<(std::ops::Range<usize>, HashMap<i64, Preloaded>)>> {
    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
    if start >= paths.len() {
        return Ok(None);
    }
    let range = start..(start + CHUNK).min(paths.len());
    let ids: Vec<i64> = paths[range.clone()]
        .iter()
        .filter_map(|p| story_id(p))
        .collect();
    Ok(Some((
        range,
        crate::render::preload(state, &ids, tags).await?,
    )))
}

/// Render `paths` on every core and write the files; record their
/// dependencies; remove the files of paths that are no longer public.
async fn write_pages(
    state: &AppState,
    out: &Path,
    export_id: i64,
    paths: Vec<String>,
    tags: Option<Arc<TagIndex>>,
    progress: bool,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let bar = if progress {
        ProgressBar::new(paths.len() as u64).with_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files {per_sec} eta {eta}",
            )
            .expect("valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    let paths = Arc::new(paths);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers() {
        let (state, paths, next, bar) = (state.clone(), paths.clone(), next.clone(), bar.clone());
        let tags = tags.clone();
        let out = out.to_path_buf();
        tasks.spawn(async move {
            let mut written: Vec<(String, Vec<String>)> = Vec::new();
            let mut gone = Vec::new();
            let mut bytes = 0u64;
            let mut made = std::collections::HashSet::new();
            let (mut t_read, mut t_render, mut t_write) = (0f64, 0f64, 0f64);
            let read_ahead = || {
                let (state, paths, next, tags) =
                    (state.clone(), paths.clone(), next.clone(), tags.clone());
                tokio::spawn(
                    async move { next_chunk(&state, &paths, &next, tags.as_deref()).await },
                )
            };
            // the next chunk is read while this one renders
            let mut ahead = read_ahead();
            loop {
                let t0 = Instant::now();
                let Some((chunk, mut stories)) =
                    ahead.await.context("a story reader stopped")??
                else {
                    break;
                };
                t_read += t0.elapsed().as_secs_f64();
                ahead = read_ahead();
                for path in &paths[chunk] {
                    let article = story_id(path).and_then(|id| stories.remove(&id));
                    let t0 = Instant::now();
                    let page = crate::render::export_page(&state, path, article)
                        .await
                        .with_context(|| format!("rendering {path}"))?;
                    t_render += t0.elapsed().as_secs_f64();
                    let t0 = Instant::now();
                    let file = file_for(&out, path);
                    if page.status == 200 {
                        if let Some(dir) = file.parent().filter(|d| !made.contains(*d)) {
                            std::fs::create_dir_all(dir)
                                .with_context(|| format!("cannot create {}", dir.display()))?;
                            made.insert(dir.to_path_buf());
                        }
                        write_atomically(&file, page.body.as_bytes())?;
                        bytes += page.body.len() as u64;
                        // site keys send every file back (a full build); a story's
                        // own key finds its file by the story's URL
                        let own = story_id(path).map(|id| format!("story:{id}"));
                        let deps = page
                            .deps
                            .into_iter()
                            .filter(|d| !d.starts_with("site:") && Some(d) != own.as_ref())
                            .collect();
                        written.push((path.clone(), deps));
                    } else {
                        match std::fs::remove_file(&file) {
                            Ok(()) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                            Err(e) => {
                                return Err(anyhow::Error::new(e)
                                    .context(format!("cannot remove {}", file.display())));
                            }
                        }
                        gone.push(path.clone());
                    }
                    t_write += t0.elapsed().as_secs_f64();
                    bar.inc(1);
                }
            }
            tracing::debug!(
                read_secs = t_read,
                render_secs = t_render,
                write_secs = t_write,
                "render worker done"
            );
            Ok::<_, anyhow::Error>((written, gone, bytes))
        });
    }
    let mut report = Report::default();
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (written, gone, bytes) = done.context("a render worker stopped")??;
        report.bytes += bytes;
        report.removed.extend(gone);
        all.extend(written);
    }
    bar.finish_and_clear();
    let rendered = started.elapsed().as_secs_f64();
    // recorded after rendering: recording meanwhile contends for SQLite and is slower
    for chunk in all.chunks(5_000) {
        state.store.export_record(export_id, chunk).await?;
    }
    let written: Vec<String> = all.into_iter().map(|(p, _)| p).collect();
    state
        .store
        .export_forget(export_id, &report.removed)
        .await?;
    tracing::info!(
        pages = written.len(),
        removed = report.removed.len(),
        render_secs = rendered,
        record_secs = started.elapsed().as_secs_f64() - rendered,
        "export pages written"
    );
    report.written = written;
    report.written.sort();
    report.removed.sort();
    Ok(report)
}

/// Copy the uploaded media into the export, from wherever they live (the
/// data directory or a bucket). Media files are named by their content
/// hash, so a file already there is the same file: an incremental build
/// copies only the new ones.
async fn copy_media(state: &AppState, out: &Path, all: bool) -> anyhow::Result<u64> {
    let media = state.media.as_ref();
    let mut written = 0;
    for key in media
        .keys()
        .await?
        .into_iter()
        .filter(|k| crate::domain::media_key::is_public(k))
    {
        let target = out.join("media").join(&key);
        if !all && target.exists() {
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        // streamed to a temporary name, then renamed: a video is never held
        // in memory, and no reader sees half a file
        let tmp = target.with_file_name(format!(
            ".{}.tmp",
            target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("media")
        ));
        let copied = crate::media::copy_to_file(media, &key, &tmp).await;
        match copied {
            Ok(true) => std::fs::rename(&tmp, &target)
                .with_context(|| format!("cannot write {}", target.display()))?,
            // removed since it was listed: nothing to copy
            Ok(false) => continue,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e.into());
            }
        }
        written += 1;
    }
    Ok(written)
}
