//! The `Alert` API group's alerts themselves: list, create, read, update, the trash, clone,
//! snooze and (for integration alerts, which crest has none of) install and uninstall. Reads are
//! open to every caller the alert's ACL admits; changes need the Alerts permission and the ACL's
//! leave to modify.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use crest_domain::alert::{AccessCheck, AlertView, Alerts, Shelf, severity_list, target_entries};
use crest_domain::event::{Change, Subject};
use crest_types::alert::{
    AccessControlListSimple, Alert, ResponseContainerAlert, ResponseContainerPagedAlert, TargetInfo,
};
use crest_types::envelope::StatusEnvelope;
use crest_types::event::SourceLabelPair;
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::query_params::QueryParams;
pub(crate) use crate::routes::object_acl::access;
use crate::routes::system_event;
use crate::state::AppState;

/// A check interval left unset is 5 minutes, as the product documents.
const DEFAULT_PROCESS_RATE_MINUTES: i64 = 5;

pub(crate) fn alerts(state: &AppState) -> Alerts<'_> {
    Alerts::new(
        state.resources.as_ref(),
        state.clock.as_ref(),
        state.alert_targets.as_ref(),
    )
}

fn pairs(list: &[crest_domain::alert::SourceLabelPair]) -> Value {
    let wired: Vec<SourceLabelPair> = list
        .iter()
        .map(|p| SourceLabelPair {
            firing: Some(p.firing),
            host: Some(p.host.clone()),
            label: Some(p.label.clone()),
            observed: Some(p.observed),
            severity: p.severity.map(|s| s.as_str().to_owned()),
            start_time: p.start_time,
            tags: Some(p.tags.clone()),
        })
        .collect();
    serde_json::to_value(wired).unwrap_or(Value::Null)
}

pub(crate) fn put(map: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    map.insert(key.to_owned(), value.into());
}

pub(crate) fn put_some<T: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        put(map, key, v);
    }
}

/// The server's bookkeeping fields of a versioned object (alerts, derived metrics): its id, and
/// who created and last updated it when, each under both names the API uses.
pub(crate) fn put_bookkeeping(
    m: &mut Map<String, Value>,
    id: &str,
    (created_ms, creator): (i64, &str),
    (updated_ms, updater): (i64, &str),
) {
    put(m, "id", id);
    for key in ["created", "createdEpochMillis"] {
        put(m, key, created_ms);
    }
    for key in ["updated", "updatedEpochMillis"] {
        put(m, key, updated_ms);
    }
    for key in ["creatorId", "createUserId"] {
        put(m, key, creator);
    }
    for key in ["updaterId", "updateUserId"] {
        put(m, key, updater);
    }
}

/// `tags` as the API shows it: `{"customerTags": [...]}`, the list the document holds or none.
pub(crate) fn put_customer_tags(m: &mut Map<String, Value>) {
    let tags = m
        .get("tags")
        .and_then(|t| t.get("customerTags"))
        .cloned()
        .unwrap_or(json!([]));
    put(m, "tags", json!({ "customerTags": tags }));
}

/// The alert as the API shows it: the stored document, the server's fields, and what the
/// evaluator last recorded. `document` is the current one or an older version's.
pub(crate) fn wire_document(
    view: &AlertView,
    document: &Map<String, Value>,
) -> Result<Alert, ApiError> {
    let r = &view.record;
    let rt = &r.runtime;
    let mut m = document.clone();
    put_bookkeeping(
        &mut m,
        &r.id,
        (r.created_ms, &r.creator),
        (r.updated_ms, &r.updater),
    );
    if m.get("resolveAfterMinutes").is_none_or(Value::is_null) {
        let minutes = m.get("minutes").cloned().unwrap_or(json!(1));
        m.insert("resolveAfterMinutes".into(), minutes);
    }
    if m.get("processRateMinutes").is_none_or(Value::is_null) {
        put(&mut m, "processRateMinutes", DEFAULT_PROCESS_RATE_MINUTES);
    }
    put_customer_tags(&mut m);
    put(&mut m, "status", view.status.clone());
    let severities: Vec<&str> = severity_list(document).iter().map(|s| s.as_str()).collect();
    put(&mut m, "severityList", severities);
    if m.get("severity").is_none_or(Value::is_null) {
        put_some(&mut m, "severity", rt.severity.map(|s| s.as_str()));
    }
    let entries = target_entries(document);
    let notificants: Vec<&str> = entries.iter().filter_map(|e| e.notificant_id()).collect();
    put(&mut m, "notificants", notificants);
    let endpoints: Vec<String> = entries.iter().map(|e| e.text()).collect();
    put(&mut m, "targetEndpoints", endpoints);
    let info: Vec<TargetInfo> = view
        .target_info
        .iter()
        .map(|t| TargetInfo {
            id: Some(t.id.clone()),
            method: Some(t.method.as_str().to_owned()),
            name: Some(t.name.clone()),
        })
        .collect();
    put(
        &mut m,
        "targetInfo",
        serde_json::to_value(info).unwrap_or(Value::Null),
    );
    put_some(&mut m, "snoozed", view.snoozed);
    put(&mut m, "inTrash", view.in_trash);
    put(&mut m, "deleted", view.in_trash);
    put(&mut m, "hidden", false);
    put(&mut m, "systemOwned", false);
    let acl = AccessControlListSimple {
        can_modify: Some(r.acl.can_modify.clone()),
        can_view: Some(r.acl.can_view.clone()),
    };
    put(
        &mut m,
        "acl",
        serde_json::to_value(acl).unwrap_or(Value::Null),
    );
    put(&mut m, "modifyAclAccess", view.can_modify);
    put(
        &mut m,
        "failingHostLabelPairs",
        pairs(&rt.failing_host_label_pairs),
    );
    put(
        &mut m,
        "prefiringHostLabelPairs",
        pairs(&rt.prefiring_host_label_pairs),
    );
    put(
        &mut m,
        "inMaintenanceHostLabelPairs",
        pairs(&rt.in_maintenance_host_label_pairs),
    );
    put(
        &mut m,
        "activeMaintenanceWindows",
        rt.active_maintenance_windows.clone(),
    );
    put_some(&mut m, "lastProcessedMillis", rt.last_processed_millis);
    put_some(
        &mut m,
        "lastNotificationMillis",
        rt.last_notification_millis,
    );
    put_some(&mut m, "lastEventTime", rt.last_event_time);
    put_some(&mut m, "lastQueryTime", rt.last_query_time);
    put_some(&mut m, "lastFailedTime", rt.last_failed_time);
    put_some(&mut m, "lastErrorMessage", rt.last_error_message.clone());
    put(&mut m, "queryFailing", rt.query_failing);
    put(&mut m, "querySyntaxError", rt.query_syntax_error);
    put_some(
        &mut m,
        "pointsScannedAtLastQuery",
        rt.points_scanned_at_last_query,
    );
    put(&mut m, "metricsUsed", rt.metrics_used.clone());
    put(&mut m, "hostsUsed", rt.hosts_used.clone());
    serde_json::from_value(Value::Object(m))
        .map_err(|e| ApiError::internal_caused_by("a stored alert does not read back", e))
}

/// The alert as it is now.
pub(crate) fn wire(view: &AlertView) -> Result<Alert, ApiError> {
    wire_document(view, &view.record.document)
}

/// Records `change` of the alert as a system event.
async fn traced(
    state: &AppState,
    who: &AccessCheck,
    change: Change,
    view: &AlertView,
    details: Option<&str>,
) {
    let r = &view.record;
    let tags = r.customer_tags();
    let subject = Subject {
        id: &r.id,
        name: r.name(),
        by: &who.account,
        tags: &tags,
        details,
    };
    system_event::note(state, change, subject).await;
}

fn answer(view: &AlertView) -> Result<Json<ResponseContainerAlert>, ApiError> {
    Ok(Json(ResponseContainerAlert::ok(wire(view)?)))
}

/// A client's alert as a JSON object (read through [`Alert`], so a known field of the wrong type
/// is refused).
pub(crate) fn document_of(body: Option<Alert>) -> Result<Map<String, Value>, ApiError> {
    typed_document(body, "an alert")
}

/// A client's body, read through its model `T` (so a known field of the wrong type is refused),
/// as a JSON object; `what` names the model in the error ("an alert").
pub(crate) fn typed_document<T: serde::Serialize + Default>(
    body: Option<T>,
    what: &str,
) -> Result<Map<String, Value>, ApiError> {
    match serde_json::to_value(body.unwrap_or_default()) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::BadRequest(format!(
            "the body must be {what} (a JSON object)"
        ))),
        Err(e) => Err(ApiError::internal_caused_by(
            format!("{what} does not serialize"),
            e,
        )),
    }
}

/// The alerts outside the trash the caller may view, in id order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/alert",
    operation_id = "getAllAlert",
    tag = "Alert",
    summary = "Get all alerts for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of alerts", body = ResponseContainerPagedAlert)
    )
)]
pub(crate) async fn get_all_alert(
    State(state): State<AppState>,
    caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedAlert>, ApiError> {
    let who = access(&state, &caller).await?;
    let all = alerts(&state).list(Shelf::Live, &who).await?;
    let wired = all.iter().map(wire).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ResponseContainerPagedAlert::ok(
        page.page_of(&wired, Clone::clone),
    )))
}

/// Creates an alert. `useMultiQuery` is accepted and ignored: `condition` is the source of truth.
#[utoipa::path(
    post,
    path = "/api/v2/alert",
    operation_id = "createAlert",
    tag = "Alert",
    summary = "Create a specific alert",
    params(("useMultiQuery" = Option<bool>, Query, description = "Accepted and ignored")),
    request_body(content = Alert, description = "The alert: name, condition, minutes and severity (CLASSIC), or conditions by lower-case severity (THRESHOLD)"),
    responses(
        (status = 200, description = "The alert as created", body = ResponseContainerAlert),
        (status = 400, description = "An invalid alert", body = StatusEnvelope),
        (status = 403, description = "The caller lacks the Alerts permission", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_alert(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    ApiJson(body): ApiJson<Option<Alert>>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    QueryParams::parse(query.as_deref())?.flag("useMultiQuery")?;
    let who = access(&state, &caller).await?;
    let view = alerts(&state).create(&who, document_of(body)?).await?;
    traced(&state, &who, Change::AlertCreated, &view, None).await;
    answer(&view)
}

/// One alert, in the trash or not.
#[utoipa::path(
    get,
    path = "/api/v2/alert/{id}",
    operation_id = "getAlert",
    tag = "Alert",
    summary = "Get a specific alert",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The alert", body = ResponseContainerAlert),
        (status = 404, description = "No such alert (or its ACL hides it)", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let who = access(&state, &caller).await?;
    let view = alerts(&state).get(&id, &who).await?;
    let mut alert = wire(&view)?;
    // the firing and no-data events, as they are now (one alert's read, so two lookups at most)
    let now = state.clock.now_millis();
    let runtime = &view.record.runtime;
    for (id, slot) in [
        (&runtime.event, &mut alert.event),
        (&runtime.no_data_event, &mut alert.no_data_event),
    ] {
        if let Some(id) = id {
            *slot = state
                .resources
                .event(id)
                .await?
                .map(|e| crate::routes::event::wire(&e, now));
        }
    }
    Ok(Json(ResponseContainerAlert::ok(alert)))
}

/// Replaces an alert's fields (a new version); `target` may change.
#[utoipa::path(
    put,
    path = "/api/v2/alert/{id}",
    operation_id = "updateAlert",
    tag = "Alert",
    summary = "Update a specific alert",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("useMultiQuery" = Option<bool>, Query, description = "Accepted and ignored")
    ),
    request_body(content = Alert, description = "The alert as it should be"),
    responses(
        (status = 200, description = "The alert as changed", body = ResponseContainerAlert),
        (status = 400, description = "An invalid alert", body = StatusEnvelope),
        (status = 403, description = "No Alerts permission, or the ACL forbids it", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope),
        (status = 409, description = "The alert is in the trash", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    ApiJson(body): ApiJson<Option<Alert>>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    QueryParams::parse(query.as_deref())?.flag("useMultiQuery")?;
    if let Some(named) = body.as_ref().and_then(|b| b.id.as_deref())
        && named != id
    {
        return Err(ApiError::BadRequest(format!(
            "the body names alert '{named}' but the path names '{id}'"
        )));
    }
    let who = access(&state, &caller).await?;
    let view = alerts(&state).update(&who, &id, document_of(body)?).await?;
    traced(&state, &who, Change::AlertUpdated, &view, None).await;
    answer(&view)
}

/// Moves an alert to the trash; with `skipTrash`, or when it is in the trash already, removes it
/// for good.
#[utoipa::path(
    delete,
    path = "/api/v2/alert/{id}",
    operation_id = "deleteAlert",
    tag = "Alert",
    summary = "Delete a specific alert",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("skipTrash" = Option<bool>, Query, description = "Remove for good instead of moving to the trash")
    ),
    responses(
        (status = 200, description = "The alert as the delete left it", body = ResponseContainerAlert),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let skip = QueryParams::parse(query.as_deref())?
        .flag("skipTrash")?
        .unwrap_or(false);
    let who = access(&state, &caller).await?;
    let view = alerts(&state).delete(&who, &id, skip).await?;
    let details = skip.then_some("removed for good");
    traced(&state, &who, Change::AlertDeleted, &view, details).await;
    answer(&view)
}

/// Brings an alert back from the trash.
#[utoipa::path(
    post,
    path = "/api/v2/alert/{id}/undelete",
    operation_id = "undeleteAlert",
    tag = "Alert",
    summary = "Undelete a specific alert",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The restored alert", body = ResponseContainerAlert),
        (status = 400, description = "The alert is not in the trash", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn undelete_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let who = access(&state, &caller).await?;
    let view = alerts(&state).undelete(&who, &id).await?;
    traced(&state, &who, Change::AlertUndeleted, &view, None).await;
    answer(&view)
}

/// A new alert copied from version `v` of this one (its latest when absent), named `name`.
#[utoipa::path(
    post,
    path = "/api/v2/alert/{id}/clone",
    operation_id = "cloneAlert",
    tag = "Alert",
    summary = "Clones the specified alert",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("name" = Option<String>, Query, description = "The new alert's name (the same when absent)"),
        ("v" = Option<i64>, Query, description = "The version to copy (the latest when absent)")
    ),
    responses(
        (status = 200, description = "The new alert", body = ResponseContainerAlert),
        (status = 404, description = "No such alert or version", body = StatusEnvelope)
    )
)]
pub(crate) async fn clone_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let version = params
        .integer("v", "a version number")?
        .map(|v| {
            u32::try_from(v).ok().filter(|v| *v >= 1).ok_or_else(|| {
                ApiError::BadRequest(format!("v must be a version (1 or more), not {v}"))
            })
        })
        .transpose()?;
    let who = access(&state, &caller).await?;
    let view = alerts(&state)
        .clone_alert(&who, &id, params.one("name"), version)
        .await?;
    let details = format!("cloned from alert {id}");
    traced(&state, &who, Change::AlertCreated, &view, Some(&details)).await;
    answer(&view)
}

/// Snoozes an alert for `seconds`, or for ever without them.
#[utoipa::path(
    post,
    path = "/api/v2/alert/{id}/snooze",
    operation_id = "snoozeAlert",
    tag = "Alert",
    summary = "Snooze a specific alert for some number of seconds",
    params(
        ("id" = String, Path, description = "The alert's id"),
        ("seconds" = Option<i64>, Query, description = "How long; for ever when absent")
    ),
    responses(
        (status = 200, description = "The snoozed alert", body = ResponseContainerAlert),
        (status = 400, description = "An invalid duration", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn snooze_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let seconds =
        QueryParams::parse(query.as_deref())?.integer("seconds", "a number of seconds")?;
    let who = access(&state, &caller).await?;
    let view = alerts(&state).snooze(&who, &id, seconds).await?;
    let details = match seconds {
        Some(s) => format!("for {s} seconds"),
        None => "indefinitely".to_owned(),
    };
    traced(&state, &who, Change::AlertSnoozed, &view, Some(&details)).await;
    answer(&view)
}

/// Ends an alert's snooze.
#[utoipa::path(
    post,
    path = "/api/v2/alert/{id}/unsnooze",
    operation_id = "unsnoozeAlert",
    tag = "Alert",
    summary = "Unsnooze a specific alert",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "The alert", body = ResponseContainerAlert),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn unsnooze_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let who = access(&state, &caller).await?;
    let view = alerts(&state).unsnooze(&who, &id).await?;
    traced(&state, &who, Change::AlertUnsnoozed, &view, None).await;
    answer(&view)
}

/// Hides an integration alert; crest's alerts are all user alerts, so this is a 400.
#[utoipa::path(
    post,
    path = "/api/v2/alert/{id}/uninstall",
    operation_id = "hideAlert",
    tag = "Alert",
    summary = "Hide a specific integration alert",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 400, description = "A user alert cannot be hidden", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn hide_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let who = access(&state, &caller).await?;
    answer(&alerts(&state).hide(&who, &id).await?)
}

/// Unhides an integration alert; crest's alerts are all user alerts, so this is a 400.
#[utoipa::path(
    post,
    path = "/api/v2/alert/{id}/install",
    operation_id = "unhideAlert",
    tag = "Alert",
    summary = "Unhide a specific integration alert",
    params(("id" = String, Path, description = "The alert's id")),
    responses(
        (status = 400, description = "A user alert cannot be unhidden", body = StatusEnvelope),
        (status = 404, description = "No such alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn unhide_alert(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerAlert>, ApiError> {
    let who = access(&state, &caller).await?;
    answer(&alerts(&state).hide(&who, &id).await?)
}
