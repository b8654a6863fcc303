//! Archive import: JSON Lines in, stories out, in batched transactions.
//!
//! Each batch is one transaction, so a kill leaves every committed batch whole
//! and a rerun converges (stories are created or updated by id). A line that
//! fails validation is rejected with its line number and reason and never
//! written; a batch the database refuses is retried story by story so one bad
//! story cannot sink its neighbours.

pub mod record;

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use anyhow::Context as _;
use indicatif::ProgressBar;

use crate::db::Store;
use crate::domain::channel::ancestry;
use crate::domain::{Site, SiteSettings};

/// Longest line read whole; longer lines are skipped and rejected.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Options {
    /// Create missing sites and channels instead of rejecting their stories.
    pub create_channels: bool,
    pub batch_size: usize,
    /// Replace stories that existed before the import (`--update`); without
    /// it their lines are reported as conflicts.
    pub update: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            create_channels: false,
            batch_size: 1000,
            update: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub lines: usize,
    pub created: usize,
    pub updated: usize,
    pub rejected: Vec<Rejection>,
    /// The first line of the batch not yet written: after a stop, where a
    /// rerun picks up (lines before it are written or rejected).
    pub unwritten_from: Option<usize>,
    /// Ids this run created: a later line with the same id updates its story
    /// even without `--update`.
    pub created_ids: std::collections::BTreeSet<i64>,
}

impl Summary {
    /// The report written next to the import: a summary line, then one line
    /// per rejected input line.
    pub fn report(&self) -> String {
        let mut out = format!(
            "读取行数:{}\n新建:{}\n更新:{}\n未导入:{}\n",
            self.lines,
            self.created,
            self.updated,
            self.rejected.len()
        );
        if let Some(line) = self.unwritten_from {
            out.push_str(&format!(
                "导入中断:第 {line} 行起没有写入(排除原因后再运行一次;已写入的稿件加 --update 原样更新)\n"
            ));
        }
        for r in &self.rejected {
            out.push_str(&format!("第 {} 行:{}\n", r.line, r.reason));
        }
        out
    }
}

/// Known sites and channels, created on demand with `--create-channels`.
struct Directory {
    sites: HashSet<String>,
    channels: HashMap<(String, String), i64>,
    create: bool,
}

impl Directory {
    async fn load(store: &dyn Store, create: bool) -> anyhow::Result<Self> {
        let mut sites = HashSet::new();
        let mut channels = HashMap::new();
        for site in store.sites().await? {
            for c in store.channels(&site.id).await? {
                channels.insert((site.id.clone(), c.path), c.id);
            }
            sites.insert(site.id);
        }
        Ok(Self {
            sites,
            channels,
            create,
        })
    }

    /// The channel id for (site, path), creating both when allowed.
    async fn channel(
        &mut self,
        store: &dyn Store,
        site: &str,
        path: &str,
        now: i64,
    ) -> Result<i64, String> {
        if let Some(id) = self.channels.get(&(site.to_string(), path.to_string())) {
            return Ok(*id);
        }
        if !self.create {
            return Err(if self.sites.contains(site) {
                format!("站点 {site} 没有栏目 {path}(加 --create-channels 重新运行可自动建立)")
            } else {
                format!("没有站点 {site}(加 --create-channels 重新运行可自动建立)")
            });
        }
        if !self.sites.contains(site) {
            let name = crate::domain::site::GROUP_SITES
                .iter()
                .find(|(s, _)| *s == site)
                .map_or(site, |(_, n)| n);
            let new = Site {
                id: site.to_string(),
                name: name.to_string(),
                prefix: Site::default_prefix(site),
                host: None,
                sort: 100 + self.sites.len() as i64,
                settings: SiteSettings {
                    article_blocks: crate::domain::site::default_blocks(),
                    ..Default::default()
                },
            };
            store
                .put_site(&new, now)
                .await
                .map_err(|e| format!("cannot create site {site:?}: {e}"))?;
            self.sites.insert(site.to_string());
        }
        let mut id = 0;
        for (i, p) in ancestry(path).into_iter().enumerate() {
            let name = crate::domain::site::default_channel_name(site, p);
            let c = store
                .ensure_channel(site, p, &name, 100 + i as i64)
                .await
                .map_err(|e| format!("不能在站点 {site} 建立栏目 {p}:{e}"))?;
            self.channels
                .insert((site.to_string(), p.to_string()), c.id);
            id = c.id;
        }
        Ok(id)
    }
}

/// Read one line of at most `MAX_LINE_BYTES`; `Ok(None)` at end of input.
/// Returns `Err(len)` (after skipping the rest of it) for an over-long line.
fn read_line<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Result<(), usize>>> {
    buf.clear();
    let mut total = 0usize;
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(if total == 0 {
                None
            } else if too_long {
                Some(Err(total))
            } else {
                Some(Ok(()))
            });
        }
        let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE_BYTES {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        total += take;
        reader.consume(take);
        if done {
            return Ok(Some(if too_long { Err(total) } else { Ok(()) }));
        }
    }
}

/// An import that could not go on (the input unreadable, the database
/// failing: a full disk): what it had committed by then, and why it stopped.
#[derive(Debug, thiserror::Error)]
#[error("the import stopped: {error:#}")]
pub struct Stopped {
    /// Every batch counted here is committed; the one that failed is not.
    pub summary: Summary,
    pub error: anyhow::Error,
}

/// Import every line of `reader`. `progress` advances by bytes read.
pub async fn run<R: BufRead>(
    store: &dyn Store,
    reader: R,
    opts: &Options,
    now: i64,
    progress: &ProgressBar,
) -> Result<Summary, Stopped> {
    let mut summary = Summary::default();
    match run_into(store, reader, opts, now, progress, &mut summary).await {
        Ok(()) => Ok(summary),
        Err(error) => Err(Stopped { summary, error }),
    }
}

async fn run_into<R: BufRead>(
    store: &dyn Store,
    mut reader: R,
    opts: &Options,
    now: i64,
    progress: &ProgressBar,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let mut dir = Directory::load(store, opts.create_channels).await?;
    let mut batch = Vec::with_capacity(opts.batch_size);
    let mut batch_lines = Vec::with_capacity(opts.batch_size);
    let mut buf = Vec::new();
    while let Some(line) = read_line(&mut reader, &mut buf).context("reading the input")? {
        summary.lines += 1;
        let n = summary.lines;
        progress.inc(buf.len().max(1) as u64);
        if let Err(len) = line {
            progress.inc(len as u64);
            summary.rejected.push(Rejection {
                line: n,
                reason: format!("这一行有 {len} 字节,最多 {MAX_LINE_BYTES} 字节"),
            });
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            summary.rejected.push(Rejection {
                line: n,
                reason: "这一行不是 UTF-8 编码的文字".into(),
            });
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let story = match record::parse_line(text, now) {
            Ok(s) => s,
            Err(reason) => {
                summary.rejected.push(Rejection { line: n, reason });
                continue;
            }
        };
        let mut article = story.article;
        match dir.channel(store, &story.site, &story.channel, now).await {
            Ok(cid) => article.channel_id = cid,
            Err(reason) => {
                summary.rejected.push(Rejection {
                    line: n,
                    reason: format!("id {}:{reason}", article.id),
                });
                continue;
            }
        }
        batch.push(article);
        batch_lines.push(n);
        summary.unwritten_from = Some(batch_lines[0]);
        if batch.len() >= opts.batch_size {
            flush(
                store,
                &mut batch,
                &mut batch_lines,
                summary,
                opts.update,
                now,
            )
            .await?;
            summary.unwritten_from = None;
            progress.set_message(format!("{} stories", summary.created + summary.updated));
        }
    }
    flush(
        store,
        &mut batch,
        &mut batch_lines,
        summary,
        opts.update,
        now,
    )
    .await?;
    summary.unwritten_from = None;
    progress.set_message(format!("{} stories", summary.created + summary.updated));
    Ok(())
}

async fn flush(
    store: &dyn Store,
    batch: &mut Vec<crate::domain::Article>,
    lines: &mut Vec<usize>,
    summary: &mut Summary,
    update: bool,
    now: i64,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    match write(store, batch, summary, update, now).await {
        Ok(done) => count(summary, &done, batch, lines),
        Err(e) if !e.is_data_error() => return Err(e).context("writing an import batch"),
        Err(_) => {
            // One story spoiled the batch: write them one by one.
            for (article, line) in batch.iter().zip(lines.iter()) {
                let one = std::slice::from_ref(article);
                match write(store, one, summary, update, now).await {
                    Ok(done) => count(summary, &done, one, std::slice::from_ref(line)),
                    Err(e) => summary.rejected.push(Rejection {
                        line: *line,
                        reason: match e {
                            crate::db::StoreError::Conflict(m)
                            | crate::db::StoreError::Invalid(m) => {
                                format!("id {}:{m}", article.id)
                            }
                            e => format!("id {}:数据库拒绝了这篇稿件({e})", article.id),
                        },
                    }),
                }
            }
        }
    }
    batch.clear();
    lines.clear();
    Ok(())
}

/// Write stories in one transaction; without `--update` only ids this run
/// created may be replaced.
async fn write(
    store: &dyn Store,
    stories: &[crate::domain::Article],
    summary: &Summary,
    update: bool,
    now: i64,
) -> crate::db::StoreResult<Vec<crate::db::Imported>> {
    let updatable = (!update).then_some(&summary.created_ids);
    store.import_batch(stories, updatable, now).await
}

fn count(
    summary: &mut Summary,
    done: &[crate::db::Imported],
    batch: &[crate::domain::Article],
    lines: &[usize],
) {
    use crate::db::Imported;
    for ((d, line), a) in done.iter().zip(lines).zip(batch) {
        match d {
            Imported::Created => {
                summary.created += 1;
                summary.created_ids.insert(a.id);
            }
            Imported::Updated => summary.updated += 1,
            Imported::Refused(reason) => summary.rejected.push(Rejection {
                line: *line,
                reason: reason.clone(),
            }),
        }
    }
}
