//! The one interface to wherever media files live, and opening the configured one.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use bytes::Bytes;

use crate::config::MediaLocation;

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

    /// Every key in the store, in no particular order (the static export
    /// copies them); anything that is not a media key is left out.
    async fn keys(&self) -> Result<Vec<String>, MediaStoreError>;

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

/// Open the configured media store: `DATA_DIR/media`, or an S3-compatible
/// bucket set up from the `AWS_*` variables in `env` (the process
/// environment in `serve`: [`process_env`]).
pub fn open(
    location: &MediaLocation,
    data_dir: &Path,
    env: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<DynMedia> {
    Ok(match location {
        MediaLocation::Local => Arc::new(super::LocalMedia::new(data_dir.join("media"))),
        MediaLocation::S3 { bucket, prefix } => Arc::new(
            super::S3Media::open(bucket, prefix, env)
                .with_context(|| format!("cannot set up the media store {location}"))?,
        ),
    })
}

/// The process environment's variables that are valid UTF-8 (others are
/// not ours and are skipped rather than panicking like `std::env::vars`).
pub fn process_env() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
}
