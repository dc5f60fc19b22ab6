//! An account's roles and groups replaced as a whole (the `roles` and `userGroups` of a create or
//! update), checked first so that a refused request changes nothing.

use std::collections::BTreeSet;

use crate::account::{AccountId, AccountKind};
use crate::error::DomainError;
use crate::group::{EVERYONE_GROUP_ID, SERVICE_ACCOUNTS_GROUP_ID};
use crate::principal::Principal;
use crate::store::Store;

/// The roles and groups an account should end with; `None` leaves that part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memberships {
    pub roles: Option<Vec<String>>,
    pub groups: Option<Vec<String>>,
}

/// A checked change of memberships, ready to apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembershipPlan {
    add_roles: Vec<String>,
    remove_roles: Vec<String>,
    add_groups: Vec<String>,
    remove_groups: Vec<String>,
}

impl MembershipPlan {
    pub fn is_empty(&self) -> bool {
        self.add_roles.is_empty()
            && self.remove_roles.is_empty()
            && self.add_groups.is_empty()
            && self.remove_groups.is_empty()
    }
}

/// The groups an account of this kind starts in.
pub fn initial_groups(kind: AccountKind) -> Vec<String> {
    match kind {
        AccountKind::User => vec![EVERYONE_GROUP_ID.to_owned()],
        AccountKind::ServiceAccount => vec![SERVICE_ACCOUNTS_GROUP_ID.to_owned()],
    }
}

fn diff(current: &[String], wanted: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    let current: BTreeSet<&String> = current.iter().collect();
    let add = wanted
        .iter()
        .filter(|w| !current.contains(w))
        .cloned()
        .collect();
    let remove = current
        .iter()
        .filter(|c| !wanted.contains(**c))
        .map(|c| (*c).clone())
        .collect();
    (add, remove)
}

/// Checks a change of memberships for an account of `kind` that now holds `current_roles` and
/// `current_groups`: every role and group exists; users stay in Everyone and only service accounts
/// are in Service Accounts; and the caller holds every permission that an added role, or an added
/// group's roles, would hand out.
pub async fn plan(
    store: &dyn Store,
    caller: &Principal,
    kind: AccountKind,
    current_roles: &[String],
    current_groups: &[String],
    wanted: &Memberships,
) -> Result<MembershipPlan, DomainError> {
    let mut plan = MembershipPlan::default();
    if let Some(roles) = &wanted.roles {
        let wanted: BTreeSet<String> = roles.iter().map(|r| r.trim().to_owned()).collect();
        let (add, remove) = diff(current_roles, &wanted);
        for id in &add {
            let role = store
                .role(id)
                .await?
                .ok_or_else(|| DomainError::Invalid(format!("no role {id}")))?;
            caller.may_grant(role.permissions)?;
        }
        (plan.add_roles, plan.remove_roles) = (add, remove);
    }
    if let Some(groups) = &wanted.groups {
        let mut wanted: BTreeSet<String> = groups.iter().map(|g| g.trim().to_owned()).collect();
        match kind {
            // Every user is in Everyone, whether or not the list names it.
            AccountKind::User => {
                if wanted.contains(SERVICE_ACCOUNTS_GROUP_ID) {
                    return Err(DomainError::Invalid(
                        "only service accounts belong to the Service Accounts group".into(),
                    ));
                }
                wanted.insert(EVERYONE_GROUP_ID.to_owned());
            }
            AccountKind::ServiceAccount => {
                if wanted.contains(EVERYONE_GROUP_ID) {
                    return Err(DomainError::Invalid(
                        "Everyone holds the user accounts; service accounts cannot join it".into(),
                    ));
                }
            }
        }
        let (add, remove) = diff(current_groups, &wanted);
        for id in &add {
            let group = store
                .group(id)
                .await?
                .ok_or_else(|| DomainError::Invalid(format!("no group {id}")))?;
            for role in &group.roles {
                if let Some(role) = store.role(role).await? {
                    caller.may_grant(role.permissions)?;
                }
            }
        }
        (plan.add_groups, plan.remove_groups) = (add, remove);
    }
    Ok(plan)
}

/// Applies a checked plan to the account.
pub async fn apply(
    store: &dyn Store,
    account: &AccountId,
    plan: &MembershipPlan,
) -> Result<(), DomainError> {
    let one = std::slice::from_ref(account);
    for (roles, assigned) in [(&plan.add_roles, true), (&plan.remove_roles, false)] {
        for role in roles {
            store.set_role_assignees(role, one, &[], assigned).await?;
        }
    }
    for (groups, member) in [(&plan.add_groups, true), (&plan.remove_groups, false)] {
        for group in groups {
            store.set_group_members(group, one, member).await?;
        }
    }
    Ok(())
}
