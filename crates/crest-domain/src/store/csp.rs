//! The identity service's data: [`CspStore`] (apps and organization API tokens, from which access
//! tokens are issued) and [`CspKeyStore`] (the organization's id and the signing keys).

use async_trait::async_trait;

use crate::account::AccountId;
use crate::clock::EpochMillis;
use crate::csp::api_token::CspTokenRecord;
use crate::csp::app::CspAppRecord;
use crate::csp::signing_key::SigningKeyRecord;
use crate::store::StoreError;
use crate::token::TokenDigest;

/// Apps and organization API tokens. Every write changes what an access token may resolve to.
#[async_trait]
pub trait CspStore: Send + Sync {
    async fn create_csp_app(&self, app: &CspAppRecord) -> Result<(), StoreError>;

    async fn csp_app(&self, id: &str) -> Result<Option<CspAppRecord>, StoreError>;

    /// Every app, by name.
    async fn csp_apps(&self) -> Result<Vec<CspAppRecord>, StoreError>;

    /// Replaces an app's secret and bumps its generation (ending the access tokens issued from
    /// the old secret); `false` when there is no such app.
    async fn replace_csp_app_secret(
        &self,
        id: &str,
        digest: &TokenDigest,
    ) -> Result<bool, StoreError>;

    /// `false` when there is no such app.
    async fn delete_csp_app(&self, id: &str) -> Result<bool, StoreError>;

    async fn create_csp_token(&self, token: &CspTokenRecord) -> Result<(), StoreError>;

    /// An organization API token by the digest of its secret, revoked or not.
    async fn csp_token_by_digest(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<CspTokenRecord>, StoreError>;

    /// An organization API token by its id, revoked or not.
    async fn csp_token(&self, id: &str) -> Result<Option<CspTokenRecord>, StoreError>;

    /// A user's organization API tokens, revoked ones too, oldest first.
    async fn csp_tokens_of(&self, account: &AccountId) -> Result<Vec<CspTokenRecord>, StoreError>;

    /// Revokes one of the account's organization API tokens; `false` when it holds no such token.
    async fn revoke_csp_token(
        &self,
        account: &AccountId,
        id: &str,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;
}

/// The organization's id and the keys access tokens are signed with. Keys are only ever added,
/// and the id is made once: no write here changes what a verified token stands for.
#[async_trait]
pub trait CspKeyStore: Send + Sync {
    /// The organization's id: `candidate` becomes it unless one is stored already.
    async fn org_id_or_init(&self, candidate: &str) -> Result<String, StoreError>;

    /// The signing keys, oldest first.
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError>;

    async fn add_signing_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError>;
}
