//! The `CloudIntegration` API group: integrations with cloud services, their trash, and AWS
//! external ids. Reads never show a credential; writes need the Proxies permission.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::cloud_integration::{CloudIntegrationView, CloudIntegrations, Shelf, masked};
use crest_types::cloud::{
    CloudIntegration, ResponseContainerCloudIntegration, ResponseContainerPagedCloudIntegration,
    ResponseContainerString,
};
use crest_types::envelope::StatusEnvelope;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Paging, flex_bool};
use crate::state::AppState;

pub(crate) fn integrations(state: &AppState) -> CloudIntegrations<'_> {
    CloudIntegrations::new(
        state.resources.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
    )
}

/// The integration as the API shows it: masked settings and the server's fields.
pub(crate) fn wire(view: &CloudIntegrationView) -> Result<CloudIntegration, ApiError> {
    let mut map = masked(&view.settings);
    let r = &view.record;
    let server: [(&str, Value); 9] = [
        ("id", r.id.clone().into()),
        ("name", view.settings.name.clone().into()),
        ("service", view.settings.service.as_str().into()),
        ("createdEpochMillis", r.created_ms.into()),
        ("creatorId", r.creator.clone().into()),
        ("updatedEpochMillis", r.updated_ms.into()),
        ("updaterId", r.updater.clone().into()),
        ("inTrash", view.in_trash.into()),
        ("deleted", view.in_trash.into()),
    ];
    for (k, v) in server {
        map.insert(k.to_owned(), v);
    }
    map.insert("disabled".to_owned(), r.disabled.into());
    serde_json::from_value(Value::Object(map)).map_err(|e| {
        ApiError::internal_caused_by("a stored cloud integration does not read back", e)
    })
}

fn answer(
    view: &CloudIntegrationView,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    Ok(Json(ResponseContainerCloudIntegration::ok(wire(view)?)))
}

/// The client's integration as the JSON object the domain checks (absent fields left out).
fn input(body: Option<CloudIntegration>) -> Result<Map<String, Value>, ApiError> {
    let body =
        body.ok_or_else(|| ApiError::BadRequest("a cloud integration body is required".into()))?;
    match serde_json::to_value(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::BadRequest(
            "a cloud integration must be a JSON object".into(),
        )),
    }
}

/// Every integration that is not in the trash, oldest first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/cloudintegration",
    operation_id = "getAllCloudIntegration",
    tag = "CloudIntegration",
    summary = "Get all cloud integrations for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses((status = 200, description = "A page of integrations", body = ResponseContainerPagedCloudIntegration))
)]
pub(crate) async fn get_all_cloud_integration(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedCloudIntegration>, ApiError> {
    let all = integrations(&state).list(Shelf::Live).await?;
    let wired = all.iter().map(wire).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ResponseContainerPagedCloudIntegration::ok(
        page.page_of(&wired, Clone::clone),
    )))
}

/// One integration, in the trash or not.
#[utoipa::path(
    get,
    path = "/api/v2/cloudintegration/{id}",
    operation_id = "getCloudIntegration",
    tag = "CloudIntegration",
    summary = "Get a specific cloud integration",
    params(("id" = String, Path, description = "The integration's id")),
    responses(
        (status = 200, description = "The integration; credentials are never shown", body = ResponseContainerCloudIntegration),
        (status = 404, description = "No such integration", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_cloud_integration(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    answer(&integrations(&state).get(&id).await?)
}

/// Creates an integration. The configuration named after `service` (in any case) must be present
/// and complete; its regexes must compile as Java regexes.
#[utoipa::path(
    post,
    path = "/api/v2/cloudintegration",
    operation_id = "createCloudIntegration",
    tag = "CloudIntegration",
    summary = "Create a cloud integration",
    request_body(content = CloudIntegration, description = "The integration; the server's fields are ignored"),
    responses(
        (status = 200, description = "The new integration", body = ResponseContainerCloudIntegration),
        (status = 400, description = "A missing or invalid field, named in the message", body = StatusEnvelope),
        (status = 403, description = "The caller lacks the Proxies permission", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_cloud_integration(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<CloudIntegration>>,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    let by = caller.principal().account.to_string();
    let created = integrations(&state).create(&by, input(body)?).await?;
    crate::audit::name("id", &created.record.id);
    answer(&created)
}

/// Replaces an integration's settings. A credential sent back as read, or as a documented
/// keep-value, keeps the stored one; an omitted AWS external id is kept too.
#[utoipa::path(
    put,
    path = "/api/v2/cloudintegration/{id}",
    operation_id = "updateCloudIntegration",
    tag = "CloudIntegration",
    summary = "Update a specific cloud integration",
    description = "Send a credential back as read (the placeholder), or as `saved_secret`, `saved_api_key` or `{\"project_id\": \"…\"}`, to keep the stored one.",
    params(("id" = String, Path, description = "The integration's id")),
    request_body(content = CloudIntegration, description = "The integration's new settings"),
    responses(
        (status = 200, description = "The integration as updated", body = ResponseContainerCloudIntegration),
        (status = 400, description = "A missing or invalid field", body = StatusEnvelope),
        (status = 404, description = "No such integration", body = StatusEnvelope),
        (status = 409, description = "The integration is in the trash", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_cloud_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<CloudIntegration>>,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    let mut body = input(body)?;
    if let Some(named) = body.remove("id").as_ref().and_then(Value::as_str)
        && named != id
    {
        return Err(ApiError::BadRequest(format!(
            "the body names integration '{named}' but the path names '{id}'"
        )));
    }
    let by = caller.principal().account.to_string();
    answer(&integrations(&state).update(&by, &id, body).await?)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SkipTrash {
    #[serde(default, deserialize_with = "flex_bool::deserialize_option")]
    skip_trash: Option<bool>,
}

impl SkipTrash {
    /// `skipTrash`, false when absent.
    pub(crate) fn skip_trash(&self) -> bool {
        self.skip_trash.unwrap_or(false)
    }
}

/// Moves an integration to the trash; with `skipTrash`, or when it is in the trash already,
/// removes it for good.
#[utoipa::path(
    delete,
    path = "/api/v2/cloudintegration/{id}",
    operation_id = "deleteCloudIntegration",
    tag = "CloudIntegration",
    summary = "Delete a specific cloud integration",
    params(
        ("id" = String, Path, description = "The integration's id"),
        ("skipTrash" = Option<bool>, Query, description = "Remove for good instead of moving to the trash")
    ),
    responses(
        (status = 200, description = "The integration as the delete left it", body = ResponseContainerCloudIntegration),
        (status = 404, description = "No such integration", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_cloud_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<SkipTrash>,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    let by = caller.principal().account.to_string();
    let view = integrations(&state)
        .delete(&by, &id, query.skip_trash.unwrap_or(false))
        .await?;
    answer(&view)
}

/// Brings an integration back from the trash.
#[utoipa::path(
    post,
    path = "/api/v2/cloudintegration/{id}/undelete",
    operation_id = "undeleteCloudIntegration",
    tag = "CloudIntegration",
    summary = "Undelete a specific cloud integration",
    params(("id" = String, Path, description = "The integration's id")),
    responses(
        (status = 200, description = "The restored integration", body = ResponseContainerCloudIntegration),
        (status = 400, description = "The integration is not in the trash", body = StatusEnvelope),
        (status = 404, description = "No such integration", body = StatusEnvelope)
    )
)]
pub(crate) async fn undelete_cloud_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    let by = caller.principal().account.to_string();
    answer(&integrations(&state).undelete(&by, &id).await?)
}

/// Enables an integration.
#[utoipa::path(
    post,
    path = "/api/v2/cloudintegration/{id}/enable",
    operation_id = "enableCloudIntegration",
    tag = "CloudIntegration",
    summary = "Enable a specific cloud integration",
    params(("id" = String, Path, description = "The integration's id")),
    responses(
        (status = 200, description = "The integration", body = ResponseContainerCloudIntegration),
        (status = 404, description = "No such integration", body = StatusEnvelope)
    )
)]
pub(crate) async fn enable_cloud_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    let by = caller.principal().account.to_string();
    answer(&integrations(&state).set_disabled(&by, &id, false).await?)
}

/// Disables an integration.
#[utoipa::path(
    post,
    path = "/api/v2/cloudintegration/{id}/disable",
    operation_id = "disableCloudIntegration",
    tag = "CloudIntegration",
    summary = "Disable a specific cloud integration",
    params(("id" = String, Path, description = "The integration's id")),
    responses(
        (status = 200, description = "The integration", body = ResponseContainerCloudIntegration),
        (status = 404, description = "No such integration", body = StatusEnvelope)
    )
)]
pub(crate) async fn disable_cloud_integration(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerCloudIntegration>, ApiError> {
    let by = caller.principal().account.to_string();
    answer(&integrations(&state).set_disabled(&by, &id, true).await?)
}

/// Makes a new external id for an AWS role to trust.
#[utoipa::path(
    post,
    path = "/api/v2/cloudintegration/awsExternalId",
    operation_id = "createAwsExternalId",
    tag = "CloudIntegration",
    summary = "Create an external id",
    responses((status = 200, description = "The new external id", body = ResponseContainerString))
)]
pub(crate) async fn create_aws_external_id(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ResponseContainerString>, ApiError> {
    let by = caller.principal().account.to_string();
    let id = integrations(&state).create_external_id(&by).await?;
    Ok(Json(ResponseContainerString::ok(id)))
}

/// Confirms an external id this server made.
#[utoipa::path(
    get,
    path = "/api/v2/cloudintegration/awsExternalId/{id}",
    operation_id = "getAwsExternalId",
    tag = "CloudIntegration",
    summary = "GETs (confirms) a valid external id that was created by Wavefront",
    params(("id" = String, Path, description = "The external id")),
    responses(
        (status = 200, description = "The external id", body = ResponseContainerString),
        (status = 404, description = "No such external id", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_aws_external_id(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerString>, ApiError> {
    let id = integrations(&state).external_id(&id).await?;
    Ok(Json(ResponseContainerString::ok(id)))
}

/// Deletes an external id this server made.
#[utoipa::path(
    delete,
    path = "/api/v2/cloudintegration/awsExternalId/{id}",
    operation_id = "deleteAwsExternalId",
    tag = "CloudIntegration",
    summary = "DELETEs an external id that was created by Wavefront",
    params(("id" = String, Path, description = "The external id")),
    responses(
        (status = 200, description = "The deleted external id", body = ResponseContainerString),
        (status = 404, description = "No such external id", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_aws_external_id(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerString>, ApiError> {
    let id = integrations(&state).delete_external_id(&id).await?;
    Ok(Json(ResponseContainerString::ok(id)))
}
