//! Roles and groups: who may give what to whom. Every path that could hand out a permission
//! (a new role, a role's permissions, an assignment, a membership) requires the caller to hold
//! every permission it would hand out; assigning or taking a role or a group from an account
//! also requires holding everything that account holds (`authority`).

use crate::account::{AccountId, AccountKind};
use crate::authority::{self, Act};
use crate::clock::Clock;
use crate::error::DomainError;
use crate::group::{EVERYONE_GROUP_ID, GroupRecord, NewGroup};
use crate::permission::{Permission, PermissionSet};
use crate::principal::Principal;
use crate::random::Random;
use crate::role::{NewRole, RoleChange, RoleRecord};
use crate::service_account::existing;
use crate::store::{GroupStore, RoleStore, Store};

/// The longest role or group name accepted.
pub const MAX_NAME_LEN: usize = 255;

fn valid_name(name: &str, what: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
        return Err(DomainError::Invalid(format!(
            "a {what} name is 1 to {MAX_NAME_LEN} printable characters"
        )));
    }
    crate::text::no_hidden_chars(name, &format!("a {what} name"))?;
    Ok(name.to_owned())
}

pub async fn find_role(store: &dyn RoleStore, id: &str) -> Result<RoleRecord, DomainError> {
    store
        .role(id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no role {id}")))
}

pub async fn find_group(store: &dyn GroupStore, id: &str) -> Result<GroupRecord, DomainError> {
    store
        .group(id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no group {id}")))
}

/// The union of the permissions of these roles, which must all exist.
async fn permissions_of_roles(
    store: &dyn RoleStore,
    ids: &[String],
) -> Result<PermissionSet, DomainError> {
    let mut set = PermissionSet::EMPTY;
    for id in ids {
        let role = store
            .role(id)
            .await?
            .ok_or_else(|| DomainError::Invalid(format!("no role {id}")))?;
        set = set.union(role.permissions);
    }
    Ok(set)
}

pub async fn create_role(
    store: &dyn RoleStore,
    clock: &dyn Clock,
    random: &dyn Random,
    caller: &Principal,
    name: &str,
    description: &str,
    permissions: PermissionSet,
) -> Result<RoleRecord, DomainError> {
    crate::text::description_fits(description)?;
    caller.may_grant(permissions)?;
    let id = random.uuid()?.to_string();
    let created = store
        .create_role(&NewRole {
            id: id.clone(),
            name: valid_name(name, "role")?,
            description: description.trim().to_owned(),
            permissions,
            now: clock.now_millis(),
            by: caller.account.to_string(),
        })
        .await?;
    if !created {
        return Err(DomainError::Conflict(format!(
            "a role named '{}' exists already",
            name.trim()
        )));
    }
    find_role(store, &id).await
}

pub async fn update_role(
    store: &dyn RoleStore,
    clock: &dyn Clock,
    caller: &Principal,
    id: &str,
    mut change: RoleChange,
) -> Result<RoleRecord, DomainError> {
    if let Some(description) = &change.description {
        crate::text::description_fits(description)?;
    }
    find_role(store, id).await?;
    if let Some(p) = change.permissions {
        caller.may_grant(p)?;
    }
    if let Some(name) = change.name.take() {
        change.name = Some(valid_name(&name, "role")?);
    }
    store
        .update_role(id, &change, clock.now_millis(), caller.account.as_str())
        .await?;
    find_role(store, id).await
}

/// Grants (or revokes) one permission on several roles.
pub async fn set_permission_on_roles(
    store: &dyn RoleStore,
    clock: &dyn Clock,
    caller: &Principal,
    permission: Permission,
    role_ids: &[String],
    granted: bool,
) -> Result<Option<RoleRecord>, DomainError> {
    if granted {
        caller.may_grant([permission].into_iter().collect())?;
    }
    let mut last = None;
    let mut roles = Vec::with_capacity(role_ids.len());
    for id in role_ids {
        roles.push(find_role(store, id).await?);
    }
    for role in roles {
        let mut permissions = role.permissions;
        if granted {
            permissions.insert(permission);
        } else {
            permissions = permissions.iter().filter(|p| *p != permission).collect();
        }
        let change = RoleChange {
            permissions: Some(permissions),
            ..RoleChange::default()
        };
        store
            .update_role(
                &role.id,
                &change,
                clock.now_millis(),
                caller.account.as_str(),
            )
            .await?;
        last = Some(find_role(store, &role.id).await?);
    }
    Ok(last)
}

/// Assigns a role to (or takes it from) accounts and groups, named by id in one list.
pub async fn set_role_assignees(
    store: &dyn Store,
    caller: &Principal,
    role_id: &str,
    assignees: &[String],
    assigned: bool,
) -> Result<RoleRecord, DomainError> {
    let role = find_role(store, role_id).await?;
    if assigned {
        caller.may_grant(role.permissions)?;
    }
    let mut accounts = Vec::new();
    let mut groups = Vec::new();
    for raw in assignees {
        if store.group(raw).await?.is_some() {
            groups.push(raw.clone());
        } else {
            let id = AccountId::parse(raw)?;
            let account = existing(store, &id)
                .await
                .map_err(|_| DomainError::Invalid(format!("no account or group {raw}")))?;
            authority::may_act_on_account(caller, &account, Act::ChangePermissions)?;
            accounts.push(id);
        }
    }
    store
        .set_role_assignees(role_id, &accounts, &groups, assigned)
        .await?;
    find_role(store, role_id).await
}

pub async fn create_group(
    store: &dyn Store,
    clock: &dyn Clock,
    random: &dyn Random,
    caller: &Principal,
    name: &str,
    description: &str,
    roles: &[String],
) -> Result<GroupRecord, DomainError> {
    crate::text::description_fits(description)?;
    caller.may_grant(permissions_of_roles(store, roles).await?)?;
    let id = random.uuid()?.to_string();
    let created = store
        .create_group(&NewGroup {
            id: id.clone(),
            name: valid_name(name, "group")?,
            description: description.trim().to_owned(),
            roles: roles.to_vec(),
            now: clock.now_millis(),
        })
        .await?;
    if !created {
        return Err(DomainError::Conflict(format!(
            "a group named '{}' exists already",
            name.trim()
        )));
    }
    find_group(store, &id).await
}

pub async fn update_group(
    store: &dyn Store,
    caller: &Principal,
    id: &str,
    name: Option<&str>,
    description: Option<&str>,
    roles: Option<&[String]>,
) -> Result<GroupRecord, DomainError> {
    if let Some(description) = description {
        crate::text::description_fits(description)?;
    }
    let group = find_group(store, id).await?;
    let name = match name.map(str::trim) {
        Some(n) if group.system && n != group.name => {
            return Err(DomainError::Invalid(format!(
                "the {} group cannot be renamed",
                group.name
            )));
        }
        Some(n) => Some(valid_name(n, "group")?),
        None => None,
    };
    if let Some(roles) = roles {
        caller.may_grant(permissions_of_roles(store, roles).await?)?;
    }
    store
        .update_group(id, name.as_deref(), description, roles)
        .await?;
    find_group(store, id).await
}

pub async fn delete_group(store: &dyn GroupStore, id: &str) -> Result<GroupRecord, DomainError> {
    let group = find_group(store, id).await?;
    if group.system {
        return Err(DomainError::Invalid(format!(
            "the {} group cannot be deleted",
            group.name
        )));
    }
    store.delete_group(id).await?;
    Ok(group)
}

/// Adds accounts to (or removes them from) a group. Everyone's membership is every user, fixed;
/// only service accounts belong to Service Accounts.
pub async fn set_group_members(
    store: &dyn Store,
    caller: &Principal,
    group_id: &str,
    members: &[String],
    member: bool,
) -> Result<GroupRecord, DomainError> {
    let group = find_group(store, group_id).await?;
    if group.id == EVERYONE_GROUP_ID {
        return Err(DomainError::Invalid(
            "every user belongs to Everyone; its members cannot be changed".into(),
        ));
    }
    if member {
        caller.may_grant(permissions_of_roles(store, &group.roles).await?)?;
    }
    let mut ids = Vec::with_capacity(members.len());
    for raw in members {
        let id = AccountId::parse(raw)?;
        let account = existing(store, &id)
            .await
            .map_err(|_| DomainError::Invalid(format!("no account {raw}")))?;
        authority::may_act_on_account(caller, &account, Act::ChangePermissions)?;
        if group.system && member && account.kind != AccountKind::ServiceAccount {
            return Err(DomainError::Invalid(format!(
                "{raw} is not a service account"
            )));
        }
        ids.push(id);
    }
    store.set_group_members(group_id, &ids, member).await?;
    find_group(store, group_id).await
}

/// Adds roles to (or removes them from) a group.
pub async fn set_group_roles(
    store: &dyn Store,
    caller: &Principal,
    group_id: &str,
    roles: &[String],
    held: bool,
) -> Result<GroupRecord, DomainError> {
    find_group(store, group_id).await?;
    let permissions = permissions_of_roles(store, roles).await?;
    if held {
        caller.may_grant(permissions)?;
    }
    store.set_group_roles(group_id, roles, held).await?;
    find_group(store, group_id).await
}
