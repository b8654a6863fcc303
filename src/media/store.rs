//! The one interface to wherever media files live.

use std::ops::Range;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

/// Where media files live. Keys are `YYYY/MM/name.ext` ([`crate::domain::media_key::is_safe`]);
/// every implementation refuses any other shape, so a key never reaches
/// outside the store's root.
#[async_trait::async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Store `bytes` under `key`, replacing what was there. A reader sees the
    /// whole file or none of it, never a part.
    async fn put(&self, key: &str, bytes: Bytes, content_type: &str)
    -> Result<(), MediaStoreError>;

    /// The file under `key`; `None` when there is none (or the key is not a media key).
    async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaStoreError>;

    /// Store the file at `path` under `key` without reading it into memory
    /// (videos, their renditions and segments). Same atomicity as `put`.
    async fn put_file(
        &self,
        key: &str,
        path: &Path,
        content_type: &str,
    ) -> Result<(), MediaStoreError>;

    /// The length of the file under `key`; `None` when there is none.
    async fn size(&self, key: &str) -> Result<Option<u64>, MediaStoreError>;

    /// Bytes `range` of the file under `key` (within its length, see `size`),
    /// streamed; `None` when there is no such file.
    async fn read_range(
        &self,
        key: &str,
        range: Range<u64>,
    ) -> Result<Option<ByteStream>, MediaStoreError>;

    /// Every key in the store, in no particular order (the static export
    /// copies them); anything that is not a media key is left out.
    async fn keys(&self) -> Result<Vec<String>, MediaStoreError>;

    /// Where the files are, for logs (`/srv/gazette/media`, `s3://bucket/prefix`).
    fn describe(&self) -> String;
}

pub type DynMedia = Arc<dyn MediaStore>;

/// A file's bytes as they arrive, for answers and copies that never hold a
/// whole video in memory.
pub type ByteStream =
    Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// Copy the file under `key` to `path` (a job's working copy, the static
/// export), streamed; `false` when the store has no such file.
pub async fn copy_to_file(
    media: &dyn MediaStore,
    key: &str,
    path: &Path,
) -> Result<bool, MediaStoreError> {
    use futures_util::StreamExt as _;
    use tokio::io::AsyncWriteExt as _;
    let Some(len) = media.size(key).await? else {
        return Ok(false);
    };
    let Some(mut stream) = media.read_range(key, 0..len).await? else {
        return Ok(false);
    };
    let failed = |e: std::io::Error| MediaStoreError::io(format!("writing {}", path.display()), &e);
    let mut file = tokio::fs::File::create(path).await.map_err(failed)?;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| MediaStoreError::Unavailable(format!("reading {key}: {e}")))?;
        file.write_all(&chunk).await.map_err(failed)?;
    }
    file.flush().await.map_err(failed)?;
    Ok(true)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediaStoreError {
    /// The storage service did not answer or answered with a server error
    /// (after retries): worth trying again later.
    #[error("media storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a disk error, refused credentials, a bad configuration.
    #[error("media storage failed: {0}")]
    Failed(String),
    /// The disk is full (or the quota spent): worth trying again once
    /// space is freed.
    #[error("media storage full: {0}")]
    Full(String),
}

impl MediaStoreError {
    /// A local file operation's failure: `Full` when the disk is.
    pub fn io(what: String, e: &std::io::Error) -> Self {
        // ENOSPC, EDQUOT
        if matches!(e.raw_os_error(), Some(28 | 122)) || e.kind() == std::io::ErrorKind::StorageFull
        {
            MediaStoreError::Full(format!("{what}: {e}"))
        } else {
            MediaStoreError::Failed(format!("{what}: {e}"))
        }
    }
}
