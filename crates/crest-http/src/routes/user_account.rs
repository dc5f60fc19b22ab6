//! The user-account operations of the `AccountUserAndServiceAccount` API group.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountKind;
use crest_domain::group::EVERYONE_GROUP_ID;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::user_account;
use crest_types::accounts::{ResponseContainerListUserDTO, UserModel, UserToCreate};
use crest_types::envelope::{ResponseContainerListString, StatusEnvelope};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, flex_bool};
use crate::present;
use crate::state::AppState;

/// Every user account.
#[utoipa::path(
    get,
    path = "/api/v2/account/user",
    operation_id = "getAllUserAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Get all user accounts",
    responses((status = 200, description = "Every user account", body = ResponseContainerListUserDTO)),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn get_all_user_accounts(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ResponseContainerListUserDTO>, ApiError> {
    let records = state.store.accounts_of_kind(AccountKind::User).await?;
    let mut out = Vec::with_capacity(records.len());
    for record in &records {
        out.push(
            present::user_model(state.store.as_ref(), record)
                .await?
                .into(),
        );
    }
    Ok(Json(ResponseContainerListUserDTO::ok(out)))
}

/// One user account (a bare `UserModel`).
#[utoipa::path(
    get,
    path = "/api/v2/account/user/{id}",
    operation_id = "getUserAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Retrieves a user by identifier (email address)",
    params(("id" = String, Path, description = "The user's email address")),
    responses(
        (status = 200, description = "The user (bare)", body = UserModel),
        (status = 404, description = "No such user", body = StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn get_user_account(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<UserModel>, ApiError> {
    let record = user_account::find(state.store.as_ref(), &id).await?;
    Ok(Json(
        present::user_model(state.store.as_ref(), &record).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SendEmail {
    #[serde(default, deserialize_with = "flex_bool::deserialize_option")]
    #[allow(
        dead_code,
        reason = "no mail is sent until SMTP is configurable; the value is still validated"
    )]
    send_email: Option<bool>,
}

/// Creates a user account (it joins Everyone), or sets an existing user's direct permissions.
/// Nobody grants a permission they do not hold. No email is sent: crest has no mail settings yet.
#[utoipa::path(
    post,
    path = "/api/v2/account/user",
    operation_id = "createOrUpdateUserAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Creates or updates a user account",
    params(("sendEmail" = Option<bool>, Query, description = "Accepted for compatibility; no email is sent")),
    request_body = UserToCreate,
    responses(
        (status = 200, description = "The user (bare)", body = UserModel),
        (status = 400, description = "Invalid email address, permission or group", body = StatusEnvelope),
        (status = 403, description = "Granting a permission the caller does not hold", body = StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn create_or_update_user_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(_query): ApiQuery<SendEmail>,
    ApiJson(body): ApiJson<UserToCreate>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(create_or_update(&state, &caller, body).await?))
}

/// Creates a user (or sets an existing user's direct permissions); shared with the deprecated
/// User API.
pub(crate) async fn create_or_update(
    state: &AppState,
    caller: &Caller,
    body: UserToCreate,
) -> Result<UserModel, ApiError> {
    if body.roles.as_ref().is_some_and(|r| !r.is_empty()) {
        return Err(ApiError::BadRequest("roles cannot be assigned yet".into()));
    }
    if body.user_groups.iter().any(|g| g != EVERYONE_GROUP_ID) {
        return Err(ApiError::BadRequest(
            "users belong to the Everyone group; other groups cannot be assigned yet".into(),
        ));
    }
    let permissions = body
        .groups
        .iter()
        .map(|n| n.parse::<Permission>())
        .collect::<Result<PermissionSet, _>>()
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    caller.principal().may_grant(permissions)?;
    let record = user_account::create_or_update(
        state.store.as_ref(),
        state.clock.as_ref(),
        &body.email_address,
        permissions,
    )
    .await?;
    present::user_model(state.store.as_ref(), &record).await
}

/// The users who hold the Accounts permission (directly, or as Super Admins).
#[utoipa::path(
    get,
    path = "/api/v2/account/user/admin",
    operation_id = "getUsersWithAccountsPermission",
    tag = "AccountUserAndServiceAccount",
    summary = "Get all users with Accounts permission",
    responses((status = 200, description = "Their identifiers", body = ResponseContainerListString)),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn get_users_with_accounts_permission(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ResponseContainerListString>, ApiError> {
    let records = state.store.accounts_of_kind(AccountKind::User).await?;
    let ids = records
        .iter()
        .filter(|r| {
            r.active
                && r.effective_permissions()
                    .contains(Permission::UserManagement)
        })
        .map(|r| r.id.to_string())
        .collect();
    Ok(Json(ResponseContainerListString::ok(ids)))
}
