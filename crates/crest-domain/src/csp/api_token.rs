//! Organization API tokens: a user's own, with a name, a lifetime and scopes within their roles,
//! exchanged for access tokens.

use crate::account::{AccountId, AccountKind};
use crate::authority::{self, Act};
use crate::clock::{Clock, EpochMillis};
use crate::csp::role::ServiceRoles;
use crate::error::DomainError;
use crate::principal::Principal;
use crate::random::Random;
use crate::secret::RandomSecret;
use crate::service_account::existing;
use crate::store::{CspStore, Store};
use crate::token::TokenDigest;

/// The longest lifetime a token may have; `None` means it never lapses.
pub const MAX_TTL_MINUTES: u64 = 60 * 24 * 366 * 10;

/// A token as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspTokenRecord {
    pub id: String,
    pub account: AccountId,
    pub name: String,
    pub roles: Vec<String>,
    pub digest: TokenDigest,
    pub created_ms: EpochMillis,
    pub expires_ms: Option<EpochMillis>,
    pub revoked: bool,
}

impl CspTokenRecord {
    pub fn usable_at(&self, now: EpochMillis) -> bool {
        !self.revoked && self.expires_ms.is_none_or(|e| now < e)
    }
}

/// What a new token is; `roles` empty means the organization's Member role and no service role.
#[derive(Debug, Clone)]
pub struct NewCspToken {
    pub account: AccountId,
    pub name: String,
    pub roles: Vec<String>,
    pub ttl_minutes: Option<u64>,
}

/// Generates a token for a user; its scopes must lie within the user's own roles and within the
/// scope of the credential that asks. The secret is returned this once.
pub async fn create(
    store: &dyn Store,
    clock: &dyn Clock,
    random: &dyn Random,
    caller: &Principal,
    new: NewCspToken,
) -> Result<(CspTokenRecord, RandomSecret), DomainError> {
    let account = existing(store, &new.account).await?;
    if account.kind != AccountKind::User {
        return Err(DomainError::Invalid(
            "organization API tokens belong to users".into(),
        ));
    }
    let wanted = ServiceRoles::parse(&new.roles)?;
    let held = ServiceRoles::of_account(account.effective_permissions(), account.super_admin);
    if wanted.within(&held) != wanted {
        return Err(DomainError::Forbidden(format!(
            "{} cannot give a token roles it does not hold",
            account.id
        )));
    }
    authority::may_issue(
        caller,
        Some(&account.id),
        "an organization API token with these roles",
        wanted.standing(),
    )?;
    if new
        .ttl_minutes
        .is_some_and(|t| t == 0 || t > MAX_TTL_MINUTES)
    {
        return Err(DomainError::Invalid(format!(
            "a token lives 1 to {MAX_TTL_MINUTES} minutes, or forever"
        )));
    }
    if new.name.chars().any(char::is_control) {
        return Err(DomainError::Invalid(
            "a token's name may not contain control characters".into(),
        ));
    }
    let now = clock.now_millis();
    let secret = RandomSecret::generate(random)?;
    let record = CspTokenRecord {
        id: random.uuid()?.to_string(),
        account: account.id,
        name: new.name.trim().to_owned(),
        roles: wanted.names(),
        digest: secret.digest(),
        created_ms: now,
        expires_ms: new.ttl_minutes.map(|t| {
            now.saturating_add(i64::try_from(t).unwrap_or(i64::MAX).saturating_mul(60_000))
        }),
        revoked: false,
    };
    store.create_csp_token(&record).await?;
    Ok((record, secret))
}

/// Revokes one of the user's tokens, for good; the access tokens issued from it stop working.
pub async fn revoke(
    store: &dyn CspStore,
    clock: &dyn Clock,
    caller: &Principal,
    account: &AccountId,
    id: &str,
) -> Result<(), DomainError> {
    let token = store
        .csp_token(id)
        .await?
        .filter(|t| t.account == *account)
        .ok_or_else(|| DomainError::NotFound(format!("no API token {id}")))?;
    authority::may_act_on(
        caller,
        Some(account),
        Act::RevokeToken,
        &format!("organization API token {id}"),
        ServiceRoles::from_claims(&token.roles).standing(),
    )?;
    if store
        .revoke_csp_token(account, id, clock.now_millis())
        .await?
    {
        Ok(())
    } else {
        Err(DomainError::NotFound(format!("no API token {id}")))
    }
}
