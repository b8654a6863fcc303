//! One file per subcommand, each with a `run()`.

pub mod build;
pub mod import;
pub mod migrate;
pub mod reindex;
pub mod serve;
pub mod user;

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

/// Open the store under `dir`, migrated, with readable errors.
pub async fn open_store(dir: &Path) -> anyhow::Result<crate::db::DynStore> {
    prepare_data_dir(dir)?;
    crate::db::open(dir).await.map_err(|e| match e {
        e @ crate::db::StoreError::NewerSchema(..) => anyhow::anyhow!(e),
        e => anyhow::anyhow!("cannot open the database in {}: {e}", dir.display()),
    })
}
