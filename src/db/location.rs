//! Which database a process works on (`Location`): the embedded SQLite file
//! or a PostgreSQL URL, read from `--database-url`.

use std::path::Path;

use super::sqlite;

/// Which database a process works on.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The embedded SQLite database file (by default `gazette.db` in the
    /// data directory). Several processes on one machine may share it.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database shared by several nodes; with a schema, every
    /// connection works in it (created if missing).
    Postgres { url: String, schema: Option<String> },
}

impl Location {
    /// From `--database-url` (absent: SQLite under the data directory).
    pub fn from_args(
        data_dir: &Path,
        url: Option<&str>,
        schema: Option<&str>,
    ) -> Result<Self, String> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Location::Sqlite(data_dir.join(sqlite::FILE_NAME))),
            Some(u) if u.starts_with("sqlite:") => {
                let path = u.trim_start_matches("sqlite:").trim_start_matches("//");
                if path.is_empty() || path.contains('?') {
                    return Err(format!(
                        "--database-url {u:?}: write sqlite://PATH to a database file, without options"
                    ));
                }
                Ok(Location::Sqlite(path.into()))
            }
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Location::Postgres {
                    url: u.to_string(),
                    schema: schema.map(str::to_string).filter(|s| !s.is_empty()),
                })
            }
            Some(u) => Err(format!(
                "--database-url must be a postgres:// or sqlite:// URL (leave it out for the embedded SQLite database in the data directory), got {:?}",
                u.split('@').next_back().unwrap_or(u)
            )),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Location::Postgres { .. })
    }
}
