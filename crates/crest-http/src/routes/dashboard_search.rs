//! The `Search` API group for dashboards, outside the trash and in it. Dashboards the caller's
//! ACLs hide are never found; `favorite` is the caller's own.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::dashboard::Shelf;
use crest_types::dashboard::{DashboardJson, ResponseContainerPagedDashboard};
use crest_types::envelope::StatusEnvelope;
use crest_types::search::{
    FacetSearchRequestContainer, FacetsSearchRequestContainer, ResponseContainerFacetResponse,
    ResponseContainerFacetsResponseContainer, SortableSearchRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::dashboard::{dashboards, wire};
use crate::routes::object_acl::access;
use crate::routes::search::search_routes;
use crate::search;
use crate::state::AppState;

search_routes!(
    load = live_dashboards,
    item = DashboardJson,
    container = ResponseContainerPagedDashboard,
    entities = (
        search_dashboard_entities,
        "/api/v2/search/dashboard",
        "searchDashboardEntities",
        "Search over a customer's non-deleted dashboards"
    ),
    facets = (
        search_dashboard_for_facets,
        "/api/v2/search/dashboard/facets",
        "searchDashboardForFacets"
    ),
    facet = (
        search_dashboard_for_facet,
        "/api/v2/search/dashboard/{facet}",
        "searchDashboardForFacet"
    ),
);

search_routes!(
    load = trashed_dashboards,
    item = DashboardJson,
    container = ResponseContainerPagedDashboard,
    entities = (
        search_dashboard_deleted_entities,
        "/api/v2/search/dashboard/deleted",
        "searchDashboardDeletedEntities",
        "Search over a customer's deleted dashboards"
    ),
    facets = (
        search_dashboard_deleted_for_facets,
        "/api/v2/search/dashboard/deleted/facets",
        "searchDashboardDeletedForFacets"
    ),
    facet = (
        search_dashboard_deleted_for_facet,
        "/api/v2/search/dashboard/deleted/{facet}",
        "searchDashboardDeletedForFacet"
    ),
);

async fn dashboards_on(
    state: &AppState,
    caller: &Caller,
    shelf: Shelf,
) -> Result<Vec<DashboardJson>, ApiError> {
    let who = access(state, caller).await?;
    Ok(dashboards(state)
        .list(shelf, &who)
        .await?
        .iter()
        .map(wire)
        .collect())
}

async fn live_dashboards(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<DashboardJson>, ApiError> {
    dashboards_on(state, caller, Shelf::Live).await
}

async fn trashed_dashboards(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<DashboardJson>, ApiError> {
    dashboards_on(state, caller, Shelf::Trash).await
}
