//! [`SqlStore`]: the domain's store interface over either SQL backend.

use async_trait::async_trait;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::clock::EpochMillis;
use crest_domain::group::GroupRef;
use crest_domain::permission::Permission;
use crest_domain::store::{
    AccountChange, AccountPage, BootstrapApplied, BootstrapPlan, NewAccount, NewToken, Store,
    StoreError, TokenCreated, TokenOwner,
};
use crest_domain::token::{TokenDigest, TokenId, TokenRecord};

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

    async fn accounts_of_kind(&self, kind: AccountKind) -> Result<Vec<AccountRecord>, StoreError> {
        self.accounts_where("a.kind", kind.as_str()).await
    }

    async fn account(&self, id: &AccountId) -> Result<Option<AccountRecord>, StoreError> {
        Ok(self.accounts_where("a.id", id.as_str()).await?.pop())
    }

    async fn groups_of(&self, id: &AccountId) -> Result<Vec<GroupRef>, StoreError> {
        self.account_groups(id).await
    }

    async fn create_account(&self, account: &NewAccount) -> Result<bool, StoreError> {
        self.insert_account(account).await
    }

    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.change_account(id, change, now).await
    }

    async fn set_permission(
        &self,
        id: &AccountId,
        permission: Permission,
        granted: bool,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.change_permission(id, permission, granted, now).await
    }

    async fn delete_account(&self, id: &AccountId) -> Result<bool, StoreError> {
        self.remove_account(id).await
    }

    async fn tokens_of(&self, id: &AccountId) -> Result<Vec<TokenRecord>, StoreError> {
        self.account_tokens(id).await
    }

    async fn all_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        self.live_tokens(None).await
    }

    async fn token(&self, id: TokenId) -> Result<Option<TokenRecord>, StoreError> {
        Ok(self.live_tokens(Some(id)).await?.pop())
    }

    async fn create_token(
        &self,
        token: &NewToken,
        limit: usize,
    ) -> Result<TokenCreated, StoreError> {
        self.insert_token(token, limit).await
    }

    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        self.set_token_name(account, token, name).await
    }

    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.mark_token_revoked(account, token, now).await
    }
}
