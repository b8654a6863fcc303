//! Which database a test runs on: SQLite in a temporary directory, or a fresh
//! PostgreSQL schema (dropped afterwards) so reruns and parallel tests never
//! see each other's data.

use std::sync::atomic::{AtomicU32, Ordering};

use gazette::db::{DynStore, Location};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests use: `GAZETTE_TEST_DATABASE_URL`, else the
/// CI machine's (127.0.0.1:5432, trust auth, database `test`).
pub fn pg_url() -> String {
    std::env::var("GAZETTE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A schema name no other test run uses.
pub fn fresh_schema(case: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let case: String = case
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    format!(
        "gzt_{case}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether the PostgreSQL server answers; if not, say so plainly (and fail
/// under CI, where it must be there).
pub async fn pg_available(what: &str) -> bool {
    let url = pg_url();
    let probe = async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&url).await?;
        sqlx::query("SELECT 1").execute(&mut c).await?;
        c.close().await
    };
    match tokio::time::timeout(std::time::Duration::from_secs(5), probe).await {
        Ok(Ok(())) => true,
        outcome => {
            let why = match outcome {
                Ok(Err(e)) => e.to_string(),
                _ => "no answer in 5 s".into(),
            };
            let msg = format!(
                "NOT RUN: the PostgreSQL half of {what}: no server at {url} ({why}); \
                 set GAZETTE_TEST_DATABASE_URL"
            );
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("{msg}");
            false
        }
    }
}

/// A schema that is dropped when the test ends (even when it fails).
pub struct PgSchema {
    pub url: String,
    pub name: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        // Drop runs outside async: a thread with its own small runtime
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                use sqlx::Connection;
                let mut c = sqlx::PgConnection::connect(&url).await.ok()?;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(&mut c)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

/// Open a migrated store on `backend` (None: PostgreSQL is not there, and
/// the caller returns after the NOT RUN line).
pub async fn open(
    backend: Backend,
    dir: &std::path::Path,
    case: &str,
) -> Option<(DynStore, Option<PgSchema>)> {
    match backend {
        Backend::Sqlite => Some((
            gazette::db::open(&Location::Sqlite(dir.join("gazette.db")))
                .await
                .expect("open SQLite store"),
            None,
        )),
        Backend::Postgres => {
            if !pg_available(case).await {
                return None;
            }
            let schema = PgSchema {
                url: pg_url(),
                name: fresh_schema(case),
            };
            let store = gazette::db::open(&Location::Postgres {
                url: schema.url.clone(),
                schema: Some(schema.name.clone()),
            })
            .await
            .expect("open PostgreSQL store");
            Some((store, Some(schema)))
        }
    }
}
