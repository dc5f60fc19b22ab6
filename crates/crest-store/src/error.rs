//! How database failures become the domain's [`StoreError`].

use crest_domain::store::StoreError;

/// Classifies a driver error. Bound values are never part of sqlx's messages, so nothing secret
/// travels onwards.
pub(crate) fn store_error(e: sqlx::Error) -> StoreError {
    match &e {
        // PostgreSQL's query_canceled (the statement timeout, or a cancel), SQLite's
        // SQLITE_INTERRUPT (the search's progress handler): the statement ran too long.
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("57014" | "9")) => {
            StoreError::Unavailable(format!(
                "the statement was cancelled (it ran longer than the statement timeout, or its \
                 request ended): {e}"
            ))
        }
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_owned())
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(e.to_string())
        }
        sqlx::Error::Tls(_) | sqlx::Error::Configuration(_) => {
            StoreError::Unavailable(e.to_string())
        }
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_) => StoreError::Corrupt(e.to_string()),
        _ => StoreError::Other(e.to_string()),
    }
}

pub(crate) fn migrate_error(e: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Other(format!("migration failed: {e}"))
}
