//! What can go wrong in storage (`StoreError`, `StoreResult`), how callers
//! tell the kinds apart (a rule broken, a full disk, a damaged file), and
//! whether a connection handed back to its pool may be reused.

/// Whether a connection handed back to its pool may serve the next caller.
/// One still inside a transaction is closed instead: its caller was dropped
/// mid-transaction (a cancelled future between BEGIN and the `Transaction`
/// that would roll it back), or a failed COMMIT/ROLLBACK (disk full) left the
/// driver's count out of step with the database. Reusing it would keep
/// SQLite's write lock held for good, or run the next caller's statements in
/// someone else's transaction; closing it makes the database roll back.
pub(crate) fn reusable<C: sqlx::Connection>(conn: &C) -> bool {
    let clean = !conn.is_in_transaction();
    if !clean {
        tracing::warn!("closing a database connection returned inside a transaction");
    }
    clean
}

/// What can go wrong in storage, as callers need to tell it apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    /// Input that breaks a rule of the content model (caller's fault).
    #[error("{0}")]
    Invalid(String),
    /// Another writer changed the record first (optimistic locking).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database was written by a newer Gazette.
    #[error(
        "the database at {0} was created by a newer version of Gazette (schema version {1}); \
         run a newer gazette, or use another --data-dir"
    )]
    NewerSchema(String, i64),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the error comes from the data being written (a rule or a
    /// constraint it breaks) rather than from the database itself.
    pub fn is_data_error(&self) -> bool {
        match self {
            StoreError::NotFound(_) | StoreError::Invalid(_) | StoreError::Conflict(_) => true,
            StoreError::Db(sqlx::Error::Database(d)) => {
                d.is_unique_violation() || d.is_foreign_key_violation() || d.is_check_violation()
            }
            _ => false,
        }
    }

    /// Whether a UNIQUE constraint refused the write.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(d)) if d.is_unique_violation())
    }

    /// Whether the database could not write for want of space (SQLite's
    /// SQLITE_FULL, PostgreSQL's disk_full, or the OS's ENOSPC): nothing was
    /// written, and the same write succeeds once space is freed.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(d)) => {
                sqlite_code(d.as_ref()) == Some(13) || pg_state(d.as_ref()) == Some("53100")
            }
            StoreError::Db(sqlx::Error::Io(e)) => e.raw_os_error() == Some(28),
            _ => false,
        }
    }

    /// Whether the database file (or a PostgreSQL page) is damaged: SQLite's
    /// SQLITE_CORRUPT and SQLITE_NOTADB, PostgreSQL's data/index_corrupted.
    pub fn is_corrupt(&self) -> bool {
        match self {
            StoreError::Corrupt(_) => true,
            StoreError::Db(sqlx::Error::Database(d)) => {
                matches!(sqlite_code(d.as_ref()), Some(11 | 26))
                    || matches!(pg_state(d.as_ref()), Some("XX001" | "XX002"))
            }
            _ => false,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// SQLite's primary result code of an error (extended codes masked).
fn sqlite_code(d: &dyn sqlx::error::DatabaseError) -> Option<i32> {
    let e = d.try_downcast_ref::<sqlx::sqlite::SqliteError>()?;
    Some(sqlx::error::DatabaseError::code(e)?.parse::<i32>().ok()? & 0xff)
}

/// PostgreSQL's SQLSTATE of an error.
fn pg_state(d: &dyn sqlx::error::DatabaseError) -> Option<&str> {
    Some(
        d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?
            .code(),
    )
}
