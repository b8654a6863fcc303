//! The command line: `serve`, `migrate`, `import`, `reindex`, `user`,
//! `build`, each run by its file in `cmd/`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "gazette",
    version,
    about = "Gazette: newsroom and news portal in one binary"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; every command that touches data takes these.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Directory for the embedded database, the search index and uploads.
    #[arg(
        long,
        env = "GAZETTE_DATA_DIR",
        default_value = "./gazette-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// PostgreSQL database shared by several nodes (`postgres://user@host/db`);
    /// without it, the embedded SQLite database in the data directory. The
    /// data directory still holds this node's search index.
    #[arg(long, env = "GAZETTE_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// PostgreSQL schema to work in (created if missing; default: the
    /// user's search_path, usually `public`).
    #[arg(long, env = "GAZETTE_DATABASE_SCHEMA", global = true)]
    pub database_schema: Option<String>,
}

#[derive(Debug, Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "parsed once per process; boxing buys nothing"
)]
pub enum Command {
    /// Serve the portal and the newsroom (/admin) over HTTP.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(MigrateArgs),
    /// Import an archive of stories (JSON Lines; `-` reads standard input).
    Import(ImportArgs),
    /// Rebuild the search index from the database.
    Reindex(ReindexArgs),
    /// Newsroom accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Content API keys (the admin's “API 密钥” page, from the command line).
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Write every public page, feed and sitemap as static files.
    Build(BuildArgs),
    /// Count readers' story views from web server access logs (a static
    /// export's 热点排行), then compute the rankings again.
    Views(ViewsArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ViewsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Access logs in nginx's `combined` format, oldest first (`-` reads
    /// standard input). A rerun counts nothing twice.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The outlet the views count for.
    #[arg(long, default_value = "web")]
    pub outlet: String,
    /// The host name the log's server answered for, when it serves a county
    /// site on a host of its own (default: the main site's host, county
    /// sites under their path prefix).
    #[arg(long)]
    pub host: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output directory (nginx serves it with the same URLs).
    #[arg(long)]
    pub out: PathBuf,
    /// Public base URL for canonical links, feeds and sitemaps (required:
    /// an export names it in every page; `http://127.0.0.1:8080` for a local
    /// preview).
    #[arg(long, env = "GAZETTE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Theme directory (as for serve).
    #[arg(long, env = "GAZETTE_THEME_DIR")]
    pub theme_dir: Option<PathBuf>,
    /// Rewrite only the files changed since the last build of this directory
    /// (recorded in the database); builds in full when there is none, or
    /// after a change to a site's settings. After changing the theme or the
    /// public URL, build in full.
    #[arg(long)]
    pub incremental: bool,
    /// Where uploaded images live, as for serve (unset for DATA_DIR/media,
    /// or s3://BUCKET[/PREFIX]): the export copies them under media/.
    #[arg(long, env = "GAZETTE_MEDIA_URL")]
    pub media_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is prompted for, or read from stdin.
    Add(UserAddArgs),
    /// Set a new password (prompted, or read from stdin).
    Passwd(UserNameArgs),
    /// List accounts.
    List(UserListArgs),
    /// Let a disabled account sign in again (and clear its sign-in throttle).
    Enable(UserNameArgs),
    /// Stop an account from signing in; its sessions end.
    Disable(UserNameArgs),
    /// Replace a person's roles, e.g. `gazette user role li --role 编辑 --role 推荐位编辑`.
    Role(UserRoleArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserRoleArgs {
    #[command(flatten)]
    pub data: DataArgs,
    pub username: String,
    /// Role, repeatable: 管理员 签发人 编辑 记者 审核2 推荐位编辑 (or admin signer editor reporter reviewer:2 curator).
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Login name (letters, digits, `_`, `-`, `.`).
    pub username: String,
    /// Role, repeatable: 管理员 签发人 编辑 记者 审核2 (or admin signer editor reporter reviewer:2).
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    /// Name shown in the newsroom and the audit record (default: the login name).
    #[arg(long)]
    pub display_name: Option<String>,
    /// Site the person works in (repeatable; default: every site for admins, else main).
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Limit the person to a channel subtree instead of whole sites: SITE:PATH, e.g.
    /// `zouping:zw` (repeatable).
    #[arg(long = "channel")]
    pub channels: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct UserNameArgs {
    #[command(flatten)]
    pub data: DataArgs,
    pub username: String,
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print it (once: only its digest is kept).
    Add(ApiKeyAddArgs),
    /// List the keys (never the keys themselves).
    List(UserListArgs),
    /// Revoke a key by its number (as `list` shows it).
    Revoke(ApiKeyRevokeArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ApiKeyAddArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Who uses it and for what (滨州网客户端).
    #[arg(long)]
    pub name: String,
    /// A site it may read (repeatable; none: every site).
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Requests a minute it may make, across all nodes.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(i64).range(1..=10_000_000))]
    pub per_minute: i64,
}

#[derive(Debug, Clone, Args)]
pub struct ApiKeyRevokeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    pub id: i64,
}

#[derive(Debug, Clone, Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Do not check the database's structure at start-up and hourly (for a
    /// database too large to scan in seconds; PostgreSQL checks itself).
    #[arg(long, env = "GAZETTE_SKIP_INTEGRITY_CHECK")]
    pub skip_integrity_check: bool,
    /// Do not count readers' story views (the 热点排行 lists then stay as
    /// they are; the benchmark compares both).
    #[arg(long, env = "GAZETTE_NO_COUNT_VIEWS")]
    pub no_count_views: bool,
    /// Address to listen on.
    #[arg(long, env = "GAZETTE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Load the 滨州网 demo content (idempotent) before serving.
    #[arg(long, env = "GAZETTE_DEMO")]
    pub demo: bool,
    /// Directory whose templates/ and static/ override the built-in theme.
    #[arg(long, env = "GAZETTE_THEME_DIR")]
    pub theme_dir: Option<PathBuf>,
    /// Public base URL of the main site, for canonical links (default: http://ADDR).
    #[arg(long, env = "GAZETTE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Memory for rendered pages, in MiB (0 turns the render cache off).
    #[arg(long, env = "GAZETTE_CACHE_MB", default_value_t = 256)]
    pub cache_mb: u64,
    /// This node's name in job claims (default: host name and process id).
    #[arg(long, env = "GAZETTE_NODE_ID")]
    pub node_id: Option<String>,
    /// Seconds a claimed job is held before another node may retry it (a
    /// node that dies mid-job delays it at most this long).
    #[arg(long, env = "GAZETTE_JOB_LEASE", default_value_t = crate::config::DEFAULT_JOB_LEASE_SECS,
          value_parser = clap::value_parser!(i64).range(1..=3600))]
    pub job_lease: i64,
    /// Where uploaded images live: unset for DATA_DIR/media, or
    /// s3://BUCKET[/PREFIX] for S3-compatible object storage, reached with
    /// AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY (AWS_ALLOW_HTTP=true for a plain-http endpoint).
    #[arg(long, env = "GAZETTE_MEDIA_URL")]
    pub media_url: Option<String>,
    /// Open connections at most (also capped by the descriptor limit).
    #[arg(long, env = "GAZETTE_MAX_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(16..=1_000_000))]
    pub max_connections: u32,
    /// Live event streams one client address may hold (its other readers
    /// poll); an IPv6 client counts by its /64.
    #[arg(long, env = "GAZETTE_LIVE_STREAMS_PER_ADDRESS", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub live_streams_per_address: u32,
    /// Address or CIDR range of a reverse proxy whose X-Real-IP /
    /// X-Forwarded-For names the client (repeat, or separate with commas;
    /// default none: the headers are ignored). See docs/security.md.
    #[arg(long = "trusted-proxy", env = "GAZETTE_TRUSTED_PROXY", value_delimiter = ',',
          value_parser = parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A reverse proxy or CDN node that takes purges by key, such as
    /// Varnish with the xkey vmod at http://127.0.0.1:6081/ (repeat, or
    /// separate with commas; the same on every node). Each change's keys go
    /// to it as `PURGE` with an `xkey-purge` header; see docs/deploy.md.
    #[arg(long = "purge-url", env = "GAZETTE_PURGE_URLS", value_delimiter = ',')]
    pub purge_urls: Vec<String>,
    /// Web origins whose pages may read /api/v1/ from a browser (CORS),
    /// such as https://m.bzcm.net (repeat, or separate with commas; `*`
    /// for any; default none).
    #[arg(
        long = "api-cors-origin",
        env = "GAZETTE_API_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub api_cors_origins: Vec<String>,
    /// Addresses that may read /metrics (default: loopback only).
    #[arg(long = "metrics-allow", env = "GAZETTE_METRICS_ALLOW", value_delimiter = ',',
          value_parser = parse_net)]
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// A bearer token that also opens /metrics (`Authorization: Bearer TOKEN`).
    #[arg(long, env = "GAZETTE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The ffmpeg program that processes videos (ffprobe is looked for
    /// beside it). Without it video uploads are refused; all else works.
    #[arg(long, env = "GAZETTE_FFMPEG", default_value = "ffmpeg")]
    pub ffmpeg: PathBuf,
    /// Threads one video's processing may use (0: one per core).
    #[arg(long, env = "GAZETTE_VIDEO_THREADS", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=64))]
    pub video_threads: u32,
    /// The largest video upload, in MiB.
    #[arg(long, env = "GAZETTE_VIDEO_MAX_MB", default_value_t = 2048,
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub video_max_mb: u64,
    /// Days a reader's 举报 may stay open before it counts as overdue.
    #[arg(long, env = "GAZETTE_REPORT_DAYS", default_value_t = 10,
          value_parser = clap::value_parser!(i64).range(1..=365))]
    pub report_days: i64,
    /// Days a reporter's phone or e-mail is kept (then cleared).
    #[arg(long, env = "GAZETTE_REPORT_CONTACT_DAYS", default_value_t = 180,
          value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub report_contact_days: i64,
    /// 举报 one address may file in an hour.
    #[arg(long, env = "GAZETTE_REPORT_LIMIT", default_value_t = 10,
          value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub report_limit: i64,
    /// 举报 the whole portal takes in an hour (every node together); past
    /// it, readers are asked to try later or call the 举报 phone.
    #[arg(long, env = "GAZETTE_REPORT_GLOBAL_LIMIT", default_value_t = 3000,
          value_parser = clap::value_parser!(i64).range(1..=100_000_000))]
    pub report_global_limit: i64,
    /// Megabytes of 举报 screenshots the portal stores in an hour (every
    /// node together, after re-encoding); past it, readers are asked to
    /// file without screenshots or later.
    #[arg(long, env = "GAZETTE_REPORT_SHOTS_MB_PER_HOUR", default_value_t = 256,
          value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
    pub report_shots_mb_per_hour: i64,
}

fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    crate::config::parse_net(s)
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The archive: one JSON story per line (see docs/import-format.md), or `-` for stdin.
    pub file: PathBuf,
    /// Create missing sites and channels instead of rejecting their stories.
    #[arg(long)]
    pub create_channels: bool,
    /// Where to write the report (default: DATA_DIR/import-reports/import-TIME.txt).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Stories per transaction.
    #[arg(long, default_value_t = 1000)]
    pub batch_size: usize,
    /// Replace stories that already exist (by id) with the file's version;
    /// without it such lines are reported as conflicts and left alone.
    #[arg(long)]
    pub update: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub data: DataArgs,
}
