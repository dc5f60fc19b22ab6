//! An alert's versions (newest first, at most 100) and its tags.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::alert::{AclEdit, AlertVersion};
use crest_types::alert::{HistoryEntry, ResponseContainerAlert, ResponseContainerHistoryResponse};
use crest_types::envelope::StatusEnvelope;
use crest_types::paging::PageRequest;
use crest_types::source::{ResponseContainer, ResponseContainerTagsResponse};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::routes::alert::{access, alerts, wire_document};
use crate::state::AppState;

/// The versions kept of an alert, newest first.
#[utoipa::path(
    get,
    path = "/api/v2/alert/{id}/history",
    operation_id = "getAlertHistory",
    tag = "Alert",
    summary = "Get the version history of a specific alert",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of versions, newest first", body = ResponseContainerHistoryResponse),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerHistoryResponse>, ApiError> {
    let who = access(&state, &caller).await?;
    let service = alerts(&state);
    let in_trash = service.get(&id, &who).await?.in_trash;
    let versions = service.history(&who, &id).await?;
    Ok(Json(history_page(&id, in_trash, &versions, page)))
}

/// A page of an object's versions (alerts', derived metrics'), newest first.
pub(crate) fn history_page(
    id: &str,
    in_trash: bool,
    versions: &[AlertVersion],
    page: PageRequest,
) -> ResponseContainerHistoryResponse {
    ResponseContainerHistoryResponse::ok(page.page_of(versions, |v| HistoryEntry {
        change_description: Some(vec![v.change.clone()]),
        id: Some(id.to_owned()),
        in_trash: Some(in_trash),
        update_time: Some(v.update_time),
        update_user: Some(v.update_user.clone()),
        version: Some(i64::from(v.version)),
    }))
}

/// A version number from a path.
pub(crate) fn version_of(version: &str) -> Result<u32, ApiError> {
    version
        .trim()
        .parse::<u32>()
        .map_err(|_| ApiError::BadRequest(format!("the version must be a number, not '{version}'")))
}

/// Every tag of an object, as one page.
pub(crate) fn tags_page(tags: &[String]) -> ResponseContainerTagsResponse {
    let all = PageRequest {
        offset: 0,
        limit: u32::try_from(tags.len()).unwrap_or(u32::MAX),
    };
    ResponseContainerTagsResponse::ok(all.page_of(tags, Clone::clone))
}

/// An alert as it was at one version.
#[utoipa::path(
    get,
    path = "/api/v2/alert/{id}/history/{version}",
    operation_id = "getAlertVersion",
    tag = "Alert",
    summary = "Get a specific historical version of a specific alert",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("version" = i64, Path, description = "The version (from 1)")
    ),
    responses(
        (status = 200, description = "The alert at that version", body = ResponseContainerAlert),
        (status = 404, description = "No such alert or version", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let number = version_of(&version)?;
    let who = access(&state, &caller).await?;
    let service = alerts(&state);
    let mut view = service.get(&id, &who).await?;
    let old = service.version(&who, &id, number).await?;
    view.record.updated_ms = old.update_time;
    view.record.updater = old.update_user;
    Ok(Json(ResponseContainerAlert::ok(wire_document(
        &view,
        &old.document,
    )?)))
}

/// An alert's tags.
#[utoipa::path(
    get,
    path = "/api/v2/alert/{id}/tag",
    operation_id = "getAlertTags",
    tag = "Alert",
    summary = "Get all tags associated with a specific alert",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The tags", body = ResponseContainerTagsResponse),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert_tags(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerTagsResponse>, ApiError> {
    let who = access(&state, &caller).await?;
    let tags = alerts(&state).tags(&who, &id).await?;
    Ok(Json(tags_page(&tags)))
}

async fn edit(
    state: &AppState,
    caller: &Caller,
    id: &str,
    edit: AclEdit,
    tags: &[String],
) -> Result<Json<ResponseContainer>, ApiError> {
    let who = access(state, caller).await?;
    alerts(state).edit_tags(&who, id, edit, tags).await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Replaces every tag of an alert (a new version); if one is invalid, nothing changes.
#[utoipa::path(
    post,
    path = "/api/v2/alert/{id}/tag",
    operation_id = "setAlertTags",
    tag = "Alert",
    summary = "Set all tags associated with a specific alert",
    params(("id" = String, Path, description = "The alert's id")),
    request_body(content = Vec<String>, description = "The tags"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_alert_tags(
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

/// Adds a tag to an alert.
#[utoipa::path(
    put,
    path = "/api/v2/alert/{id}/tag/{tagValue}",
    operation_id = "addAlertTag",
    tag = "Alert",
    summary = "Add a tag to a specific alert",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("tagValue" = String, Path, description = "The tag: letters, digits, '_', '-', ':' and '.'")
    ),
    responses(
        (status = 200, description = "Added", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_alert_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    edit(&state, &caller, &id, AclEdit::Add, &[tag]).await
}

/// Removes a tag from an alert; a tag it lacks changes nothing.
#[utoipa::path(
    delete,
    path = "/api/v2/alert/{id}/tag/{tagValue}",
    operation_id = "removeAlertTag",
    tag = "Alert",
    summary = "Remove a tag from a specific alert",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("tagValue" = String, Path, description = "The tag")
    ),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_alert_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    edit(&state, &caller, &id, AclEdit::Remove, &[tag]).await
}
