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

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;

use crate::state::AppState;

mod marker;
mod media;
mod pages;
mod paths;

pub use marker::MARKER;
use marker::{export_key, marker_at, read_marker};
use media::copy_media;
pub use pages::workers;
use pages::write_pages;
pub use paths::public_paths;
use paths::{affected, live_stories, paths_of, tag_index};

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
    // a web server decodes the URL before it looks for the file (a tag page
    // `/tag/%E6%8B%9B%E5%95%86/` is the directory `tag/招商/`)
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8_lossy();
    let rel = decoded.trim_start_matches('/');
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
        if found.as_ref().is_some_and(|f| f.year != expected.year) {
            tracing::info!(
                dir = %out.display(),
                "the files were written in another year (list dates change); building in full"
            );
            known = None;
        } else if found.as_ref() != Some(&expected) {
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
    // each asset by its plain and its fingerprinted name (what pages link
    // to), text also compressed beside it (`gzip_static`, `brotli_static`)
    let assets = state.render.assets();
    for (name, asset) in assets.iter() {
        let fingerprinted = assets.fingerprinted(name);
        for file in [name, fingerprinted.as_str()] {
            let path = out.join("static").join(file);
            write_atomically(&path, &asset.body)?;
            report.other_files += 1;
            if asset.compressible() {
                write_atomically(&path.with_file_name(format!("{file}.gz")), &asset.gzip())?;
                write_atomically(&path.with_file_name(format!("{file}.br")), &asset.brotli())?;
                report.other_files += 2;
            }
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
            if dir != out
                || !matches!(
                    entry.file_name().to_str(),
                    Some("static" | "media" | pages::GONE_DIR)
                )
            {
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
