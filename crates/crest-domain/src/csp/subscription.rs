//! Which kind of subscription the instance serves: original (API tokens), onboarded to VMware
//! Cloud services (access tokens), or hybrid, both at once, for teams migrating with both kinds of
//! scripts.

use std::fmt;
use std::str::FromStr;

use crate::account::AccountKind;
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
        assert_eq!("Onboarded".parse(), Ok(Subscription::Onboarded));
        assert!("cloud".parse::<Subscription>().is_err());
    }
}
