//! The `AccountUserAndServiceAccount` operations on several accounts at once, and on one
//! account's roles and groups.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::access;
use crest_domain::account::AccountId;
use crest_domain::account_change;
use crest_domain::service_account;
use crest_types::accounts::{ResponseContainerValidatedUsersDTO, UserModel, ValidatedUsersDTO};
use crest_types::envelope::{ResponseContainerListString, StatusEnvelope};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::present::{self, Directory};
use crate::routes::account;
use crate::state::AppState;

/// Deletes several accounts; answers with the ids it deleted (unknown ids are skipped). The last
/// active Super Admin is never deleted: such a request changes nothing.
#[utoipa::path(
    post,
    path = "/api/v2/account/deleteAccounts",
    operation_id = "deleteMultipleAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Deletes multiple accounts (users or service accounts)",
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The ids deleted", body = ResponseContainerListString),
        (status = 400, description = "It would delete the last Super Admin", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_multiple_accounts(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerListString>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    Ok(Json(ResponseContainerListString::ok(
        delete_many(&state, &caller, &ids).await?,
    )))
}

/// Deletes the named accounts that exist, unless the caller may not delete one of them or that
/// would leave no Super Admin; the ids deleted.
pub(crate) async fn delete_many(
    state: &AppState,
    caller: &Caller,
    ids: &[String],
) -> Result<Vec<String>, ApiError> {
    let ids = ids
        .iter()
        .map(|raw| AccountId::parse(raw))
        .collect::<Result<Vec<_>, _>>()?;
    let deleted = account_change::delete(state.store.as_ref(), caller.principal(), &ids).await?;
    Ok(deleted.iter().map(|r| r.id.to_string()).collect())
}

/// Which of the named accounts exist.
#[utoipa::path(
    post,
    path = "/api/v2/account/validateAccounts",
    operation_id = "validateAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Returns valid accounts (users and service accounts), also invalid identifiers from the given list",
    request_body(content = Vec<String>, description = "Account ids"),
    responses((status = 200, description = "Valid and invalid ids", body = ResponseContainerValidatedUsersDTO))
)]
pub(crate) async fn validate_accounts(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerValidatedUsersDTO>, ApiError> {
    Ok(Json(ResponseContainerValidatedUsersDTO::ok(
        validate(&state, ids).await?,
    )))
}

/// Which of the named accounts exist.
pub(crate) async fn validate(
    state: &AppState,
    ids: Vec<String>,
) -> Result<ValidatedUsersDTO, ApiError> {
    let dir = Directory::load(state.store.as_ref()).await?;
    let mut valid_users = Vec::new();
    let mut invalid_identifiers = Vec::new();
    for raw in ids {
        let record = match AccountId::parse(&raw) {
            Ok(id) => state.store.account(&id).await?,
            Err(_) => None,
        };
        match record {
            Some(r) => valid_users.push(dir.user_model(&r).into()),
            None => invalid_identifiers.push(raw),
        }
    }
    Ok(ValidatedUsersDTO {
        valid_users,
        invalid_identifiers,
    })
}

pub(crate) async fn permission_on_accounts(
    state: &AppState,
    caller: &Caller,
    permission: &str,
    ids: &[String],
    granted: bool,
) -> Result<Json<UserModel>, ApiError> {
    let mut last = None;
    for id in ids {
        last = Some(account::set_permission(state, caller, id, permission, granted).await?);
    }
    last.ok_or_else(|| ApiError::BadRequest("name at least one account".into()))
}

/// Grants one permission to several accounts (the answer shows the last of them).
#[utoipa::path(
    post,
    path = "/api/v2/account/grant/{permission}",
    operation_id = "grantPermissionToAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Grant a permission to accounts (users or service accounts)",
    params(("permission" = String, Path, description = "The permission, e.g. agent_management")),
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The last account (bare)", body = UserModel),
        (status = 400, description = "Unknown permission, or no account named", body = StatusEnvelope),
        (status = 403, description = "The caller does not hold the permission", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn grant_permission_to_accounts(
    State(state): State<AppState>,
    caller: Caller,
    Path(permission): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    permission_on_accounts(&state, &caller, &permission, &ids, true).await
}

/// Revokes one permission from several accounts (the answer shows the last of them).
#[utoipa::path(
    post,
    path = "/api/v2/account/revoke/{permission}",
    operation_id = "revokePermissionFromAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Revoke a permission from accounts (users or service accounts)",
    params(("permission" = String, Path, description = "The permission, e.g. agent_management")),
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The last account (bare)", body = UserModel),
        (status = 400, description = "Unknown permission, or no account named", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn revoke_permission_from_accounts(
    State(state): State<AppState>,
    caller: Caller,
    Path(permission): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    permission_on_accounts(&state, &caller, &permission, &ids, false).await
}

/// The account as it is now, as a bare `UserModel`.
pub(crate) async fn user_model_of(
    state: &AppState,
    raw_id: &str,
) -> Result<Json<UserModel>, ApiError> {
    let id = AccountId::parse(raw_id)?;
    let record = service_account::existing(state.store.as_ref(), &id).await?;
    Ok(Json(
        present::user_model(state.store.as_ref(), &record).await?,
    ))
}

async fn roles_of_account(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    roles: &[String],
    assigned: bool,
) -> Result<Json<UserModel>, ApiError> {
    let id = AccountId::parse(raw_id)?;
    service_account::existing(state.store.as_ref(), &id).await?;
    for role in roles {
        access::set_role_assignees(
            state.store.as_ref(),
            caller.principal(),
            role,
            &[id.to_string()],
            assigned,
        )
        .await?;
    }
    user_model_of(state, raw_id).await
}

pub(crate) async fn groups_of_account(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    groups: &[String],
    member: bool,
) -> Result<Json<UserModel>, ApiError> {
    let id = AccountId::parse(raw_id)?;
    service_account::existing(state.store.as_ref(), &id).await?;
    for group in groups {
        access::set_group_members(
            state.store.as_ref(),
            caller.principal(),
            group,
            &[id.to_string()],
            member,
        )
        .await?;
    }
    user_model_of(state, raw_id).await
}

/// Assigns roles to the account; nobody hands out a role holding a permission they do not hold.
#[utoipa::path(
    post,
    path = "/api/v2/account/{id}/addRoles",
    operation_id = "addAccountToRoles",
    tag = "AccountUserAndServiceAccount",
    summary = "Adds specific roles to the account (user or service account)",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = Vec<String>, description = "Role ids"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 403, description = "A role holding a permission the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such account or role", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_account_to_roles(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(roles): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("roles", &roles);
    roles_of_account(&state, &caller, &id, &roles, true).await
}

/// Takes roles from the account.
#[utoipa::path(
    post,
    path = "/api/v2/account/{id}/removeRoles",
    operation_id = "removeAccountFromRoles",
    tag = "AccountUserAndServiceAccount",
    summary = "Removes specific roles from the account (user or service account)",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = Vec<String>, description = "Role ids"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 404, description = "No such account or role", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_account_from_roles(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(roles): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("roles", &roles);
    roles_of_account(&state, &caller, &id, &roles, false).await
}

/// Adds the account to groups (Everyone's members are fixed; only service accounts join Service
/// Accounts); nobody hands out a group's roles holding a permission they do not hold.
#[utoipa::path(
    post,
    path = "/api/v2/account/{id}/addUserGroups",
    operation_id = "addAccountToUserGroups",
    tag = "AccountUserAndServiceAccount",
    summary = "Adds specific groups to the account (user or service account)",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = Vec<String>, description = "Group ids"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 400, description = "A change the group does not allow", body = StatusEnvelope),
        (status = 403, description = "A group whose roles hold a permission the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such account or group", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_account_to_user_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(groups): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("groups", &groups);
    groups_of_account(&state, &caller, &id, &groups, true).await
}

/// Removes the account from groups; nobody leaves Everyone.
#[utoipa::path(
    post,
    path = "/api/v2/account/{id}/removeUserGroups",
    operation_id = "removeAccountFromUserGroups",
    tag = "AccountUserAndServiceAccount",
    summary = "Removes specific groups from the account (user or service account)",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = Vec<String>, description = "Group ids"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 400, description = "A change the group does not allow", body = StatusEnvelope),
        (status = 404, description = "No such account or group", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_account_from_user_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(groups): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("groups", &groups);
    groups_of_account(&state, &caller, &id, &groups, false).await
}
