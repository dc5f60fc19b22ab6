//! Which kind of subscription the instance serves: original (API tokens), onboarded to VMware
//! Cloud services (access tokens), or hybrid, both at once, for teams migrating with both kinds of
//! scripts.

use std::fmt;
use std::str::FromStr;

use crate::account::AccountKind;
use crate::error::DomainError;
use crate::permission::{Permission, PermissionSet};

/// The subscription mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Subscription {
    /// API tokens of users and service accounts; no access tokens, no exchanges.
    Original,
    /// Access tokens; users lose API Tokens (and SAML SSO), so they make no new API tokens (the
    /// ones they have still work, as migrated tokens did); service-account tokens work.
    Onboarded,
    /// Both.
    #[default]
    Hybrid,
}

impl Subscription {
    pub fn accepts_access_tokens(self) -> bool {
        self != Self::Original
    }

    /// Refuses to make credentials of the identity service (organization API tokens, OAuth apps
    /// and their secrets) under an original subscription, which exchanges none of them: a
    /// credential that can never become an access token is only a trap.
    pub fn makes_csp_credentials(self) -> Result<(), DomainError> {
        if self.accepts_access_tokens() {
            Ok(())
        } else {
            Err(DomainError::Conflict(
                "this instance serves an original subscription (CREST_SUBSCRIPTION=original): \
                 it exchanges no organization API tokens or OAuth apps for access tokens, so it \
                 makes none; use API tokens (API Access, or POST /api/v2/apitoken)"
                    .into(),
            ))
        }
    }

    /// What an account acting with its API token may do under this mode.
    pub fn api_token_permissions(self, kind: AccountKind, held: PermissionSet) -> PermissionSet {
        if self == Self::Onboarded && kind == AccountKind::User {
            let dropped: PermissionSet =
                [Permission::TokenManagement, Permission::SamlSsoManagement]
                    .into_iter()
                    .collect();
            held.without(dropped)
        } else {
            held
        }
    }
}

impl FromStr for Subscription {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "original" => Ok(Self::Original),
            "onboarded" => Ok(Self::Onboarded),
            "hybrid" => Ok(Self::Hybrid),
            other => Err(format!(
                "'{other}' is not a subscription mode: original, onboarded or hybrid"
            )),
        }
    }
}

impl fmt::Display for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Original => "original",
            Self::Onboarded => "onboarded",
            Self::Hybrid => "hybrid",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onboarded_users_lose_api_tokens_and_service_accounts_keep_theirs() {
        let held: PermissionSet = [Permission::TokenManagement, Permission::AlertsManagement]
            .into_iter()
            .collect();
        let user = Subscription::Onboarded.api_token_permissions(AccountKind::User, held);
        assert!(!user.contains(Permission::TokenManagement));
        assert!(user.contains(Permission::AlertsManagement));
        let sa = Subscription::Onboarded.api_token_permissions(AccountKind::ServiceAccount, held);
        assert_eq!(sa, held);
        assert_eq!(
            Subscription::Hybrid.api_token_permissions(AccountKind::User, held),
            held
        );
        assert!(!Subscription::Original.accepts_access_tokens());
        assert!(matches!(
            Subscription::Original.makes_csp_credentials(),
            Err(DomainError::Conflict(m)) if m.contains("original subscription")
        ));
        assert!(Subscription::Hybrid.makes_csp_credentials().is_ok());
        assert!(Subscription::Onboarded.makes_csp_credentials().is_ok());
        assert_eq!("Onboarded".parse(), Ok(Subscription::Onboarded));
        assert!("cloud".parse::<Subscription>().is_err());
    }
}
