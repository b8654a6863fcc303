//! HLS playlists: the segments of a media playlist and the master playlist
//! naming every rendition.

use crate::domain::video::{Rendition, VideoMade};

/// Every segment of an HLS media playlist with its length in seconds.
pub fn segments(playlist: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let mut secs = 0.0;
    for line in playlist.lines().map(str::trim) {
        if let Some(d) = line.strip_prefix("#EXTINF:") {
            secs = d
                .split(',')
                .next()
                .and_then(|d| d.parse().ok())
                .unwrap_or(0.0);
        } else if !line.is_empty() && !line.starts_with('#') {
            out.push((line.to_string(), secs));
        }
    }
    out
}

/// The HLS master playlist naming each rendition's playlist (relative: they
/// sit in the same directory).
pub fn master_playlist(made: &VideoMade) -> String {
    let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    let first = made.default_rendition().map(|r| r.key.clone());
    let mut order: Vec<&Rendition> = made.renditions.iter().collect();
    order.sort_by_key(|r| {
        (
            Some(&r.key) != first.as_ref(),
            std::cmp::Reverse(r.short_side),
        )
    });
    for r in order {
        out.push_str(&format!(
            "#EXT-X-STREAM-INF:BANDWIDTH={},RESOLUTION={}x{},CODECS=\"{}\"\n{}\n",
            r.bandwidth,
            r.width,
            r.height,
            r.codecs,
            r.playlist.rsplit('/').next().unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::video::{Rendition, VideoMade};

    #[test]
    fn the_master_playlist_starts_at_720p() {
        let r = |side: u32, w: u32| Rendition {
            short_side: side,
            width: w,
            height: side,
            key: format!("2026/12/x_{side}p.mp4"),
            bytes: 1,
            playlist: format!("2026/12/x_{side}p.m3u8"),
            bandwidth: u64::from(side) * 1000,
            codecs: "avc1.64001f,mp4a.40.2".into(),
        };
        let made = VideoMade {
            renditions: vec![r(1080, 1920), r(720, 1280), r(480, 852)],
            hls: "2026/12/x.m3u8".into(),
            posters: vec![],
            aigc: None,
        };
        let m = master_playlist(&made);
        let lists: Vec<&str> = m.lines().filter(|l| l.ends_with(".m3u8")).collect();
        assert_eq!(lists, ["x_720p.m3u8", "x_1080p.m3u8", "x_480p.m3u8"]);
        assert!(m.contains("BANDWIDTH=720000,RESOLUTION=1280x720"));
        let segs = segments(
            "#EXTM3U\n#EXTINF:6.000000,\nx_720p_00000.ts\n#EXTINF:2.5,\nx_720p_00001.ts\n#EXT-X-ENDLIST\n",
        );
        assert_eq!(
            segs,
            [
                ("x_720p_00000.ts".to_string(), 6.0),
                ("x_720p_00001.ts".to_string(), 2.5)
            ]
        );
    }
}
