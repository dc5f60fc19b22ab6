//! Invitations: a link that lets an invited user set their first password, valid 24 hours.
//!
//! Only a digest of the link's secret is stored; minting a new link for the same account ends the
//! previous one, and accepting ends it for good.

use crate::account::{AccountId, AccountKind};
use crate::authority::{self, Act};
use crate::clock::{Clock, EpochMillis};
use crate::error::DomainError;
use crate::password::PasswordHash;
use crate::principal::Principal;
use crate::random::Random;
use crate::secret::RandomSecret;
use crate::store::Store;

/// How long an invitation link stays valid.
pub const INVITE_VALIDITY_MS: EpochMillis = 24 * 60 * 60 * 1000;

/// Reads the secret of an invitation link as the invited person's browser sends it back: the 64
/// hexadecimal characters `RandomSecret::generate` makes, in any case.
pub fn parse_secret(raw: &str) -> Result<RandomSecret, DomainError> {
    let raw = raw.trim();
    if raw.len() != 64 || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DomainError::Invalid(
            "the invitation link is not valid".into(),
        ));
    }
    RandomSecret::presented(&raw.to_ascii_lowercase())
        .ok_or_else(|| DomainError::Invalid("the invitation link is not valid".into()))
}

/// A pending invitation, as listed to administrators (no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    pub account: AccountId,
    pub invited_by: String,
    pub created_ms: EpochMillis,
    pub expires_ms: EpochMillis,
}

/// A freshly minted link's secret and when it lapses.
#[derive(Debug, Clone)]
pub struct MintedInvite {
    pub secret: RandomSecret,
    pub expires_ms: EpochMillis,
}

/// Mints a link for a user account that has no password yet, replacing any earlier link. Only a
/// caller holding everything the user holds may.
pub async fn mint(
    store: &dyn Store,
    clock: &dyn Clock,
    random: &dyn Random,
    caller: &Principal,
    account: &AccountId,
) -> Result<MintedInvite, DomainError> {
    let record = crate::service_account::existing(store, account).await?;
    if record.kind != AccountKind::User {
        return Err(DomainError::Invalid(format!(
            "{account} is not a user account"
        )));
    }
    // The link sets the user's password: only a caller holding everything the user holds mints it.
    authority::may_act_on_account(caller, &record, Act::MintInvitation)?;
    let invited_by = caller.account.as_str();
    if store.password_hash(account).await?.is_some() {
        return Err(DomainError::Conflict(format!(
            "{account} has already set a password; an administrator can reset it instead"
        )));
    }
    let secret = RandomSecret::generate(random)?;
    let now = clock.now_millis();
    let invite = InviteRecord {
        account: account.clone(),
        invited_by: invited_by.to_owned(),
        created_ms: now,
        expires_ms: now + INVITE_VALIDITY_MS,
    };
    store.put_invite(&invite, &secret.digest()).await?;
    Ok(MintedInvite {
        secret,
        expires_ms: invite.expires_ms,
    })
}

/// Accepts an invitation: sets the account's first password and ends the link. The password is
/// hashed by the caller (off the async workers) and handed in.
pub async fn accept(
    store: &dyn Store,
    clock: &dyn Clock,
    secret: &RandomSecret,
    hash: &PasswordHash,
) -> Result<AccountId, DomainError> {
    let now = clock.now_millis();
    let account = store
        .take_invite(&secret.digest(), now)
        .await?
        .ok_or_else(|| {
            DomainError::Invalid("the invitation link is not valid, or has expired".into())
        })?;
    store
        .set_password_hash(&account, Some(hash.as_str()), now)
        .await?;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SequenceRandom;

    #[test]
    fn secrets_are_long_parse_back_and_redact_themselves() {
        let s = RandomSecret::generate(&SequenceRandom::new(3)).expect("random");
        assert_eq!(s.reveal().len(), 64);
        let back = parse_secret(&s.reveal().to_ascii_uppercase()).expect("valid");
        assert_eq!(back.digest(), s.digest());
        assert!(parse_secret("abc").is_err());
        assert!(!format!("{s:?}").contains(s.reveal()));
    }
}
