//! Service accounts and the API tokens of accounts: the rules, over the store.

use crate::account::{AccountId, AccountKind, AccountRecord, parse_service_account_id};
use crate::authority::{self, Act};
use crate::clock::Clock;
use crate::error::DomainError;
use crate::membership::{self, Memberships};
use crate::permission::{Permission, PermissionSet};
use crate::principal::Principal;
use crate::random::Random;
use crate::store::{
    AccountChange, AccountStore, NewAccount, NewToken, Store, TokenCreated, TokenStore,
};
use crate::token::{
    ApiTokenSecret, MAX_TOKEN_NAME_LEN, MAX_TOKENS_PER_ACCOUNT, TokenId, TokenRecord,
};
use crate::token_vault::TokenVault;

/// What a client asks a new service account to be.
#[derive(Debug, Clone)]
pub struct ServiceAccountInput {
    pub id: String,
    pub active: bool,
    pub description: String,
    pub permissions: PermissionSet,
    /// Roles and groups; the account joins Service Accounts whatever the groups name besides.
    pub memberships: Memberships,
}

/// What an update sets; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct ServiceAccountChange {
    /// Direct permissions, replaced as a whole.
    pub permissions: Option<PermissionSet>,
    pub active: Option<bool>,
    pub description: Option<String>,
    pub memberships: Memberships,
}

/// A service account can never hold API Tokens (the permission to make tokens for oneself).
pub fn check_permissions(permissions: PermissionSet) -> Result<(), DomainError> {
    if permissions.contains(Permission::TokenManagement) {
        return Err(DomainError::Invalid(
            "a service account cannot hold the API Tokens permission (token_management)".into(),
        ));
    }
    Ok(())
}

/// Creates a service account; its id is validated and lower-cased, and it joins the Service
/// Accounts group. Nobody gives it a permission, role or group they do not hold themselves.
pub async fn create(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: &Principal,
    input: ServiceAccountInput,
) -> Result<AccountRecord, DomainError> {
    let id = parse_service_account_id(&input.id)?;
    check_permissions(input.permissions)?;
    crate::text::description_fits(&input.description)?;
    caller.may_grant(input.permissions)?;
    let initial = membership::initial_groups(AccountKind::ServiceAccount);
    let mut wanted = input.memberships;
    if let Some(groups) = wanted.groups.as_mut() {
        groups.extend(initial.iter().cloned());
    }
    let plan = membership::plan(
        store,
        caller,
        AccountKind::ServiceAccount,
        &[],
        &initial,
        &wanted,
    )
    .await?;
    let created = store
        .create_account(&NewAccount {
            id: id.clone(),
            kind: AccountKind::ServiceAccount,
            active: input.active,
            description: input.description,
            permissions: input.permissions,
            now: clock.now_millis(),
        })
        .await?;
    if !created {
        return Err(DomainError::Conflict(format!(
            "an account with id {id} already exists"
        )));
    }
    membership::apply(store, &id, &plan).await?;
    existing(store, &id).await
}

/// The service account with this id (in any case), or `NotFound`.
pub async fn find(store: &dyn AccountStore, raw_id: &str) -> Result<AccountRecord, DomainError> {
    let id = AccountId::parse(raw_id)?;
    match store.account(&id).await? {
        Some(a) if a.kind == AccountKind::ServiceAccount => Ok(a),
        _ => Err(DomainError::NotFound(format!("no service account {id}"))),
    }
}

/// Any account with this id, or `NotFound`.
pub async fn existing(
    store: &dyn AccountStore,
    id: &AccountId,
) -> Result<AccountRecord, DomainError> {
    store
        .account(id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no account {id}")))
}

/// Changes a service account: only a caller holding everything it holds may, and nobody adds a
/// permission, role or group they do not hold. Everything is checked before anything changes.
pub async fn update(
    store: &dyn Store,
    clock: &dyn Clock,
    caller: &Principal,
    raw_id: &str,
    change: ServiceAccountChange,
) -> Result<AccountRecord, DomainError> {
    let record = find(store, raw_id).await?;
    let act = if change.permissions.is_none()
        && change.description.is_none()
        && change.memberships == Memberships::default()
    {
        Act::ChangeActivation
    } else {
        Act::ChangePermissions
    };
    authority::may_act_on_account(caller, &record, act)?;
    if let Some(permissions) = change.permissions {
        check_permissions(permissions)?;
        caller.may_grant(permissions.without(record.permissions))?;
    }
    if let Some(description) = &change.description {
        crate::text::description_fits(description)?;
    }
    let plan = membership::plan(
        store,
        caller,
        record.kind,
        &record.roles,
        &record.groups,
        &change.memberships,
    )
    .await?;
    let update = AccountChange {
        permissions: change.permissions,
        active: change.active,
        description: change.description,
    };
    if !store
        .update_account(&record.id, &update, clock.now_millis())
        .await?
    {
        return Err(DomainError::NotFound(format!("no account {}", record.id)));
    }
    membership::apply(store, &record.id, &plan).await?;
    existing(store, &record.id).await
}

/// Generates a token for `owner`; the secret is returned once and only its digest is kept.
/// Nobody mints a token for an account that holds more than they do.
pub async fn generate_token(
    store: &dyn TokenStore,
    clock: &dyn Clock,
    random: &dyn Random,
    caller: &Principal,
    owner: &AccountRecord,
    name: Option<&str>,
    vault: Option<&TokenVault>,
) -> Result<(TokenId, ApiTokenSecret), DomainError> {
    authority::may_act_on_account(caller, owner, Act::MintToken)?;
    let account = &owner.id;
    let name = token_name(name)?;
    let secret = ApiTokenSecret::generate(random)?;
    let id = TokenId::generate(random)?;
    let sealed = vault.map(|v| v.seal(&secret, id, random)).transpose()?;
    let outcome = store
        .create_token(
            &NewToken {
                id,
                digest: secret.digest(),
                account: account.clone(),
                name,
                now: clock.now_millis(),
                sealed,
            },
            MAX_TOKENS_PER_ACCOUNT,
        )
        .await?;
    match outcome {
        TokenCreated::Created => Ok((id, secret)),
        TokenCreated::LimitReached => Err(DomainError::Invalid(format!(
            "{account} already holds {MAX_TOKENS_PER_ACCOUNT} tokens, the most an account may hold; revoke one first"
        ))),
        TokenCreated::NoSuchAccount => Err(DomainError::NotFound(format!("no account {account}"))),
    }
}

/// Finds one of `account`'s tokens by either of its names: the public id listings show, or the
/// secret itself (as the original API took it).
pub async fn resolve_token(
    store: &dyn TokenStore,
    account: &AccountId,
    raw: &str,
) -> Result<TokenId, DomainError> {
    let not_found = || DomainError::NotFound(format!("{account} holds no such token"));
    if let Some(id) = TokenId::parse(raw)
        && store.tokens_of(account).await?.iter().any(|t| t.id == id)
    {
        return Ok(id);
    }
    let secret = ApiTokenSecret::parse(raw).map_err(|_| not_found())?;
    match store.token_owner(&secret.digest()).await? {
        Some(owner) if owner.account.id == *account && !owner.revoked => Ok(owner.token_id),
        _ => Err(not_found()),
    }
}

/// Finds any unrevoked token of the organization by its public id or by the secret itself.
pub async fn resolve_any_token(
    store: &dyn TokenStore,
    raw: &str,
) -> Result<TokenRecord, DomainError> {
    let not_found = || DomainError::NotFound("no such token".into());
    if let Some(id) = TokenId::parse(raw)
        && let Some(record) = store.token(id).await?
    {
        return Ok(record);
    }
    let secret = ApiTokenSecret::parse(raw).map_err(|_| not_found())?;
    match store.token_owner(&secret.digest()).await? {
        Some(owner) if !owner.revoked => store.token(owner.token_id).await?.ok_or_else(not_found),
        _ => Err(not_found()),
    }
}

/// Renames one of `owner`'s tokens.
pub async fn rename_token(
    store: &dyn TokenStore,
    caller: &Principal,
    owner: &AccountRecord,
    raw_token: &str,
    name: Option<&str>,
) -> Result<TokenRecord, DomainError> {
    authority::may_act_on_account(caller, owner, Act::RenameToken)?;
    let account = &owner.id;
    let id = resolve_token(store, account, raw_token).await?;
    let name = token_name(name)?;
    store
        .rename_token(account, id, &name)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("{account} holds no such token")))
}

/// Revokes one of `owner`'s tokens, immediately and for good.
pub async fn revoke_token(
    store: &dyn TokenStore,
    clock: &dyn Clock,
    caller: &Principal,
    owner: &AccountRecord,
    raw_token: &str,
) -> Result<(), DomainError> {
    authority::may_act_on_account(caller, owner, Act::RevokeToken)?;
    let account = &owner.id;
    let id = resolve_token(store, account, raw_token).await?;
    if store.revoke_token(account, id, clock.now_millis()).await? {
        Ok(())
    } else {
        Err(DomainError::NotFound(format!(
            "{account} holds no such token"
        )))
    }
}

fn token_name(name: Option<&str>) -> Result<String, DomainError> {
    let name = name.unwrap_or_default().trim();
    if name.chars().count() > MAX_TOKEN_NAME_LEN {
        return Err(DomainError::Invalid(format!(
            "a token name is at most {MAX_TOKEN_NAME_LEN} characters"
        )));
    }
    crate::text::no_hidden_chars(name, "a token name")?;
    Ok(name.to_owned())
}
