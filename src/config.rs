//! One typed configuration for the running app, built from the CLI/env.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// Theme directory overriding built-in templates and assets.
    pub theme_dir: Option<PathBuf>,
    /// Absolute base URL of the main site, without a trailing slash
    /// (`http://127.0.0.1:8080`); canonical links are built from it.
    pub public_url: String,
    /// Bytes the render cache may hold (0 turns it off).
    pub cache_bytes: u64,
    /// This node's name in job claims.
    pub node_id: String,
    /// Seconds a job claim holds (see `crate::jobs`).
    pub job_lease: i64,
}

impl Config {
    /// A configuration for tests and tools: data in `data_dir`, built-in theme.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            theme_dir: None,
            public_url: "http://127.0.0.1:8080".into(),
            cache_bytes: 64 * 1024 * 1024,
            node_id: default_node_id(),
            job_lease: crate::jobs::DEFAULT_LEASE_SECS,
        }
    }

    /// Scheme of the public URL (`http` or `https`), for host-mapped sub-sites.
    pub fn scheme(&self) -> &str {
        if self.public_url.starts_with("https://") {
            "https"
        } else {
            "http"
        }
    }
}

/// Normalize a user-given public URL: must be http(s), no trailing slash.
pub fn normalize_public_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://"))
        || url.contains(char::is_whitespace)
    {
        return Err(format!(
            "--public-url must be an http:// or https:// URL, got {url:?}"
        ));
    }
    Ok(url.to_string())
}

/// A name for this process in job claims: host name and process id.
pub fn default_node_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    format!("{host}-{}", std::process::id())
}
