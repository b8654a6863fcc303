//! The static exports' bookkeeping (`Exports`, see `crate::export`): per
//! output directory, a cursor in the change log and each file's dependency
//! keys, so an incremental build rewrites exactly the affected files.

use async_trait::async_trait;

use super::StoreResult;

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
