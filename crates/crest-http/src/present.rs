//! Domain records as the API's wire models.

use std::collections::HashMap;

use crest_auth::csp::verify::APP_ACCOUNT_PREFIX;
use crest_domain::account::{AccountKind, AccountRecord};
use crest_domain::csp::app::CspAppRecord;
use crest_domain::group::{EVERYONE_GROUP_ID, GroupRecord};
use crest_domain::role::RoleRecord;
use crest_domain::store::Store;
use crest_domain::token::{ApiTokenSecret, TokenId, TokenRecord};
use crest_domain::token_vault::SecretReader;
use crest_types::accounts::{
    Account, CustomerFacingUserObject, RoleDTO, ServiceAccount, UserGroup, UserGroupModel,
    UserGroupPropertiesDTO, UserModel,
};
use crest_types::crest::AuditEvent;
use crest_types::tokens::{AccountType, ApiTokenModel, UserApiToken};

use crate::error::ApiError;

/// The organization every account of this instance belongs to, as `customer` fields name it.
pub(crate) const CUSTOMER: &str = "crest";
/// How many linked accounts and groups a role lists by name.
const SAMPLE_SIZE: usize = 5;

/// Every role and group, read once for an answer that embeds them.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    roles: HashMap<String, RoleRecord>,
    groups: HashMap<String, GroupRecord>,
}

impl Directory {
    pub(crate) async fn load(store: &dyn Store) -> Result<Self, ApiError> {
        Ok(Self {
            roles: store
                .roles()
                .await?
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect(),
            groups: store
                .groups()
                .await?
                .into_iter()
                .map(|g| (g.id.clone(), g))
                .collect(),
        })
    }

    pub(crate) fn role(&self, role: &RoleRecord) -> RoleDTO {
        RoleDTO {
            id: role.id.clone(),
            name: role.name.clone(),
            description: role.description.clone(),
            customer: CUSTOMER.to_owned(),
            permissions: role.permissions.names(),
            created_epoch_millis: role.created_ms,
            last_updated_ms: role.updated_ms,
            last_updated_account_id: role.updated_by.clone(),
            linked_accounts_count: role.accounts.len() as u64,
            linked_groups_count: role.groups.len() as u64,
            sample_linked_accounts: role.accounts.iter().take(SAMPLE_SIZE).cloned().collect(),
            sample_linked_groups: role
                .groups
                .iter()
                .filter_map(|g| self.groups.get(g))
                .take(SAMPLE_SIZE)
                .map(|g| self.embedded_group(g, false))
                .collect(),
        }
    }

    fn roles_by_id(&self, ids: &[String]) -> Vec<RoleDTO> {
        ids.iter()
            .filter_map(|id| self.roles.get(id))
            .map(|r| self.role(r))
            .collect()
    }

    /// A group as accounts and roles embed it; `with_roles` stops the role ↔ group recursion.
    fn embedded_group(&self, group: &GroupRecord, with_roles: bool) -> UserGroup {
        UserGroup {
            id: group.id.clone(),
            name: group.name.clone(),
            description: group.description.clone(),
            customer: CUSTOMER.to_owned(),
            properties: properties(group),
            roles: if with_roles {
                self.roles_by_id(&group.roles)
            } else {
                Vec::new()
            },
        }
    }

    fn groups_by_id(&self, ids: &[String]) -> Vec<UserGroup> {
        ids.iter()
            .filter_map(|id| self.groups.get(id))
            .map(|g| self.embedded_group(g, true))
            .collect()
    }

    pub(crate) fn group(&self, group: &GroupRecord) -> UserGroupModel {
        UserGroupModel {
            id: group.id.clone(),
            name: group.name.clone(),
            description: group.description.clone(),
            customer: CUSTOMER.to_owned(),
            created_epoch_millis: group.created_ms,
            properties: properties(group),
            roles: self.roles_by_id(&group.roles),
            role_count: group.roles.len() as u64,
            users: group.members.clone(),
            user_count: group.members.len() as u64,
        }
    }

    pub(crate) fn user_model(&self, record: &AccountRecord) -> UserModel {
        UserModel {
            identifier: record.id.to_string(),
            customer: CUSTOMER.to_owned(),
            groups: record.permissions.names(),
            user_groups: self.groups_by_id(&record.groups),
            roles: self.roles_by_id(&record.roles),
        }
    }

    pub(crate) fn service_account(
        &self,
        record: &AccountRecord,
        tokens: Vec<UserApiToken>,
    ) -> ServiceAccount {
        ServiceAccount {
            identifier: record.id.to_string(),
            active: record.active,
            description: record.description.clone(),
            groups: record.permissions.names(),
            roles: self.roles_by_id(&record.roles),
            last_used: tokens.iter().filter_map(|t| t.last_used).max(),
            tokens,
            united_permissions: record.effective_permissions().names(),
            united_roles: record.united_roles.clone(),
            user_groups: self.groups_by_id(&record.groups),
        }
    }
}

fn properties(group: &GroupRecord) -> UserGroupPropertiesDTO {
    // The two system groups keep their names; Everyone keeps its members.
    UserGroupPropertiesDTO {
        name_editable: !group.system,
        roles_editable: true,
        users_editable: group.id != EVERYONE_GROUP_ID,
    }
}

pub(crate) fn account(record: &AccountRecord) -> Account {
    Account {
        identifier: record.id.to_string(),
        groups: record.permissions.names(),
        roles: record.roles.clone(),
        user_groups: record.groups.clone(),
        united_permissions: record.effective_permissions().names(),
        united_roles: record.united_roles.clone(),
    }
}

/// A user as user search returns it; `is_self` says whether it is the caller.
pub(crate) fn customer_facing_user(
    record: &AccountRecord,
    is_self: bool,
) -> CustomerFacingUserObject {
    let id = record.id.to_string();
    CustomerFacingUserObject {
        escaped_identifier: percent_encoding::utf8_percent_encode(
            &id,
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string(),
        identifier: id.clone(),
        id,
        customer: CUSTOMER.to_owned(),
        is_self,
        groups: record.permissions.names(),
        user_groups: record.groups.clone(),
        united_permissions: record.effective_permissions().names(),
        united_roles: record.united_roles.clone(),
        last_successful_login: None,
    }
}

pub(crate) fn account_type(record: &AccountRecord) -> AccountType {
    match (record.kind, record.active) {
        (AccountKind::User, _) => AccountType::UserAccount,
        (AccountKind::ServiceAccount, true) => AccountType::ServiceAccount,
        (AccountKind::ServiceAccount, false) => AccountType::InactiveServiceAccount,
    }
}

/// A token as its owner and administrators list it: `tokenID` is its public id, or, when the
/// operator made tokens retrievable and this one was sealed with their key, its secret.
pub(crate) fn token(
    record: &TokenRecord,
    owner: &AccountRecord,
    vault: SecretReader<'_>,
) -> UserApiToken {
    let retrieved = vault.open(record, owner);
    UserApiToken {
        token_id: retrieved.map_or_else(|| record.id.to_string(), |s| s.reveal().to_owned()),
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
    vault: SecretReader<'_>,
) -> Result<Vec<UserApiToken>, ApiError> {
    Ok(store
        .tokens_of(&owner.id)
        .await?
        .iter()
        .map(|t| token(t, owner, vault))
        .collect())
}

pub(crate) async fn service_account(
    store: &dyn Store,
    record: &AccountRecord,
    vault: SecretReader<'_>,
) -> Result<ServiceAccount, ApiError> {
    let tokens = tokens_of(store, record, vault).await?;
    Ok(Directory::load(store)
        .await?
        .service_account(record, tokens))
}

/// Every service account with its tokens, reading the roles, groups and tokens once for all.
pub(crate) async fn all_service_accounts(
    store: &dyn Store,
    vault: SecretReader<'_>,
) -> Result<Vec<ServiceAccount>, ApiError> {
    let records = store.accounts_of_kind(AccountKind::ServiceAccount).await?;
    let mut tokens: HashMap<_, Vec<_>> = HashMap::new();
    for token in store.all_tokens().await? {
        tokens.entry(token.account.clone()).or_default().push(token);
    }
    let dir = Directory::load(store).await?;
    Ok(records
        .iter()
        .map(|record| {
            let listed = tokens
                .get(&record.id)
                .map(|ts| ts.iter().map(|t| token(t, record, vault)).collect())
                .unwrap_or_default();
            dir.service_account(record, listed)
        })
        .collect())
}

pub(crate) async fn user_model(
    store: &dyn Store,
    record: &AccountRecord,
) -> Result<UserModel, ApiError> {
    Ok(Directory::load(store).await?.user_model(record))
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

/// Every token of the organization, as the admin views list them.
pub(crate) async fn all_token_models(store: &dyn Store) -> Result<Vec<ApiTokenModel>, ApiError> {
    let mut owners = HashMap::new();
    for kind in [AccountKind::User, AccountKind::ServiceAccount] {
        for account in store.accounts_of_kind(kind).await? {
            owners.insert(account.id.clone(), account);
        }
    }
    let mut models: Vec<ApiTokenModel> = store
        .all_tokens()
        .await?
        .iter()
        .filter_map(|t| owners.get(&t.account).map(|owner| token_model(t, owner)))
        .collect();
    // Each server-to-server app is the instance's internal service account for that app; its
    // credential is listed beside the API tokens, as the product's token view listed them.
    models.extend(store.csp_apps().await?.iter().map(app_credential_model));
    Ok(models)
}

/// A server-to-server app's credential as the organization-wide token view lists it.
pub(crate) fn app_credential_model(app: &CspAppRecord) -> ApiTokenModel {
    ApiTokenModel {
        id: app.id.clone(),
        name: app.name.clone(),
        account: format!("{APP_ACCOUNT_PREFIX}{}", app.id),
        account_type: AccountType::CspServiceAccount,
        customer: CUSTOMER.to_owned(),
        created_epoch_millis: app.created_ms,
        date_generated: app.created_ms,
        last_used: None,
    }
}

/// A list of tokens, the new one last with its secret in `tokenID` (shown this once).
pub(crate) fn tokens_with_new_secret(
    records: &[TokenRecord],
    owner: &AccountRecord,
    new_id: TokenId,
    secret: &ApiTokenSecret,
    vault: SecretReader<'_>,
) -> Vec<UserApiToken> {
    let mut listed: Vec<UserApiToken> = records
        .iter()
        .filter(|t| t.id != new_id)
        .map(|t| token(t, owner, vault))
        .collect();
    if let Some(created) = records.iter().find(|t| t.id == new_id) {
        let mut shown = token(created, owner, SecretReader::none());
        shown.token_id = secret.reveal().to_owned();
        listed.push(shown);
    }
    listed
}

/// An audit record as `/api/crest/v1/audit` and `crest admin audit` show it.
pub fn audit_event(record: crest_domain::audit::AuditRecord) -> AuditEvent {
    AuditEvent {
        id: record.id,
        at_ms: record.event.at_ms,
        actor: record.event.actor,
        action: record.event.action,
        target: record.event.target,
        source: record.event.source,
        outcome: record.event.outcome,
    }
}
