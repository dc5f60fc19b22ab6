//! The `DerivedMetric` API group: list, create, read, update, the trash, versions and tags.
//! Reads are open to every caller; changes need the Derived Metrics permission.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use crest_domain::alert::AclEdit;
use crest_domain::derived::{DEFAULT_PROCESS_RATE_MINUTES, DerivedMetrics, DerivedView};
use crest_types::alert::ResponseContainerHistoryResponse;
use crest_types::derived::{
    DerivedMetricDefinition, ResponseContainerDerivedMetricDefinition,
    ResponseContainerPagedDerivedMetricDefinition,
};
use crest_types::envelope::StatusEnvelope;
use crest_types::source::{ResponseContainer, ResponseContainerTagsResponse};
use serde_json::{Map, Value};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::query_params::QueryParams;
use crate::routes::alert::{put, put_bookkeeping, put_customer_tags, put_some, typed_document};
use crate::routes::object_acl::{all_tags, history_page, version_number};
use crate::state::AppState;

pub(crate) fn derived(state: &AppState) -> DerivedMetrics<'_> {
    DerivedMetrics::new(state.resources.as_ref(), state.clock.as_ref())
}

fn who(caller: &Caller) -> String {
    caller.principal().account.to_string()
}

/// The derived metric as the API shows it: `document` (the current one or an older version's),
/// the server's fields and what the runner last recorded.
pub(crate) fn wire_document(
    view: &DerivedView,
    document: &Map<String, Value>,
) -> Result<DerivedMetricDefinition, ApiError> {
    let r = &view.record;
    let rt = &r.runtime;
    let mut m = document.clone();
    put_bookkeeping(
        &mut m,
        &r.id,
        (r.created_ms, &r.creator),
        (r.updated_ms, &r.updater),
    );
    if m.get("processRateMinutes").is_none_or(Value::is_null) {
        put(&mut m, "processRateMinutes", DEFAULT_PROCESS_RATE_MINUTES);
    }
    for key in ["includeObsoleteMetrics", "queryQBEnabled"] {
        if m.get(key).is_none_or(Value::is_null) {
            put(&mut m, key, false);
        }
    }
    put_customer_tags(&mut m);
    put(&mut m, "status", view.status.clone());
    put(&mut m, "inTrash", view.in_trash);
    put(&mut m, "deleted", view.in_trash);
    put_some(&mut m, "lastProcessedMillis", rt.last_processed_millis);
    put_some(&mut m, "lastQueryTime", rt.last_query_time);
    put_some(
        &mut m,
        "pointsScannedAtLastQuery",
        rt.points_scanned_at_last_query,
    );
    put(&mut m, "metricsUsed", rt.metrics_used.clone());
    put(&mut m, "hostsUsed", rt.hosts_used.clone());
    put(&mut m, "queryFailing", rt.query_failing);
    put_some(&mut m, "lastFailedTime", rt.last_failed_time);
    put_some(&mut m, "lastErrorMessage", rt.last_error_message.clone());
    serde_json::from_value(Value::Object(m))
        .map_err(|e| ApiError::internal_caused_by("a stored derived metric does not read back", e))
}

/// The derived metric as it is now.
pub(crate) fn wire(view: &DerivedView) -> Result<DerivedMetricDefinition, ApiError> {
    wire_document(view, &view.record.document)
}

fn answer(view: &DerivedView) -> Result<Json<ResponseContainerDerivedMetricDefinition>, ApiError> {
    Ok(Json(ResponseContainerDerivedMetricDefinition::ok(wire(
        view,
    )?)))
}

/// A client's definition as a JSON object (read through [`DerivedMetricDefinition`], so a known
/// field of the wrong type is refused).
fn document_of(body: Option<DerivedMetricDefinition>) -> Result<Map<String, Value>, ApiError> {
    typed_document(body, "a derived metric definition")
}

/// The derived metrics outside the trash, in id order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/derivedmetric",
    operation_id = "getAllDerivedMetrics",
    tag = "DerivedMetric",
    summary = "Get all derived metric definitions for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of derived metrics", body = ResponseContainerPagedDerivedMetricDefinition)
    )
)]
pub(crate) async fn get_all_derived_metrics(
    State(state): State<AppState>,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedDerivedMetricDefinition>, ApiError> {
    let all = derived(&state).list(false).await?;
    let wired = all.iter().map(wire).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ResponseContainerPagedDerivedMetricDefinition::ok(
        page.page_of(&wired, Clone::clone),
    )))
}

/// Creates a derived metric: `name`, `query` and `minutes` are required; `processRateMinutes` is
/// 1 when unset.
#[utoipa::path(
    post,
    path = "/api/v2/derivedmetric",
    operation_id = "createDerivedMetric",
    tag = "DerivedMetric",
    summary = "Create a specific derived metric definition",
    request_body(content = DerivedMetricDefinition, description = "The derived metric: name, query and minutes"),
    responses(
        (status = 200, description = "The derived metric as created", body = ResponseContainerDerivedMetricDefinition),
        (status = 400, description = "An invalid definition, or a query that ingests a metric into itself", body = StatusEnvelope),
        (status = 403, description = "The caller lacks the Derived Metrics permission", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_derived_metric(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<DerivedMetricDefinition>>,
) -> Result<Json<ResponseContainerDerivedMetricDefinition>, ApiError> {
    answer(
        &derived(&state)
            .create(&who(&caller), document_of(body)?)
            .await?,
    )
}

/// One derived metric, in the trash or not.
#[utoipa::path(
    get,
    path = "/api/v2/derivedmetric/{id}",
    operation_id = "getDerivedMetric",
    tag = "DerivedMetric",
    summary = "Get a specific registered query",
    params(("id" = String, Path, description = "The derived metric's id")),
    responses(
        (status = 200, description = "The derived metric", body = ResponseContainerDerivedMetricDefinition),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_derived_metric(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerDerivedMetricDefinition>, ApiError> {
    answer(&derived(&state).get(&id).await?)
}

/// Replaces a derived metric's definition (a new version).
#[utoipa::path(
    put,
    path = "/api/v2/derivedmetric/{id}",
    operation_id = "updateDerivedMetric",
    tag = "DerivedMetric",
    summary = "Update a specific derived metric definition",
    params(("id" = String, Path, description = "The derived metric's id")),
    request_body(content = DerivedMetricDefinition, description = "The derived metric as it should be"),
    responses(
        (status = 200, description = "The derived metric as changed", body = ResponseContainerDerivedMetricDefinition),
        (status = 400, description = "An invalid definition", body = StatusEnvelope),
        (status = 404, description = "No such derived metric", body = StatusEnvelope),
        (status = 409, description = "The derived metric is in the trash", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_derived_metric(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<DerivedMetricDefinition>>,
) -> Result<Json<ResponseContainerDerivedMetricDefinition>, ApiError> {
    if let Some(named) = body.as_ref().and_then(|b| b.id.as_deref())
        && named != id
    {
        return Err(ApiError::BadRequest(format!(
            "the body names derived metric '{named}' but the path names '{id}'"
        )));
    }
    answer(
        &derived(&state)
            .update(&who(&caller), &id, document_of(body)?)
            .await?,
    )
}

/// Moves a derived metric to the trash; with `skipTrash`, or when it is in the trash already,
/// removes it for good.
#[utoipa::path(
    delete,
    path = "/api/v2/derivedmetric/{id}",
    operation_id = "deleteDerivedMetric",
    tag = "DerivedMetric",
    summary = "Delete a specific derived metric definition",
    params(
        ("id" = String, Path, description = "The derived metric's id"),
        ("skipTrash" = Option<bool>, Query, description = "Remove for good instead of moving to the trash")
    ),
    responses(
        (status = 200, description = "The derived metric as the delete left it", body = ResponseContainerDerivedMetricDefinition),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_derived_metric(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerDerivedMetricDefinition>, ApiError> {
    let skip = QueryParams::parse(query.as_deref())?
        .flag("skipTrash")?
        .unwrap_or(false);
    answer(&derived(&state).delete(&who(&caller), &id, skip).await?)
}

/// Brings a derived metric back from the trash.
#[utoipa::path(
    post,
    path = "/api/v2/derivedmetric/{id}/undelete",
    operation_id = "undeleteDerivedMetric",
    tag = "DerivedMetric",
    summary = "Undelete a specific derived metric definition",
    params(("id" = String, Path, description = "The derived metric's id")),
    responses(
        (status = 200, description = "The restored derived metric", body = ResponseContainerDerivedMetricDefinition),
        (status = 400, description = "The derived metric is not in the trash", body = StatusEnvelope),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn undelete_derived_metric(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerDerivedMetricDefinition>, ApiError> {
    answer(&derived(&state).undelete(&who(&caller), &id).await?)
}

/// The versions kept of a derived metric, newest first.
#[utoipa::path(
    get,
    path = "/api/v2/derivedmetric/{id}/history",
    operation_id = "getDerivedMetricHistory",
    tag = "DerivedMetric",
    summary = "Get the version history of a specific derived metric definition",
    params(
        ("id" = String, Path, description = "The derived metric's id"),
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of versions, newest first", body = ResponseContainerHistoryResponse),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_derived_metric_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerHistoryResponse>, ApiError> {
    let service = derived(&state);
    let in_trash = service.get(&id).await?.in_trash;
    let versions = service.history(&id).await?;
    Ok(Json(ResponseContainerHistoryResponse::ok(history_page(
        page, &id, &versions, in_trash,
    ))))
}

/// A derived metric as it was at one version.
#[utoipa::path(
    get,
    path = "/api/v2/derivedmetric/{id}/history/{version}",
    operation_id = "getDerivedMetricByVersion",
    tag = "DerivedMetric",
    summary = "Get a specific historical version of a specific derived metric definition",
    params(
        ("id" = String, Path, description = "The derived metric's id"),
        ("version" = i64, Path, description = "The version (from 1)")
    ),
    responses(
        (status = 200, description = "The derived metric at that version", body = ResponseContainerDerivedMetricDefinition),
        (status = 404, description = "No such derived metric or version", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_derived_metric_by_version(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<ResponseContainerDerivedMetricDefinition>, ApiError> {
    let number = version_number(&version)?;
    let service = derived(&state);
    let mut view = service.get(&id).await?;
    let old = service.version(&id, number).await?;
    view.record.updated_ms = old.update_time;
    view.record.updater = old.update_user;
    Ok(Json(ResponseContainerDerivedMetricDefinition::ok(
        wire_document(&view, &old.document)?,
    )))
}

/// A derived metric's tags.
#[utoipa::path(
    get,
    path = "/api/v2/derivedmetric/{id}/tag",
    operation_id = "getDerivedMetricTags",
    tag = "DerivedMetric",
    summary = "Get all tags associated with a specific derived metric definition",
    params(("id" = String, Path, description = "The derived metric's id")),
    responses(
        (status = 200, description = "The tags", body = ResponseContainerTagsResponse),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_derived_metric_tags(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerTagsResponse>, ApiError> {
    Ok(Json(all_tags(&derived(&state).tags(&id).await?)))
}

async fn edit(
    state: &AppState,
    caller: &Caller,
    id: &str,
    edit: AclEdit,
    tags: &[String],
) -> Result<Json<ResponseContainer>, ApiError> {
    derived(state)
        .edit_tags(&who(caller), id, edit, tags)
        .await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Replaces every tag of a derived metric (a new version); if one is invalid, nothing changes.
#[utoipa::path(
    post,
    path = "/api/v2/derivedmetric/{id}/tag",
    operation_id = "setDerivedMetricTags",
    tag = "DerivedMetric",
    summary = "Set all tags associated with a specific derived metric definition",
    params(("id" = String, Path, description = "The derived metric's id")),
    request_body(content = Vec<String>, description = "The tags"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_derived_metric_tags(
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

/// Adds a tag to a derived metric.
#[utoipa::path(
    put,
    path = "/api/v2/derivedmetric/{id}/tag/{tagValue}",
    operation_id = "addTagToDerivedMetric",
    tag = "DerivedMetric",
    summary = "Add a tag to a specific Derived Metric",
    params(
        ("id" = String, Path, description = "The derived metric's id"),
        ("tagValue" = String, Path, description = "The tag: letters, digits, '_', '-', ':' and '.'")
    ),
    responses(
        (status = 200, description = "Added", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_tag_to_derived_metric(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    edit(&state, &caller, &id, AclEdit::Add, &[tag]).await
}

/// Removes a tag from a derived metric; a tag it lacks changes nothing.
#[utoipa::path(
    delete,
    path = "/api/v2/derivedmetric/{id}/tag/{tagValue}",
    operation_id = "removeTagFromDerivedMetric",
    tag = "DerivedMetric",
    summary = "Remove a tag from a specific Derived Metric",
    params(
        ("id" = String, Path, description = "The derived metric's id"),
        ("tagValue" = String, Path, description = "The tag")
    ),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 404, description = "No such derived metric", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_tag_from_derived_metric(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    edit(&state, &caller, &id, AclEdit::Remove, &[tag]).await
}
