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
    let store = super::open_existing_store(&args.data).await?;
    let opts = Options {
        create_channels: args.create_channels,
        batch_size: args.batch_size.clamp(1, 100_000),
        update: args.update,
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
    // the run itself goes into the publication record (each updated story
    // has its own row); after a stop for a full disk this may fail too
    let event = crate::db::Event {
        action: "import",
        subject: "import".into(),
        title: args.file.display().to_string(),
        detail: format!(
            "读取 {} 行,新建 {},更新 {},未导入 {}{}",
            summary.lines,
            summary.created,
            summary.updated,
            summary.rejected.len(),
            if args.update { "(--update)" } else { "" }
        ),
        ..crate::db::Event::default()
    };
    if let Err(e) = store
        .record(
            &crate::db::Actor::cli("gazette import"),
            &event,
            SystemClock.now(),
        )
        .await
    {
        tracing::warn!(error = %e, "could not record the import in the publication record");
    }
    let report_note = match &wrote_report {
        Ok(()) => report_path.display().to_string(),
        Err(e) => format!("未能写入({}:{e})", report_path.display()),
    };
    println!(
        "已导入 {written} 篇(新建 {},更新 {}),用时 {secs:.1} 秒(每秒 {:.0} 篇);未导入 {} 行;报告:{report_note}",
        summary.created,
        summary.updated,
        written as f64 / secs.max(1e-9),
        summary.rejected.len(),
    );
    for r in summary.rejected.iter().take(10) {
        println!("  第 {} 行:{}", r.line, r.reason);
    }
    if summary.rejected.len() > 10 {
        println!("  …… 其余 {} 行见报告", summary.rejected.len() - 10);
    }
    if let Some(error) = stopped {
        let from = summary
            .unwritten_from
            .map_or_else(String::new, |l| format!(",第 {l} 行起没有写入"));
        return Err(error.context(format!(
            "导入中断:已写入 {written} 篇{from};排除原因后再运行同一命令(已写入的稿件加 --update 会原样更新)"
        )));
    }
    wrote_report.with_context(|| format!("未能写入报告 {}", report_path.display()))?;
    if !summary.rejected.is_empty() {
        // a script running the import must notice what was left out
        anyhow::bail!(
            "有 {} 行没有导入,原因见报告 {}",
            summary.rejected.len(),
            report_path.display()
        );
    }
    Ok(())
}

/// `DATA_DIR/import-reports/import-TIME.txt`, numbered when two imports
/// start within the same second: one report never replaces another.
fn default_report_path(data_dir: &std::path::Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let dir = data_dir.join("import-reports");
    let mut path = dir.join(format!("import-{stamp}.txt"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("import-{stamp}-{n}.txt"));
        n += 1;
    }
    path
}
