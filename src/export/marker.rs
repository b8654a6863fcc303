//! Where an export is recorded, and the marker file in its directory that
//! says which database and which change its files reflect.

use std::path::Path;

use anyhow::Context as _;

use crate::state::AppState;

/// The key under which an export is recorded: its directory, absolute.
pub(super) fn export_key(out: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let abs =
        std::fs::canonicalize(out).with_context(|| format!("cannot resolve {}", out.display()))?;
    Ok(abs.to_string_lossy().into_owned())
}

/// The file in an output directory that says which database and which
/// change the files reflect. The database keeps its own record of the
/// export (`exports`), but a database restored from a backup has an older
/// one: its cursor would make an incremental build skip the changes the
/// files already hold and keep pages of stories it never had.
pub const MARKER: &str = ".gazette-export";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct Marker {
    db: String,
    pub(super) seq: i64,
    mark: Option<String>,
    /// The year (China Standard Time) the files were written in: list
    /// dates read `MM-DD` within it (`domain::text::list_date`), so a new
    /// year needs every list rewritten.
    #[serde(default)]
    pub(super) year: i32,
}

pub(super) async fn marker_at(state: &AppState, seq: i64) -> anyhow::Result<Marker> {
    let store = state.store.as_ref();
    Ok(Marker {
        db: store.identity().await?,
        seq,
        mark: store.change_mark(seq).await?,
        year: {
            use chrono::Datelike as _;
            crate::domain::text::to_cst(state.now()).year()
        },
    })
}

pub(super) fn read_marker(out: &Path) -> Option<Marker> {
    serde_json::from_slice(&std::fs::read(out.join(MARKER)).ok()?).ok()
}
