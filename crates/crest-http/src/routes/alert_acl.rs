//! Alerts' access control lists: read several at once, add to, remove from or replace them.
//! An ACL that names no one leaves the alert open to all; one that does restricts viewing to those
//! it names and modifying to its `modifyAcl` (Super Admins pass every ACL).

use axum::Json;
use axum::extract::{RawQuery, State};
use crest_domain::alert::AclEdit;
use crest_types::alert::{
    AccessControlListWriteDTO, ResponseContainerListAccessControlListReadDTO,
};
use crest_types::envelope::StatusEnvelope;
use crest_types::source::ResponseContainer;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::alert::alerts;
use crate::routes::object_acl::{change_acls, read_acls};
use crate::state::AppState;

/// The ACLs of the alerts named by the repeated `id` parameter.
#[utoipa::path(
    get,
    path = "/api/v2/alert/acl",
    operation_id = "getAlertAccessControlList",
    tag = "Alert",
    summary = "Get Access Control Lists' union for the specified alerts",
    params(("id" = Option<Vec<String>>, Query, description = "The alerts' ids (repeat the parameter)")),
    responses(
        (status = 200, description = "One ACL per alert", body = ResponseContainerListAccessControlListReadDTO),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert_access_control_list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerListAccessControlListReadDTO>, ApiError> {
    Ok(Json(
        read_acls(&state, &caller, query.as_deref(), &alerts(&state)).await?,
    ))
}

async fn change(
    state: &AppState,
    caller: &Caller,
    edit: AclEdit,
    body: Option<Vec<AccessControlListWriteDTO>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    Ok(Json(
        change_acls(state, caller, edit, body, &alerts(state)).await?,
    ))
}

/// Adds accounts and groups to alerts' ACLs.
#[utoipa::path(
    post,
    path = "/api/v2/alert/acl/add",
    operation_id = "addAlertAccess",
    tag = "Alert",
    summary = "Adds the specified ids to the given alerts' ACL",
    request_body(content = Vec<AccessControlListWriteDTO>, description = "Per alert, the ids to add"),
    responses(
        (status = 200, description = "Added", body = ResponseContainer),
        (status = 403, description = "An ACL does not let the caller modify its alert", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_alert_access(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Vec<AccessControlListWriteDTO>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    change(&state, &caller, AclEdit::Add, body).await
}

/// Removes accounts and groups from alerts' ACLs.
#[utoipa::path(
    post,
    path = "/api/v2/alert/acl/remove",
    operation_id = "removeAlertAccess",
    tag = "Alert",
    summary = "Removes the specified ids from the given alerts' ACL",
    request_body(content = Vec<AccessControlListWriteDTO>, description = "Per alert, the ids to remove"),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 403, description = "An ACL does not let the caller modify its alert", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_alert_access(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Vec<AccessControlListWriteDTO>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    change(&state, &caller, AclEdit::Remove, body).await
}

/// Replaces alerts' ACLs.
#[utoipa::path(
    put,
    path = "/api/v2/alert/acl/set",
    operation_id = "setAlertAcl",
    tag = "Alert",
    summary = "Set ACL for the specified alerts",
    request_body(content = Vec<AccessControlListWriteDTO>, description = "Per alert, its whole ACL"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 403, description = "An ACL does not let the caller modify its alert", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_alert_acl(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Vec<AccessControlListWriteDTO>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    change(&state, &caller, AclEdit::Set, body).await
}
