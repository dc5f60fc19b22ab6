//! `POST /api/v2/search/event` and its facets: events are read from the store by start time
//! (the body's `timeRange`, two hours ago to now by default), newest first unless
//! `sortTimeAscending`, and the one search engine keeps those that meet every criterion, a page
//! at a time by cursor. A page looks at no more than [`MAX_SCANNED`] events; past them it ends
//! with `moreItems` and the cursor to go on from.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::event::{EventQuery, MAX_SCANNED};
use crest_search::Search;
use crest_types::envelope::StatusEnvelope;
use crest_types::event::{Event, EventSearchRequest, ResponseContainerPagedEvent};
use crest_types::search::{
    FacetSearchRequestContainer, FacetsSearchRequestContainer, ResponseContainerFacetResponse,
    ResponseContainerFacetsResponseContainer,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::event::{events, paged, wire};
use crate::search::{self, Searchable};
use crate::state::AppState;

/// Events that meet every criterion, with their start in the time range, newest first (or
/// oldest first with `sortTimeAscending`), a page at a time: pass the previous page's `cursor`.
#[utoipa::path(
    post,
    path = "/api/v2/search/event",
    operation_id = "searchReportEventEntities",
    tag = "Search",
    summary = "Search over a customer's events",
    request_body(content = Option<EventSearchRequest>, description = "Criteria (all must hold), time range, cursor and limit"),
    responses(
        (status = 200, description = "A page of matches", body = ResponseContainerPagedEvent),
        (status = 400, description = "An unknown key or method, a bad limit or cursor", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_report_event_entities(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<Option<EventSearchRequest>>,
) -> Result<Json<ResponseContainerPagedEvent>, ApiError> {
    let body = body.unwrap_or_default();
    let limit = search::page_request(None, body.limit)?.limit.max(1);
    let search = Search::new(&Event::SCHEMA, search::criteria(body.query), None)?;
    let range = body.time_range.unwrap_or_default();
    let events = events(&state);
    let query = events.range(
        range.earliest_start_time_epoch_millis,
        range.latest_start_time_epoch_millis,
        body.cursor,
        body.sort_time_ascending.unwrap_or(false),
    )?;
    let now = state.clock.now_millis();
    let page = events
        .scan(query, limit, |e| search.matches(&wire(e, now).document()))
        .await?;
    Ok(Json(ResponseContainerPagedEvent::ok(paged(
        page, limit, now,
    ))))
}

/// The newest [`MAX_SCANNED`] events of all time, as the facets are counted over them (the facet
/// bodies carry no time range).
async fn newest(state: &AppState) -> Result<Vec<Event>, ApiError> {
    let query = EventQuery {
        earliest_start: i64::MIN,
        latest_start: i64::MAX,
        after: None,
        ascending: false,
        alert_id: None,
        limit: 1,
    };
    let want = u32::try_from(MAX_SCANNED).unwrap_or(u32::MAX);
    let page = events(state).scan(query, want, |_| true).await?;
    let now = state.clock.now_millis();
    Ok(page.items.iter().map(|e| wire(e, now)).collect())
}

/// The values of one or more facets over the matching events.
#[utoipa::path(
    post,
    path = "/api/v2/search/event/facets",
    operation_id = "searchReportEventForFacets",
    tag = "Search",
    summary = "Lists the values of one or more facets over the customer's events",
    request_body(content = Option<FacetsSearchRequestContainer>, description = "The facets and the criteria"),
    responses(
        (status = 200, description = "Each facet's values", body = ResponseContainerFacetsResponseContainer),
        (status = 400, description = "No facet named, or an unknown key", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_report_event_for_facets(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<Option<FacetsSearchRequestContainer>>,
) -> Result<Json<ResponseContainerFacetsResponseContainer>, ApiError> {
    let items = newest(&state).await?;
    let facets = search::blocking(move || search::facets(items, body)).await?;
    Ok(Json(ResponseContainerFacetsResponseContainer::ok(facets)))
}

/// A page of one facet's values over the matching events.
#[utoipa::path(
    post,
    path = "/api/v2/search/event/{facet}",
    operation_id = "searchReportEventForFacet",
    tag = "Search",
    summary = "Lists the values of a specific facet over the customer's events",
    params(("facet" = String, Path, description = "The facet (a search key)")),
    request_body(content = Option<FacetSearchRequestContainer>, description = "The criteria and the page"),
    responses(
        (status = 200, description = "A page of the facet's values", body = ResponseContainerFacetResponse),
        (status = 400, description = "An unknown facet or key", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_report_event_for_facet(
    State(state): State<AppState>,
    _caller: Caller,
    Path(facet): Path<String>,
    ApiJson(body): ApiJson<Option<FacetSearchRequestContainer>>,
) -> Result<Json<ResponseContainerFacetResponse>, ApiError> {
    crest_search::limits::check_key("a facet's name", &facet)?;
    let items = newest(&state).await?;
    let page = search::blocking(move || search::facet(items, &facet, body)).await?;
    Ok(Json(ResponseContainerFacetResponse::ok(page)))
}
