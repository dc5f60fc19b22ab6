//! Bootstrap: the first administrator and its token, so that a new instance can be used at all.

use crate::account::AccountId;
use crate::clock::Clock;
use crate::error::DomainError;
use crate::permission::PermissionSet;
use crate::random::Random;
use crate::store::{BootstrapApplied, BootstrapPlan, BootstrapStore};
use crate::token::{ApiTokenSecret, TokenId};

/// The administrator a first start creates when no bootstrap settings are given.
pub const FIRST_START_ADMIN: &str = "admin@localhost";
/// The name the bootstrap token carries in listings.
pub const BOOTSTRAP_TOKEN_NAME: &str = "bootstrap";

/// The administrator and token an operator configured (`CREST_BOOTSTRAP_ADMIN`/`_TOKEN`).
#[derive(Debug, Clone)]
pub struct BootstrapSettings {
    pub admin: AccountId,
    pub token: ApiTokenSecret,
}

impl BootstrapSettings {
    /// Validates the configured values: the token must be UUID-shaped, as the product's tokens are.
    pub fn new(admin: &str, token: &str) -> Result<Self, DomainError> {
        let admin = AccountId::parse(admin)?;
        if admin.is_service_account() || !admin.as_str().contains('@') {
            return Err(DomainError::Invalid(
                "the bootstrap administrator must be an email address".into(),
            ));
        }
        let token = ApiTokenSecret::parse(token)?;
        if !token.is_uuid_shaped() {
            return Err(DomainError::Invalid(
                "the bootstrap token must be a UUID".into(),
            ));
        }
        Ok(Self { admin, token })
    }
}

/// What bootstrap did; on a first start without settings, the credentials to show the operator once.
#[derive(Debug)]
pub struct BootstrapOutcome {
    pub applied: BootstrapApplied,
    pub admin: AccountId,
    pub first_start_token: Option<ApiTokenSecret>,
}

/// Makes sure the configured administrator exists with every permission and holds the configured
/// token; without settings, creates an administrator only if the store has no account at all.
/// Idempotent: running it again with the same settings changes nothing.
pub async fn bootstrap(
    store: &dyn BootstrapStore,
    clock: &dyn Clock,
    random: &dyn Random,
    settings: Option<&BootstrapSettings>,
) -> Result<BootstrapOutcome, DomainError> {
    let (admin, token, only_if_empty) = match settings {
        Some(s) => (s.admin.clone(), s.token.clone(), false),
        None => (
            AccountId::parse(FIRST_START_ADMIN)?,
            ApiTokenSecret::generate(random)?,
            true,
        ),
    };
    let plan = BootstrapPlan {
        admin: admin.clone(),
        permissions: PermissionSet::all(),
        token_id: TokenId::generate(random)?,
        token_digest: token.digest(),
        token_name: BOOTSTRAP_TOKEN_NAME.to_owned(),
        now: clock.now_millis(),
        only_if_empty,
    };
    let applied = store.apply_bootstrap(&plan).await?;
    let first_start_token =
        (only_if_empty && applied == BootstrapApplied::Created).then_some(token);
    Ok(BootstrapOutcome {
        applied,
        admin,
        first_start_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_validated() {
        assert!(BootstrapSettings::new("admin@example.com", "not-a-uuid").is_err());
        assert!(BootstrapSettings::new("sa::bot", "0a1b2c3d-0000-4000-8000-000000000000").is_err());
        assert!(
            BootstrapSettings::new("Admin@Example.com", "0a1b2c3d-0000-4000-8000-000000000000")
                .is_ok()
        );
    }
}
