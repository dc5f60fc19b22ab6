//! Where the store lives: a SQLite file under the data directory, or a PostgreSQL URL.

use std::fmt;
use std::path::PathBuf;

/// The file name of the embedded store inside the data directory.
pub const SQLITE_FILE: &str = "crest.db";

/// Which store to open.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// An embedded SQLite database in this directory (created if missing).
    Sqlite { data_dir: PathBuf },
    /// A PostgreSQL server; the URL may hold a password, so `Debug` masks it.
    Postgres { url: String },
}

impl StoreLocation {
    /// Chooses the backend from the configuration: a `postgres://` (or `postgresql://`) URL selects
    /// PostgreSQL, anything else is refused; no URL means the embedded store.
    pub fn from_config(data_dir: PathBuf, database_url: Option<&str>) -> Result<Self, String> {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Self::Sqlite { data_dir }),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres { url: url.to_owned() })
            }
            Some(_) => Err(
                "CREST_DATABASE_URL must be a postgres:// URL (leave it unset for the embedded store)"
                    .into(),
            ),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

impl fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { data_dir } => f
                .debug_struct("Sqlite")
                .field("data_dir", data_dir)
                .finish(),
            Self::Postgres { url } => f
                .debug_struct("Postgres")
                .field("url", &mask_password(url))
                .finish(),
        }
    }
}

impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { data_dir } => {
                write!(f, "sqlite:{}", data_dir.join(SQLITE_FILE).display())
            }
            Self::Postgres { url } => f.write_str(&mask_password(url)),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".into();
    };
    let (authority, tail) = rest.split_once('/').map_or((rest, ""), |(a, t)| (a, t));
    let masked_authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    // Query parameters may carry a password too (`?password=`): drop them from what is shown.
    let path = tail.split('?').next().unwrap_or_default();
    format!("{scheme}://{masked_authority}/{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_mask_the_password() {
        let loc = StoreLocation::Postgres {
            url: "postgres://crest:hunter2@db:5432/crest?password=hunter3".into(),
        };
        for shown in [format!("{loc:?}"), loc.to_string()] {
            assert!(!shown.contains("hunter"), "{shown}");
            assert!(shown.contains("crest:***@db:5432/crest"), "{shown}");
        }
    }

    #[test]
    fn backend_is_chosen_by_url() {
        let dir = PathBuf::from("d");
        assert_eq!(
            StoreLocation::from_config(dir.clone(), None).map(|l| l.backend()),
            Ok("sqlite")
        );
        assert_eq!(
            StoreLocation::from_config(dir.clone(), Some("postgres://x/y")).map(|l| l.backend()),
            Ok("postgres")
        );
        assert!(StoreLocation::from_config(dir, Some("mysql://x")).is_err());
    }
}
