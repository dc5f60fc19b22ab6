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
    /// The token the request presented, when it presented one.
    pub token: Option<TokenId>,
}

impl Principal {
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
