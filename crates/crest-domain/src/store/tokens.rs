//! [`TokenStore`]: API tokens; and [`TokenUseLog`], when each was last used.

use async_trait::async_trait;

use crate::account::{AccountId, AccountRecord};
use crate::clock::EpochMillis;
use crate::store::StoreError;
use crate::token::{TokenDigest, TokenId, TokenRecord};

/// The account that owns a token, as read while authenticating a request.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub token_id: TokenId,
    pub digest: TokenDigest,
    pub revoked: bool,
    pub account: AccountRecord,
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: TokenId,
    pub digest: TokenDigest,
    pub account: AccountId,
    pub name: String,
    pub now: EpochMillis,
    /// The secret sealed with the operator's key, when tokens are retrievable.
    pub sealed: Option<Vec<u8>>,
}

/// What storing a token did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCreated {
    Created,
    /// The account already holds the most tokens allowed; nothing was stored.
    LimitReached,
    NoSuchAccount,
}

/// API tokens. Every write changes what a credential may resolve to.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// The token with this digest and its account, revoked or not.
    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError>;

    /// The account's tokens that are not revoked, oldest first.
    async fn tokens_of(&self, id: &AccountId) -> Result<Vec<TokenRecord>, StoreError>;

    /// Every token of the organization that is not revoked, by account, oldest first.
    async fn all_tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;

    /// One token that is not revoked, by its public id.
    async fn token(&self, id: TokenId) -> Result<Option<TokenRecord>, StoreError>;

    /// Stores a token unless the account already holds `limit` of them (checked atomically).
    async fn create_token(
        &self,
        token: &NewToken,
        limit: usize,
    ) -> Result<TokenCreated, StoreError>;

    /// Renames one of the account's tokens; `None` when it holds no such (unrevoked) token.
    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError>;

    /// Revokes one of the account's tokens, for good; `false` when it holds no such token.
    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;
}

/// When tokens were last used: bookkeeping that changes nothing a credential resolves to.
#[async_trait]
pub trait TokenUseLog: Send + Sync {
    /// Records when tokens were last used: each pair sets `last_used` to the later of the stored
    /// and the given time.
    async fn record_token_use(&self, uses: &[(TokenId, EpochMillis)]) -> Result<(), StoreError>;
}
