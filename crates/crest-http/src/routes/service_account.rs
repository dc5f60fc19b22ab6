//! The service-account operations of the `AccountUserAndServiceAccount` API group.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountId;
use crest_domain::membership::Memberships;
use crest_domain::permission::PermissionSet;
use crest_domain::service_account::{self, ServiceAccountChange, ServiceAccountInput};
use crest_types::accounts::{
    ResponseContainerListServiceAccount, ResponseContainerServiceAccount, ServiceAccountWrite,
};
use crest_types::envelope::StatusEnvelope;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::present;
use crate::state::AppState;

fn memberships(write: &ServiceAccountWrite) -> Memberships {
    Memberships {
        roles: write.roles.clone(),
        groups: write.user_groups.clone(),
    }
}

async fn answer(
    state: &AppState,
    caller: &Caller,
    id: &AccountId,
) -> Result<Json<ResponseContainerServiceAccount>, ApiError> {
    let record = service_account::find(state.store.as_ref(), id.as_str()).await?;
    Ok(Json(ResponseContainerServiceAccount::ok(
        present::service_account(state.store.as_ref(), &record, state.vault(caller)).await?,
    )))
}

/// Every service account.
#[utoipa::path(
    get,
    path = "/api/v2/account/serviceaccount",
    operation_id = "getAllServiceAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Get all service accounts",
    responses((status = 200, description = "Every service account", body = ResponseContainerListServiceAccount))
)]
pub(crate) async fn get_all_service_accounts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ResponseContainerListServiceAccount>, ApiError> {
    Ok(Json(ResponseContainerListServiceAccount::ok(
        present::all_service_accounts(state.store.as_ref(), state.vault(&caller)).await?,
    )))
}

/// Creates a service account. Its id starts with `sa::` and is lower-cased; it joins the Service
/// Accounts group.
#[utoipa::path(
    post,
    path = "/api/v2/account/serviceaccount",
    operation_id = "createServiceAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Creates a service account",
    request_body = ServiceAccountWrite,
    responses(
        (status = 200, description = "The new service account", body = ResponseContainerServiceAccount),
        (status = 400, description = "Invalid id or permissions", body = StatusEnvelope),
        (status = 403, description = "Granting a permission the caller does not hold", body = StatusEnvelope),
        (status = 409, description = "The id is taken", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_service_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(write): ApiJson<ServiceAccountWrite>,
) -> Result<Json<ResponseContainerServiceAccount>, ApiError> {
    crate::audit::name("id", &write.identifier);
    let record = service_account::create(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        ServiceAccountInput {
            permissions: PermissionSet::parse_names(write.groups.as_deref().unwrap_or_default())?,
            memberships: memberships(&write),
            id: write.identifier,
            active: write.active.unwrap_or(true),
            description: write.description.unwrap_or_default(),
        },
    )
    .await?;
    answer(&state, &caller, &record.id).await
}

/// One service account, with its groups and tokens (public ids).
#[utoipa::path(
    get,
    path = "/api/v2/account/serviceaccount/{id}",
    operation_id = "getServiceAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Retrieves a service account by identifier",
    params(("id" = String, Path, description = "The service account's identifier")),
    responses(
        (status = 200, description = "The service account", body = ResponseContainerServiceAccount),
        (status = 404, description = "No such service account", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_service_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerServiceAccount>, ApiError> {
    answer(&state, &caller, &AccountId::parse(&id)?).await
}

/// Updates a service account: its description, whether it is active, its direct permissions, roles
/// and groups (each replaced when given).
#[utoipa::path(
    put,
    path = "/api/v2/account/serviceaccount/{id}",
    operation_id = "updateServiceAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Updates the service account",
    params(("id" = String, Path, description = "The service account's identifier")),
    request_body = ServiceAccountWrite,
    responses(
        (status = 200, description = "The service account", body = ResponseContainerServiceAccount),
        (status = 400, description = "Invalid input, or an identifier other than the path's", body = StatusEnvelope),
        (status = 403, description = "Granting a permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such service account", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_service_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(write): ApiJson<ServiceAccountWrite>,
) -> Result<Json<ResponseContainerServiceAccount>, ApiError> {
    let record = service_account::find(state.store.as_ref(), &id).await?;
    if !write.identifier.trim().is_empty() && AccountId::parse(&write.identifier)? != record.id {
        return Err(ApiError::BadRequest(
            "the body names another account than the path".into(),
        ));
    }
    let change = ServiceAccountChange {
        permissions: write
            .groups
            .as_deref()
            .map(PermissionSet::parse_names)
            .transpose()?,
        active: write.active,
        description: write.description.clone(),
        memberships: memberships(&write),
    };
    let record = service_account::update(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        record.id.as_str(),
        change,
    )
    .await?;
    answer(&state, &caller, &record.id).await
}

async fn set_active(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    active: bool,
) -> Result<Json<ResponseContainerServiceAccount>, ApiError> {
    let change = ServiceAccountChange {
        active: Some(active),
        ..ServiceAccountChange::default()
    };
    let record = service_account::update(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        raw_id,
        change,
    )
    .await?;
    answer(state, caller, &record.id).await
}

/// Activates a service account: its tokens work again.
#[utoipa::path(
    post,
    path = "/api/v2/account/serviceaccount/{id}/activate",
    operation_id = "activateAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Activates the given service account",
    params(("id" = String, Path, description = "The service account's identifier")),
    responses(
        (status = 200, description = "The service account", body = ResponseContainerServiceAccount),
        (status = 404, description = "No such service account", body = StatusEnvelope)
    )
)]
pub(crate) async fn activate_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerServiceAccount>, ApiError> {
    set_active(&state, &caller, &id, true).await
}

/// Deactivates a service account: none of its tokens work until it is activated again.
#[utoipa::path(
    post,
    path = "/api/v2/account/serviceaccount/{id}/deactivate",
    operation_id = "deactivateAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Deactivates the given service account",
    params(("id" = String, Path, description = "The service account's identifier")),
    responses(
        (status = 200, description = "The service account", body = ResponseContainerServiceAccount),
        (status = 404, description = "No such service account", body = StatusEnvelope)
    )
)]
pub(crate) async fn deactivate_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerServiceAccount>, ApiError> {
    set_active(&state, &caller, &id, false).await
}
