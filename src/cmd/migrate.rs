//! `gazette migrate`: create or upgrade the schema, then exit.

use crate::cli::MigrateArgs;

pub async fn run(args: MigrateArgs) -> anyhow::Result<()> {
    super::open_store(&args.data.data_dir).await?;
    tracing::info!(data_dir = %args.data.data_dir.display(), "database is up to date");
    println!("database in {} is up to date", args.data.data_dir.display());
    Ok(())
}
