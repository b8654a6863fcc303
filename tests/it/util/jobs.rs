//! What a test leaves behind in the job queue. Every test ends with no job
//! of its own left due (checked when its `TestApp` drops): a job the test
//! made and did not run is work a person would wait for (a picture without
//! its sizes, a story never published) that the test did not look at. The
//! demo's own jobs (its pictures' variants, its videos) are the fixture's,
//! not the test's: they are counted from after the demo is loaded.

use std::path::PathBuf;

/// Where a test's database is, to read its queue from outside the test's
/// runtime (a drop runs outside async).
pub enum Queue {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

/// The jobs after `after_id` due at `now` that no runner holds:
/// `kind key (last error)`.
pub fn left_due(queue: &Queue, after_id: i64, now: i64) -> Vec<String> {
    const DUE: &str = "SELECT kind, key, COALESCE(last_error, '') FROM jobs \
         WHERE id > $2 AND done_at IS NULL AND run_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY id";
    read(queue, DUE, now, after_id)
        .map(|rows| {
            rows.into_iter()
                .map(|(kind, key, error)| {
                    if error.is_empty() {
                        format!("{kind} {key}")
                    } else {
                        format!("{kind} {key} ({error})")
                    }
                })
                .collect()
        })
        // the database went with the test (a PostgreSQL schema dropped
        // first): nothing to say about it
        .unwrap_or_default()
}

/// The newest job's id (0 for none).
pub fn last_id(queue: &Queue) -> i64 {
    const LAST: &str = "SELECT 'last', CAST(COALESCE(MAX(id), 0) AS TEXT), '' FROM jobs \
         WHERE $1 = $1 AND $2 = $2";
    read(queue, LAST, 0, 0)
        .ok()
        .and_then(|rows| rows.first().and_then(|r| r.1.parse().ok()))
        .expect("the job queue can be read")
}

type Row = (String, String, String);

/// Run one query of three text columns with two integer parameters on a
/// thread of its own (a drop runs outside async, and the test's runtime may
/// be single-threaded).
fn read(queue: &Queue, sql: &'static str, a: i64, b: i64) -> Result<Vec<Row>, sqlx::Error> {
    let queue = match queue {
        Queue::Sqlite(p) => Queue::Sqlite(p.clone()),
        Queue::Postgres { url, schema } => Queue::Postgres {
            url: url.clone(),
            schema: schema.clone(),
        },
    };
    let read = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime to read the job queue");
        rt.block_on(async move {
            use sqlx::Connection as _;
            let rows: Vec<Row> = match queue {
                Queue::Sqlite(path) => {
                    let opts = sqlx::sqlite::SqliteConnectOptions::new()
                        .filename(path)
                        .read_only(true);
                    let mut c = sqlx::SqliteConnection::connect_with(&opts).await?;
                    sqlx::query_as(sql)
                        .bind(a)
                        .bind(b)
                        .fetch_all(&mut c)
                        .await?
                }
                Queue::Postgres { url, schema } => {
                    let mut c = sqlx::PgConnection::connect(&url).await?;
                    sqlx::query(&format!("SET search_path TO {schema}"))
                        .execute(&mut c)
                        .await?;
                    sqlx::query_as(sql)
                        .bind(a)
                        .bind(b)
                        .fetch_all(&mut c)
                        .await?
                }
            };
            Ok::<_, sqlx::Error>(rows)
        })
    });
    read.join().expect("the queue reader does not panic")
}
