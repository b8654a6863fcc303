//! Media in an S3-compatible bucket (AWS S3, MinIO, Ceph, a cloud vendor's
//! object storage) through the `object_store` crate. A PUT of an object is
//! atomic on every such service, so readers never see half a file.

use std::time::Duration;

use bytes::Bytes;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, GetOptions, GetRange, ObjectStore as _, ObjectStoreExt as _,
    PutMultipartOptions, PutOptions, RetryConfig, WriteMultipart,
};

/// Files up to this size go up in one PUT; larger ones in parts.
const MULTIPART_FROM: u64 = 16 * 1024 * 1024;
/// The size of each part of a multipart upload (S3 asks at least 5 MiB).
const PART_BYTES: usize = 8 * 1024 * 1024;

use super::{MediaStore, MediaStoreError};
use crate::domain::media_key::is_safe;

pub struct S3Media {
    store: AmazonS3,
    bucket: String,
    /// Key prefix without slashes at either end; empty for the bucket's root.
    prefix: String,
}

impl S3Media {
    /// A store for `bucket`, keys under `prefix`, configured from the `AWS_*`
    /// variables among `env` the way `AmazonS3Builder::from_env` reads the
    /// process environment: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT`),
    /// `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_ALLOW_HTTP=true` for a plain-http endpoint. Nothing is sent until
    /// the first read or write.
    pub fn open(
        bucket: &str,
        prefix: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        // HTTPS through rustls with ring (see Cargo.toml); an error only
        // means a provider is installed already
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new();
        for (name, value) in env {
            if !name.starts_with("AWS_") {
                continue;
            }
            // unknown AWS_ variables (profiles, the CLI's own) are not ours
            if let Ok(key) = name.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                builder = builder.with_config(key, value);
            }
        }
        let store = builder
            .with_bucket_name(bucket)
            // a reader is waiting: give up after seconds, not the default minutes
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(10),
                ..RetryConfig::default()
            })
            .build()?;
        Ok(Self {
            store,
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        })
    }

    fn path(&self, key: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        }
    }
}

/// Network failures and server errors (left after retries) are worth
/// retrying later; refused credentials and the like are not.
fn classify(e: object_store::Error) -> MediaStoreError {
    match e {
        object_store::Error::Generic { .. } => MediaStoreError::Unavailable(e.to_string()),
        e => MediaStoreError::Failed(e.to_string()),
    }
}

#[async_trait::async_trait]
impl MediaStore for S3Media {
    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), MediaStoreError> {
        if !is_safe(key) {
            return Err(MediaStoreError::Failed(format!("not a media key: {key:?}")));
        }
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.to_string().into());
        self.store
            .put_opts(&self.path(key), bytes.into(), PutOptions::from(attributes))
            .await
            .map_err(classify)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, MediaStoreError> {
        if !is_safe(key) {
            return Ok(None);
        }
        let result = match self.store.get(&self.path(key)).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(classify(e)),
        };
        result.bytes().await.map(Some).map_err(classify)
    }

    async fn put_file(
        &self,
        key: &str,
        from: &std::path::Path,
        content_type: &str,
    ) -> Result<(), MediaStoreError> {
        use tokio::io::AsyncReadExt as _;
        if !is_safe(key) {
            return Err(MediaStoreError::Failed(format!("not a media key: {key:?}")));
        }
        let io =
            |e: std::io::Error| MediaStoreError::Failed(format!("reading {}: {e}", from.display()));
        let len = tokio::fs::metadata(from).await.map_err(io)?.len();
        if len <= MULTIPART_FROM {
            let bytes = tokio::fs::read(from).await.map_err(io)?;
            return self.put(key, Bytes::from(bytes), content_type).await;
        }
        // a multipart upload: parts of PART_BYTES, a few in flight; the
        // object appears only when the upload completes
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.to_string().into());
        let upload = self
            .store
            .put_multipart_opts(&self.path(key), PutMultipartOptions::from(attributes))
            .await
            .map_err(classify)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut file = tokio::fs::File::open(from).await.map_err(io)?;
        let mut buf = vec![0u8; 1024 * 1024];
        loop {
            let n = match file.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(io(e));
                }
            };
            if let Err(e) = writer.wait_for_capacity(4).await {
                let _ = writer.abort().await;
                return Err(classify(e));
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(classify)?;
        Ok(())
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, MediaStoreError> {
        if !is_safe(key) {
            return Ok(None);
        }
        match self.store.head(&self.path(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    async fn read_range(
        &self,
        key: &str,
        range: std::ops::Range<u64>,
    ) -> Result<Option<super::ByteStream>, MediaStoreError> {
        use futures_util::StreamExt as _;
        if !is_safe(key) {
            return Ok(None);
        }
        if range.is_empty() {
            return Ok(Some(Box::pin(futures_util::stream::empty())));
        }
        let options = GetOptions {
            range: Some(GetRange::Bounded(range)),
            ..GetOptions::default()
        };
        match self.store.get_opts(&self.path(key), options).await {
            Ok(r) => Ok(Some(Box::pin(
                r.into_stream().map(|c| c.map_err(std::io::Error::other)),
            ))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    async fn keys(&self) -> Result<Vec<String>, MediaStoreError> {
        use futures_util::StreamExt as _;
        let prefix = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
        let mut listing = self.store.list(prefix.as_ref());
        let mut keys = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(classify)?;
            let full = meta.location.as_ref();
            let key = if self.prefix.is_empty() {
                Some(full)
            } else {
                full.strip_prefix(self.prefix.as_str())
                    .and_then(|k| k.strip_prefix('/'))
            };
            if let Some(key) = key.filter(|k| is_safe(k)) {
                keys.push(key.to_string());
            }
        }
        Ok(keys)
    }

    fn describe(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.prefix)
        }
    }
}
