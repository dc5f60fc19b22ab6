//! [`SqlStore`]: the domain's store interface over either SQL backend.

use async_trait::async_trait;
use crest_domain::store::{
    AccountPage, BootstrapApplied, BootstrapPlan, Store, StoreError, TokenOwner,
};
use crest_domain::token::TokenDigest;

use crate::db::{Db, with_pool};
use crate::error::store_error;
use crate::location::StoreLocation;

/// A store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) db: Db,
    backend: &'static str,
}

impl SqlStore {
    /// Opens (creating if needed) and migrates the store at `location`.
    pub async fn open(location: &StoreLocation) -> Result<Self, StoreError> {
        Ok(Self {
            db: Db::open(location).await?,
            backend: location.backend(),
        })
    }

    /// Closes every connection; pending writes have already been committed.
    pub async fn close(&self) {
        self.db.close().await;
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        self.backend
    }

    async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query("SELECT 1")
                .execute(pool)
                .await
                .map(|_| ())
                .map_err(store_error)
        })
    }

    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError> {
        self.find_token_owner(digest).await
    }

    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError> {
        self.bootstrap(plan).await
    }

    async fn list_accounts(&self, offset: u64, limit: u32) -> Result<AccountPage, StoreError> {
        self.accounts_page(offset, limit).await
    }
}
