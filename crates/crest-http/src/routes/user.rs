//! The deprecated `User` API group, still used by older tools: bare `UserModel` answers, and a
//! form-encoded `group=<permission>` to grant or revoke.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountKind;
use crest_domain::user_account;
use crest_types::accounts::{
    ResponseContainerValidatedUsersDTO, UserModel, UserRequestDTO, UserToCreate,
};
use crest_types::envelope::{ResponseContainerListString, ResponseStatus, StatusEnvelope};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiForm, ApiJson, ApiQuery};
use crate::present::Directory;
use crate::routes::{account, account_bulk, invite, user_account as user_routes};
use crate::state::AppState;

/// Every user (a bare list of `UserModel`).
#[utoipa::path(
    get,
    path = "/api/v2/user",
    operation_id = "getAllUsers",
    tag = "User",
    summary = "Get all users",
    responses((status = 200, description = "Every user (bare)", body = Vec<UserModel>))
)]
pub(crate) async fn get_all_users(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<UserModel>>, ApiError> {
    let dir = Directory::load(state.store.as_ref()).await?;
    let users = state.store.accounts_of_kind(AccountKind::User).await?;
    Ok(Json(users.iter().map(|u| dir.user_model(u)).collect()))
}

/// One user (bare).
#[utoipa::path(
    get,
    path = "/api/v2/user/{id}",
    operation_id = "getUser",
    tag = "User",
    summary = "Retrieves a user by identifier (email address)",
    params(("id" = String, Path, description = "The user's email address")),
    responses(
        (status = 200, description = "The user (bare)", body = UserModel),
        (status = 404, description = "No such user", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_user(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<UserModel>, ApiError> {
    let record = user_account::find(state.store.as_ref(), &id).await?;
    let dir = Directory::load(state.store.as_ref()).await?;
    Ok(Json(dir.user_model(&record)))
}

/// Creates a user who does not exist yet; an existing user is refused (409) and left as it is,
/// as the product's "creates an user if the user doesn't already exist" promises.
#[utoipa::path(
    post,
    path = "/api/v2/user",
    operation_id = "createUser",
    tag = "User",
    summary = "Creates an user if the user doesn't already exist.",
    params(("sendEmail" = Option<bool>, Query, description = "Accepted for compatibility; no email is sent")),
    request_body = UserToCreate,
    responses(
        (status = 200, description = "The user (bare)", body = UserModel),
        (status = 400, description = "Invalid email address, permission or group", body = StatusEnvelope),
        (status = 403, description = "Granting a permission the caller does not hold", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(_query): ApiQuery<user_routes::SendEmail>,
    ApiJson(body): ApiJson<UserToCreate>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(user_routes::create(&state, &caller, body).await?))
}

/// Deletes a user or service account, and with it its tokens.
#[utoipa::path(
    delete,
    path = "/api/v2/user/{id}",
    operation_id = "deleteUser",
    tag = "User",
    summary = "Deletes a user or service account identified by id",
    params(("id" = String, Path, description = "The account's identifier")),
    responses(
        (status = 200, description = "Deleted", body = StatusEnvelope),
        (status = 400, description = "The last Super Admin", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    account::delete(&state, &caller, &id).await?;
    Ok(Json(StatusEnvelope {
        status: ResponseStatus::ok(),
    }))
}

/// The form the deprecated grant and revoke take: `group=<permission>`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct PermissionForm {
    group: String,
}

/// Grants one permission (form `group=<permission>`); nobody grants what they do not hold.
#[utoipa::path(
    post,
    path = "/api/v2/user/{id}/grant",
    operation_id = "grantUserPermission",
    tag = "User",
    summary = "Grants a specific permission to user or service account",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = PermissionForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 400, description = "Unknown permission", body = StatusEnvelope),
        (status = 403, description = "The caller does not hold the permission", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope),
        (status = 415, description = "Not a form body", body = StatusEnvelope)
    )
)]
pub(crate) async fn grant_user_permission(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<PermissionForm>,
) -> Result<Json<UserModel>, ApiError> {
    account::set_permission(&state, &caller, &id, &form.group, true).await
}

/// Revokes one permission (form `group=<permission>`).
#[utoipa::path(
    post,
    path = "/api/v2/user/{id}/revoke",
    operation_id = "revokeUserPermission",
    tag = "User",
    summary = "Revokes a specific permission from user or service account",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = PermissionForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 400, description = "Unknown permission", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope),
        (status = 415, description = "Not a form body", body = StatusEnvelope)
    )
)]
pub(crate) async fn revoke_user_permission(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<PermissionForm>,
) -> Result<Json<UserModel>, ApiError> {
    account::set_permission(&state, &caller, &id, &form.group, false).await
}

/// Changes a user (bare `UserModel`): each part given replaces what the user has; `credential`
/// sets the password.
#[utoipa::path(
    put,
    path = "/api/v2/user/{id}",
    operation_id = "updateUser",
    tag = "User",
    summary = "Update user with given user groups, permissions and ingestion policy.",
    params(("id" = String, Path, description = "The user's email address")),
    request_body = UserRequestDTO,
    responses(
        (status = 200, description = "The user (bare)", body = UserModel),
        (status = 400, description = "Invalid input or a short password", body = StatusEnvelope),
        (status = 403, description = "Adding a permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such user", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserRequestDTO>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(user_routes::update(&state, &caller, &id, body).await?))
}

/// Deletes several accounts; answers with the ids deleted.
#[utoipa::path(
    post,
    path = "/api/v2/user/deleteUsers",
    operation_id = "deleteMultipleUsers",
    tag = "User",
    summary = "Deletes multiple users or service accounts",
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The ids deleted", body = ResponseContainerListString),
        (status = 400, description = "It would delete the last Super Admin", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_multiple_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerListString>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    Ok(Json(ResponseContainerListString::ok(
        account_bulk::delete_many(&state, &caller, &ids).await?,
    )))
}

/// Grants one permission to several accounts (bare `UserModel` of the last).
#[utoipa::path(
    post,
    path = "/api/v2/user/grant/{permission}",
    operation_id = "grantPermissionToUsers",
    tag = "User",
    summary = "Grants a specific permission to multiple users or service accounts",
    params(("permission" = String, Path, description = "The permission, e.g. agent_management")),
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The last account (bare)", body = UserModel),
        (status = 400, description = "Unknown permission, or no account named", body = StatusEnvelope),
        (status = 403, description = "The caller does not hold the permission", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn grant_permission_to_users(
    State(state): State<AppState>,
    caller: Caller,
    Path(permission): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    account_bulk::permission_on_accounts(&state, &caller, &permission, &ids, true).await
}

/// Revokes one permission from several accounts (bare `UserModel` of the last).
#[utoipa::path(
    post,
    path = "/api/v2/user/revoke/{permission}",
    operation_id = "revokePermissionFromUsers",
    tag = "User",
    summary = "Revokes a specific permission from multiple users or service accounts",
    params(("permission" = String, Path, description = "The permission, e.g. agent_management")),
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The last account (bare)", body = UserModel),
        (status = 400, description = "Unknown permission, or no account named", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn revoke_permission_from_users(
    State(state): State<AppState>,
    caller: Caller,
    Path(permission): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    account_bulk::permission_on_accounts(&state, &caller, &permission, &ids, false).await
}

/// Invites users (bare `UserModel` of the last); see `/api/crest/v1/invites` for their links.
#[utoipa::path(
    post,
    path = "/api/v2/user/invite",
    operation_id = "inviteUsers",
    tag = "User",
    summary = "Invite users with given user groups and permissions.",
    request_body(content = Vec<UserToCreate>, description = "The users to invite"),
    responses(
        (status = 200, description = "The last user invited (bare)", body = UserModel),
        (status = 400, description = "Invalid input, or nobody to invite", body = StatusEnvelope),
        (status = 403, description = "Granting a permission the caller does not hold", body = StatusEnvelope)
    )
)]
pub(crate) async fn invite_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(users): ApiJson<Vec<UserToCreate>>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(invite::invite_many(&state, &caller, users).await?))
}

/// Which of the named accounts exist.
#[utoipa::path(
    post,
    path = "/api/v2/user/validateUsers",
    operation_id = "validateUsers",
    tag = "User",
    summary = "Returns valid users and service accounts, also invalid identifiers from the given list",
    request_body(content = Vec<String>, description = "Account ids"),
    responses((status = 200, description = "Valid and invalid ids", body = ResponseContainerValidatedUsersDTO))
)]
pub(crate) async fn validate_users(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerValidatedUsersDTO>, ApiError> {
    Ok(Json(ResponseContainerValidatedUsersDTO::ok(
        account_bulk::validate(&state, ids).await?,
    )))
}

/// Adds the account to groups (bare `UserModel`).
#[utoipa::path(
    post,
    path = "/api/v2/user/{id}/addUserGroups",
    operation_id = "addUserToUserGroups",
    tag = "User",
    summary = "Adds specific user groups to the user or service account",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = Vec<String>, description = "Group ids"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 400, description = "A change the group does not allow", body = StatusEnvelope),
        (status = 403, description = "A group whose roles hold a permission the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such account or group", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_user_to_user_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(groups): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("groups", &groups);
    account_bulk::groups_of_account(&state, &caller, &id, &groups, true).await
}

/// Removes the account from groups (bare `UserModel`); nobody leaves Everyone.
#[utoipa::path(
    post,
    path = "/api/v2/user/{id}/removeUserGroups",
    operation_id = "removeUserFromUserGroups",
    tag = "User",
    summary = "Removes specific user groups from the user or service account",
    params(("id" = String, Path, description = "The account's identifier")),
    request_body(content = Vec<String>, description = "Group ids"),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 400, description = "A change the group does not allow", body = StatusEnvelope),
        (status = 404, description = "No such account or group", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_user_from_user_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(groups): ApiJson<Vec<String>>,
) -> Result<Json<UserModel>, ApiError> {
    crate::audit::name_all("groups", &groups);
    account_bulk::groups_of_account(&state, &caller, &id, &groups, false).await
}

/// The account, as the deprecated API answers this operation (a bare `UserModel`, per its
/// specification; `GET /api/v2/account/{id}/businessFunctions` lists the functions themselves).
#[utoipa::path(
    get,
    path = "/api/v2/user/{id}/businessFunctions",
    operation_id = "getUserBusinessFunctions",
    tag = "User",
    summary = "Returns business functions of a specific user or service account.",
    params(("id" = String, Path, description = "The account's identifier")),
    responses(
        (status = 200, description = "The account (bare)", body = UserModel),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_user_business_functions(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<UserModel>, ApiError> {
    account_bulk::user_model_of(&state, &id).await
}
