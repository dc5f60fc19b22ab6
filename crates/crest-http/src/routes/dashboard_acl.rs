//! Dashboards' access control lists: read several at once, add to, remove from or replace them.
//! An ACL that names no one leaves the dashboard open to all; one that does restricts viewing to
//! those it names and modifying to its `modifyAcl` (Super Admins pass every ACL).

use axum::Json;
use axum::extract::{RawQuery, State};
use crest_domain::object_acl::AclEdit;
use crest_types::alert::{
    AccessControlListWriteDTO, ResponseContainerListAccessControlListReadDTO,
};
use crest_types::envelope::StatusEnvelope;
use crest_types::source::ResponseContainer;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::dashboard::dashboards;
use crate::routes::object_acl::{change_acls, read_acls};
use crate::state::AppState;

/// The ACLs of the dashboards named by the repeated `id` parameter.
#[utoipa::path(
    get,
    path = "/api/v2/dashboard/acl",
    operation_id = "getDashboardAccessControlList",
    tag = "Dashboard",
    summary = "Get list of Access Control Lists for the specified dashboards",
    params(("id" = Option<Vec<String>>, Query, description = "The dashboards' ids (repeat the parameter)")),
    responses(
        (status = 200, description = "One ACL per dashboard", body = ResponseContainerListAccessControlListReadDTO),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_dashboard_access_control_list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerListAccessControlListReadDTO>, ApiError> {
    Ok(Json(
        read_acls(&state, &caller, query.as_deref(), &dashboards(&state)).await?,
    ))
}

async fn change(
    state: &AppState,
    caller: &Caller,
    edit: AclEdit,
    body: Option<Vec<AccessControlListWriteDTO>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    Ok(Json(
        change_acls(state, caller, edit, body, &dashboards(state)).await?,
    ))
}

/// Adds accounts and groups to dashboards' ACLs.
#[utoipa::path(
    post,
    path = "/api/v2/dashboard/acl/add",
    operation_id = "addDashboardAccess",
    tag = "Dashboard",
    summary = "Adds the specified ids to the given dashboards' ACL",
    request_body(content = Vec<AccessControlListWriteDTO>, description = "Per dashboard, the ids to add"),
    responses(
        (status = 200, description = "Added", body = ResponseContainer),
        (status = 403, description = "An ACL does not let the caller modify its dashboard", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_dashboard_access(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Vec<AccessControlListWriteDTO>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    change(&state, &caller, AclEdit::Add, body).await
}

/// Removes accounts and groups from dashboards' ACLs.
#[utoipa::path(
    post,
    path = "/api/v2/dashboard/acl/remove",
    operation_id = "removeDashboardAccess",
    tag = "Dashboard",
    summary = "Removes the specified ids from the given dashboards' ACL",
    request_body(content = Vec<AccessControlListWriteDTO>, description = "Per dashboard, the ids to remove"),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 403, description = "An ACL does not let the caller modify its dashboard", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_dashboard_access(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Vec<AccessControlListWriteDTO>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    change(&state, &caller, AclEdit::Remove, body).await
}

/// Replaces dashboards' ACLs.
#[utoipa::path(
    put,
    path = "/api/v2/dashboard/acl/set",
    operation_id = "setDashboardAcl",
    tag = "Dashboard",
    summary = "Set ACL for the specified dashboards",
    request_body(content = Vec<AccessControlListWriteDTO>, description = "Per dashboard, its whole ACL"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 403, description = "An ACL does not let the caller modify its dashboard", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_dashboard_acl(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Vec<AccessControlListWriteDTO>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    change(&state, &caller, AclEdit::Set, body).await
}
