//! The deprecated `User` API group, still used by older tools: bare `UserModel` answers, and a
//! form-encoded `group=<permission>` to grant or revoke.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountKind;
use crest_domain::user_account;
use crest_types::accounts::{UserModel, UserToCreate};
use crest_types::envelope::{ResponseStatus, StatusEnvelope};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiForm, ApiJson, ApiQuery};
use crate::present::Directory;
use crate::routes::{account, user_account as user_routes};
use crate::state::AppState;

/// Every user (a bare list of `UserModel`).
#[utoipa::path(
    get,
    path = "/api/v2/user",
    operation_id = "getAllUsers",
    tag = "User",
    summary = "Get all users",
    responses((status = 200, description = "Every user (bare)", body = Vec<UserModel>)),
    security(("api_key" = []), ("bearer" = []))
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
    ),
    security(("api_key" = []), ("bearer" = []))
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

/// Creates a user (or sets an existing user's direct permissions), as
/// `POST /api/v2/account/user` does.
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
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(_query): ApiQuery<user_routes::SendEmail>,
    ApiJson(body): ApiJson<UserToCreate>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(
        user_routes::create_or_update(&state, &caller, body).await?,
    ))
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
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    account::delete(&state, &id).await?;
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
    ),
    security(("api_key" = []), ("bearer" = []))
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
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn revoke_user_permission(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<PermissionForm>,
) -> Result<Json<UserModel>, ApiError> {
    account::set_permission(&state, &caller, &id, &form.group, false).await
}
