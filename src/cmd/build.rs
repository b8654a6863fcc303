//! `gazette build --out DIR [--incremental]`: the static export (see
//! `crate::export`), with a progress bar and a one-line summary.

use crate::cli::BuildArgs;
use crate::config::Config;
use crate::state::AppState;

pub async fn run(args: BuildArgs) -> anyhow::Result<()> {
    // every canonical link, feed and sitemap of an export names the public
    // address; a guessed one would ship pages pointing at localhost
    let Some(public_url) = &args.public_url else {
        anyhow::bail!(
            "gazette build needs --public-url (or GAZETTE_PUBLIC_URL): the address readers reach \
             the site at, e.g. --public-url https://www.bzcm.net; for a local preview pass \
             --public-url http://127.0.0.1:8080"
        );
    };
    // one connection per render worker (see `db::open_with`)
    let store =
        super::open_existing_store_with(&args.data, Some(crate::export::workers().min(16) as u32))
            .await?;
    let mut config = Config::for_data_dir(&args.data.data_dir);
    config.cache_bytes = 0;
    config.public_url =
        crate::config::normalize_public_url(public_url).map_err(anyhow::Error::msg)?;
    config.theme_dir = args.theme_dir.clone();
    if let Some(u) = &args.media_url {
        config.media = crate::config::MediaLocation::parse(u).map_err(anyhow::Error::msg)?;
    }
    let state = AppState::open(config, store)?;
    let report = crate::export::build(&state, &args.out, args.incremental, true).await?;
    tracing::info!(
        full = report.full,
        pages = report.written.len(),
        removed = report.removed.len(),
        other_files = report.other_files,
        bytes = report.bytes,
        secs = report.secs,
        "static build finished"
    );
    println!(
        "{} build: wrote {} pages and {} other files ({:.1} MB), removed {} pages, in {} ({:.3} s)",
        if report.full { "full" } else { "incremental" },
        report.written.len(),
        report.other_files,
        report.bytes as f64 / 1e6,
        report.removed.len(),
        args.out.display(),
        report.secs
    );
    Ok(())
}
