//! [`InviteStore`]: pending invitations, by the digest of their link's secret.

use async_trait::async_trait;

use crate::account::AccountId;
use crate::clock::EpochMillis;
use crate::invite::InviteRecord;
use crate::store::StoreError;
use crate::token::TokenDigest;

/// Invitations; not a credential until accepted (which sets a password).
#[async_trait]
pub trait InviteStore: Send + Sync {
    /// Stores an invitation for the account, replacing any earlier one.
    async fn put_invite(
        &self,
        invite: &InviteRecord,
        digest: &TokenDigest,
    ) -> Result<(), StoreError>;

    /// Removes the invitation with this digest and returns its account, if it exists and has not
    /// expired at `now` (an expired one is removed too).
    async fn take_invite(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<Option<AccountId>, StoreError>;

    /// Pending invitations, oldest first.
    async fn invites(&self) -> Result<Vec<InviteRecord>, StoreError>;
}
