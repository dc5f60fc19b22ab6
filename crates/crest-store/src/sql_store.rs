//! [`SqlStore`]: the domain's store interface over either SQL backend. Opening and closing live
//! here; each concern's module implements its role trait (`accounts.rs` the `AccountStore`, and so
//! on).

use async_trait::async_trait;
use crest_domain::store::{StoreBackend, StoreError};

use crate::db::{Db, Open, with_pool};
use crate::location::StoreLocation;

/// A store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) db: Db,
    backend: &'static str,
}

impl SqlStore {
    /// Opens (creating if needed) and migrates the store at `location`, as `crest serve` does.
    pub async fn open(location: &StoreLocation) -> Result<Self, StoreError> {
        Ok(Self {
            db: Db::open(location, Open::CreateIfMissing).await?,
            backend: location.backend(),
        })
    }

    /// Opens the store at `location` only if it exists (crest's tables are there), as
    /// `crest admin` does: a mistyped data directory or database is an error, and nothing is
    /// created. An existing store is migrated like [`SqlStore::open`] would.
    pub async fn open_existing(location: &StoreLocation) -> Result<Self, StoreError> {
        Ok(Self {
            db: Db::open(location, Open::ExistingOnly).await?,
            backend: location.backend(),
        })
    }

    /// The statement timeout a pooled PostgreSQL connection runs with, as `SHOW
    /// statement_timeout` reads it; `None` on SQLite (see [`crate::bounded`]).
    pub async fn statement_timeout(&self) -> Result<Option<String>, StoreError> {
        self.db.statement_timeout().await
    }

    /// Closes every connection; pending writes have already been committed.
    pub async fn close(&self) {
        self.db.close().await;
    }
}

#[async_trait]
impl StoreBackend for SqlStore {
    fn backend(&self) -> &'static str {
        self.backend
    }

    async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        })
    }
}
