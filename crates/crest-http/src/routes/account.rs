//! The `AccountUserAndServiceAccount` API group: user and service accounts.

use axum::Json;
use axum::extract::State;
use crest_domain::account::AccountRecord;
use crest_types::models::{Account, ResponseContainerPagedAccount};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Paging;
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
        (status = 400, description = "Invalid offset or limit", body = crest_types::envelope::StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn get_all_accounts(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedAccount>, ApiError> {
    let found = state.store.list_accounts(page.offset, page.limit).await?;
    let items = found.items.iter().map(to_wire).collect();
    Ok(Json(ResponseContainerPagedAccount::ok(
        page.page(items, found.total),
    )))
}

fn to_wire(record: &AccountRecord) -> Account {
    Account {
        identifier: record.id.to_string(),
        groups: record.permissions.names(),
        roles: Vec::new(),
        user_groups: Vec::new(),
        united_permissions: record.effective_permissions().names(),
        united_roles: Vec::new(),
    }
}
