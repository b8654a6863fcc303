//! A video on a story page: the player's sources (the HLS master playlist
//! first, for browsers that play it themselves and for hls.js; then the
//! MP4 renditions), the poster, subtitles, and its structured data
//! (`VideoObject` as Google's video rules ask: name, description,
//! thumbnailUrl, uploadDate, duration, contentUrl) and share card
//! (`og:video`). Pages name only files the job made (`Video::ready`).

use serde::Serialize;

use crate::domain::video::{Video, clock, iso_duration};

#[derive(Debug, Clone, Serialize)]
pub struct VideoView {
    /// Processed: the player shows; else the page says it is on its way.
    pub ready: bool,
    pub hls: String,
    /// MP4 renditions: (URL, label such as `720p`, width, height).
    pub sources: Vec<(String, String, u32, u32)>,
    /// The rendition to download, and the share card's.
    pub mp4: String,
    pub width: u32,
    pub height: u32,
    pub poster: String,
    pub subtitles: Option<String>,
    /// `03:12`.
    pub duration: String,
    pub seconds: u32,
}

/// The player of `v`; `poster` is the story's 题图 (a 16:9 URL), else the
/// video's first poster frame.
pub fn view(v: &Video, poster: Option<String>) -> VideoView {
    let seconds = v.probe.seconds();
    let Some(made) = v.ready() else {
        return VideoView {
            ready: false,
            hls: String::new(),
            sources: Vec::new(),
            mp4: String::new(),
            width: v.probe.width,
            height: v.probe.height,
            poster: poster.unwrap_or_default(),
            subtitles: None,
            duration: clock(seconds),
            seconds,
        };
    };
    let first = made.default_rendition();
    let mut order: Vec<_> = made.renditions.iter().collect();
    // the default rung first: a browser plays the first source it can
    order.sort_by_key(|r| {
        (
            Some(&r.key) != first.map(|f| &f.key),
            std::cmp::Reverse(r.short_side),
        )
    });
    VideoView {
        ready: true,
        hls: format!("/media/{}", made.hls),
        sources: order
            .iter()
            .map(|r| {
                (
                    format!("/media/{}", r.key),
                    format!("{}p", r.short_side),
                    r.width,
                    r.height,
                )
            })
            .collect(),
        mp4: first
            .map(|r| format!("/media/{}", r.key))
            .unwrap_or_default(),
        width: first.map_or(v.probe.width, |r| r.width),
        height: first.map_or(v.probe.height, |r| r.height),
        poster: poster
            .or_else(|| made.posters.first().map(|k| format!("/media/{k}")))
            .unwrap_or_default(),
        subtitles: v.subtitles.as_ref().map(|k| format!("/media/{k}")),
        duration: clock(seconds),
        seconds,
    }
}

/// The `VideoObject` of a ready video (absolute URLs through `absolute`).
pub fn structured(
    view: &VideoView,
    name: &str,
    description: &str,
    upload_date: Option<String>,
    absolute: impl Fn(&str) -> String,
) -> Option<serde_json::Value> {
    if !view.ready {
        return None;
    }
    Some(serde_json::json!({
        "@type": "VideoObject",
        "name": name,
        "description": if description.is_empty() { name } else { description },
        "thumbnailUrl": [absolute(&view.poster)],
        "uploadDate": upload_date,
        "duration": iso_duration(view.seconds),
        "contentUrl": absolute(&view.mp4),
        "width": view.width,
        "height": view.height,
    }))
}
