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
    let (summary, stopped) = match import::run(store.as_ref(), reader, &opts, now, &progress).await
    {
        Ok(summary) => (summary, None),
        Err(import::Stopped { summary, error }) => (summary, Some(error)),
    };
    progress.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let written = summary.created + summary.updated;
    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| default_report_path(&args.data.data_dir));
    // the report, even after a stop (it may itself meet the full disk: then
    // the summary below is all there is)
    let wrote_report = report_path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&report_path, summary.report()));
    tracing::info!(
        lines = summary.lines,
        created = summary.created,
        updated = summary.updated,
        rejected = summary.rejected.len(),
        secs,
        "import finished"
    );
    let report_note = match &wrote_report {
        Ok(()) => report_path.display().to_string(),
        Err(e) => format!("not written ({}: {e})", report_path.display()),
    };
    println!(
        "imported {written} stories ({} new, {} updated) in {secs:.1} s ({:.0} stories/s); rejected {} line(s); report: {report_note}",
        summary.created,
        summary.updated,
        written as f64 / secs.max(1e-9),
        summary.rejected.len(),
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
    if let Some(error) = stopped {
        let from = summary.unwritten_from.map_or_else(String::new, |l| {
            format!("; lines from {l} on were not written")
        });
        return Err(error.context(format!(
            "the import stopped after writing {written} stories{from}; fix the cause and run it again (written stories are updated in place)"
        )));
    }
    wrote_report.with_context(|| format!("cannot write {}", report_path.display()))?;
    Ok(())
}

fn default_report_path(data_dir: &std::path::Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    data_dir
        .join("import-reports")
        .join(format!("import-{stamp}.txt"))
}
