//! User accounts: people, identified by their email address.

use crate::account::{AccountId, AccountKind, AccountRecord, parse_user_id};
use crate::authority::{self, Act};
use crate::clock::Clock;
use crate::error::DomainError;
use crate::membership::{self, Memberships};
use crate::permission::PermissionSet;
use crate::principal::Principal;
use crate::service_account::existing;
use crate::store::{AccountChange, AccountStore, NewAccount, Store};

/// What a create or update sets; `None` leaves a part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    /// Direct permissions, replaced as a whole.
    pub permissions: Option<PermissionSet>,
    pub memberships: Memberships,
    /// The change also sets the user's password (which the caller hashes and stores after it).
    pub sets_password: bool,
}

/// Creates a user account (it joins Everyone), or changes the existing one. Nothing changes unless
/// the caller holds every permission the change adds, directly or through roles and groups, and,
/// for an existing user, everything that user holds.
pub async fn create_or_update(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: &Principal,
    email: &str,
    change: &UserChange,
) -> Result<AccountRecord, DomainError> {
    let id = parse_user_id(email)?;
    match store.account(&id).await? {
        Some(current) => apply(store, clock, caller, &current, change).await,
        None => match insert(store, clock, caller, &id, change).await? {
            Some(created) => Ok(created),
            // Created meanwhile by another request: treat this one as an update.
            None => {
                let current = existing(store, &id).await?;
                apply(store, clock, caller, &current, change).await
            }
        },
    }
}

/// Creates a user account that does not exist yet (it joins Everyone); an existing one is refused
/// and left as it is, as the product refused it.
pub async fn create(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: &Principal,
    email: &str,
    change: &UserChange,
) -> Result<AccountRecord, DomainError> {
    let id = parse_user_id(email)?;
    let exists = || {
        DomainError::Conflict(format!(
            "User with id {id} is already created in our system."
        ))
    };
    if store.account(&id).await?.is_some() {
        return Err(exists());
    }
    insert(store, clock, caller, &id, change)
        .await?
        .ok_or_else(exists)
}

/// Inserts a new user with the change's permissions and memberships; `None` if the id was taken.
async fn insert(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: &Principal,
    id: &AccountId,
    change: &UserChange,
) -> Result<Option<AccountRecord>, DomainError> {
    let permissions = change.permissions.unwrap_or_default();
    caller.may_grant(permissions)?;
    let plan = membership::plan(
        store,
        caller,
        AccountKind::User,
        &[],
        &membership::initial_groups(AccountKind::User),
        &change.memberships,
    )
    .await?;
    let created = store
        .create_account(&NewAccount {
            id: id.clone(),
            kind: AccountKind::User,
            active: true,
            description: String::new(),
            permissions,
            now: clock.now_millis(),
        })
        .await?;
    if !created {
        return Ok(None);
    }
    membership::apply(store, id, &plan).await?;
    existing(store, id).await.map(Some)
}

/// Changes an existing user account.
pub async fn update(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: &Principal,
    raw_id: &str,
    change: &UserChange,
) -> Result<AccountRecord, DomainError> {
    let current = find(store, raw_id).await?;
    apply(store, clock, caller, &current, change).await
}

async fn apply(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: &Principal,
    current: &AccountRecord,
    change: &UserChange,
) -> Result<AccountRecord, DomainError> {
    if current.kind != AccountKind::User {
        return Err(DomainError::Conflict(format!(
            "{} is not a user account",
            current.id
        )));
    }
    let act = if change.sets_password {
        Act::SetPassword
    } else {
        Act::ChangePermissions
    };
    authority::may_act_on_account(caller, current, act)?;
    if let Some(permissions) = change.permissions {
        caller.may_grant(permissions.without(current.permissions))?;
    }
    let plan = membership::plan(
        store,
        caller,
        AccountKind::User,
        &current.roles,
        &current.groups,
        &change.memberships,
    )
    .await?;
    if change.permissions.is_some() {
        let update = AccountChange {
            permissions: change.permissions,
            ..AccountChange::default()
        };
        store
            .update_account(&current.id, &update, clock.now_millis())
            .await?;
    }
    membership::apply(store, &current.id, &plan).await?;
    existing(store, &current.id).await
}

/// The user account with this id, or `NotFound`.
pub async fn find(store: &dyn AccountStore, raw_id: &str) -> Result<AccountRecord, DomainError> {
    let id = AccountId::parse(raw_id)?;
    match store.account(&id).await? {
        Some(a) if a.kind == AccountKind::User => Ok(a),
        _ => Err(DomainError::NotFound(format!("no user account {id}"))),
    }
}
