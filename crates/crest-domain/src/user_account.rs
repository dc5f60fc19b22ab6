//! User accounts: people, identified by their email address.

use crate::account::{AccountKind, AccountRecord, parse_user_id};
use crate::clock::Clock;
use crate::error::DomainError;
use crate::permission::PermissionSet;
use crate::service_account::existing;
use crate::store::{AccountChange, NewAccount, Store};

/// Creates a user account (it joins Everyone) with these direct permissions, or, when it exists,
/// sets its direct permissions to these.
pub async fn create_or_update(
    store: &dyn Store,
    clock: &dyn Clock,
    email: &str,
    permissions: PermissionSet,
) -> Result<AccountRecord, DomainError> {
    let id = parse_user_id(email)?;
    let now = clock.now_millis();
    let created = store
        .create_account(&NewAccount {
            id: id.clone(),
            kind: AccountKind::User,
            active: true,
            description: String::new(),
            permissions,
            now,
        })
        .await?;
    if !created {
        let current = existing(store, &id).await?;
        if current.kind != AccountKind::User {
            return Err(DomainError::Conflict(format!("{id} is not a user account")));
        }
        let change = AccountChange {
            permissions: Some(permissions),
            ..AccountChange::default()
        };
        store.update_account(&id, &change, now).await?;
    }
    existing(store, &id).await
}

/// The user account with this id, or `NotFound`.
pub async fn find(store: &dyn Store, raw_id: &str) -> Result<AccountRecord, DomainError> {
    let id = crate::account::AccountId::parse(raw_id)?;
    match store.account(&id).await? {
        Some(a) if a.kind == AccountKind::User => Ok(a),
        _ => Err(DomainError::NotFound(format!("no user account {id}"))),
    }
}
