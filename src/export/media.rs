//! The uploaded media, copied beside the pages.

use std::path::Path;

use anyhow::Context as _;

use crate::state::AppState;

/// Copy the uploaded media into the export, from wherever they live (the
/// data directory or a bucket). Media files are named by their content
/// hash, so a file already there is the same file: an incremental build
/// copies only the new ones.
pub(super) async fn copy_media(state: &AppState, out: &Path, all: bool) -> anyhow::Result<u64> {
    let media = state.media.as_ref();
    let mut written = 0;
    for key in media
        .keys()
        .await?
        .into_iter()
        .filter(|k| crate::domain::media_key::is_public(k))
    {
        let target = out.join("media").join(&key);
        if !all && target.exists() {
            continue;
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        // streamed to a temporary name, then renamed: a video is never held
        // in memory, and no reader sees half a file
        let tmp = target.with_file_name(format!(
            ".{}.tmp",
            target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("media")
        ));
        let copied = crate::media::copy_to_file(media, &key, &tmp).await;
        match copied {
            Ok(true) => std::fs::rename(&tmp, &target)
                .with_context(|| format!("cannot write {}", target.display()))?,
            // removed since it was listed: nothing to copy
            Ok(false) => continue,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e.into());
            }
        }
        written += 1;
    }
    Ok(written)
}
