//! Who may act on whose credentials: the one rule every caller (the REST API, browser sessions,
//! access tokens, `crest admin`) goes through before it sets a password, mints, reads,
//! regenerates or revokes a secret, deletes an account or app, or changes what one holds.
//!
//! - Nobody acts on the credentials of an account or app that holds something they do not hold.
//! - Only a Super Admin acts on a Super Admin.
//! - No credential is issued beyond the scope of the credential that asks for it.
//!
//! The caller is measured by the credential it presented (an access token by its roles, not by
//! everything its user holds); a target by everything it holds.

use std::fmt;

use crate::account::{AccountId, AccountRecord};
use crate::error::DomainError;
use crate::permission::PermissionSet;
use crate::principal::Principal;

/// What an account, an app or a credential holds: the measure the rule compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    pub permissions: PermissionSet,
    pub super_admin: bool,
}

impl Standing {
    pub const fn new(permissions: PermissionSet, super_admin: bool) -> Self {
        Self {
            permissions,
            super_admin,
        }
    }

    /// Everything an account holds: its permissions (direct, through roles and groups) and
    /// whether it is a Super Admin.
    pub fn of_account(account: &AccountRecord) -> Self {
        Self::new(account.effective_permissions(), account.super_admin)
    }

    /// Whether holding `self` is holding at least `other`: a Super Admin covers everyone; anyone
    /// else covers those who are no Super Admin and hold no permission beyond theirs.
    pub fn covers(self, other: Self) -> bool {
        self.super_admin
            || (!other.super_admin && self.permissions.is_superset_of(other.permissions))
    }
}

/// What a caller is about to do to a credential-bearing target; it names the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    SetPassword,
    MintInvitation,
    MintToken,
    ReadSecrets,
    RenameToken,
    RevokeToken,
    RegenerateSecret,
    Delete,
    ChangePermissions,
    ChangeActivation,
    Issue,
}

impl Act {
    const fn verb(self) -> &'static str {
        match self {
            Self::SetPassword => "set the password of",
            Self::MintInvitation => "mint an invitation link for",
            Self::MintToken => "mint a token for",
            Self::ReadSecrets => "read the token secrets of",
            Self::RenameToken => "rename a token of",
            Self::RevokeToken => "revoke a token of",
            Self::RegenerateSecret => "regenerate the secret of",
            Self::Delete => "delete",
            Self::ChangePermissions => "change what is held by",
            Self::ChangeActivation => "activate or deactivate",
            Self::Issue => "issue",
        }
    }
}

impl fmt::Display for Act {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// What the caller's credential stands on towards `target`. A browser session of a Super Admin
/// whose Super Admin mode is off still stands as its own account (the same session may switch
/// the mode on), but acts on nobody else as a Super Admin.
pub fn standing_of(caller: &Principal, target: Option<&AccountId>) -> Standing {
    let own = target.is_some_and(|t| *t == caller.account);
    Standing::new(
        caller.permissions,
        caller.super_admin || (own && caller.super_admin_mode_off),
    )
}

/// Refuses (403, naming what is missing) unless the caller covers the target.
fn check(
    caller: &Principal,
    mine: Standing,
    act: Act,
    what: &str,
    target: Standing,
) -> Result<(), DomainError> {
    if mine.covers(target) {
        return Ok(());
    }
    if target.super_admin && !mine.super_admin {
        return Err(DomainError::Forbidden(format!(
            "{} cannot {act} {what}: only a Super Admin acts on a Super Admin",
            caller.account
        )));
    }
    let missing = target.permissions.without(mine.permissions).names();
    Err(DomainError::Forbidden(format!(
        "{} cannot {act} {what}, which holds what the caller does not: {}",
        caller.account,
        missing.join(", ")
    )))
}

/// The caller may do `act` to this account only if it holds everything the account holds.
pub fn may_act_on_account(
    caller: &Principal,
    target: &AccountRecord,
    act: Act,
) -> Result<(), DomainError> {
    check(
        caller,
        standing_of(caller, Some(&target.id)),
        act,
        target.id.as_str(),
        Standing::of_account(target),
    )
}

/// The caller may do `act` to a credential that is not an account (an app, an organization API
/// token) that holds `target`, owned by `owner` when it belongs to an account.
pub fn may_act_on(
    caller: &Principal,
    owner: Option<&AccountId>,
    act: Act,
    what: &str,
    target: Standing,
) -> Result<(), DomainError> {
    check(caller, standing_of(caller, owner), act, what, target)
}

/// No credential is issued beyond the scope of the one that asks: the new credential's standing
/// must be covered by the caller's (towards the new credential's owner, when it has one).
pub fn may_issue(
    caller: &Principal,
    owner: Option<&AccountId>,
    what: &str,
    issued: Standing,
) -> Result<(), DomainError> {
    check(caller, standing_of(caller, owner), Act::Issue, what, issued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountKind;
    use crate::permission::Permission;
    use proptest::prelude::*;

    fn set(bits: u32) -> PermissionSet {
        Permission::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, p)| p)
            .collect()
    }

    fn principal(bits: u32, super_admin: bool, mode_off: bool) -> Principal {
        Principal {
            account: AccountId::from_trusted("me@example.com".into()),
            kind: AccountKind::User,
            permissions: set(bits),
            super_admin,
            super_admin_mode_off: mode_off,
            token: None,
        }
    }

    proptest! {
        /// Against the rule written the plainest way: allowed exactly when the target is no
        /// Super Admin (or the caller is one, in force or, towards itself, with the mode off) and
        /// every permission of the target's is the caller's too.
        #[test]
        fn the_rule_agrees_with_its_model(
            caller_bits in 0u32..(1 << 17), caller_sa in any::<bool>(), mode_off in any::<bool>(),
            target_bits in 0u32..(1 << 17), target_sa in any::<bool>(), own in any::<bool>(),
        ) {
            let caller = principal(caller_bits, caller_sa, mode_off);
            let target = Standing::new(set(target_bits), target_sa);
            let owner = if own { caller.account.clone() } else { AccountId::from_trusted("x@example.com".into()) };
            let caller_is_sa = caller_sa || (own && mode_off);
            let model = caller_is_sa
                || (!target_sa && (0..17).all(|i| target_bits & (1 << i) == 0 || caller_bits & (1 << i) != 0));
            let got = may_act_on(&caller, Some(&owner), Act::Delete, "it", target);
            prop_assert_eq!(got.is_ok(), model);
            if let Err(e) = got {
                prop_assert!(matches!(e, DomainError::Forbidden(_)));
            }
        }
    }

    #[test]
    fn refusals_name_what_is_missing() {
        let caller = principal(1 << 16, false, false);
        let target = Standing::new(set((1 << 16) | 1), false);
        let e = may_act_on(&caller, None, Act::MintToken, "sa::x", target).unwrap_err();
        assert!(e.to_string().contains("agent_management"), "{e}");
        let e = may_act_on(
            &caller,
            None,
            Act::SetPassword,
            "root",
            Standing::new(set(0), true),
        )
        .unwrap_err();
        assert!(e.to_string().contains("only a Super Admin"), "{e}");
    }
}
