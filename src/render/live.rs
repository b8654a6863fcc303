//! Live coverage on pages: each public entry rendered once by one template
//! (`portal/live_entry.html`), whether it goes into the story page, the
//! JSON snapshot a poll reads, or a server-sent event; the status header;
//! and the `LiveBlogPosting` structured data.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Env;
use super::pictures::PictureView;
use super::video::VideoView;
use crate::domain::live::{Entry, LiveClock, LiveStatus, POLL_SECS};
use crate::domain::text::{datetime_rfc3339, to_cst};

/// An entry as readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub id: i64,
    pub seq: i64,
    /// `14:05` (the day too when it is not the coverage's first day).
    pub time: String,
    pub datetime: String,
    pub body_html: String,
    /// The text's first 40 characters (the 要点 list).
    pub summary: String,
    pub picture: Option<PictureView>,
    pub video: Option<VideoView>,
    pub pinned: bool,
    pub key_event: bool,
    /// 更正: (time, note).
    pub corrected: Option<(String, String)>,
    pub author: String,
    /// The explicit AI label (empty: not declared).
    pub ai: &'static str,
}

/// The status header and where a reader's script gets new entries.
#[derive(Debug, Clone, Serialize)]
pub struct LiveView {
    pub status: LiveStatus,
    pub label: &'static str,
    /// 未开始: when it starts; else when it started (and ended).
    pub planned: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    /// Server-sent events (a file server has none: the script then polls).
    pub events: String,
    /// The snapshot a poll reads (`…/entries.json`); where events once
    /// came, the script asks the time-bucketed name beside it instead.
    pub poll: String,
    pub interval: i64,
    pub seq: i64,
    pub entries: Vec<EntryView>,
    pub key_events: Vec<EntryView>,
    #[serde(skip)]
    pub clock: LiveClock,
}

fn clock_time(ts: i64) -> String {
    to_cst(ts).format("%m月%d日 %H:%M").to_string()
}

/// Views of public `entries` (pictures and clips from the libraries, each
/// a dependency in `deps` when given).
pub async fn views(
    env: &Env,
    entries: &[Entry],
    mut deps: Option<&mut BTreeSet<String>>,
) -> anyhow::Result<Vec<EntryView>> {
    let ids: Vec<i64> = entries.iter().filter_map(|e| e.image_id).collect();
    let pictures = env.cache.pictures(env.store.as_ref(), &ids).await?;
    let mut out = Vec::with_capacity(entries.len());
    let first_day = entries
        .iter()
        .filter_map(|e| e.approved_at)
        .min()
        .map(|t| to_cst(t).date_naive());
    for e in entries {
        let at = e.approved_at.unwrap_or(e.created_at);
        let picture = e.image_id.and_then(|id| pictures.get(&id)).map(|p| {
            if let Some(d) = deps.as_deref_mut() {
                d.insert(format!("image:{}", p.id));
            }
            super::pictures::view(p, None, None, super::pictures::SIZES_COLUMN, 640)
        });
        let video = match e.video_id {
            Some(id) => {
                if let Some(d) = deps.as_deref_mut() {
                    d.insert(format!("video:{id}"));
                }
                env.store
                    .video(id)
                    .await?
                    .filter(|v| v.ready().is_some())
                    .map(|v| super::video::view(&v, None))
            }
            None => None,
        };
        let same_day = first_day == Some(to_cst(at).date_naive());
        out.push(EntryView {
            id: e.id,
            seq: e.seq,
            time: if same_day {
                to_cst(at).format("%H:%M").to_string()
            } else {
                clock_time(at)
            },
            datetime: datetime_rfc3339(at),
            body_html: e.body_html.clone(),
            summary: {
                let text = crate::domain::html::html_to_text(&e.body_html)
                    .trim()
                    .to_string();
                let cut: String = text.chars().take(40).collect();
                if text.chars().count() > 40 {
                    format!("{cut}…")
                } else {
                    cut
                }
            },
            picture,
            video,
            ai: e.ai.label(),
            pinned: e.pinned,
            key_event: e.key_event,
            corrected: e
                .corrected_at
                .map(|t| (to_cst(t).format("%H:%M").to_string(), e.correction.clone())),
            author: e.author.clone(),
        });
    }
    Ok(out)
}

/// One entry's HTML, as the page has it (the template the page includes).
pub fn entry_html(env: &Env, e: &EntryView) -> anyhow::Result<String> {
    env.render
        .render("portal/live_entry.html", minijinja::context! { e => e })
}

/// The header, entries and URLs of a live story's page.
pub async fn page_view(
    env: &Env,
    article_id: i64,
    planned_at: i64,
    deps: &mut BTreeSet<String>,
) -> anyhow::Result<LiveView> {
    deps.insert(format!("live:{article_id}"));
    let mut clock = env.store.live_clock(article_id).await?;
    clock.planned_at = planned_at;
    let mut entries = env.store.entries(article_id, true).await?;
    let seq = entries.iter().map(|e| e.seq).max().unwrap_or(0);
    crate::domain::live::order(&mut entries, true);
    let views = views(env, &entries, Some(deps)).await?;
    Ok(header(&clock, article_id, seq, views))
}

fn header(clock: &LiveClock, article_id: i64, seq: i64, entries: Vec<EntryView>) -> LiveView {
    let status = clock.status();
    let mut key_events: Vec<EntryView> = entries.iter().filter(|e| e.key_event).cloned().collect();
    key_events.sort_by(|a, b| a.datetime.cmp(&b.datetime));
    LiveView {
        status,
        label: status.label(),
        planned: clock_time(clock.planned_at),
        started: clock.started_at.map(clock_time),
        ended: clock.ended_at.map(clock_time),
        events: format!("/live/{article_id}/events"),
        poll: format!("/{}", crate::domain::url::live_entries_path(article_id)),
        interval: POLL_SECS,
        seq,
        entries,
        key_events,
        clock: clock.clone(),
    }
}

/// The snapshot a poll (or the export's `entries.json`) answers: status,
/// interval, the newest seq, and every public entry's HTML, newest first.
pub async fn snapshot(
    env: &Env,
    article_id: i64,
    planned_at: i64,
) -> anyhow::Result<serde_json::Value> {
    let mut clock = env.store.live_clock(article_id).await?;
    clock.planned_at = planned_at;
    let mut entries = env.store.entries(article_id, true).await?;
    let seq = entries.iter().map(|e| e.seq).max().unwrap_or(0);
    crate::domain::live::order(&mut entries, true);
    let views = views(env, &entries, None).await?;
    let mut list = Vec::with_capacity(views.len());
    for v in &views {
        list.push(serde_json::json!({
            "id": v.id, "seq": v.seq, "pinned": v.pinned, "key": v.key_event,
            "at": v.datetime, "time": v.time, "summary": v.summary, "html": entry_html(env, v)?,
        }));
    }
    let status = clock.status();
    Ok(serde_json::json!({
        "status": status,
        "label": status.label(),
        "interval": if status == LiveStatus::Ended { 0 } else { POLL_SECS },
        "seq": seq,
        "entries": list,
    }))
}

/// JSON-LD `LiveBlogPosting`: the coverage times and each update as a
/// `BlogPosting` at its anchor.
pub fn structured(view: &LiveView, title: &str, canonical: &str) -> serde_json::Value {
    let c = &view.clock;
    let updates: Vec<serde_json::Value> = view
        .entries
        .iter()
        .map(|e| {
            let text = crate::domain::html::html_to_text(&e.body_html)
                .trim()
                .to_string();
            let headline: String = text.chars().take(50).collect();
            serde_json::json!({
                "@type": "BlogPosting",
                "headline": headline,
                "datePublished": e.datetime,
                "articleBody": text,
                "url": format!("{canonical}#e{}", e.id),
            })
        })
        .collect();
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": title,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "coverageStartTime": datetime_rfc3339(c.started_at.unwrap_or(c.planned_at)),
        "liveBlogUpdate": updates,
    });
    // no null field: the end only once the desk has closed it
    if let Some(end) = c.ended_at {
        ld["coverageEndTime"] = serde_json::json!(datetime_rfc3339(end));
    }
    ld
}
