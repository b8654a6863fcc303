//! Storage: the `Store` trait is the only way to the database (DESIGN.md §7).
//!
//! SQL lives only under `db/`. Queries are runtime-checked and written once,
//! in `db/portable/`, in the subset of SQL that SQLite and PostgreSQL share
//! (`$1` placeholders, `ON CONFLICT`, `RETURNING`, BIGINT everywhere); each
//! backend compiles them with its own types and spells the rest (`dialect`).
//!
//! One trait per aggregate, each in its own file with its row and input
//! types (`Sites`, `Articles`, `Listings`, `Changes`, `Curation`, `Exports`,
//! `Users`, `Stories`, `StoryList`, `Jobs`, `Words`, `Record`, `Pictures`,
//! `Videos`, `Live`, `Reports`, `Topics`, `Reach`, `Rankings`, and planning's `Plans`, `Assignments`,
//! `Tips`, `Roster`, `Webhooks`; the content API's `Api`, the outward followers' cursors `Followers`); `Store` combines them with the database's
//! lifecycle. Callers hold a `DynStore` and call any of them on it.

pub mod api;
pub mod articles;
pub mod assignments;
pub mod changes;
pub mod curation;
pub mod error;
pub mod exports;
pub mod followers;
pub mod jobs;
pub mod listings;
pub mod live;
pub mod location;
pub mod pictures;
pub mod plans;
pub mod postgres;
pub mod rankings;
pub mod reach;
pub mod record;
pub mod reports;
pub mod roster;
pub mod sites;
pub mod sqlite;
pub mod stories;
pub mod story_list;
pub mod tips;
pub mod topics;
pub mod users;
pub mod videos;
pub mod webhooks;
pub mod words;

pub use api::{Api, ApiKey, NewApiKey, PublicStories};
pub use articles::{Articles, Imported};
pub use assignments::{Assignee, Assignment, AssignmentFilter, Assignments, StoryState};
pub use changes::{Change, Changes, Wake, change_mark};
pub use curation::{Curation, Slot, SlotItem};
pub(crate) use error::reusable;
pub use error::{StoreError, StoreResult};
pub use exports::{ExportState, Exports};
pub use followers::Followers;
pub use jobs::{Job, Jobs};
pub use listings::{Listings, TaggedBefore};
pub use live::{Awaiting, Live, NewEntry};
pub use location::Location;
pub use pictures::{LibraryQuery, NewPicture, PictureMeta, PictureUseOf, Pictures};
pub use plans::{Budget, Coverage, Plan, PlanFilter, Plans, Proposer};
pub use rankings::{Ranked, Rankings, Removal};
pub use reach::{CountedRow, Reach, ViewCount};
pub use record::{Actor, AuditEntry, AuditQuery, Event, Record, RecordScope};
pub use reports::{Attempt, Filing, Limits, NewReport, ReportFilter, Reports};
pub use roster::Roster;
pub use sites::Sites;
pub use stories::{Revision, Stories, Transition, WorkState};
pub use story_list::{InWork, StoryFilter, StoryList, StoryRow};
pub use tips::{ReaderTip, Tip, TipFiling, Tips};
pub use topics::Topics;
pub use users::{NewUser, Users};
pub use videos::{NewVideo, VideoQuery, Videos};
pub use webhooks::{Delivery, Webhook, Webhooks};
pub use words::Words;

use std::sync::Arc;

use async_trait::async_trait;

/// The storage interface both backends satisfy: every aggregate's trait,
/// and the database's lifecycle.
#[async_trait]
pub trait Store:
    Sites
    + Articles
    + Api
    + Followers
    + Listings
    + Changes
    + Curation
    + Exports
    + Users
    + Stories
    + StoryList
    + Jobs
    + Words
    + Record
    + Pictures
    + Videos
    + Live
    + Reports
    + Topics
    + Reach
    + Rankings
    + Plans
    + Assignments
    + Tips
    + Roster
    + Webhooks
    + Send
    + Sync
    + 'static
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

    /// The database's identity, drawn when it was created.
    async fn identity(&self) -> StoreResult<String>;
    /// Write one small row and commit: proves the database takes writes.
    async fn probe_write(&self, now: i64) -> StoreResult<()>;
    /// A quick check of the database's structure: `Ok(None)` when sound (or
    /// the backend checks itself), `Ok(Some(what))` when damaged.
    async fn integrity_check(&self) -> StoreResult<Option<String>>;
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
