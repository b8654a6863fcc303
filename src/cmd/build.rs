//! `gazette build --out DIR`: the whole public site as static files, through
//! the same render function `serve` uses (DESIGN.md §3), each file written
//! atomically (temp file + rename). nginx can serve DIR with the same URLs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::BuildArgs;
use crate::config::Config;
use crate::domain::ChannelTree;
use crate::domain::url::channel_page_path;
use crate::state::AppState;

/// Where a site-relative URL path lands under the output directory.
pub fn file_for(out: &Path, url_path: &str) -> PathBuf {
    let rel = url_path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else {
        out.join(rel)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("output path has a parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("page")
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} into place", path.display()))
}

/// Every public URL path of every site (prefix included).
pub async fn public_paths(state: &AppState) -> anyhow::Result<Vec<String>> {
    let sites = state.store.sites().await?;
    let mut paths = vec![
        "/robots.txt".to_string(),
        "/sitemap.xml".into(),
        "/sitemap-sections.xml".into(),
        "/sitemap-news.xml".into(),
    ];
    let mut after = 0;
    while let Some((first, _)) = state.store.live_after(after, 1).await?.into_iter().next() {
        let n = (first.id - 1) / crate::render::feeds::SITEMAP_BLOCK + 1;
        paths.push(format!("/sitemap-{n}.xml"));
        after = n * crate::render::feeds::SITEMAP_BLOCK;
    }
    for site in &sites {
        let p = &site.prefix;
        paths.push(p.clone());
        paths.push(format!("{p}rss.xml"));
        paths.push(format!("{p}atom.xml"));
        let tree = ChannelTree::new(state.store.channels(&site.id).await?);
        for c in tree.iter() {
            let total = state.store.channel_count(c.id).await?;
            let size = c.page_size.clamp(1, 200);
            let pages = ((total + size - 1) / size).max(1);
            for n in 1..=pages {
                paths.push(format!("{p}{}", channel_page_path(&c.path, n as u32)));
            }
            paths.push(format!("{p}{}/rss.xml", c.path));
            paths.push(format!("{p}{}/atom.xml", c.path));
        }
    }
    let mut after = 0;
    loop {
        let batch = state.store.live_after(after, 10_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.0.id;
        for (s, _) in &batch {
            if let Some(site) = sites.iter().find(|x| x.id == s.site_id) {
                paths.push(format!("{}{}", site.prefix, s.url_path));
            }
        }
    }
    Ok(paths)
}

pub async fn run(args: BuildArgs) -> anyhow::Result<()> {
    let store = super::open_store(&args.data.data_dir).await?;
    let mut config = Config::for_data_dir(&args.data.data_dir);
    config.cache_bytes = 0;
    if let Some(u) = &args.public_url {
        config.public_url = crate::config::normalize_public_url(u).map_err(anyhow::Error::msg)?;
    }
    config.theme_dir = args.theme_dir.clone();
    let state = AppState::open(config, store)?;
    let started = Instant::now();
    let paths = public_paths(&state).await?;
    let bar = ProgressBar::new(paths.len() as u64).with_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files {per_sec} eta {eta}",
        )
        .expect("valid template"),
    );
    let mut written = 0u64;
    let mut bytes = 0u64;
    for path in &paths {
        let page = crate::render::page(&state, None, path)
            .await
            .with_context(|| format!("rendering {path}"))?;
        if page.status == 200 {
            write_atomically(&file_for(&args.out, path), page.body.as_bytes())?;
            written += 1;
            bytes += page.body.len() as u64;
        }
        bar.inc(1);
    }
    // the styled 404 page, for `error_page 404 /404.html;`
    let missing = crate::render::page(&state, None, "/404-page-of-the-export/").await?;
    write_atomically(&args.out.join("404.html"), missing.body.as_bytes())?;
    written += 1;
    for name in crate::render::theme::asset_names() {
        if let Some(asset) = state.render.asset(name) {
            write_atomically(&args.out.join("static").join(name), &asset.body)?;
            written += 1;
        }
    }
    let media = args.data.data_dir.join("media");
    if media.exists() {
        copy_tree(&media, &args.out.join("media"), &mut written)?;
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(files = written, bytes, secs, "static build finished");
    println!(
        "wrote {written} files ({:.1} MB) to {} in {secs:.1} s",
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, written: &mut u64) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target, written)?;
        } else if !entry.file_name().to_string_lossy().starts_with('.') {
            write_atomically(&target, &std::fs::read(entry.path())?)?;
            *written += 1;
        }
    }
    Ok(())
}
