//! The one interface to wherever media files live.

use std::sync::Arc;

use bytes::Bytes;

/// Where media files live. Keys are `YYYY/MM/name.ext` ([`super::safe_path`]);
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

    /// Where the files are, for logs (`/srv/gazette/media`, `s3://bucket/prefix`).
    fn describe(&self) -> String;
}

pub type DynMedia = Arc<dyn MediaStore>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MediaStoreError {
    /// The storage service did not answer or answered with a server error
    /// (after retries): worth trying again later.
    #[error("media storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a disk error, refused credentials, a bad configuration.
    #[error("media storage failed: {0}")]
    Failed(String),
}
