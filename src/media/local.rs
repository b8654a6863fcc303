//! Media in a local directory (`DATA_DIR/media`, the default), written
//! atomically: a temporary file in the same directory, then a rename.

use std::path::PathBuf;

use bytes::Bytes;

use super::{MediaStore, MediaStoreError};
use crate::domain::media_key::is_safe;

#[derive(Debug, Clone)]
pub struct LocalMedia {
    root: PathBuf,
}

impl LocalMedia {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

/// The entries of `dir`; none when it does not exist or is not a directory.
fn read_dir(dir: &std::path::Path) -> Result<Vec<PathBuf>, MediaStoreError> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.map(|e| e.path()).map_err(|e| failed("listing", dir, e)))
            .collect(),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(Vec::new())
        }
        Err(e) => Err(failed("listing", dir, e)),
    }
}

fn failed(what: &str, path: &std::path::Path, e: std::io::Error) -> MediaStoreError {
    MediaStoreError::io(format!("{what} {}", path.display()), &e)
}

impl LocalMedia {
    /// Put a file under `key`: `make` writes it to a temporary name in the
    /// key's directory, which is then renamed into place (readers see the
    /// whole file or none); a failure leaves nothing behind.
    async fn install<F, Fut>(&self, key: &str, make: F) -> Result<(), MediaStoreError>
    where
        F: FnOnce(PathBuf) -> Fut,
        Fut: std::future::Future<Output = Result<(), MediaStoreError>>,
    {
        if !is_safe(key) {
            return Err(MediaStoreError::Failed(format!("not a media key: {key:?}")));
        }
        let path = self.root.join(key);
        let dir = path
            .parent()
            .ok_or_else(|| MediaStoreError::Failed(format!("no parent for {key}")))?;
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| failed("creating", dir, e))?;
        let tmp = dir.join(format!(".{}.tmp", crate::token::random_token()));
        if let Err(e) = make(tmp.clone()).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e);
        }
        if let Err(e) = tokio::fs::rename(&tmp, &path).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(failed("renaming into", &path, e));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl MediaStore for LocalMedia {
    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        _content_type: &str,
    ) -> Result<(), MediaStoreError> {
        self.install(key, |tmp| async move {
            tokio::fs::write(&tmp, &bytes)
                .await
                .map_err(|e| failed("writing", &tmp, e))
        })
        .await
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaStoreError> {
        if !is_safe(key) {
            return Ok(None);
        }
        let path = self.root.join(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed("reading", &path, e)),
        }
    }

    async fn put_file(
        &self,
        key: &str,
        from: &std::path::Path,
        _content_type: &str,
    ) -> Result<(), MediaStoreError> {
        let from = from.to_path_buf();
        self.install(key, |tmp| async move {
            // a link when both are on one file system (a 2 GB upload is not
            // copied), else a copy
            if tokio::fs::hard_link(&from, &tmp).await.is_err() {
                tokio::fs::copy(&from, &tmp)
                    .await
                    .map_err(|e| failed("copying into", &tmp, e))?;
            }
            Ok(())
        })
        .await
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, MediaStoreError> {
        if !is_safe(key) {
            return Ok(None);
        }
        let path = self.root.join(key);
        match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_file() => Ok(Some(m.len())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed("reading", &path, e)),
        }
    }

    async fn read_range(
        &self,
        key: &str,
        range: std::ops::Range<u64>,
    ) -> Result<Option<super::ByteStream>, MediaStoreError> {
        use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
        if !is_safe(key) {
            return Ok(None);
        }
        let path = self.root.join(key);
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(failed("reading", &path, e)),
        };
        file.seek(std::io::SeekFrom::Start(range.start))
            .await
            .map_err(|e| failed("reading", &path, e))?;
        let part = file.take(range.end.saturating_sub(range.start));
        Ok(Some(Box::pin(tokio_util::io::ReaderStream::with_capacity(
            part,
            64 * 1024,
        ))))
    }

    async fn keys(&self) -> Result<Vec<String>, MediaStoreError> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || {
            let mut keys = Vec::new();
            // YYYY/MM/name: two levels of directories, then the files
            for year in read_dir(&root)? {
                for month in read_dir(&year)? {
                    for file in read_dir(&month)? {
                        if let Ok(rel) = file.strip_prefix(&root) {
                            let key = rel.to_string_lossy().replace('\\', "/");
                            if is_safe(&key) {
                                keys.push(key);
                            }
                        }
                    }
                }
            }
            Ok(keys)
        })
        .await
        .map_err(|e| MediaStoreError::Failed(format!("listing {}: {e}", self.root.display())))?
    }

    fn describe(&self) -> String {
        self.root.display().to_string()
    }
}
