//! The `AccountUserAndServiceAccount` API group: every account, and permissions granted directly.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::{AccountId, AccountRecord};
use crest_domain::account_change;
use crest_domain::permission::Permission;
use crest_domain::service_account;
use crest_types::accounts::{
    Account, ResponseContainerAccount, ResponseContainerPagedAccount, UserModel,
};
use crest_types::envelope::{ResponseContainerListString, StatusEnvelope};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Paging;
use crate::present;
use crate::state::AppState;

/// Lists user and service accounts, a page at a time, in identifier order.
#[utoipa::path(
    get,
    path = "/api/v2/account",
    operation_id = "getAllAccounts",
    tag = "AccountUserAndServiceAccount",
    summary = "Get all accounts (users and service accounts) of a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of accounts", body = ResponseContainerPagedAccount),
        (status = 400, description = "Invalid offset or limit", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_all_accounts(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedAccount>, ApiError> {
    let found = state.store.list_accounts(page.offset, page.limit).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for record in &found.items {
        items.push(present::account(record));
    }
    Ok(Json(ResponseContainerPagedAccount::ok(
        page.page(items, found.total),
    )))
}

async fn account_wire(state: &AppState, raw_id: &str) -> Result<Account, ApiError> {
    let id = AccountId::parse(raw_id)?;
    let record = service_account::existing(state.store.as_ref(), &id).await?;
    Ok(present::account(&record))
}

/// One account, user or service.
#[utoipa::path(
    get,
    path = "/api/v2/account/{id}",
    operation_id = "getAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Get a specific account (user or service account)",
    params(("id" = String, Path, description = "The account's identifier")),
    responses(
        (status = 200, description = "The account", body = ResponseContainerAccount),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_account(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerAccount>, ApiError> {
    Ok(Json(ResponseContainerAccount::ok(
        account_wire(&state, &id).await?,
    )))
}

/// Deletes an account and revokes its tokens. The last Super Admin cannot be deleted.
#[utoipa::path(
    delete,
    path = "/api/v2/account/{id}",
    operation_id = "deleteAccount",
    tag = "AccountUserAndServiceAccount",
    summary = "Delete an account (user or service account)",
    params(("id" = String, Path, description = "The account's identifier")),
    responses(
        (status = 200, description = "The account as it was", body = ResponseContainerAccount),
        (status = 400, description = "The last Super Admin", body = StatusEnvelope),
        (status = 403, description = "The account holds what the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerAccount>, ApiError> {
    let record = delete(&state, &caller, &id).await?;
    Ok(Json(ResponseContainerAccount::ok(present::account(
        &record,
    ))))
}

/// Deletes an account (and so its tokens): only a caller holding everything it holds may, and the
/// last active Super Admin is never deleted. Shared with the deprecated User API.
pub(crate) async fn delete(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
) -> Result<AccountRecord, ApiError> {
    let id = AccountId::parse(raw_id)?;
    Ok(account_change::delete_one(state.store.as_ref(), caller.principal(), &id).await?)
}

/// Grants or revokes one direct permission; shared with the deprecated User API.
pub(crate) async fn set_permission(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    raw_permission: &str,
    granted: bool,
) -> Result<Json<UserModel>, ApiError> {
    let id = AccountId::parse(raw_id)?;
    let permission: Permission = raw_permission.parse()?;
    let record = account_change::set_permission(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        &id,
        permission,
        granted,
    )
    .await?;
    Ok(Json(
        present::user_model(state.store.as_ref(), &record).await?,
    ))
}

/// Grants one permission to an account. Nobody grants a permission they do not hold.
#[utoipa::path(
    post,
    path = "/api/v2/account/{id}/grant/{permission}",
    operation_id = "grantAccountPermission",
    tag = "AccountUserAndServiceAccount",
    summary = "Grants a specific permission to account (user or service account)",
    params(
        ("id" = String, Path, description = "The account's identifier"),
        ("permission" = String, Path, description = "The permission, e.g. agent_management")
    ),
    responses(
        (status = 200, description = "The account (a bare UserModel)", body = UserModel),
        (status = 400, description = "Unknown permission", body = StatusEnvelope),
        (status = 403, description = "The caller does not hold the permission", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn grant_account_permission(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, permission)): Path<(String, String)>,
) -> Result<Json<UserModel>, ApiError> {
    set_permission(&state, &caller, &id, &permission, true).await
}

/// Revokes one directly granted permission from an account.
#[utoipa::path(
    post,
    path = "/api/v2/account/{id}/revoke/{permission}",
    operation_id = "revokeAccountPermission",
    tag = "AccountUserAndServiceAccount",
    summary = "Revokes a specific permission from account (user or service account)",
    params(
        ("id" = String, Path, description = "The account's identifier"),
        ("permission" = String, Path, description = "The permission, e.g. agent_management")
    ),
    responses(
        (status = 200, description = "The account (a bare UserModel)", body = UserModel),
        (status = 400, description = "Unknown permission", body = StatusEnvelope),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn revoke_account_permission(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, permission)): Path<(String, String)>,
) -> Result<Json<UserModel>, ApiError> {
    set_permission(&state, &caller, &id, &permission, false).await
}

/// The account's business functions: what its permissions amount to (see
/// `crest_domain::business_function` for the mapping).
#[utoipa::path(
    get,
    path = "/api/v2/account/{id}/businessFunctions",
    operation_id = "getAccountBusinessFunctions",
    tag = "AccountUserAndServiceAccount",
    summary = "Returns business functions of a specific account (user or service account).",
    params(("id" = String, Path, description = "The account's identifier")),
    responses(
        (status = 200, description = "Its business functions", body = ResponseContainerListString),
        (status = 404, description = "No such account", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_account_business_functions(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerListString>, ApiError> {
    let id = AccountId::parse(&id)?;
    let record = service_account::existing(state.store.as_ref(), &id).await?;
    Ok(Json(ResponseContainerListString::ok(
        crest_domain::business_function::business_functions(&record)
            .into_iter()
            .map(str::to_owned)
            .collect(),
    )))
}
