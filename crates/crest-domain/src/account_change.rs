//! Changes that apply to any account, user or service account: one direct permission granted or
//! revoked, and deletion. Each goes through the rule of `authority` first.

use crate::account::{AccountId, AccountKind, AccountRecord};
use crate::authority::{self, Act};
use crate::clock::Clock;
use crate::error::DomainError;
use crate::permission::{Permission, PermissionSet};
use crate::principal::Principal;
use crate::service_account::{check_permissions, ensure_a_super_admin_remains, existing};
use crate::store::Store;

/// Grants or revokes one direct permission. Only a caller holding everything the account holds
/// may change it, and nobody grants a permission they do not hold.
pub async fn set_permission(
    store: &dyn Store,
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
    store: &dyn Store,
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
    ensure_a_super_admin_remains(store, &found).await?;
    let mut deleted = Vec::with_capacity(found.len());
    for record in found {
        if store.delete_account(&record.id).await? {
            deleted.push(record);
        }
    }
    Ok(deleted)
}

/// Deletes one account, which must exist.
pub async fn delete_one(
    store: &dyn Store,
    caller: &Principal,
    id: &AccountId,
) -> Result<AccountRecord, DomainError> {
    delete(store, caller, std::slice::from_ref(id))
        .await?
        .pop()
        .ok_or_else(|| DomainError::NotFound(format!("no account {id}")))
}
