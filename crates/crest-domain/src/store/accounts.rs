//! [`AccountStore`]: accounts and their direct permissions; [`BootstrapStore`]: the bootstrap
//! that makes the first.

use async_trait::async_trait;

use crate::account::{AccountId, AccountKind, AccountRecord};
use crate::clock::EpochMillis;
use crate::permission::{Permission, PermissionSet};
use crate::store::StoreError;
use crate::token::{TokenDigest, TokenId};

/// One page of accounts and the total count they were cut from.
#[derive(Debug, Clone)]
pub struct AccountPage {
    pub items: Vec<AccountRecord>,
    pub total: u64,
}

/// What the bootstrap asks the store to make true, in one transaction.
#[derive(Debug, Clone)]
pub struct BootstrapPlan {
    pub admin: AccountId,
    pub permissions: PermissionSet,
    /// The public id the token gets if it has to be stored.
    pub token_id: TokenId,
    pub token_digest: TokenDigest,
    pub token_name: String,
    pub now: EpochMillis,
    /// Do nothing unless the store holds no account at all (a first start).
    pub only_if_empty: bool,
}

/// What applying a [`BootstrapPlan`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootstrapApplied {
    /// The administrator and the token were created.
    Created,
    /// Everything was already as planned.
    Unchanged,
    /// The administrator existed; the token is new and the previous bootstrap token was revoked.
    TokenReplaced,
    /// `only_if_empty` was set and the store already holds accounts.
    Skipped,
}

/// A new account; it joins its kind's system group.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: AccountId,
    pub kind: AccountKind,
    pub active: bool,
    pub description: String,
    pub permissions: PermissionSet,
    pub now: EpochMillis,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    pub active: Option<bool>,
    pub description: Option<String>,
    /// Replaces the account's direct permissions.
    pub permissions: Option<PermissionSet>,
}

/// What [`AccountStore::delete_accounts`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountsDeleted {
    /// These accounts were deleted (the named ones that existed), in the order named.
    Deleted(Vec<AccountId>),
    /// Nothing was deleted: no active Super Admin would have remained.
    LastSuperAdmin,
}

/// The first administrator and its token, made (or repaired) at start-up.
#[async_trait]
pub trait BootstrapStore: Send + Sync {
    /// Applies the bootstrap plan atomically.
    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError>;
}

/// Accounts. Every write changes what a credential may resolve to.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Accounts in identifier order.
    async fn list_accounts(&self, offset: u64, limit: u32) -> Result<AccountPage, StoreError>;

    /// Every account of one kind, in identifier order.
    async fn accounts_of_kind(&self, kind: AccountKind) -> Result<Vec<AccountRecord>, StoreError>;

    async fn account(&self, id: &AccountId) -> Result<Option<AccountRecord>, StoreError>;

    /// Creates the account; `false` when one with that id exists already (nothing changes).
    async fn create_account(&self, account: &NewAccount) -> Result<bool, StoreError>;

    /// Applies the change; `false` when there is no such account.
    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// Grants (or revokes) one direct permission; `false` when there is no such account.
    async fn set_permission(
        &self,
        id: &AccountId,
        permission: Permission,
        granted: bool,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// Deletes the named accounts that exist and, with them, their tokens, in one transaction,
    /// unless that would leave no active Super Admin while at least one of them is one (checked
    /// atomically: of two concurrent deletions of the last two, one is refused).
    async fn delete_accounts(&self, ids: &[AccountId]) -> Result<AccountsDeleted, StoreError>;

    /// Deletes one account as [`AccountStore::delete_accounts`] does; `false` when there is no
    /// such account or it is the last active Super Admin.
    async fn delete_account(&self, id: &AccountId) -> Result<bool, StoreError> {
        Ok(matches!(
            self.delete_accounts(std::slice::from_ref(id)).await?,
            AccountsDeleted::Deleted(deleted) if !deleted.is_empty()
        ))
    }
}
