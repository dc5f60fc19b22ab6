//! `POST /api/v2/search/event/related/{eventId}` and its `/withAnomalies` twin: the events related
//! to one (`crest_domain::event::relation`: overlapping it in time and sharing a source or a tag,
//! scored by what they share), among those starting in the body's `relatedEventTimeRange` (else
//! its `timeRange`, else an hour either side of the event), that meet the body's criteria. Ordered
//! by `sortScoreMethod` (`SCORE_DES`, `SCORE_ASC`), else by start time (newest first unless
//! `sortTimeAscending`), then by id; a page at a time by `cursor` (the last id of the previous
//! page). Crest detects no anomalies: `/withAnomalies` answers the same events, each wrapped as
//! a `ReportEventAnomalyDTO` with no `relatedAnomalyDTO`.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::event::{
    EventQuery, EventRecord, MAX_SCANNED, RELATED_SPAN_MS, Relation, relation,
};
use crest_search::Search;
use crest_types::envelope::StatusEnvelope;
use crest_types::event::{
    Event, EventSearchRequest, RelatedData, RelatedEvent, ReportEventAnomalyDTO,
    ResponseContainerPagedRelatedEvent, ResponseContainerPagedReportEventAnomalyDTO,
};
use crest_types::paging::Paged;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::event::{events, wire};
use crate::search::{self, Searchable};
use crate::state::AppState;

/// The page of related events the body asks for.
async fn related_page(
    state: &AppState,
    id: &str,
    body: Option<EventSearchRequest>,
) -> Result<Paged<RelatedEvent>, ApiError> {
    let body = body.unwrap_or_default();
    let limit = search::page_request(None, body.limit)?.limit.max(1);
    let search = Search::new(&Event::SCHEMA, search::criteria(body.query), None)?;
    let events = events(state);
    let event = events.get(id).await?;
    let now = events.now();
    let own_end = event.end_at(now).unwrap_or(now.max(event.start_ms));
    let range = body
        .related_event_time_range
        .or(body.time_range)
        .unwrap_or_default();
    let earliest = range.earliest_start_time_epoch_millis.map_or(
        event.start_ms.saturating_sub(RELATED_SPAN_MS),
        crest_domain::event::to_millis,
    );
    let latest = range.latest_start_time_epoch_millis.map_or(
        own_end.saturating_add(RELATED_SPAN_MS),
        crest_domain::event::to_millis,
    );
    if latest < earliest {
        return Err(ApiError::BadRequest(format!(
            "latestStartTimeEpochMillis ({latest}) is before earliestStartTimeEpochMillis ({earliest})"
        )));
    }
    let query = EventQuery {
        earliest_start: earliest,
        latest_start: latest,
        after: None,
        ascending: false,
        alert_id: None,
        limit: 1,
    };
    let want = u32::try_from(MAX_SCANNED).unwrap_or(u32::MAX);
    let page = events
        .scan(query, want, |e| {
            relation(&event, e, now).is_some() && search.matches(&wire(e, now).document())
        })
        .await?;
    let mut found: Vec<(EventRecord, Relation)> = page
        .items
        .into_iter()
        .filter_map(|e| relation(&event, &e, now).map(|r| (e, r)))
        .collect();
    let by_time = |a: &(EventRecord, Relation), b: &(EventRecord, Relation)| {
        (a.0.start_ms, &a.0.id).cmp(&(b.0.start_ms, &b.0.id))
    };
    match body
        .sort_score_method
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("SCORE_DES") => {
            found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then_with(|| by_time(b, a)))
        }
        Some("SCORE_ASC") => {
            found.sort_by(|a, b| a.1.score.total_cmp(&b.1.score).then_with(|| by_time(a, b)))
        }
        None | Some("NONE") if body.sort_time_ascending.unwrap_or(false) => found.sort_by(by_time),
        None | Some("NONE") => found.sort_by(|a, b| by_time(b, a)),
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "sortScoreMethod must be SCORE_ASC, SCORE_DES or NONE, not '{other}'"
            )));
        }
    }
    let skip = match &body.cursor {
        None => 0,
        Some(cursor) => found
            .iter()
            .position(|(e, _)| e.id == *cursor)
            .map(|at| at.saturating_add(1))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "cursor '{cursor}' names no event of this search; pass the last id of the previous page"
                ))
            })?,
    };
    let rest = found.len().saturating_sub(skip);
    let items: Vec<RelatedEvent> = found
        .into_iter()
        .skip(skip)
        .take(limit as usize)
        .map(|(e, r)| related(&event, &e, r, now))
        .collect();
    let more = rest > items.len() || page.more;
    let cursor = if more {
        items.last().and_then(|e| e.event.id.clone())
    } else {
        None
    };
    Ok(Paged {
        total_items: u64::try_from(rest).unwrap_or(u64::MAX),
        items,
        offset: 0,
        limit,
        more_items: more,
        cursor,
        sort: None,
    })
}

fn related(event: &EventRecord, other: &EventRecord, r: Relation, now: i64) -> RelatedEvent {
    let mut shared = Vec::new();
    if !r.common_sources.is_empty() {
        shared.push(format!("sources {}", r.common_sources.join(", ")));
    }
    if !r.common_tags.is_empty() {
        shared.push(format!("tags {}", r.common_tags.join(", ")));
    }
    RelatedEvent {
        event: wire(other, now),
        related_data: Some(RelatedData {
            alert_description: None,
            anomaly_chart_link: None,
            common_dimensions: None,
            common_metrics: Some(
                other
                    .metrics_used
                    .iter()
                    .filter(|m| event.metrics_used.contains(m))
                    .cloned()
                    .collect(),
            ),
            common_sources: Some(r.common_sources.clone()),
            enhanced_score: Some(r.score),
            related_id: Some(event.id.clone()),
            summary: Some(format!(
                "overlaps '{}' in time and shares {}",
                event.name,
                shared.join(" and ")
            )),
        }),
        similarity_score: Some(r.score),
    }
}

/// The events related to one: overlapping it and sharing a source or tag with it.
#[utoipa::path(
    post,
    path = "/api/v2/search/event/related/{eventId}",
    operation_id = "searchRelatedReportEventEntities",
    tag = "Search",
    summary = "List the related events over a firing event",
    params(("eventId" = String, Path, description = "The event's id")),
    request_body(content = Option<EventSearchRequest>, description = "Criteria (all must hold), the window of related start times, order, cursor and limit"),
    responses(
        (status = 200, description = "A page of related events", body = ResponseContainerPagedRelatedEvent),
        (status = 400, description = "An unknown key or sort method, a bad limit, range or cursor", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_related_report_event_entities(
    State(state): State<AppState>,
    _caller: Caller,
    Path(event_id): Path<String>,
    ApiJson(body): ApiJson<Option<EventSearchRequest>>,
) -> Result<Json<ResponseContainerPagedRelatedEvent>, ApiError> {
    let page = related_page(&state, &event_id, body).await?;
    Ok(Json(ResponseContainerPagedRelatedEvent::ok(page)))
}

/// The events related to one, as event-or-anomaly items (crest has no anomalies).
#[utoipa::path(
    post,
    path = "/api/v2/search/event/related/{eventId}/withAnomalies",
    operation_id = "searchRelatedReportEventAnomalyEntities",
    tag = "Search",
    summary = "List the related events and anomalies over a firing event",
    params(("eventId" = String, Path, description = "The event's id")),
    request_body(content = Option<EventSearchRequest>, description = "Criteria (all must hold), the window of related start times, order, cursor and limit"),
    responses(
        (status = 200, description = "A page of related events", body = ResponseContainerPagedReportEventAnomalyDTO),
        (status = 400, description = "An unknown key or sort method, a bad limit, range or cursor", body = StatusEnvelope),
        (status = 404, description = "No such event", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_related_report_event_anomaly_entities(
    State(state): State<AppState>,
    _caller: Caller,
    Path(event_id): Path<String>,
    ApiJson(body): ApiJson<Option<EventSearchRequest>>,
) -> Result<Json<ResponseContainerPagedReportEventAnomalyDTO>, ApiError> {
    let page = related_page(&state, &event_id, body).await?;
    let items = page
        .items
        .into_iter()
        .map(|e| ReportEventAnomalyDTO {
            related_anomaly_dto: None,
            similarity_score: e.similarity_score,
            related_event_dto: Some(e),
        })
        .collect();
    Ok(Json(ResponseContainerPagedReportEventAnomalyDTO::ok(
        Paged {
            items,
            offset: page.offset,
            limit: page.limit,
            total_items: page.total_items,
            more_items: page.more_items,
            cursor: page.cursor,
            sort: page.sort,
        },
    )))
}
