//! `gazette import FILE.jsonl`: bring an archive in, with progress and a report.

use std::io::BufReader;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ImportArgs;
use crate::clock::{Clock, SystemClock};
use crate::import::{self, Options};

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let store = super::open_store(&args.data).await?;
    let opts = Options {
        create_channels: args.create_channels,
        batch_size: args.batch_size.clamp(1, 100_000),
    };
    let started = Instant::now();
    let (reader, total): (Box<dyn std::io::BufRead + Send>, Option<u64>) =
        if args.file.as_os_str() == "-" {
            (
                Box::new(BufReader::with_capacity(1 << 20, std::io::stdin())),
                None,
            )
        } else {
            let f = std::fs::File::open(&args.file)
                .with_context(|| format!("cannot open {}", args.file.display()))?;
            let len = f.metadata().map(|m| m.len()).ok();
            (Box::new(BufReader::with_capacity(1 << 20, f)), len)
        };
    let progress = match total {
        Some(len) => ProgressBar::new(len).with_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}")
                .expect("valid template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bytes} {bytes_per_sec} {msg}").expect("valid template"),
        ),
    };
    let now = SystemClock.now();
    let summary = import::run(store.as_ref(), reader, &opts, now, &progress).await?;
    progress.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let written = summary.created + summary.updated;
    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| default_report_path(&args.data.data_dir));
    if let Some(parent) = report_path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&report_path, summary.report())
        .with_context(|| format!("cannot write {}", report_path.display()))?;
    tracing::info!(
        lines = summary.lines,
        created = summary.created,
        updated = summary.updated,
        rejected = summary.rejected.len(),
        secs,
        "import finished"
    );
    println!(
        "imported {written} stories ({} new, {} updated) in {secs:.1} s ({:.0} stories/s); rejected {} line(s); report: {}",
        summary.created,
        summary.updated,
        written as f64 / secs.max(1e-9),
        summary.rejected.len(),
        report_path.display()
    );
    for r in summary.rejected.iter().take(10) {
        println!("  line {}: {}", r.line, r.reason);
    }
    if summary.rejected.len() > 10 {
        println!(
            "  ... and {} more in the report",
            summary.rejected.len() - 10
        );
    }
    Ok(())
}

fn default_report_path(data_dir: &std::path::Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    data_dir
        .join("import-reports")
        .join(format!("import-{stamp}.txt"))
}
