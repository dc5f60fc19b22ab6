//! The `Search` API group for alerts (with the count of matches per state) and maintenance
//! windows (with their running state as of now). Alerts the caller's ACLs hide are never found.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::alert::{Shelf, summary};
use crest_types::alert::{
    Alert, PagedAlertWithStats, ResponseContainerPagedAlert, ResponseContainerPagedAlertWithStats,
};
use crest_types::envelope::StatusEnvelope;
use crest_types::maintenance::{MaintenanceWindow, ResponseContainerPagedMaintenanceWindow};
use crest_types::search::{
    FacetSearchRequestContainer, FacetsSearchRequestContainer, ResponseContainerFacetResponse,
    ResponseContainerFacetsResponseContainer, SortableSearchRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::alert::{access, alerts, wire};
use crate::routes::maintenance_window::{self, windows};
use crate::routes::search::{facet_routes, search_routes};
use crate::search;
use crate::state::AppState;

/// Searches the alerts outside the trash; `alertCounts` counts every match (not only the page) by
/// lower-case state.
#[utoipa::path(
    post,
    path = "/api/v2/search/alert",
    operation_id = "searchAlertEntities",
    tag = "Search",
    summary = "Search over a customer's non-deleted alerts",
    request_body(content = Option<SortableSearchRequest>, description = "Criteria (all must hold), order and page"),
    responses(
        (status = 200, description = "A page of matches and the count per state", body = ResponseContainerPagedAlertWithStats),
        (status = 400, description = "An unknown key, method or page value", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_alert_entities(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<SortableSearchRequest>>,
) -> Result<Json<ResponseContainerPagedAlertWithStats>, ApiError> {
    let who = access(&state, &caller).await?;
    let views = alerts(&state).list(Shelf::Live, &who).await?;
    let items = views.iter().map(wire).collect::<Result<Vec<_>, _>>()?;
    let query = body.as_ref().and_then(|b| b.query.clone());
    let (page, matched) = search::blocking(move || {
        let matched = search::matches(items.clone(), query)?;
        Ok((search::entities(items, body)?, matched))
    })
    .await?;
    let ids: Vec<&str> = matched.iter().filter_map(|a| a.id.as_deref()).collect();
    let counted: Vec<_> = views
        .into_iter()
        .filter(|v| ids.contains(&v.record.id.as_str()))
        .collect();
    Ok(Json(ResponseContainerPagedAlertWithStats::ok(
        PagedAlertWithStats::new(page, summary(&counted, 0)),
    )))
}

facet_routes!(
    load = live_alerts,
    item = Alert,
    facets = (
        search_alert_for_facets,
        "/api/v2/search/alert/facets",
        "searchAlertForFacets"
    ),
    facet = (
        search_alert_for_facet,
        "/api/v2/search/alert/{facet}",
        "searchAlertForFacet"
    ),
);

search_routes!(
    load = trashed_alerts,
    item = Alert,
    container = ResponseContainerPagedAlert,
    entities = (
        search_alert_deleted_entities,
        "/api/v2/search/alert/deleted",
        "searchAlertDeletedEntities",
        "Search over a customer's deleted alerts"
    ),
    facets = (
        search_alert_deleted_for_facets,
        "/api/v2/search/alert/deleted/facets",
        "searchAlertDeletedForFacets"
    ),
    facet = (
        search_alert_deleted_for_facet,
        "/api/v2/search/alert/deleted/{facet}",
        "searchAlertDeletedForFacet"
    ),
);

search_routes!(
    load = maintenance_windows,
    item = MaintenanceWindow,
    container = ResponseContainerPagedMaintenanceWindow,
    entities = (
        search_maintenance_window_entities,
        "/api/v2/search/maintenancewindow",
        "searchMaintenanceWindowEntities",
        "Search over a customer's maintenance windows"
    ),
    facets = (
        search_maintenance_window_for_facets,
        "/api/v2/search/maintenancewindow/facets",
        "searchMaintenanceWindowForFacets"
    ),
    facet = (
        search_maintenance_window_for_facet,
        "/api/v2/search/maintenancewindow/{facet}",
        "searchMaintenanceWindowForFacet"
    ),
);

async fn alerts_on(
    state: &AppState,
    caller: &Caller,
    shelf: Shelf,
) -> Result<Vec<Alert>, ApiError> {
    let who = access(state, caller).await?;
    alerts(state)
        .list(shelf, &who)
        .await?
        .iter()
        .map(wire)
        .collect()
}

async fn live_alerts(state: &AppState, caller: &Caller) -> Result<Vec<Alert>, ApiError> {
    alerts_on(state, caller, Shelf::Live).await
}

async fn trashed_alerts(state: &AppState, caller: &Caller) -> Result<Vec<Alert>, ApiError> {
    alerts_on(state, caller, Shelf::Trash).await
}

async fn maintenance_windows(
    state: &AppState,
    _: &Caller,
) -> Result<Vec<MaintenanceWindow>, ApiError> {
    let now = state.clock.now_millis();
    Ok(windows(state)
        .list()
        .await?
        .iter()
        .map(|w| maintenance_window::wire(w, now))
        .collect())
}
