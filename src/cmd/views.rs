//! `gazette views ACCESS.LOG...`: count a static export's readers from the
//! web server's access logs (`reach::count_log`), with progress.

use std::io::BufReader;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ViewsArgs;
use crate::clock::{Clock, SystemClock};
use crate::reach::{LogOptions, count_log};

pub async fn run(args: ViewsArgs) -> anyhow::Result<()> {
    let store = super::open_existing_store(&args.data).await?;
    let opts = LogOptions {
        outlet: args.outlet.trim().to_string(),
        host: args.host.clone().filter(|h| !h.trim().is_empty()),
    };
    opts.check().map_err(anyhow::Error::msg)?;
    for file in &args.files {
        let (reader, total): (Box<dyn std::io::BufRead + Send>, Option<u64>) =
            if file.as_os_str() == "-" {
                (Box::new(BufReader::new(std::io::stdin())), None)
            } else {
                let f = std::fs::File::open(file)
                    .with_context(|| format!("无法打开访问日志 {}", file.display()))?;
                let len = f.metadata().map(|m| m.len()).ok();
                (Box::new(BufReader::with_capacity(1 << 20, f)), len)
            };
        let bar = match total {
            Some(len) => ProgressBar::new(len).with_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .expect("valid template"),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bytes} {bytes_per_sec}")
                    .expect("valid template"),
            ),
        };
        let summary = count_log(store.as_ref(), reader, &opts, SystemClock.now(), |n| {
            bar.set_position(n)
        })
        .await?;
        bar.finish_and_clear();
        tracing::info!(file = %file.display(), ?summary, "access log counted");
        println!(
            "{}:读取 {} 行,计入 {} 次阅读({} 篇稿件);此前已计 {} 行,无法识别 {} 行,最后一秒的 {} 次留待下次计入",
            file.display(),
            summary.lines,
            summary.counted,
            summary.stories,
            summary.before_mark,
            summary.unreadable,
            summary.held_back
        );
    }
    println!("热点排行已按新的阅读次数重新计算");
    Ok(())
}
