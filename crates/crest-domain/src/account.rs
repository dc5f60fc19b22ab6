//! Accounts: the people and the automation that call the API.

use std::fmt;

use crate::clock::EpochMillis;
use crate::error::DomainError;
use crate::permission::PermissionSet;

/// The longest account identifier accepted.
pub const MAX_ACCOUNT_ID_LEN: usize = 255;
/// The prefix every service account's identifier starts with.
pub const SERVICE_ACCOUNT_PREFIX: &str = "sa::";

/// An account's identifier: a user's email address, or `sa::name` for a service account.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

impl AccountId {
    /// Validates an identifier as a client sends it. Service-account ids are lower-cased, as the
    /// product does; user ids (email addresses) are lower-cased too, since addresses are
    /// case-insensitive in practice and the product matched them so.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let id = raw.trim();
        if id.is_empty() {
            return Err(DomainError::Invalid(
                "an account identifier is required".into(),
            ));
        }
        if id.len() > MAX_ACCOUNT_ID_LEN {
            return Err(DomainError::Invalid(format!(
                "an account identifier is at most {MAX_ACCOUNT_ID_LEN} characters"
            )));
        }
        if id.contains(',') {
            return Err(DomainError::Invalid(
                "an account identifier may not contain commas".into(),
            ));
        }
        crate::text::no_hidden_chars(id, "an account identifier")?;
        Ok(Self(id.to_lowercase()))
    }

    /// Wraps an identifier read back from the store, where it was validated on the way in.
    pub fn from_trusted(id: String) -> Self {
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_service_account(&self) -> bool {
        self.0.starts_with(SERVICE_ACCOUNT_PREFIX)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.0)
    }
}

/// What kind of principal an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    User,
    ServiceAccount,
}

impl AccountKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::ServiceAccount => "service",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "user" => Some(Self::User),
            "service" => Some(Self::ServiceAccount),
            _ => None,
        }
    }
}

/// An account as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: AccountId,
    pub kind: AccountKind,
    pub active: bool,
    pub super_admin: bool,
    pub description: String,
    /// Permissions granted to the account directly.
    pub permissions: PermissionSet,
    /// Direct permissions, and those of its roles and of its groups' roles.
    pub united_permissions: PermissionSet,
    /// Ids of the roles assigned to the account directly, sorted.
    pub roles: Vec<String>,
    /// Ids of its roles and of its groups' roles, sorted.
    pub united_roles: Vec<String>,
    /// Ids of the groups it belongs to, sorted.
    pub groups: Vec<String>,
    pub created_ms: EpochMillis,
}

impl AccountRecord {
    /// The permissions the account acts with: direct, through roles and through groups. A Super
    /// Admin's tokens carry every permission.
    pub fn effective_permissions(&self) -> PermissionSet {
        if self.super_admin {
            PermissionSet::all()
        } else {
            self.united_permissions
        }
    }
}

/// A service account's identifier, validated: `sa::` and a name, lower-cased.
pub fn parse_service_account_id(raw: &str) -> Result<AccountId, DomainError> {
    let id = AccountId::parse(raw)?;
    match id.as_str().strip_prefix(SERVICE_ACCOUNT_PREFIX) {
        Some(name) if !name.is_empty() && !name.contains(char::is_whitespace) => Ok(id),
        _ => Err(DomainError::Invalid(format!(
            "a service account identifier is '{SERVICE_ACCOUNT_PREFIX}' followed by a name without spaces, got '{raw}'"
        ))),
    }
}

/// A user account's identifier: an email address, lower-cased.
pub fn parse_user_id(raw: &str) -> Result<AccountId, DomainError> {
    let id = AccountId::parse(raw)?;
    let valid = !id.is_service_account()
        && id.as_str().split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        })
        && !id.as_str().contains(char::is_whitespace);
    if valid {
        Ok(id)
    } else {
        Err(DomainError::Invalid(format!(
            "'{raw}' is not an email address"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed_and_lower_cased() {
        let id = AccountId::parse("  SA::Builder ").expect("valid");
        assert_eq!(id.as_str(), "sa::builder");
        assert!(id.is_service_account());
    }

    #[test]
    fn service_account_ids_need_the_prefix_and_a_name() {
        assert_eq!(
            parse_service_account_id("SA::Bot")
                .map(|i| i.to_string())
                .ok()
                .as_deref(),
            Some("sa::bot")
        );
        assert!(parse_service_account_id("bot").is_err());
        assert!(parse_service_account_id("sa::").is_err());
        assert!(parse_service_account_id("sa::a b").is_err());
    }

    #[test]
    fn user_ids_are_email_addresses() {
        assert!(parse_user_id("Ada@Example.com").is_ok_and(|i| i.as_str() == "ada@example.com"));
        for bad in [
            "ada",
            "@example.com",
            "ada@",
            "a b@example.com",
            "sa::x@y",
            "a@b@c",
        ] {
            assert!(parse_user_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_ids_are_refused() {
        assert!(AccountId::parse("").is_err());
        assert!(AccountId::parse("a\u{0}b").is_err());
        assert!(AccountId::parse(&"x".repeat(300)).is_err());
    }
}
