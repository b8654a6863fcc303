//! One file per subcommand, each with a `run()`.

pub mod api_key;
pub mod build;
pub mod import;
pub mod migrate;
pub mod reindex;
pub mod serve;
pub mod user;
pub mod views;

use std::path::Path;

use anyhow::{Context as _, bail};

/// Make sure the data directory exists and is writable, with a message that
/// says what to do when it is not.
pub fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!("cannot create the data directory {}; choose another with --data-dir or fix its permissions", dir.display())
    })?;
    let probe = dir.join(".gazette-write-test");
    if let Err(e) = std::fs::write(&probe, b"ok") {
        bail!(
            "the data directory {} is not writable ({e}); choose another with --data-dir or fix its permissions",
            dir.display()
        );
    }
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Open the store the arguments name (SQLite under the data directory, or
/// PostgreSQL), migrated, with readable errors.
pub async fn open_store(args: &crate::cli::DataArgs) -> anyhow::Result<crate::db::DynStore> {
    open_store_with(args, None).await
}

/// Open the store of an existing installation: a SQLite data directory with
/// no database yet is an error that says what to run, not a fresh empty
/// database (a mistyped --data-dir would otherwise import into, or add a
/// user to, a database no server reads).
pub async fn open_existing_store(
    args: &crate::cli::DataArgs,
) -> anyhow::Result<crate::db::DynStore> {
    open_existing_store_with(args, None).await
}

/// `open_existing_store` with at most `connections` connections when given.
pub async fn open_existing_store_with(
    args: &crate::cli::DataArgs,
    connections: Option<u32>,
) -> anyhow::Result<crate::db::DynStore> {
    if args.database_url.is_none() {
        let file = args.data_dir.join(crate::db::sqlite::FILE_NAME);
        if !file.exists() {
            bail!(
                "数据目录 {dir} 里还没有数据库:先运行 gazette migrate --data-dir {dir}(或 gazette serve)建立它,或用 --data-dir 指向已有的数据目录",
                dir = args.data_dir.display()
            );
        }
    }
    open_store_with(args, connections).await
}

/// `open_store` with at most `connections` database connections when given.
pub async fn open_store_with(
    args: &crate::cli::DataArgs,
    connections: Option<u32>,
) -> anyhow::Result<crate::db::DynStore> {
    let dir = &args.data_dir;
    prepare_data_dir(dir)?;
    let location = crate::db::Location::from_args(
        dir,
        args.database_url.as_deref(),
        args.database_schema.as_deref(),
    )
    .map_err(anyhow::Error::msg)?;
    let shown = describe(&location);
    crate::db::open_with(&location, connections)
        .await
        .map_err(|e| match e {
            e @ crate::db::StoreError::NewerSchema(..) => anyhow::anyhow!(e),
            e => anyhow::anyhow!("cannot open {shown}: {e}"),
        })
}

/// The database in words, for messages (never with a password).
pub fn describe(location: &crate::db::Location) -> String {
    match location {
        crate::db::Location::Sqlite(file) => format!("the database {}", file.display()),
        crate::db::Location::Postgres { schema, .. } => match schema {
            Some(s) => format!("the PostgreSQL database (--database-url), schema {s}"),
            None => "the PostgreSQL database (--database-url)".into(),
        },
    }
}
