//! The principal: who a request acts as, once its credential has been checked.

use crate::account::{AccountId, AccountKind};
use crate::error::DomainError;
use crate::permission::{Permission, PermissionSet};
use crate::token::TokenId;

/// An authenticated caller and the permissions it holds at this moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account: AccountId,
    pub kind: AccountKind,
    pub permissions: PermissionSet,
    pub super_admin: bool,
    /// A Super Admin's browser session whose Super Admin mode is off: no Super Admin powers, but
    /// the session still stands as its own account (see `authority`).
    pub super_admin_mode_off: bool,
    /// The token the request presented, when it presented one.
    pub token: Option<TokenId>,
}

impl Principal {
    /// The operator at the machine (`crest admin`): whoever can run the binary on the store holds
    /// every power.
    pub fn operator() -> Self {
        Self {
            account: AccountId::from_trusted("crest-admin".into()),
            kind: AccountKind::User,
            permissions: PermissionSet::all(),
            super_admin: true,
            super_admin_mode_off: false,
            token: None,
        }
    }

    pub fn has(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }

    /// No escalation: a principal grants only permissions it holds itself.
    pub fn may_grant(&self, permissions: PermissionSet) -> Result<(), DomainError> {
        let missing: Vec<&str> = permissions
            .iter()
            .filter(|p| !self.has(*p))
            .map(Permission::as_str)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!(
                "{} cannot grant permissions it does not hold: {}",
                self.account,
                missing.join(", ")
            )))
        }
    }
}
