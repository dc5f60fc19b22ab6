//! Domain records as the API's wire models.

use crest_domain::account::{AccountKind, AccountRecord};
use crest_domain::group::{EVERYONE_GROUP_ID, GroupRef};
use crest_domain::store::Store;
use crest_domain::token::TokenRecord;
use crest_types::accounts::{
    Account, ServiceAccount, UserGroup, UserGroupPropertiesDTO, UserModel,
};
use crest_types::tokens::{AccountType, ApiTokenModel, UserApiToken};

use crate::error::ApiError;

/// The organization every account of this instance belongs to, as `customer` fields name it.
pub(crate) const CUSTOMER: &str = "crest";

pub(crate) fn account(record: &AccountRecord, groups: &[GroupRef]) -> Account {
    Account {
        identifier: record.id.to_string(),
        groups: record.permissions.names(),
        roles: Vec::new(),
        user_groups: groups.iter().map(|g| g.id.clone()).collect(),
        united_permissions: record.effective_permissions().names(),
        united_roles: Vec::new(),
    }
}

pub(crate) fn user_group(group: &GroupRef) -> UserGroup {
    // The two system groups keep their name and members; their roles may change.
    UserGroup {
        id: group.id.clone(),
        name: group.name.clone(),
        description: group.description.clone(),
        customer: CUSTOMER.to_owned(),
        properties: UserGroupPropertiesDTO {
            name_editable: false,
            roles_editable: true,
            users_editable: group.id != EVERYONE_GROUP_ID,
        },
        roles: Vec::new(),
    }
}

pub(crate) fn account_type(record: &AccountRecord) -> AccountType {
    match (record.kind, record.active) {
        (AccountKind::User, _) => AccountType::UserAccount,
        (AccountKind::ServiceAccount, true) => AccountType::ServiceAccount,
        (AccountKind::ServiceAccount, false) => AccountType::InactiveServiceAccount,
    }
}

pub(crate) fn token(record: &TokenRecord, owner: &AccountRecord) -> UserApiToken {
    UserApiToken {
        token_id: record.id.to_string(),
        token_name: record.name.clone(),
        account: owner.id.to_string(),
        account_type: account_type(owner),
        date_generated: record.created_ms,
        last_used: record.last_used_ms,
    }
}

pub(crate) async fn tokens_of(
    store: &dyn Store,
    owner: &AccountRecord,
) -> Result<Vec<UserApiToken>, ApiError> {
    Ok(store
        .tokens_of(&owner.id)
        .await?
        .iter()
        .map(|t| token(t, owner))
        .collect())
}

pub(crate) async fn service_account(
    store: &dyn Store,
    record: &AccountRecord,
) -> Result<ServiceAccount, ApiError> {
    let groups = store.groups_of(&record.id).await?;
    let tokens = tokens_of(store, record).await?;
    Ok(ServiceAccount {
        identifier: record.id.to_string(),
        active: record.active,
        description: record.description.clone(),
        groups: record.permissions.names(),
        roles: Vec::new(),
        last_used: tokens.iter().filter_map(|t| t.last_used).max(),
        tokens,
        united_permissions: record.effective_permissions().names(),
        united_roles: Vec::new(),
        user_groups: groups.iter().map(user_group).collect(),
    })
}

pub(crate) async fn user_model(
    store: &dyn Store,
    record: &AccountRecord,
) -> Result<UserModel, ApiError> {
    let groups = store.groups_of(&record.id).await?;
    Ok(UserModel {
        identifier: record.id.to_string(),
        customer: CUSTOMER.to_owned(),
        groups: record.permissions.names(),
        user_groups: groups.iter().map(user_group).collect(),
        roles: Vec::new(),
    })
}

pub(crate) fn token_model(record: &TokenRecord, owner: &AccountRecord) -> ApiTokenModel {
    ApiTokenModel {
        id: record.id.to_string(),
        name: record.name.clone(),
        account: owner.id.to_string(),
        account_type: account_type(owner),
        customer: CUSTOMER.to_owned(),
        created_epoch_millis: record.created_ms,
        date_generated: record.created_ms,
        last_used: record.last_used_ms,
    }
}

/// A list of tokens, the new one last with its secret in `tokenID` (shown this once).
pub(crate) fn tokens_with_new_secret(
    records: &[TokenRecord],
    owner: &AccountRecord,
    new_id: crest_domain::token::TokenId,
    secret: &crest_domain::token::ApiTokenSecret,
) -> Vec<UserApiToken> {
    let mut listed: Vec<UserApiToken> = records
        .iter()
        .filter(|t| t.id != new_id)
        .map(|t| token(t, owner))
        .collect();
    if let Some(created) = records.iter().find(|t| t.id == new_id) {
        let mut shown = token(created, owner);
        shown.token_id = secret.reveal().to_owned();
        listed.push(shown);
    }
    listed
}
