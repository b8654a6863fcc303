//! One typed configuration for the running app, built from the CLI/env.

use std::path::PathBuf;

/// Seconds a job claim holds unless configured (`--job-lease`).
pub const DEFAULT_JOB_LEASE_SECS: i64 = 30;

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
    /// Seconds a job claim holds before another runner may take the job: the
    /// longest a job waits after its node died (`DEFAULT_JOB_LEASE_SECS`).
    pub job_lease: i64,
    /// Where uploaded images live.
    pub media: MediaLocation,
    /// What one client, request or connection may take (docs/security.md).
    pub limits: Limits,
    /// How videos are processed.
    pub video: VideoConfig,
    /// 举报: deadlines, retention and the filing limit.
    pub reports: ReportsConfig,
    /// Check the database's structure at start-up and, from `/readyz`,
    /// every `health::INTEGRITY_EVERY` (off for a database too large to
    /// scan: `--skip-integrity-check`).
    pub integrity_checks: bool,
    /// Count readers' story views (热点排行, 传播效果); off with
    /// `--no-count-views`.
    pub count_views: bool,
    /// Reverse proxies / CDN nodes that take a purge by key
    /// (`jobs::cdn_purge`): `http://127.0.0.1:6081/` (Varnish with xkey).
    /// Every node should name the same ones.
    pub purge_urls: Vec<String>,
}

/// 举报's configuration (`docs/compliance.md`).
#[derive(Debug, Clone, Copy)]
pub struct ReportsConfig {
    /// Days a report may stay open before it is overdue.
    pub days: i64,
    /// Days a reader's contact data is kept after the report is filed.
    pub contact_days: i64,
    /// Reports one address may file in an hour.
    pub per_address: i64,
    /// Reports the whole portal takes in an hour.
    pub global: i64,
    /// Bytes of screenshots the whole portal stores in an hour (after
    /// re-encoding); past it, reports are taken without screenshots.
    pub shots_hourly_bytes: i64,
}

/// The window `ReportsConfig`'s limits count in.
pub const REPORT_WINDOW_SECS: i64 = 3600;

impl Default for ReportsConfig {
    fn default() -> Self {
        Self {
            days: 10,
            contact_days: 180,
            per_address: 10,
            global: 3000,
            shots_hourly_bytes: 256 * 1024 * 1024,
        }
    }
}

/// The outside programs and bounds of video processing (`media::video`).
#[derive(Debug, Clone)]
pub struct VideoConfig {
    /// `ffmpeg`, looked up on PATH unless a path is given; `ffprobe` is the
    /// program of that name in the same directory (or on PATH).
    pub ffmpeg: PathBuf,
    /// Threads one video's encoding may use.
    pub threads: u32,
    /// The largest upload in bytes.
    pub max_bytes: u64,
}

impl Default for VideoConfig {
    fn default() -> Self {
        Self {
            ffmpeg: PathBuf::from("ffmpeg"),
            threads: std::thread::available_parallelism().map_or(2, |n| n.get() as u32),
            max_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

impl VideoConfig {
    pub fn ffprobe(&self) -> PathBuf {
        match self.ffmpeg.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join("ffprobe"),
            _ => PathBuf::from("ffprobe"),
        }
    }
}

/// The bounds that keep one client from exhausting the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at most; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// A request's headers must arrive within this; an idle keep-alive
    /// connection is closed after it too.
    pub header_timeout: std::time::Duration,
    /// A state-changing request's whole body must arrive within this.
    pub body_deadline: std::time::Duration,
    /// Peers whose `X-Real-IP` / `X-Forwarded-For` name the client (the
    /// reverse proxies in front); from anyone else the headers are ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Who may read `/metrics`: these addresses, or a request with the token.
    pub metrics_allow: Vec<ipnet::IpNet>,
    pub metrics_token: Option<String>,
    /// Image decodes at once (each may take up to `media::MAX_DECODE_BYTES`).
    pub decode_slots: usize,
    /// Password hashes at once (argon2: one core and 19 MiB each).
    pub hash_slots: usize,
    /// Live event streams one client address may hold (its readers beyond
    /// that poll instead); an IPv6 client counts by its /64.
    pub live_streams_per_address: usize,
    /// Live event streams in all; 0: half of `max_connections`, so pages,
    /// polls and `/healthz` always keep the other half.
    pub live_streams_total: usize,
    /// Web origins whose pages may read the content API from a browser
    /// (CORS); `*` for any. Empty: none (apps' servers need no CORS).
    pub api_cors_origins: Vec<String>,
}

impl Limits {
    /// The caps the live hub admits streams within.
    pub fn live_stream_caps(&self) -> (usize, usize) {
        let total = match self.live_streams_total {
            0 => self.max_connections / 2,
            n => n.min(self.max_connections.saturating_sub(1)),
        };
        (self.live_streams_per_address.max(1), total.max(1))
    }
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            max_connections: 4096,
            header_timeout: std::time::Duration::from_secs(10),
            body_deadline: std::time::Duration::from_secs(60),
            trusted_proxies: Vec::new(),
            metrics_allow: loopback(),
            metrics_token: None,
            decode_slots: 2,
            // leave a core for serving pages whatever the sign-in load
            hash_slots: (cores - 1).max(1),
            live_streams_per_address: 16,
            live_streams_total: 0,
            api_cors_origins: Vec::new(),
        }
    }
}

/// 127.0.0.0/8 and ::1.
pub fn loopback() -> Vec<ipnet::IpNet> {
    ["127.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Parse an address range (`10.0.0.0/8`, `::1/128`) or a single address.
pub fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is not an address or CIDR range (e.g. 10.0.0.0/8)"))
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
            job_lease: DEFAULT_JOB_LEASE_SECS,
            media: MediaLocation::Local,
            limits: Limits::default(),
            video: VideoConfig::default(),
            reports: ReportsConfig::default(),
            integrity_checks: true,
            count_views: true,
            purge_urls: Vec::new(),
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

/// Where uploaded images live (`--media-url`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum MediaLocation {
    /// `DATA_DIR/media` (the default).
    #[default]
    Local,
    /// An S3-compatible bucket; keys under `prefix` (no slash at either end,
    /// empty for the bucket's root).
    S3 { bucket: String, prefix: String },
}

impl MediaLocation {
    /// Parse `--media-url`: empty for the data directory, or
    /// `s3://BUCKET[/PREFIX]`.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Ok(Self::Local);
        }
        let bad = |why: &str| {
            format!(
                "--media-url must be s3://BUCKET or s3://BUCKET/PREFIX \
                 (leave it unset to keep media in DATA_DIR/media), got {url:?}: {why}"
            )
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("only s3:// is supported"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        // S3's bucket naming rules, which S3-compatible servers share
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !bucket_ok {
            return Err(bad(
                "the bucket name is 3 to 63 lowercase letters, digits, '-' or '.'",
            ));
        }
        let prefix = prefix.trim_end_matches('/');
        let prefix_ok = prefix.is_empty()
            || prefix.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            });
        if !prefix_ok {
            return Err(bad(
                "the prefix is path segments of letters, digits, '-', '_' or '.'",
            ));
        }
        Ok(Self::S3 {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }
}

impl std::fmt::Display for MediaLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Local => f.write_str("DATA_DIR/media"),
            Self::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Self::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_urls_name_a_bucket_and_an_optional_prefix() {
        assert_eq!(MediaLocation::parse("").unwrap(), MediaLocation::Local);
        let s3 = |bucket: &str, prefix: &str| MediaLocation::S3 {
            bucket: bucket.into(),
            prefix: prefix.into(),
        };
        assert_eq!(
            MediaLocation::parse("s3://gazette-media").unwrap(),
            s3("gazette-media", "")
        );
        assert_eq!(
            MediaLocation::parse("s3://gazette-media/").unwrap(),
            s3("gazette-media", "")
        );
        assert_eq!(
            MediaLocation::parse("s3://bz.media/portal/uploads/").unwrap(),
            s3("bz.media", "portal/uploads")
        );
        assert_eq!(
            MediaLocation::parse("s3://bz.media/portal/uploads")
                .unwrap()
                .to_string(),
            "s3://bz.media/portal/uploads"
        );
        for bad in [
            "/srv/media",
            "file:///srv/media",
            "https://s3.example.com/bucket",
            "s3://",
            "s3://ab",
            "s3://Gazette",
            "s3://bucket_name",
            "s3://bucket/../etc",
            "s3://bucket/a//b",
            "s3://bucket/a b",
            "s3://bucket?x=1",
        ] {
            let e = MediaLocation::parse(bad).unwrap_err();
            assert!(
                e.starts_with("--media-url must be s3://BUCKET"),
                "{bad}: {e}"
            );
        }
    }
}
