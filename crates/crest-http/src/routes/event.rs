//! The `Event` API group: events by start time, one event, user-event changes, tags, and the reads
//! alerts will fill (their firing events and details). Reads are open to every caller; changes
//! need the Events permission, and only user events may be updated, deleted or closed.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use crest_domain::clock::EpochMillis;
use crest_domain::event::{
    EventInput, EventOrigin, EventPage, EventRecord, Events, Related, RenderingMethod, TagEdit,
};
use crest_types::cloud::ResponseContainerString;
use crest_types::envelope::{ResponseStatus, StatusEnvelope};
use crest_types::event::{
    Event, ResponseContainerEvent, ResponseContainerPagedEvent, ResponseContainerSetSourceLabelPair,
};
use crest_types::paging::{PageRequest, Paged};
use crest_types::source::{ResponseContainer, ResponseContainerTagsResponse};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::query_params::QueryParams;
use crate::state::AppState;

/// The most bytes a create body may hold once decompressed (the SDKs gzip, or claim to).
const CREATE_MAX_DECOMPRESSED_BYTES: usize = 16 * 1024 * 1024;
/// The most events one create body (NDJSON) may hold.
pub(crate) const MAX_EVENTS_PER_BODY: usize = 1_000;

pub(crate) fn events(state: &AppState) -> Events<'_> {
    Events::new(state.resources.as_ref(), state.clock.as_ref())
}

fn some_if<T>(v: &[T]) -> Option<Vec<T>>
where
    T: Clone,
{
    (!v.is_empty()).then(|| v.to_vec())
}

/// An event as the API shows it at `now`.
pub(crate) fn wire(r: &EventRecord, now: EpochMillis) -> Event {
    Event {
        alert_tags: some_if(&r.alert_tags),
        annotations: Some(r.annotations.clone()),
        can_close: Some(r.can_close(now)),
        can_delete: Some(r.can_delete()),
        computed_hlps: None,
        created_at: Some(r.created_ms),
        created_epoch_millis: Some(r.created_ms),
        creator_id: Some(r.creator.clone()),
        creator_type: Some(
            r.origin
                .creator_types()
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
        ),
        dimensions: (!r.dimensions.is_empty()).then(|| r.dimensions.clone()),
        end_time: r.end_at(now),
        hosts: Some(r.hosts.clone()),
        id: Some(r.id.clone()),
        is_ephemeral: Some(false),
        is_user_event: Some(r.origin.is_user()),
        metrics_used: some_if(&r.metrics_used),
        name: Some(r.name.clone()),
        running_state: Some(r.state(now).as_str().to_owned()),
        start_time: Some(r.start_ms),
        summarized_events: None,
        table: None,
        tags: Some(r.tags.clone()),
        updated_at: Some(r.updated_ms),
        updated_epoch_millis: Some(r.updated_ms),
        updater_id: Some(r.updater.clone()),
    }
}

/// The fields a client may set; the read-only ones are ignored.
pub(crate) fn input(body: Event) -> EventInput {
    EventInput {
        name: body.name,
        start_time: body.start_time,
        end_time: body.end_time,
        annotations: body.annotations,
        hosts: body.hosts,
        tags: body.tags,
        dimensions: body.dimensions,
        alert_tags: body.alert_tags,
        metrics_used: body.metrics_used,
    }
}

fn answer(state: &AppState, r: &EventRecord) -> Json<ResponseContainerEvent> {
    Json(ResponseContainerEvent::ok(wire(
        r,
        state.clock.now_millis(),
    )))
}

/// A page of events read by cursor.
pub(crate) fn paged(page: EventPage, limit: u32, now: EpochMillis) -> Paged<Event> {
    let items: Vec<Event> = page.items.iter().map(|e| wire(e, now)).collect();
    let total = items.len() as u64 + u64::from(page.more);
    Paged {
        items,
        offset: 0,
        limit,
        total_items: total,
        more_items: page.more,
        cursor: page.cursor,
        sort: None,
    }
}

fn limit_of(params: &QueryParams) -> Result<u32, ApiError> {
    Ok(PageRequest::parse(None, params.one("limit"))?.limit.max(1))
}

/// Events whose start lies in the window (two hours ago to now, by default), newest first, a page
/// at a time: pass the previous page's `cursor` (its last id) to read the next.
#[utoipa::path(
    get,
    path = "/api/v2/event",
    operation_id = "getAllEventsWithTimeRange",
    tag = "Event",
    summary = "List all the events for a customer within a time range",
    params(
        ("earliestStartTimeEpochMillis" = Option<i64>, Query, description = "Events that start at or after this time (default: two hours ago); seconds are accepted"),
        ("latestStartTimeEpochMillis" = Option<i64>, Query, description = "Events that start at or before this time (default: now)"),
        ("cursor" = Option<String>, Query, description = "The id after which the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of events", body = ResponseContainerPagedEvent),
        (status = 400, description = "A bound or limit that is not a number, or a cursor that is not an event id", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_all_events_with_time_range(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerPagedEvent>, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let limit = limit_of(&params)?;
    let events = events(&state);
    let range = events.range(
        params.integer(
            "earliestStartTimeEpochMillis",
            "a time in epoch milliseconds",
        )?,
        params.integer("latestStartTimeEpochMillis", "a time in epoch milliseconds")?,
        params.one("cursor").map(str::to_owned),
        false,
    )?;
    let page = events.scan(range, limit, |_| true).await?;
    Ok(Json(ResponseContainerPagedEvent::ok(paged(
        page,
        limit,
        state.clock.now_millis(),
    ))))
}

/// The events of a create body: one JSON event, or several as NDJSON (the SDKs' batches). The
/// body may be gzip-compressed whatever `Content-Encoding` says (the Python SDK claims gzip and
/// sends plain JSON).
fn bodies(raw: &[u8]) -> Result<Vec<Event>, ApiError> {
    let text = crest_ingest::decompress(raw, CREATE_MAX_DECOMPRESSED_BYTES)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut out = Vec::new();
    for (i, value) in serde_json::Deserializer::from_slice(&text)
        .into_iter::<serde_json::Value>()
        .enumerate()
    {
        let value =
            value.map_err(|e| ApiError::BadRequest(format!("the body is not JSON events: {e}")))?;
        if value.is_null() {
            continue;
        }
        let event: Event = serde_json::from_value(value)
            .map_err(|e| ApiError::BadRequest(format!("event {}: {e}", i + 1)))?;
        out.push(event);
        if out.len() > MAX_EVENTS_PER_BODY {
            return Err(ApiError::BadRequest(format!(
                "one request creates at most {MAX_EVENTS_PER_BODY} events"
            )));
        }
    }
    if out.is_empty() {
        return Err(ApiError::BadRequest("an event body is required".into()));
    }
    Ok(out)
}

/// Creates a user event (`startTime` 0 or missing: now; seconds or milliseconds). Several events
/// sent as NDJSON are created together once every one of them is valid; the answer carries the
/// last.
#[utoipa::path(
    post,
    path = "/api/v2/event",
    operation_id = "createEvent",
    tag = "Event",
    summary = "Create a specific event",
    request_body(content = Event, description = "The event; the read-only fields are ignored. Several events may be sent as NDJSON."),
    responses(
        (status = 200, description = "The new event", body = ResponseContainerEvent),
        (status = 400, description = "No name, times out of order, an invalid tag, or too many ongoing events", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_event(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<ResponseContainerEvent>, ApiError> {
    let inputs: Vec<EventInput> = bodies(&body)?.into_iter().map(input).collect();
    let events = events(&state);
    events.check_all(&inputs)?;
    let by = caller.principal().account.to_string();
    let count = inputs.len();
    let mut last = None;
    for i in inputs {
        let created = events.create(&by, i, EventOrigin::User).await?;
        crate::audit::name("id", &created.id);
        last = Some(created);
    }
    let last = last.ok_or_else(|| ApiError::BadRequest("an event body is required".into()))?;
    let mut reply = ResponseContainerEvent::ok(wire(&last, state.clock.now_millis()));
    if count > 1 {
        reply.status = ResponseStatus {
            message: format!("{count} events created"),
            ..ResponseStatus::ok()
        };
    }
    Ok(Json(reply))
}

/// One event.
#[utoipa::path(
    get,
    path = "/api/v2/event/{id}",
    operation_id = "getEvent",
    tag = "Event",
    summary = "Get a specific event",
    params(("id" = String, Path, description = "The event's id, startTime:name[:n], percent-encoded")),
    responses(
        (status = 200, description = "The event", body = ResponseContainerEvent),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_event(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerEvent>, ApiError> {
    Ok(answer(&state, &events(&state).get(&id).await?))
}

/// Replaces a user event's fields; its id stays. A `startTime` left out keeps the event's start.
#[utoipa::path(
    put,
    path = "/api/v2/event/{id}",
    operation_id = "updateUserEvent",
    tag = "Event",
    summary = "Update a specific user event.",
    params(("id" = String, Path, description = "The event's id")),
    request_body(content = Event, description = "The event's new fields; the read-only ones are ignored"),
    responses(
        (status = 200, description = "The event as updated", body = ResponseContainerEvent),
        (status = 400, description = "A system event, or invalid fields", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_user_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Event>>,
) -> Result<Json<ResponseContainerEvent>, ApiError> {
    let body = body.ok_or_else(|| ApiError::BadRequest("an event body is required".into()))?;
    let by = caller.principal().account.to_string();
    Ok(answer(
        &state,
        &events(&state).update(&by, &id, input(body)).await?,
    ))
}

/// Deletes a user event for good (events have no trash).
#[utoipa::path(
    delete,
    path = "/api/v2/event/{id}",
    operation_id = "deleteUserEvent",
    tag = "Event",
    summary = "Delete a specific user event",
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event as it was", body = ResponseContainerEvent),
        (status = 400, description = "A system event", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_user_event(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerEvent>, ApiError> {
    Ok(answer(&state, &events(&state).delete(&id).await?))
}

/// Ends an ongoing user event now (an ended one is answered as it is).
#[utoipa::path(
    post,
    path = "/api/v2/event/{id}/close",
    operation_id = "closeUserEvent",
    tag = "Event",
    summary = "Close a specific user event",
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event, ended", body = ResponseContainerEvent),
        (status = 400, description = "A system event, or one that has not started", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn close_user_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerEvent>, ApiError> {
    let by = caller.principal().account.to_string();
    Ok(answer(&state, &events(&state).close(&by, &id).await?))
}

/// An event's tags, in code-point order.
#[utoipa::path(
    get,
    path = "/api/v2/event/{id}/tag",
    operation_id = "getEventTags",
    tag = "Event",
    summary = "Get all tags associated with a specific event",
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The tags", body = ResponseContainerTagsResponse),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_event_tags(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerTagsResponse>, ApiError> {
    let event = events(&state).get(&id).await?;
    let all = PageRequest {
        offset: 0,
        limit: u32::try_from(event.tags.len()).unwrap_or(u32::MAX),
    };
    Ok(Json(ResponseContainerTagsResponse::ok(
        all.page_of(&event.tags, Clone::clone),
    )))
}

/// Replaces every tag of an event; if one is invalid, nothing changes.
#[utoipa::path(
    post,
    path = "/api/v2/event/{id}/tag",
    operation_id = "setEventTags",
    tag = "Event",
    summary = "Set all tags associated with a specific event",
    params(("id" = String, Path, description = "The event's id")),
    request_body(content = Vec<String>, description = "The tags"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_event_tags(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Vec<String>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    events(&state)
        .edit_tags(&by, &id, TagEdit::Set(body.unwrap_or_default()))
        .await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Adds a tag to an event.
#[utoipa::path(
    put,
    path = "/api/v2/event/{id}/tag/{tagValue}",
    operation_id = "addEventTag",
    tag = "Event",
    summary = "Add a tag to a specific event",
    params(
        ("id" = String, Path, description = "The event's id"),
        ("tagValue" = String, Path, description = "The tag: letters, digits, '_', '-', ':' and '.'")
    ),
    responses(
        (status = 200, description = "Added", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_event_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    events(&state)
        .edit_tags(&by, &id, TagEdit::Add(tag))
        .await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Removes a tag from an event; a tag the event lacks changes nothing.
#[utoipa::path(
    delete,
    path = "/api/v2/event/{id}/tag/{tagValue}",
    operation_id = "removeEventTag",
    tag = "Event",
    summary = "Remove a tag from a specific event",
    params(
        ("id" = String, Path, description = "The event's id"),
        ("tagValue" = String, Path, description = "The tag")
    ),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_event_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    events(&state)
        .edit_tags(&by, &id, TagEdit::Remove(tag))
        .await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// The firing events of one alert whose start lies in the window, newest first unless `asc`.
#[utoipa::path(
    get,
    path = "/api/v2/event/alertFirings",
    operation_id = "getAlertFiringEvents",
    tag = "Event",
    summary = "Get firings events of an alert within a time range",
    params(
        ("alertId" = String, Query, description = "The alert's id"),
        ("earliestStartTimeEpochMillis" = Option<i64>, Query, description = "Default: two hours ago"),
        ("latestStartTimeEpochMillis" = Option<i64>, Query, description = "Default: now"),
        ("limit" = Option<u32>, Query, description = "At most this many: 100 by default, at most 1000"),
        ("asc" = Option<bool>, Query, description = "Oldest first")
    ),
    responses(
        (status = 200, description = "The alert's firing events", body = ResponseContainerPagedEvent),
        (status = 400, description = "No alertId, or a bound that is not a number", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert_firing_events(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerPagedEvent>, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let alert = params.required("alertId")?.to_owned();
    let limit = limit_of(&params)?;
    let events = events(&state);
    let range = events.range(
        params.integer(
            "earliestStartTimeEpochMillis",
            "a time in epoch milliseconds",
        )?,
        params.integer("latestStartTimeEpochMillis", "a time in epoch milliseconds")?,
        None,
        params.flag("asc")?.unwrap_or(false),
    )?;
    let mut page = events.alert_firings(&alert, range, limit).await?;
    page.cursor = None;
    Ok(Json(ResponseContainerPagedEvent::ok(paged(
        page,
        limit,
        state.clock.now_millis(),
    ))))
}

/// The series an alert event fired on; an event no alert made has none.
#[utoipa::path(
    get,
    path = "/api/v2/event/{id}/alertFiringDetails",
    operation_id = "getAlertFiringDetails",
    tag = "Event",
    summary = "Return details of a particular alert firing",
    params(("id" = String, Path, description = "id of an event of type alert or alert-detail")),
    responses(
        (status = 200, description = "The source/label pairs that fired", body = ResponseContainerSetSourceLabelPair),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert_firing_details(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerSetSourceLabelPair>, ApiError> {
    events(&state).get(&id).await?;
    // Alerts (a later issue) record the series they fire on; until then no event has any.
    Ok(Json(ResponseContainerSetSourceLabelPair::ok(Vec::new())))
}

/// The UI slug of an alert event's queries; empty for an event no alert made.
#[utoipa::path(
    get,
    path = "/api/v2/event/{id}/alertQueriesSlug",
    operation_id = "getAlertEventQueriesSlug",
    tag = "Event",
    summary = "If the specified event is associated with an alert, returns a slug encoding the queries for the alert",
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The slug", body = ResponseContainerString),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_alert_event_queries_slug(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerString>, ApiError> {
    events(&state).get(&id).await?;
    Ok(Json(ResponseContainerString::ok(String::new())))
}

/// The events within an hour of one (or only those that overlap it), newest first, tied to it as
/// `renderingMethod` says: a host (`HOST`) or a metric (`METRIC`) in common, or time alone.
#[utoipa::path(
    get,
    path = "/api/v2/event/{id}/events",
    operation_id = "getRelatedEventsWithTimeSpan",
    tag = "Event",
    summary = "List all related events for a specific firing event with a time span of one hour",
    params(
        ("id" = String, Path, description = "The event's id"),
        ("isOverlapped" = Option<bool>, Query, description = "Only events that overlap this one"),
        ("renderingMethod" = Option<String>, Query, description = "HOST, METRIC or SIMILARITY"),
        ("limit" = Option<u32>, Query, description = "At most this many: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "The related events", body = ResponseContainerPagedEvent),
        (status = 400, description = "An unknown rendering method", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_related_events_with_time_span(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerPagedEvent>, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let limit = limit_of(&params)?;
    let method = params
        .one("renderingMethod")
        .map(|m| {
            RenderingMethod::parse(m).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "renderingMethod must be HOST, METRIC or SIMILARITY, not '{m}'"
                ))
            })
        })
        .transpose()?;
    let page = events(&state)
        .related(
            &id,
            Related {
                overlapped: params.flag("isOverlapped")?.unwrap_or(false),
                method,
                limit,
            },
        )
        .await?;
    Ok(Json(ResponseContainerPagedEvent::ok(paged(
        page,
        limit,
        state.clock.now_millis(),
    ))))
}
