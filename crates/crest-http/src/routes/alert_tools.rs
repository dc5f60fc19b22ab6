//! The Alert API's helpers: the summary of states, the query-type check and the notification
//! preview.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use crest_domain::alert::{Shelf, TargetEntry, normalize, query_parses, summary, target_entries};
use crest_types::alert::{
    Alert, NotificationMessages, QueryTypeDTO, ResponseContainerListNotificationMessages,
    ResponseContainerMapStringInteger, ResponseContainerQueryTypeDTO,
};
use crest_types::envelope::StatusEnvelope;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::alert::{access, alerts, document_of};
use crate::state::AppState;

/// How many alerts the caller may view are in each state: `firing`, `snoozed`, `in_maintenance`,
/// `invalid`, `none`, `checking`, `no_data` and `trash`, every key present.
#[utoipa::path(
    get,
    path = "/api/v2/alert/summary",
    operation_id = "getAlertsSummary",
    tag = "Alert",
    summary = "Count alerts of various statuses for a customer",
    responses(
        (status = 200, description = "Counts by lower-case state", body = ResponseContainerMapStringInteger)
    )
)]
pub(crate) async fn get_alerts_summary(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ResponseContainerMapStringInteger>, ApiError> {
    let who = access(&state, &caller).await?;
    let service = alerts(&state);
    let live = service.list(Shelf::Live, &who).await?;
    let trashed = service.list(Shelf::Trash, &who).await?.len();
    Ok(Json(ResponseContainerMapStringInteger::ok(summary(
        &live, trashed,
    ))))
}

/// Says which language a query is in: `WQL` when crest's WQL parser reads it, else `PROMQL`.
#[utoipa::path(
    post,
    path = "/api/v2/alert/checkQuery",
    operation_id = "checkQueryType",
    tag = "Alert",
    summary = "Return the type of provided query",
    request_body(content = QueryTypeDTO, description = "`inputQuery`: the query"),
    responses(
        (status = 200, description = "The query and its type", body = ResponseContainerQueryTypeDTO),
        (status = 400, description = "No query", body = StatusEnvelope)
    )
)]
pub(crate) async fn check_query_type(
    _caller: Caller,
    ApiJson(body): ApiJson<Option<QueryTypeDTO>>,
) -> Result<Json<ResponseContainerQueryTypeDTO>, ApiError> {
    let input = body
        .and_then(|b| b.input_query)
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| ApiError::BadRequest("'inputQuery' is required".into()))?;
    let wql = query_parses(&input).is_ok();
    Ok(Json(ResponseContainerQueryTypeDTO::ok(QueryTypeDTO {
        query_type: Some(if wql { "WQL" } else { "PROMQL" }.to_owned()),
        translated_input: wql.then(|| input.clone()),
        input_query: Some(input),
    })))
}

/// The notifications an alert would send: one per target. Subjects and contents stay empty until
/// crest renders alert-target templates.
#[utoipa::path(
    post,
    path = "/api/v2/alert/preview",
    operation_id = "previewAlertNotification",
    tag = "Alert",
    summary = "Get all the notification preview for a specific alert",
    request_body(content = Alert, description = "The alert to preview (it is checked, not saved)"),
    responses(
        (status = 200, description = "One message per target", body = ResponseContainerListNotificationMessages),
        (status = 400, description = "An invalid alert", body = StatusEnvelope)
    )
)]
pub(crate) async fn preview_alert_notification(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<Option<Alert>>,
) -> Result<Json<ResponseContainerListNotificationMessages>, ApiError> {
    let document = normalize(document_of(body)?)?;
    let entries = target_entries(&document);
    let ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.notificant_id().map(str::to_owned))
        .collect();
    let known = state.alert_targets.describe(&ids).await?;
    let messages = entries
        .iter()
        .map(|entry| {
            let (id, method, name) = match entry {
                TargetEntry::Email(e) => (e.clone(), "EMAIL".to_owned(), e.clone()),
                TargetEntry::PagerDuty(k) => (k.clone(), "PAGERDUTY".to_owned(), entry.text()),
                TargetEntry::Notificant(id) | TargetEntry::Webhook(id) => {
                    match known.iter().find(|t| &t.id == id) {
                        Some(t) => (id.clone(), t.method.as_str().to_owned(), t.name.clone()),
                        None => (id.clone(), "WEBHOOK".to_owned(), id.clone()),
                    }
                }
            };
            NotificationMessages {
                additional_info: Some(BTreeMap::new()),
                content: Some(String::new()),
                id: Some(id),
                method: Some(method),
                name: Some(name),
                subject: Some(String::new()),
            }
        })
        .collect();
    Ok(Json(ResponseContainerListNotificationMessages::ok(
        messages,
    )))
}
