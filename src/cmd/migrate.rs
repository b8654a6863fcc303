//! `gazette migrate`: create or upgrade the schema, then exit.

use crate::cli::MigrateArgs;

pub async fn run(args: MigrateArgs) -> anyhow::Result<()> {
    let store = super::open_store(&args.data).await?;
    store.close().await;
    let location = crate::db::Location::from_args(
        &args.data.data_dir,
        args.data.database_url.as_deref(),
        args.data.database_schema.as_deref(),
    )
    .map_err(anyhow::Error::msg)?;
    let shown = super::describe(&location);
    tracing::info!(database = %shown, "database is up to date");
    println!("{shown} is up to date");
    Ok(())
}
