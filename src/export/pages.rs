//! Rendering pages into files on every core, recording what each read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::domain::article::TagIndex;
use crate::render::Preloaded;
use crate::state::AppState;

use super::{Report, file_for, write_atomically};

/// Where the 410 pages of withdrawn stories' URLs live in an export
/// (`_gone/{path}`): nginx answers 410 with that page when a path has no
/// file but has one there (`bench/nginx/static.conf`).
pub const GONE_DIR: &str = "_gone";

fn remove_if_there(file: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(file) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot remove {}", file.display()))),
    }
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
pub(super) async fn write_pages(
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
                        // a story live again answers from its file, not as gone
                        if story_id(path).is_some() {
                            remove_if_there(&file_for(&out.join(GONE_DIR), path))?;
                        }
                    } else {
                        // a withdrawn story's URL: its 410 page kept where
                        // the documented nginx config finds it
                        if page.status == 410 {
                            let marker = file_for(&out.join(GONE_DIR), path);
                            if let Some(dir) = marker.parent() {
                                std::fs::create_dir_all(dir)
                                    .with_context(|| format!("cannot create {}", dir.display()))?;
                            }
                            write_atomically(&marker, page.body.as_bytes())?;
                        }
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
