//! Storage: the `Store` trait is the only way to the database (DESIGN.md §7).
//!
//! SQL lives only under `db/`. Queries are runtime-checked and written once,
//! in `db/portable/`, in the subset of SQL that SQLite and PostgreSQL share
//! (`$1` placeholders, `ON CONFLICT`, `RETURNING`, BIGINT everywhere); each
//! backend compiles them with its own types and spells the rest (`dialect`).

pub mod curation;
pub mod error;
pub mod live;
pub mod location;
pub mod pictures;
pub mod postgres;
pub mod record;
pub mod reports;
pub mod sqlite;
pub mod videos;

pub use curation::{Curation, Slot, SlotItem};
pub(crate) use error::reusable;
pub use error::{StoreError, StoreResult};
pub use live::{Live, NewEntry};
pub use location::Location;
pub use pictures::{LibraryQuery, NewPicture, PictureMeta, PictureUseOf, Pictures};
pub use record::{Actor, AuditQuery, Event, Record};
pub use reports::{Attempt, Filing, Limits, NewReport, ReportFilter, Reports};
pub use videos::{NewVideo, Videos};

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::screening::SensitiveWord;
use crate::domain::{Article, ArticleSummary, Channel, Site};

/// What an import line did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Created,
    Updated,
    /// Left alone, with the reason (a story in the newsroom's workflow).
    Refused(String),
}

/// The fingerprint `Store::change_mark` answers: a change row's fields,
/// hashed (a restored or different database has other rows under the same
/// seqs).
pub fn change_mark(seq: i64, at: i64, kind: &str, article: Option<i64>, keys: &str) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(format!(
        "{seq}\u{1f}{at}\u{1f}{kind}\u{1f}{article:?}\u{1f}{keys}"
    ));
    hex::encode(&h.finalize()[..8])
}

/// One row of the change log.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: i64,
    pub kind: String,
    pub site_id: Option<String>,
    pub article_id: Option<i64>,
    /// Page dependency keys the change touches (DESIGN.md §2).
    pub keys: Vec<String>,
    /// The row's fingerprint (`change_mark`), for followers that check the
    /// log they follow is still the one they followed.
    pub mark: String,
}

/// One story's question for `Store::tagged_before`.
#[derive(Debug, Clone)]
pub struct TaggedBefore<'a> {
    pub tags: &'a [String],
    /// (signed_at, id) of the story: only stories before it count.
    pub before: (i64, i64),
}

/// Where a static export stands (see `crate::export`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportState {
    pub id: i64,
    /// Change-log seq its files reflect.
    pub cursor: i64,
    /// False while (or after an interrupted) full build.
    pub complete: bool,
}

/// The bookkeeping of static exports: per output directory, a cursor in the
/// change log and each file's dependency keys.
#[async_trait]
pub trait Exports {
    async fn export_state(&self, out_dir: &str) -> StoreResult<Option<ExportState>>;
    /// Register `out_dir` (if new) and, for a full build, forget its files'
    /// dependencies and mark it incomplete until `export_finish`.
    async fn export_start(&self, out_dir: &str, full: bool) -> StoreResult<i64>;
    /// Record the dependency keys of written files, replacing what was known.
    async fn export_record(
        &self,
        export_id: i64,
        pages: &[(String, Vec<String>)],
    ) -> StoreResult<()>;
    /// Forget files that are no longer written (withdrawn stories).
    async fn export_forget(&self, export_id: i64, paths: &[String]) -> StoreResult<()>;
    /// Files whose pages read any of `keys`.
    async fn export_paths(&self, export_id: i64, keys: &[String]) -> StoreResult<Vec<String>>;
    /// Every recorded export: (id, output directory).
    async fn export_list(&self) -> StoreResult<Vec<(i64, String)>>;
    /// Forget an export and its files' dependencies.
    async fn export_drop(&self, export_id: i64) -> StoreResult<()>;
    /// The files now reflect the change log up to `cursor`.
    async fn export_finish(&self, export_id: i64, cursor: i64, now: i64) -> StoreResult<()>;
}

/// The storage interface both backends satisfy.
#[async_trait]
pub trait Store:
    Newsroom + Exports + Curation + Record + Pictures + Videos + Live + Reports + Send + Sync + 'static
{
    /// Apply pending migrations; refuse a database from a newer version.
    async fn migrate(&self) -> StoreResult<()>;

    /// Forward other processes' commits: call `wake` soon after each one
    /// (and after a lost notification connection comes back). Returns false
    /// when the backend has no notifications (followers then poll the log).
    async fn subscribe_changes(&self, wake: Wake) -> StoreResult<bool>;

    /// Close every connection (at shutdown, after the last request); every
    /// call afterwards fails.
    async fn close(&self);

    /// All sites, main site first, then by sort order.
    async fn sites(&self) -> StoreResult<Vec<Site>>;
    /// Create or replace a site (settings included).
    async fn put_site(&self, site: &Site, now: i64) -> StoreResult<()>;

    /// Channels of a site, unordered (see `ChannelTree`).
    async fn channels(&self, site_id: &str) -> StoreResult<Vec<Channel>>;
    /// Create the channel if its (site, path) does not exist; return it.
    async fn ensure_channel(
        &self,
        site_id: &str,
        path: &str,
        name: &str,
        sort: i64,
    ) -> StoreResult<Channel>;

    /// Rename a channel and set its sort order, page size and review levels.
    async fn update_channel(&self, channel: &Channel, now: i64) -> StoreResult<()>;

    async fn article(&self, id: i64) -> StoreResult<Option<Article>>;
    /// Insert (id 0 = next free id) or replace an article, keep its listings in
    /// step with its status, and log the change; returns the id.
    async fn save_article(&self, article: &Article, now: i64) -> StoreResult<i64>;

    /// Insert or replace many articles in one transaction (an import batch):
    /// all are written or none. Returns what became of each. A story the
    /// newsroom has (a draft, one under review or scheduled, or one with
    /// revisions) is never changed; an update of an archive story is audited.
    /// Without `--update` (`updatable` is Some), an archive story that
    /// existed before is replaced only if its id is in `updatable` (created
    /// earlier in the same run); the others are refused as conflicts.
    async fn import_batch(
        &self,
        articles: &[Article],
        updatable: Option<&std::collections::BTreeSet<i64>>,
        now: i64,
    ) -> StoreResult<Vec<Imported>>;

    /// Articles with these ids (missing ids are skipped), any status.
    async fn articles_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Article>>;
    /// Published articles with id > `after_id`, by id, at most `limit` (keyset scan).
    async fn published_after(&self, after_id: i64, limit: i64) -> StoreResult<Vec<Article>>;

    /// Change-log rows with seq > `after`, oldest first, at most `limit`.
    async fn changes_since(&self, after: i64, limit: i64) -> StoreResult<Vec<Change>>;
    /// The newest change-log sequence number (0 when empty).
    async fn last_change(&self) -> StoreResult<i64>;
    /// A fingerprint of the change-log row `seq` (None if there is none):
    /// derived data checks that the row it last applied is still the same.
    async fn change_mark(&self, seq: i64) -> StoreResult<Option<String>>;
    /// The database's identity, drawn when it was created.
    async fn identity(&self) -> StoreResult<String>;
    /// Write one small row and commit: proves the database takes writes.
    async fn probe_write(&self, now: i64) -> StoreResult<()>;

    /// Live stories listed in a channel (its descendants included), newest first.
    async fn channel_page(
        &self,
        channel_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// For each request and each of its tags, the live stories tagged with
    /// it that come before the request's (signed_at, id) in the newest-first
    /// order, newest first, at most `limit` each (the 相关新闻 candidates of
    /// many stories in one round trip).
    async fn tagged_before(
        &self,
        requests: &[TaggedBefore<'_>],
        limit: i64,
    ) -> StoreResult<Vec<Vec<Vec<ArticleSummary>>>>;
    /// Newest live stories of a site, newest first.
    async fn site_latest(&self, site_id: &str, limit: i64) -> StoreResult<Vec<ArticleSummary>>;
    /// The `(tag, article_id, sort_at)` listings after `after` in
    /// (tag, article_id) order, at most `limit` (the whole tag index, read
    /// page by page by a full static build).
    async fn tag_listings_after(
        &self,
        after: (&str, i64),
        limit: i64,
    ) -> StoreResult<Vec<(String, i64, i64)>>;
    /// Live stories with id > `after_id`, by id (for sitemaps): summaries plus updated time.
    async fn live_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<(ArticleSummary, i64)>>;
    /// Live stories signed off at or after `since` (the news sitemap), newest first.
    async fn live_since(&self, since: i64, limit: i64) -> StoreResult<Vec<ArticleSummary>>;
    /// How many live stories there are.
    async fn live_count(&self) -> StoreResult<i64>;

    /// How many live stories a channel lists.
    async fn channel_count(&self, channel_id: i64) -> StoreResult<i64>;

    /// The site page (单页) at a site-relative path (`about/`), whatever
    /// its status.
    async fn page_at(&self, site_id: &str, rel: &str) -> StoreResult<Option<i64>>;
    /// A site's pages with their paths (any status), by title.
    async fn site_pages(&self, site_id: &str) -> StoreResult<Vec<ArticleSummary>>;

    async fn slot(&self, site_id: &str, key: &str) -> StoreResult<Option<Slot>>;
    /// The first `limit` live stories of a slot whose time is not up at `now`, in curated order.
    async fn slot_items(
        &self,
        slot_id: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<Vec<ArticleSummary>>;
    /// Create or rename a slot and set its items in order.
    async fn put_slot(
        &self,
        site_id: &str,
        key: &str,
        name: &str,
        article_ids: &[i64],
        now: i64,
    ) -> StoreResult<Slot>;
}

pub type DynStore = Arc<dyn Store>;

/// Open the database, creating it if needed (SQLite), and bring its schema up
/// to date, with the connections a server keeps for concurrent requests.
pub async fn open(location: &Location) -> StoreResult<DynStore> {
    open_with(location, None).await
}

/// `open`, with at most `connections` connections when given: a batch job
/// (the static build) wants one per worker. Fewer SQLite connections also
/// means fewer memory maps of the file, each of which a full build would
/// otherwise read through (and count in its resident memory) in turn.
pub async fn open_with(location: &Location, connections: Option<u32>) -> StoreResult<DynStore> {
    let store: DynStore = match location {
        Location::Sqlite(file) => Arc::new(
            sqlite::SqliteStore::open(file, connections.unwrap_or(sqlite::CONNECTIONS)).await?,
        ),
        Location::Postgres { url, schema } => Arc::new(
            postgres::PgStore::connect(
                url,
                schema.as_deref(),
                connections.unwrap_or(postgres::CONNECTIONS),
            )
            .await?,
        ),
    };
    store.migrate().await?;
    Ok(store)
}

/// Called when another process may have committed changes.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<crate::domain::user::Role>,
    pub scopes: Vec<crate::domain::user::Scope>,
}

/// A story as the newsroom lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryRow {
    pub id: i64,
    pub site_id: String,
    pub channel_id: i64,
    pub title: String,
    pub status: crate::domain::Status,
    pub work: crate::domain::workflow::Work,
    pub author_id: Option<i64>,
    pub updated_at: i64,
    pub signed_at: Option<i64>,
    pub url_path: Option<String>,
    pub version: i64,
}

/// The workflow side of one story.
#[derive(Debug, Clone)]
pub struct WorkState {
    pub article: Article,
    pub work: crate::domain::workflow::Work,
    pub author_id: Option<i64>,
    pub work_revision: Option<i64>,
    /// Who acted at which level in the current review cycle.
    pub acts: Vec<(u8, i64)>,
    /// Who saved the text now under review: the authors of the revisions
    /// made since the story last went live (all of them for a story never
    /// published). None of them reviews or signs it off.
    pub editors: Vec<i64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Revision {
    pub id: i64,
    pub article_id: i64,
    pub number: i64,
    pub draft: crate::domain::draft::Draft,
    pub author_id: Option<i64>,
    pub author: String,
    pub created_at: i64,
}

/// One row of the publication record.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// `None` for acts on no story (sign-ins, settings, accounts).
    pub article_id: Option<i64>,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub level: Option<i64>,
    pub opinion: String,
    pub revision_id: Option<i64>,
    pub title: String,
    pub url: String,
    /// What a non-story act was done to (`user:NAME`, `site:ID`, `slot:SITE/KEY`).
    pub subject: String,
    /// What changed, in words.
    pub detail: String,
    /// The client's address.
    pub address: String,
    /// The revision's number as the story's screen counts it.
    pub revision_number: Option<i64>,
    /// Review levels of the story's channel (for state labels).
    pub levels: Option<i64>,
}

/// Filters of the newsroom's story lists.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    pub author_id: Option<i64>,
    /// `draft`, `review`, `scheduled`, `live`, `withdrawn`.
    pub state: Option<String>,
    pub review_level: Option<u8>,
    pub site_id: Option<String>,
    pub channel_id: Option<i64>,
    /// Only these channels (a person's scope, a channel and its subtree).
    pub channel_ids: Option<Vec<i64>>,
    pub id: Option<i64>,
    /// The 签发人 by the name the story records.
    pub signer: Option<String>,
    /// `updated_at >= from` and `< to`.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub title_contains: Option<String>,
    /// Keyset: rows strictly older than (updated_at, id).
    pub before: Option<(i64, i64)>,
    pub limit: i64,
}

/// A story with work pending, as the navigation counts it.
#[derive(Debug, Clone)]
pub struct InWork {
    pub id: i64,
    pub site_id: String,
    pub channel_id: i64,
    pub author_id: Option<i64>,
    pub work: crate::domain::workflow::Work,
}

/// A background job (DESIGN.md §6).
/// Job kinds that may run for minutes: claimed one at a time by their own
/// runner (`claim_job_of`), never by `claim_jobs`.
pub const LONG_JOBS: &[&str] = &["video_process"];

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub run_at: i64,
    pub attempts: i64,
}

/// What the workflow decided, for storage to apply in one transaction.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub article_id: i64,
    pub expected_version: i64,
    pub from: crate::domain::workflow::Flow,
    pub outcome: &'a crate::domain::workflow::Outcome,
    pub action: &'a str,
    /// (id, display name); `None` id for the scheduler.
    pub actor: (Option<i64>, String),
    pub now: i64,
    /// What the record row says beside the opinion (the 举报 it answers).
    pub detail: &'a str,
}

/// The newsroom's storage: accounts, sessions, revisions, workflow, audit, jobs.
#[async_trait]
pub trait Newsroom: Send + Sync {
    async fn create_user(&self, user: &NewUser, now: i64) -> StoreResult<i64>;
    async fn user(&self, id: i64) -> StoreResult<Option<crate::domain::user::User>>;
    /// The user and their password hash, by user name.
    async fn user_with_hash(
        &self,
        username: &str,
    ) -> StoreResult<Option<(crate::domain::user::User, String)>>;
    async fn users(&self) -> StoreResult<Vec<crate::domain::user::User>>;
    async fn update_user(&self, user: &crate::domain::user::User) -> StoreResult<()>;
    async fn set_password(&self, user_id: i64, hash: &str, now: i64) -> StoreResult<()>;

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
        expires: i64,
    ) -> StoreResult<()>;
    /// The live session's user and CSRF token.
    async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(crate::domain::user::User, String)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// When each of `keys` failed to sign in at or after `since`.
    async fn login_failures(&self, keys: &[String], since: i64) -> StoreResult<Vec<(String, i64)>>;
    /// A failed sign-in at `at` under each of `keys`; failures before
    /// `forget_before` (of any key) are dropped.
    async fn record_login_failure(
        &self,
        keys: &[String],
        at: i64,
        forget_before: i64,
    ) -> StoreResult<()>;
    /// Forget the failures under `key` (a successful sign-in).
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// Forget the failures of every key starting with `prefix`.
    async fn clear_login_failures_prefix(&self, prefix: &str) -> StoreResult<()>;
    async fn delete_sessions_of(&self, user_id: i64) -> StoreResult<()>;

    /// A new story in draft with its first revision; returns its id.
    async fn create_story(
        &self,
        site_id: &str,
        draft: &crate::domain::draft::Draft,
        author: &crate::domain::user::User,
        now: i64,
    ) -> StoreResult<i64>;
    /// Save a revision if the story is still at `expected_version`, else `Conflict`.
    /// A never-published story's row follows the draft; a live one stays as it is.
    async fn save_draft(
        &self,
        id: i64,
        expected_version: i64,
        draft: &crate::domain::draft::Draft,
        author: &crate::domain::user::User,
        now: i64,
    ) -> StoreResult<i64>;
    async fn work_state(&self, id: i64) -> StoreResult<Option<WorkState>>;
    async fn revisions(&self, article_id: i64) -> StoreResult<Vec<Revision>>;
    async fn revision(&self, article_id: i64, number: i64) -> StoreResult<Option<Revision>>;
    /// The revision being worked on (or the latest one).
    async fn working_revision(&self, article_id: i64) -> StoreResult<Option<Revision>>;
    /// Apply a workflow decision: state, live content, listings, slots,
    /// corrections, audit record, jobs and change log, in one transaction.
    async fn apply_transition(&self, t: &Transition<'_>) -> StoreResult<()>;
    async fn stories(&self, filter: &StoryFilter) -> StoreResult<Vec<StoryRow>>;
    /// Every story with work pending (drafts, reviews, schedules) as
    /// (id, site, channel, author, work), and how many of `author_id`'s
    /// drafts were sent back by their last workflow act: the nav counts.
    async fn in_work(&self, author_id: i64) -> StoreResult<(Vec<InWork>, i64)>;
    /// Keep a person's working copy of a story (replacing the last one).
    async fn put_autosave(
        &self,
        article_id: i64,
        user_id: i64,
        draft: &crate::domain::draft::Draft,
        base_version: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// A person's working copy: (draft, version it was based on, saved at).
    async fn autosave(
        &self,
        article_id: i64,
        user_id: i64,
    ) -> StoreResult<Option<(crate::domain::draft::Draft, i64, i64)>>;
    async fn drop_autosave(&self, article_id: i64, user_id: i64) -> StoreResult<()>;

    async fn audit_of(&self, article_id: i64) -> StoreResult<Vec<AuditEntry>>;
    /// The whole record, oldest first, optionally from a time on.
    async fn audit_all(&self, since: Option<i64>, limit: i64) -> StoreResult<Vec<AuditEntry>>;

    async fn enqueue_job(&self, kind: &str, key: &str, run_at: i64) -> StoreResult<i64>;
    /// Claim up to `limit` due jobs for `lease` seconds on behalf of `node`;
    /// a job is never claimed by two runners while its claim holds.
    async fn claim_jobs(
        &self,
        node: &str,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> StoreResult<Vec<Job>>;
    /// Claim one due job of `kind` (a long kind: [`LONG_JOBS`], which
    /// `claim_jobs` leaves to its own runner so a video never holds up a
    /// scheduled publication).
    async fn claim_job_of(
        &self,
        kind: &str,
        node: &str,
        now: i64,
        lease: i64,
    ) -> StoreResult<Option<Job>>;
    /// Hold `node`'s claim of job `id` until `until` (a long job renews its
    /// lease while it runs); `false` when the claim is no longer `node`'s.
    async fn extend_claim(&self, id: i64, node: &str, until: i64) -> StoreResult<bool>;
    /// Give back `node`'s unfinished claims (graceful shutdown), so another
    /// node runs them at once instead of after the lease; returns how many.
    async fn release_jobs(&self, node: &str) -> StoreResult<u64>;
    async fn finish_job(&self, id: i64, now: i64) -> StoreResult<()>;
    async fn fail_job(&self, id: i64, error: &str, retry_at: i64) -> StoreResult<()>;

    async fn sensitive_words(&self) -> StoreResult<Vec<SensitiveWord>>;
    async fn add_sensitive_word(
        &self,
        word: &str,
        category: &str,
        severity: &str,
        now: i64,
    ) -> StoreResult<()>;
    async fn delete_sensitive_word(&self, id: i64) -> StoreResult<()>;
}
