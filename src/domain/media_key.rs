//! The key of a stored media file: `YYYY/MM/name.ext` for public files
//! (pictures, videos, their variants, renditions and subtitles),
//! `private/YYYYMM/name.ext` for files only the newsroom sees (举报
//! screenshots). Pure rules: which keys may be stored and served, and as what.

/// MIME type for a stored file name.
pub fn content_type(name: &str) -> Option<&'static str> {
    match name.rsplit('.').next()? {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "gif" => Some("image/gif"),
        "webp" => Some("image/webp"),
        // video: originals, renditions, HLS playlists and segments, subtitles
        "mp4" => Some("video/mp4"),
        "mov" => Some("video/quicktime"),
        "webm" => Some("video/webm"),
        "m3u8" => Some("application/vnd.apple.mpegurl"),
        "ts" => Some("video/mp2t"),
        "vtt" => Some("text/vtt; charset=utf-8"),
        _ => None,
    }
}

/// Whether a stored key is public (`YYYY/MM/...`): `/media/` and the static
/// export serve only those; `private/YYYYMM/...` (举报 screenshots) reach
/// only the handlers' screens.
pub fn is_public(key: &str) -> bool {
    key.split('/')
        .next()
        .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
}

/// A stored media path is `YYYY/MM/name.ext` of safe characters only.
pub fn is_safe(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        })
        && content_type(rel).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_are_checked() {
        assert!(is_safe("2024/04/ab12.jpg"));
        assert!(!is_safe("../etc/passwd"));
        assert!(!is_safe("2024/04/.hidden.jpg"));
        assert!(!is_safe("2024/04/x.html"));
        assert!(!is_safe("2024/04/a/b.jpg"));
        assert!(!is_safe("2024/../ab12.jpg"));
        assert!(!is_safe("/2024/04/ab12.jpg"));
    }
}
