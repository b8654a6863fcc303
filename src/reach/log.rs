//! A static export's views, counted from the web server's access log
//! (`gazette views`): every reader's GET of a story page (as
//! `domain::reach::counts` says), added to the same hourly rows the server
//! counts into, then the rankings computed again.
//!
//! A rerun counts nothing twice: each log (`LogOptions::source`) has a mark,
//! moved in the same transaction as its counts, and a run counts only lines
//! after it and before the last second it read (lines of that second may
//! still be arriving; the next run counts them).

use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;

use crate::db::{Store, ViewCount};
use crate::domain::reach::{MAX_OUTLET_CHARS, counts, hour_of, parse_log_line};
use crate::domain::url::{Route, route};

/// Where a log's requests came from.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// The outlet the views count for (`web`: the portal's own pages).
    pub outlet: String,
    /// The host name the log's server answered for (a county site on a
    /// host of its own); `None`: the main site's, with county sites under
    /// their path prefix.
    pub host: Option<String>,
}

impl LogOptions {
    /// The name of the log's mark: one per outlet and host.
    pub fn source(&self) -> String {
        format!("{}:{}", self.outlet, self.host.as_deref().unwrap_or(""))
    }

    pub fn check(&self) -> Result<(), String> {
        let ok = !self.outlet.is_empty()
            && self.outlet.chars().count() <= MAX_OUTLET_CHARS
            && self
                .outlet
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if ok {
            Ok(())
        } else {
            Err(format!(
                "渠道名须为 1 到 {MAX_OUTLET_CHARS} 个小写字母、数字、- 或 _"
            ))
        }
    }
}

/// What a run read and counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LogSummary {
    pub lines: u64,
    /// Lines that are not a `combined` request line.
    pub unreadable: u64,
    /// Readers' story views added.
    pub counted: u64,
    /// Stories they were views of.
    pub stories: usize,
    /// Lines counted by an earlier run (at or before the mark).
    pub before_mark: u64,
    /// Views of the last second read, left for the next run.
    pub held_back: u64,
    /// The new mark (the time counted up to), if the log had a line.
    pub mark: Option<i64>,
}

/// Count the readers' story views in `reader` (an access log in nginx's
/// `combined` format) into the store, as of `now`; calls `progress` with
/// the bytes read so far.
pub async fn count_log(
    store: &dyn Store,
    reader: impl BufRead,
    opts: &LogOptions,
    now: i64,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<LogSummary> {
    opts.check().map_err(anyhow::Error::msg)?;
    let source = opts.source();
    let mark = store.view_import_mark(&source).await?.unwrap_or(i64::MIN);
    let sites = store.sites().await?;
    let mut summary = LogSummary::default();
    // (hour, story, site-relative path) -> views; the newest second apart
    let mut tally: HashMap<(i64, i64, String, String), i64> = HashMap::new();
    let mut newest = i64::MIN;
    let mut newest_views: Vec<(i64, i64, String, String)> = Vec::new();
    let mut read = 0u64;
    for line in reader.split(b'\n') {
        let line = line?;
        read += line.len() as u64 + 1;
        summary.lines += 1;
        if summary.lines % 10_000 == 0 {
            progress(read);
        }
        let Some(hit) = std::str::from_utf8(&line).ok().and_then(parse_log_line) else {
            summary.unreadable += 1;
            continue;
        };
        if hit.at > newest {
            // every line of the seconds before the newest is in by now
            for k in newest_views.drain(..) {
                *tally.entry(k).or_default() += 1;
            }
            newest = hit.at;
        }
        if hit.at <= mark {
            summary.before_mark += 1;
            continue;
        }
        if !counts(&hit) {
            continue;
        }
        let Some((site, rel)) =
            crate::render::chrome::resolve(&sites, opts.host.as_deref(), &hit.path)
        else {
            continue;
        };
        let Route::Story { id } = route(&rel) else {
            continue;
        };
        let key = (hour_of(hit.at), id, site.id.clone(), rel);
        if hit.at == newest {
            newest_views.push(key);
        } else {
            *tally.entry(key).or_default() += 1;
        }
    }
    progress(read);
    summary.held_back = newest_views.len() as u64;
    // a story counts where it lives: its own site and address, as now
    let ids: Vec<i64> = tally
        .keys()
        .map(|(_, id, _, _)| *id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut stories = HashMap::new();
    for chunk in ids.chunks(500) {
        for a in store.articles_by_ids(chunk).await? {
            stories.insert(a.id, a);
        }
    }
    let mut rows: HashMap<(i64, i64), ViewCount> = HashMap::new();
    for ((hour, id, site_id, rel), n) in tally {
        let Some(a) = stories.get(&id) else { continue };
        if a.site_id != site_id || a.url_path.as_deref() != Some(rel.as_str()) {
            continue;
        }
        summary.counted += n as u64;
        rows.entry((hour, id))
            .or_insert_with(|| ViewCount {
                hour,
                article_id: id,
                outlet: opts.outlet.clone(),
                site_id: a.site_id.clone(),
                channel_id: a.channel_id,
                count: 0,
            })
            .count += n;
    }
    summary.stories = rows
        .keys()
        .map(|(_, id)| *id)
        .collect::<BTreeSet<_>>()
        .len();
    if newest > mark {
        let up_to = newest - 1;
        let rows: Vec<ViewCount> = rows.into_values().collect();
        store
            .add_logged_views(&source, &rows, up_to.max(mark))
            .await?;
        summary.mark = Some(up_to.max(mark));
    }
    super::refresh_rankings(store, now).await?;
    Ok(summary)
}
