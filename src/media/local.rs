//! Media in a local directory (`DATA_DIR/media`, the default), written
//! atomically: a temporary file in the same directory, then a rename.

use std::path::PathBuf;

use bytes::Bytes;

use super::{MediaStore, MediaStoreError, safe_path};

#[derive(Debug, Clone)]
pub struct LocalMedia {
    root: PathBuf,
}

impl LocalMedia {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

fn failed(what: &str, path: &std::path::Path, e: std::io::Error) -> MediaStoreError {
    MediaStoreError::Failed(format!("{what} {}: {e}", path.display()))
}

#[async_trait::async_trait]
impl MediaStore for LocalMedia {
    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        _content_type: &str,
    ) -> Result<(), MediaStoreError> {
        if !safe_path(key) {
            return Err(MediaStoreError::Failed(format!("not a media key: {key:?}")));
        }
        let path = self.root.join(key);
        let dir = path
            .parent()
            .ok_or_else(|| MediaStoreError::Failed(format!("no parent for {key}")))?;
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| failed("creating", dir, e))?;
        let tmp = dir.join(format!(".{}.tmp", crate::accounts::random_token()));
        if let Err(e) = tokio::fs::write(&tmp, &bytes).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(failed("writing", &tmp, e));
        }
        if let Err(e) = tokio::fs::rename(&tmp, &path).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(failed("renaming into", &path, e));
        }
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaStoreError> {
        if !safe_path(key) {
            return Ok(None);
        }
        let path = self.root.join(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed("reading", &path, e)),
        }
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }
}
