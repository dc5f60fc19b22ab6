//! Changes that apply to any account, user or service account: one direct permission granted or
//! revoked, and deletion. Each goes through the rule of `authority` first.

use crate::account::{AccountId, AccountKind, AccountRecord};
use crate::authority::{self, Act};
use crate::clock::Clock;
use crate::error::DomainError;
use crate::permission::{Permission, PermissionSet};
use crate::principal::Principal;
use crate::service_account::{check_permissions, existing};
use crate::store::{AccountStore, AccountsDeleted};

/// Grants or revokes one direct permission. Only a caller holding everything the account holds
/// may change it, and nobody grants a permission they do not hold.
pub async fn set_permission(
    store: &dyn AccountStore,
    clock: &dyn Clock,
    caller: &Principal,
    id: &AccountId,
    permission: Permission,
    granted: bool,
) -> Result<AccountRecord, DomainError> {
    let target = existing(store, id).await?;
    authority::may_act_on_account(caller, &target, Act::ChangePermissions)?;
    if granted {
        let granting = PermissionSet::from_iter([permission]);
        caller.may_grant(granting)?;
        if target.kind == AccountKind::ServiceAccount {
            check_permissions(granting)?;
        }
    }
    if !store
        .set_permission(id, permission, granted, clock.now_millis())
        .await?
    {
        return Err(DomainError::NotFound(format!("no account {id}")));
    }
    existing(store, id).await
}

/// Deletes the named accounts that exist (unknown ids are skipped) and answers with those it
/// deleted. Nothing is deleted unless the caller may delete every one of them and an active
/// Super Admin remains afterwards.
pub async fn delete(
    store: &dyn AccountStore,
    caller: &Principal,
    ids: &[AccountId],
) -> Result<Vec<AccountRecord>, DomainError> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(record) = store.account(id).await? {
            authority::may_act_on_account(caller, &record, Act::Delete)?;
            found.push(record);
        }
    }
    if found.is_empty() {
        return Ok(found);
    }
    let ids: Vec<AccountId> = found.iter().map(|r| r.id.clone()).collect();
    // The store keeps the rule atomically: it deletes nothing if no active Super Admin would
    // remain.
    match store.delete_accounts(&ids).await? {
        AccountsDeleted::LastSuperAdmin => Err(DomainError::Invalid(
            "the last Super Admin cannot be deleted".into(),
        )),
        AccountsDeleted::Deleted(deleted) => Ok(found
            .into_iter()
            .filter(|r| deleted.contains(&r.id))
            .collect()),
    }
}

/// Deletes one account, which must exist.
pub async fn delete_one(
    store: &dyn AccountStore,
    caller: &Principal,
    id: &AccountId,
) -> Result<AccountRecord, DomainError> {
    delete(store, caller, std::slice::from_ref(id))
        .await?
        .pop()
        .ok_or_else(|| DomainError::NotFound(format!("no account {id}")))
}
