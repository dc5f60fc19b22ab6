//! The user-account operations of the `AccountUserAndServiceAccount` API group.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountId;
use crest_domain::account::AccountKind;
use crest_domain::membership::Memberships;
use crest_domain::password::Password;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::user_account::{self, UserChange};
use crest_types::accounts::{
    ResponseContainerListUserDTO, UserModel, UserRequestDTO, UserToCreate,
};
use crest_types::envelope::{ResponseContainerListString, StatusEnvelope};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, flex_bool};
use crate::present::{self, Directory};
use crate::state::AppState;

/// Every user account.
#[utoipa::path(
    get,
    path = "/api/v2/account/user",
    operation_id = "getAllUserAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Get all user accounts",
    responses((status = 200, description = "Every user account", body = ResponseContainerListUserDTO))
)]
pub(crate) async fn get_all_user_accounts(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ResponseContainerListUserDTO>, ApiError> {
    let records = state.store.accounts_of_kind(AccountKind::User).await?;
    let dir = Directory::load(state.store.as_ref()).await?;
    Ok(Json(ResponseContainerListUserDTO::ok(
        records.iter().map(|r| dir.user_model(r).into()).collect(),
    )))
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
    )
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
    #[expect(
        dead_code,
        reason = "this operation sends no mail (the invite operations do, with SMTP configured); the value is still validated"
    )]
    send_email: Option<bool>,
}

/// Creates a user account (it joins Everyone), or sets an existing user's direct permissions.
/// Nobody grants a permission they do not hold. No email is sent: this operation makes no
/// invitation (the invite operations do, and mail it when SMTP is configured).
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
    )
)]
pub(crate) async fn create_or_update_user_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(_query): ApiQuery<SendEmail>,
    ApiJson(body): ApiJson<UserToCreate>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(create_or_update(&state, &caller, body).await?))
}

/// What a `UserToCreate` asks for: the user's direct permissions, roles and groups.
fn user_change(body: &UserToCreate) -> Result<UserChange, ApiError> {
    Ok(UserChange {
        permissions: Some(PermissionSet::parse_names(&body.groups)?),
        memberships: Memberships {
            roles: body.roles.clone(),
            groups: Some(body.user_groups.clone()),
        },
        sets_password: false,
    })
}

/// Creates a user, or changes an existing one: its direct permissions, roles and groups (users
/// stay in Everyone).
pub(crate) async fn create_or_update(
    state: &AppState,
    caller: &Caller,
    body: UserToCreate,
) -> Result<UserModel, ApiError> {
    crate::audit::name("id", &body.email_address);
    let record = user_account::create_or_update(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        &body.email_address,
        &user_change(&body)?,
    )
    .await?;
    present::user_model(state.store.as_ref(), &record).await
}

/// Creates a user who does not exist yet; an existing user is refused and left as it is. Shared
/// with the deprecated User API and the invitations.
pub(crate) async fn create(
    state: &AppState,
    caller: &Caller,
    body: UserToCreate,
) -> Result<UserModel, ApiError> {
    crate::audit::name("id", &body.email_address);
    let record = user_account::create(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        &body.email_address,
        &user_change(&body)?,
    )
    .await?;
    present::user_model(state.store.as_ref(), &record).await
}

/// Changes a user: each part the body gives replaces what the user has; `credential` sets the
/// password. Shared with the deprecated User API.
pub(crate) async fn update(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    body: UserRequestDTO,
) -> Result<UserModel, ApiError> {
    let record = user_account::find(state.store.as_ref(), raw_id).await?;
    if let Some(named) = body.identifier.as_deref().filter(|i| !i.trim().is_empty())
        && AccountId::parse(named)? != record.id
    {
        return Err(ApiError::BadRequest(
            "the body names another account than the path".into(),
        ));
    }
    // Check everything before changing anything.
    let password = body.credential.as_deref().map(Password::new).transpose()?;
    let change = UserChange {
        permissions: body
            .groups
            .as_deref()
            .map(PermissionSet::parse_names)
            .transpose()?,
        memberships: Memberships {
            roles: body.roles,
            groups: body.user_groups,
        },
        sets_password: password.is_some(),
    };
    let record = user_account::update(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        record.id.as_str(),
        &change,
    )
    .await?;
    if let Some(password) = password {
        state
            .passwords
            .set(caller.principal(), &record, password)
            .await?;
    }
    present::user_model(state.store.as_ref(), &record).await
}

/// Changes a user account (a bare `UserModel`); an administrator sets or resets the password
/// through `credential`.
#[utoipa::path(
    put,
    path = "/api/v2/account/user/{id}",
    operation_id = "updateUserAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Update user with given user groups and permissions",
    params(("id" = String, Path, description = "The user's email address")),
    request_body = UserRequestDTO,
    responses(
        (status = 200, description = "The user (bare)", body = UserModel),
        (status = 400, description = "Invalid input, a short password, or another identifier than the path's", body = StatusEnvelope),
        (status = 403, description = "Adding a permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such user", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_user_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserRequestDTO>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(update(&state, &caller, &id, body).await?))
}

/// The users who hold the Accounts permission (directly, or as Super Admins).
#[utoipa::path(
    get,
    path = "/api/v2/account/user/admin",
    operation_id = "getUsersWithAccountsPermission",
    tag = "AccountUserAndServiceAccount",
    summary = "Get all users with Accounts permission",
    responses((status = 200, description = "Their identifiers", body = ResponseContainerListString))
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

/// Invites users (bare `UserModel` of the last invited). Crest sends no mail: the inviting
/// administrator mints each link with `POST /api/crest/v1/invites/{id}/link` and hands it over.
#[utoipa::path(
    post,
    path = "/api/v2/account/user/invite",
    operation_id = "inviteUserAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Invite user accounts with given user groups and permissions.",
    request_body(content = Vec<UserToCreate>, description = "The users to invite"),
    responses(
        (status = 200, description = "The last user invited (bare)", body = UserModel),
        (status = 400, description = "Invalid input, or nobody to invite", body = StatusEnvelope),
        (status = 403, description = "Granting a permission the caller does not hold", body = StatusEnvelope)
    )
)]
pub(crate) async fn invite_user_accounts(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(users): ApiJson<Vec<UserToCreate>>,
) -> Result<Json<UserModel>, ApiError> {
    Ok(Json(
        crate::routes::invite::invite_many(&state, &caller, users).await?,
    ))
}
