//! [`DbError`]: a failure inside this crate, and how it becomes the domain's [`StoreError`] once,
//! where a store operation ends ([`with_pool!`](crate::db::with_pool) and
//! [`write_tx!`](crate::write::write_tx)).

use crest_domain::store::StoreError;

/// What went wrong inside a store operation: a driver error (classified when it leaves the
/// crate), or a [`StoreError`] the operation decided on itself. `?` converts both.
#[derive(Debug)]
pub(crate) enum DbError {
    Sql(sqlx::Error),
    Migrate(sqlx::migrate::MigrateError),
    Store(StoreError),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        Self::Sql(e)
    }
}

impl From<sqlx::migrate::MigrateError> for DbError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Self::Migrate(e)
    }
}

impl From<StoreError> for DbError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Sql(e) => classify(e),
            DbError::Migrate(e) => StoreError::other("migration failed").because(e),
            DbError::Store(e) => e,
        }
    }
}

/// Classifies a driver error; the error itself stays the cause. Bound values are never part of
/// sqlx's messages, so nothing secret travels onwards.
fn classify(e: sqlx::Error) -> StoreError {
    let error = match &e {
        // PostgreSQL's query_canceled (the statement timeout, or a cancel), SQLite's
        // SQLITE_INTERRUPT (the search's progress handler): the statement ran too long.
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("57014" | "9")) => {
            StoreError::unavailable(
                "the statement was cancelled (it ran longer than the statement timeout, or its \
                 request ended)",
            )
        }
        // The database's own words name the constraint: what the client is told.
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::conflict(db.message()),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::unavailable("no connection to the database")
        }
        sqlx::Error::Tls(_) | sqlx::Error::Configuration(_) => {
            StoreError::unavailable("cannot connect to the database")
        }
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_) => StoreError::corrupt("a stored value cannot be read"),
        _ => StoreError::other("the database failed"),
    };
    error.because(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_driver_error_stays_the_cause() {
        let e = StoreError::from(DbError::from(sqlx::Error::PoolTimedOut));
        assert!(matches!(e, StoreError::Unavailable { .. }));
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(cause, Some(sqlx::Error::PoolTimedOut.to_string()));
    }

    #[test]
    fn a_decided_error_passes_unchanged() {
        let e = StoreError::from(DbError::from(StoreError::corrupt("token id")));
        assert_eq!(e.to_string(), "unexpected stored data: token id");
    }
}
