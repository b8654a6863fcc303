//! `gazette reindex`: rebuild the search index from the database.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ReindexArgs;
use crate::search::SearchIndex;

pub async fn run(args: ReindexArgs) -> anyhow::Result<()> {
    let store = super::open_existing_store(&args.data).await?;
    let index = SearchIndex::open(&args.data.data_dir.join("search"))?;
    let started = Instant::now();
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {pos} stories indexed ({per_sec})",
        )
        .expect("valid template"),
    );
    let count = index
        .reindex(store.as_ref(), |n| {
            bar.set_position(n);
        })
        .await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(count, secs, "reindex finished");
    println!(
        "indexed {count} stories in {secs:.1} s ({:.0} stories/s)",
        count as f64 / secs.max(1e-9)
    );
    Ok(())
}
