//! [`SessionStore`] and [`PasswordStore`]: what browser sign-in reads and writes. Neither is
//! cached: every session request reads its session and its account again.

use async_trait::async_trait;

use crate::account::AccountId;
use crate::clock::EpochMillis;
use crate::session::SessionRecord;
use crate::store::StoreError;
use crate::token::TokenDigest;

/// Browser sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Ends every browser session of the account (a forced logout, or sign-out everywhere).
    /// `false` when there is no such account.
    async fn end_sessions(&self, id: &AccountId, now: EpochMillis) -> Result<bool, StoreError>;

    /// When the account's sessions were last ended, if ever.
    async fn sessions_ended(&self, id: &AccountId) -> Result<Option<EpochMillis>, StoreError>;

    /// Stores a new browser session.
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// The session whose secret has this digest, if it was not ended.
    async fn session(&self, digest: &TokenDigest) -> Result<Option<SessionRecord>, StoreError>;

    /// Records that the session was used at `now`.
    async fn touch_session(&self, digest: &TokenDigest, now: EpochMillis)
    -> Result<(), StoreError>;

    /// Switches Super Admin mode of one session; `false` when there is no such session.
    async fn set_session_super_admin_mode(
        &self,
        digest: &TokenDigest,
        on: bool,
    ) -> Result<bool, StoreError>;

    /// Ends every session of the account but `keep` (after a password change made in `keep`).
    async fn end_other_sessions(
        &self,
        id: &AccountId,
        keep: &TokenDigest,
    ) -> Result<(), StoreError>;

    /// Ends one session (sign-out); `false` when there was no such session.
    async fn delete_session(&self, digest: &TokenDigest) -> Result<bool, StoreError>;

    /// Forgets sessions that expired: last used at or before `idle_before`, or started at or
    /// before `started_before`. Returns how many.
    async fn purge_sessions(
        &self,
        idle_before: EpochMillis,
        started_before: EpochMillis,
    ) -> Result<u64, StoreError>;
}

/// Users' password hashes (Argon2id).
#[async_trait]
pub trait PasswordStore: Send + Sync {
    /// Sets (or, with `None`, clears) a user's password hash; `false` when there is no such account.
    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: Option<&str>,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// The account's password hash, if it has an account and a password.
    async fn password_hash(&self, id: &AccountId) -> Result<Option<String>, StoreError>;
}
