//! The `Notificant` API group (alert targets) and its legacy alias, the `Webhook` group, which
//! sees and makes WEBHOOK targets only. Reads are open to every caller; writes need the Alerts
//! permission. `test` hands a synthetic `ALERT_TESTING` notification to delivery.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::notificant::{
    Listing, NotificantInput, NotificantRecord, Notificants, RouteInput,
};
use crest_notify::Notification;
use crest_types::envelope::StatusEnvelope;
use crest_types::notificant::{
    AlertRoute, Notificant, ResponseContainerNotificant, ResponseContainerPagedNotificant,
};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Paging, flex_bool};
use crate::state::AppState;

pub(crate) fn notificants(state: &AppState) -> Notificants<'_> {
    Notificants::new(
        state.resources.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        state.targets.links.as_ref(),
    )
}

/// The target as the API shows it: every required field, `{}` and `[]` when empty.
pub(crate) fn wire(r: &NotificantRecord) -> Notificant {
    Notificant {
        content_type: Some(r.content_type.clone()),
        created_epoch_millis: Some(r.created_ms),
        creator_id: Some(r.creator.clone()),
        custom_http_headers: Some(r.custom_http_headers.clone()),
        customer_id: Some("crest".to_owned()),
        description: Some(r.description.clone()),
        email_subject: r.email_subject.clone(),
        id: Some(r.id.clone()),
        is_html_content: Some(r.is_html_content),
        method: Some(r.method.as_str().to_owned()),
        recipient: Some(r.recipient.clone()),
        routes: Some(
            r.routes
                .iter()
                .map(|route| AlertRoute {
                    filter: Some(route.filter()),
                    method: Some(route.method.as_str().to_owned()),
                    target: Some(route.target.clone()),
                })
                .collect(),
        ),
        template: Some(r.template.clone()),
        title: Some(r.title.clone()),
        triggers: Some(r.triggers.iter().map(|t| t.as_str().to_owned()).collect()),
        updated_epoch_millis: Some(r.updated_ms),
        updater_id: Some(r.updater.clone()),
    }
}

fn input(body: Notificant) -> NotificantInput {
    NotificantInput {
        title: body.title,
        description: body.description,
        method: body.method,
        recipient: body.recipient,
        template: body.template,
        triggers: body.triggers,
        content_type: body.content_type,
        custom_http_headers: body.custom_http_headers,
        email_subject: body.email_subject,
        is_html_content: body.is_html_content,
        routes: body.routes.map(|routes| {
            routes
                .into_iter()
                .map(|r| RouteInput {
                    method: r.method,
                    target: r.target,
                    filter: r.filter,
                })
                .collect()
        }),
    }
}

fn answer(record: &NotificantRecord) -> Json<ResponseContainerNotificant> {
    Json(ResponseContainerNotificant::ok(wire(record)))
}

#[derive(Debug, Deserialize)]
pub(crate) struct Unlink {
    #[serde(default, deserialize_with = "flex_bool::deserialize_option")]
    unlink: Option<bool>,
}

async fn list(
    state: &AppState,
    page: crest_types::paging::PageRequest,
    listing: Listing,
) -> Result<Json<ResponseContainerPagedNotificant>, ApiError> {
    let all = notificants(state).list(listing).await?;
    let wired: Vec<Notificant> = all.iter().map(wire).collect();
    Ok(Json(ResponseContainerPagedNotificant::ok(
        page.page_of(&wired, Clone::clone),
    )))
}

async fn create(
    state: &AppState,
    caller: &Caller,
    body: Option<Notificant>,
    listing: Listing,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    let by = caller.principal().account.to_string();
    let record = notificants(state)
        .create(&by, input(body.unwrap_or_default()), listing)
        .await?;
    Ok(answer(&record))
}

async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    body: Option<Notificant>,
    listing: Listing,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    let body = body.unwrap_or_default();
    if let Some(named) = body.id.as_deref()
        && named != id
    {
        return Err(ApiError::BadRequest(format!(
            "the body names target '{named}' but the path names '{id}'"
        )));
    }
    let by = caller.principal().account.to_string();
    let record = notificants(state)
        .update(&by, id, input(body), listing)
        .await?;
    Ok(answer(&record))
}

async fn delete(
    state: &AppState,
    caller: &Caller,
    id: &str,
    unlink: &Unlink,
    listing: Listing,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    let by = caller.principal().account.to_string();
    let record = notificants(state)
        .delete(&by, id, unlink.unlink.unwrap_or(false), listing)
        .await?;
    Ok(answer(&record))
}

/// Every alert target, in id order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/notificant",
    operation_id = "getAllNotificants",
    tag = "Notificant",
    summary = "Get all notification targets for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses((status = 200, description = "A page of targets", body = ResponseContainerPagedNotificant))
)]
pub(crate) async fn get_all_notificants(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedNotificant>, ApiError> {
    list(&state, page, Listing::All).await
}

/// Creates an alert target; its template (and email subject) must parse.
#[utoipa::path(
    post,
    path = "/api/v2/notificant",
    operation_id = "createNotificant",
    tag = "Notificant",
    summary = "Create a notification target",
    request_body(content = Notificant, description = "The target: title, description, method, recipient, template and triggers are required"),
    responses(
        (status = 200, description = "The target as created", body = ResponseContainerNotificant),
        (status = 400, description = "A missing or invalid field, or a template that does not parse (with its position)", body = StatusEnvelope),
        (status = 403, description = "The caller lacks the Alerts permission", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_notificant(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Notificant>>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    create(&state, &caller, body, Listing::All).await
}

/// One alert target.
#[utoipa::path(
    get,
    path = "/api/v2/notificant/{id}",
    operation_id = "getNotificant",
    tag = "Notificant",
    summary = "Get a specific notification target",
    params(("id" = String, Path, description = "The target's id")),
    responses(
        (status = 200, description = "The target", body = ResponseContainerNotificant),
        (status = 404, description = "No such target", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_notificant(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    Ok(answer(&notificants(&state).get(&id, Listing::All).await?))
}

/// Replaces an alert target's fields (its id, creator and creation time stay).
#[utoipa::path(
    put,
    path = "/api/v2/notificant/{id}",
    operation_id = "updateNotificant",
    tag = "Notificant",
    summary = "Update a specific notification target",
    params(("id" = String, Path, description = "The target's id")),
    request_body(content = Notificant, description = "The whole target, as for a create"),
    responses(
        (status = 200, description = "The target as changed", body = ResponseContainerNotificant),
        (status = 400, description = "A missing or invalid field", body = StatusEnvelope),
        (status = 404, description = "No such target", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_notificant(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Notificant>>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    update(&state, &caller, &id, body, Listing::All).await
}

/// Deletes an alert target. One that alerts use is refused (409) unless `unlink=true`, which
/// first removes `target:<id>` from those alerts.
#[utoipa::path(
    delete,
    path = "/api/v2/notificant/{id}",
    operation_id = "deleteNotificant",
    tag = "Notificant",
    summary = "Delete a specific notification target",
    params(
        ("id" = String, Path, description = "The target's id"),
        ("unlink" = Option<bool>, Query, description = "If set to true, explicitly deletes a notification target even if it's in use by alerts. Before deletion, the target is removed from the alert's target list.")
    ),
    responses(
        (status = 200, description = "The deleted target", body = ResponseContainerNotificant),
        (status = 404, description = "No such target", body = StatusEnvelope),
        (status = 409, description = "Alerts use the target and unlink is not set", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_notificant(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(unlink): ApiQuery<Unlink>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    delete(&state, &caller, &id, &unlink, Listing::All).await
}

/// Sends a synthetic `ALERT_TESTING` notification to the target and answers the target at
/// once, whether or not the delivery succeeds (a failed delivery leaves its event).
#[utoipa::path(
    post,
    path = "/api/v2/notificant/test/{id}",
    operation_id = "testNotificant",
    tag = "Notificant",
    summary = "Test a specific notification target",
    params(("id" = String, Path, description = "The target's id")),
    responses(
        (status = 200, description = "The target tested", body = ResponseContainerNotificant),
        (status = 404, description = "No such target", body = StatusEnvelope)
    )
)]
pub(crate) async fn test_notificant(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    let service = notificants(&state);
    let record = service.get(&id, Listing::All).await?;
    let notification_id = state.random.uuid()?.to_string();
    let notification = Notification::test(notification_id, service.now());
    if let Err(e) = state
        .targets
        .dispatcher
        .dispatch(record.clone(), notification)
    {
        tracing::warn!(target_id = %id, error = %e, "the test notification was not queued");
    }
    Ok(answer(&record))
}

/// Every WEBHOOK target, in id order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/webhook",
    operation_id = "getAllWebhooks",
    tag = "Webhook",
    summary = "Get all webhooks for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses((status = 200, description = "A page of webhooks", body = ResponseContainerPagedNotificant))
)]
pub(crate) async fn get_all_webhooks(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedNotificant>, ApiError> {
    list(&state, page, Listing::Webhooks).await
}

/// Creates a WEBHOOK target (`method` may be left out).
#[utoipa::path(
    post,
    path = "/api/v2/webhook",
    operation_id = "createWebhook",
    tag = "Webhook",
    summary = "Create a specific webhook",
    request_body(content = Notificant, description = "The webhook; a method other than WEBHOOK is refused"),
    responses(
        (status = 200, description = "The webhook as created", body = ResponseContainerNotificant),
        (status = 400, description = "A missing or invalid field", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Notificant>>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    create(&state, &caller, body, Listing::Webhooks).await
}

/// One WEBHOOK target.
#[utoipa::path(
    get,
    path = "/api/v2/webhook/{id}",
    operation_id = "getWebhook",
    tag = "Webhook",
    summary = "Get a specific webhook",
    params(("id" = String, Path, description = "The webhook's id")),
    responses(
        (status = 200, description = "The webhook", body = ResponseContainerNotificant),
        (status = 404, description = "No such webhook", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_webhook(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    Ok(answer(
        &notificants(&state).get(&id, Listing::Webhooks).await?,
    ))
}

/// Replaces a WEBHOOK target's fields.
#[utoipa::path(
    put,
    path = "/api/v2/webhook/{id}",
    operation_id = "updateWebhook",
    tag = "Webhook",
    summary = "Update a specific webhook",
    params(("id" = String, Path, description = "The webhook's id")),
    request_body(content = Notificant, description = "The whole webhook"),
    responses(
        (status = 200, description = "The webhook as changed", body = ResponseContainerNotificant),
        (status = 400, description = "A missing or invalid field", body = StatusEnvelope),
        (status = 404, description = "No such webhook", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Notificant>>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    update(&state, &caller, &id, body, Listing::Webhooks).await
}

/// Deletes a WEBHOOK target, as `deleteNotificant` does.
#[utoipa::path(
    delete,
    path = "/api/v2/webhook/{id}",
    operation_id = "deleteWebhook",
    tag = "Webhook",
    summary = "Delete a specific webhook",
    params(
        ("id" = String, Path, description = "The webhook's id"),
        ("unlink" = Option<bool>, Query, description = "Remove it from the alerts that use it first")
    ),
    responses(
        (status = 200, description = "The deleted webhook", body = ResponseContainerNotificant),
        (status = 404, description = "No such webhook", body = StatusEnvelope),
        (status = 409, description = "Alerts use the webhook and unlink is not set", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(unlink): ApiQuery<Unlink>,
) -> Result<Json<ResponseContainerNotificant>, ApiError> {
    delete(&state, &caller, &id, &unlink, Listing::Webhooks).await
}
