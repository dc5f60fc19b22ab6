//! A dashboard's versions (newest first, at most 100, readable after a delete for good) and its
//! tags.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::object_acl::AclEdit;
use crest_types::alert::ResponseContainerHistoryResponse;
use crest_types::dashboard::ResponseContainerDashboard;
use crest_types::envelope::StatusEnvelope;
use crest_types::source::{ResponseContainer, ResponseContainerTagsResponse};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::routes::dashboard::{dashboards, wire};
use crate::routes::object_acl::{access, all_tags, history_page, version_number};
use crate::state::AppState;

/// The versions kept of a dashboard, newest first.
#[utoipa::path(
    get,
    path = "/api/v2/dashboard/{id}/history",
    operation_id = "getDashboardHistory",
    tag = "Dashboard",
    summary = "Get the version history of a specific dashboard",
    params(
        ("id" = String, Path, description = "The dashboard's id (its URL slug)"),
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of versions, newest first", body = ResponseContainerHistoryResponse),
        (status = 404, description = "No such dashboard, now or before", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_dashboard_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerHistoryResponse>, ApiError> {
    let who = access(&state, &caller).await?;
    let (versions, in_trash) = dashboards(&state).history(&who, &id).await?;
    Ok(Json(ResponseContainerHistoryResponse::ok(history_page(
        page, &id, &versions, in_trash,
    ))))
}

/// A dashboard as it was at one version; POSTing it re-creates a dashboard deleted for good.
#[utoipa::path(
    get,
    path = "/api/v2/dashboard/{id}/history/{version}",
    operation_id = "getDashboardVersion",
    tag = "Dashboard",
    summary = "Get a specific version of a specific dashboard",
    params(
        ("id" = String, Path, description = "The dashboard's id (its URL slug)"),
        ("version" = i64, Path, description = "The version (from 1)")
    ),
    responses(
        (status = 200, description = "The dashboard at that version", body = ResponseContainerDashboard),
        (status = 404, description = "No such dashboard or version", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_dashboard_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<ResponseContainerDashboard>, ApiError> {
    let number = version_number(&version)?;
    let who = access(&state, &caller).await?;
    let view = dashboards(&state).version(&who, &id, number).await?;
    Ok(Json(ResponseContainerDashboard::ok(wire(&view))))
}

/// A dashboard's tags.
#[utoipa::path(
    get,
    path = "/api/v2/dashboard/{id}/tag",
    operation_id = "getDashboardTags",
    tag = "Dashboard",
    summary = "Get all tags associated with a specific dashboard",
    params(("id" = String, Path, description = "The dashboard's id (its URL slug)")),
    responses(
        (status = 200, description = "The tags", body = ResponseContainerTagsResponse),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_dashboard_tags(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerTagsResponse>, ApiError> {
    let who = access(&state, &caller).await?;
    let tags = dashboards(&state).tags(&who, &id).await?;
    Ok(Json(all_tags(&tags)))
}

async fn edit(
    state: &AppState,
    caller: &Caller,
    id: &str,
    edit: AclEdit,
    tags: &[String],
) -> Result<Json<ResponseContainer>, ApiError> {
    let who = access(state, caller).await?;
    dashboards(state).edit_tags(&who, id, edit, tags).await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Replaces every tag of a dashboard (a new version); if one is invalid, nothing changes.
#[utoipa::path(
    post,
    path = "/api/v2/dashboard/{id}/tag",
    operation_id = "setDashboardTags",
    tag = "Dashboard",
    summary = "Set all tags associated with a specific dashboard",
    params(("id" = String, Path, description = "The dashboard's id (its URL slug)")),
    request_body(content = Vec<String>, description = "The tags"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_dashboard_tags(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Vec<String>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    edit(
        &state,
        &caller,
        &id,
        AclEdit::Set,
        &body.unwrap_or_default(),
    )
    .await
}

/// Adds a tag to a dashboard.
#[utoipa::path(
    put,
    path = "/api/v2/dashboard/{id}/tag/{tagValue}",
    operation_id = "addDashboardTag",
    tag = "Dashboard",
    summary = "Add a tag to a specific dashboard",
    params(
        ("id" = String, Path, description = "The dashboard's id (its URL slug)"),
        ("tagValue" = String, Path, description = "The tag: letters, digits, '_', '-', ':' and '.'")
    ),
    responses(
        (status = 200, description = "Added", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_dashboard_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    edit(&state, &caller, &id, AclEdit::Add, &[tag]).await
}

/// Removes a tag from a dashboard; a tag it lacks changes nothing.
#[utoipa::path(
    delete,
    path = "/api/v2/dashboard/{id}/tag/{tagValue}",
    operation_id = "removeDashboardTag",
    tag = "Dashboard",
    summary = "Remove a tag from a specific dashboard",
    params(
        ("id" = String, Path, description = "The dashboard's id (its URL slug)"),
        ("tagValue" = String, Path, description = "The tag")
    ),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_dashboard_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    edit(&state, &caller, &id, AclEdit::Remove, &[tag]).await
}
