//! The `Search` API group for derived metrics (`searchRegisteredQuery…`): outside the trash with
//! the count of matches per state (`counts`), and in the trash.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use crest_types::derived::{
    DerivedMetricDefinition, PagedDerivedMetricDefinitionWithStats,
    ResponseContainerPagedDerivedMetricDefinition,
    ResponseContainerPagedDerivedMetricDefinitionWithStats,
};
use crest_types::envelope::StatusEnvelope;
use crest_types::search::{
    FacetSearchRequestContainer, FacetsSearchRequestContainer, ResponseContainerFacetResponse,
    ResponseContainerFacetsResponseContainer, SortableSearchRequest,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::derived_metric::{derived, wire};
use crate::routes::search::{facet_routes, search_routes};
use crate::search;
use crate::state::AppState;

/// How many of `matched` are in each state, by lower-case state name, every state present.
fn counts(matched: &[DerivedMetricDefinition]) -> BTreeMap<String, i64> {
    let mut counts: BTreeMap<String, i64> = ["active", "invalid", "no_data", "trash"]
        .into_iter()
        .map(|k| (k.to_owned(), 0))
        .collect();
    for state in matched.iter().flat_map(|d| d.status.iter().flatten()) {
        *counts.entry(state.to_lowercase()).or_default() += 1;
    }
    counts
}

/// Searches the derived metrics outside the trash; `counts` counts every match (not only the
/// page) by lower-case state.
#[utoipa::path(
    post,
    path = "/api/v2/search/derivedmetric",
    operation_id = "searchRegisteredQueryEntities",
    tag = "Search",
    summary = "Search over a customer's non-deleted derived metric definitions",
    request_body(content = Option<SortableSearchRequest>, description = "Criteria (all must hold), order and page"),
    responses(
        (status = 200, description = "A page of matches and the count per state", body = ResponseContainerPagedDerivedMetricDefinitionWithStats),
        (status = 400, description = "An unknown key, method or page value", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_registered_query_entities(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<SortableSearchRequest>>,
) -> Result<Json<ResponseContainerPagedDerivedMetricDefinitionWithStats>, ApiError> {
    let items = live(&state, &caller).await?;
    let query = body.as_ref().and_then(|b| b.query.clone());
    let (page, matched) = search::blocking(move || {
        let matched = search::matches(items.clone(), query)?;
        Ok((search::entities(items, body)?, matched))
    })
    .await?;
    Ok(Json(
        ResponseContainerPagedDerivedMetricDefinitionWithStats::ok(
            PagedDerivedMetricDefinitionWithStats::new(page, counts(&matched)),
        ),
    ))
}

facet_routes!(
    load = live,
    item = DerivedMetricDefinition,
    facets = (
        search_registered_query_for_facets,
        "/api/v2/search/derivedmetric/facets",
        "searchRegisteredQueryForFacets"
    ),
    facet = (
        search_registered_query_for_facet,
        "/api/v2/search/derivedmetric/{facet}",
        "searchRegisteredQueryForFacet"
    ),
);

search_routes!(
    load = trashed,
    item = DerivedMetricDefinition,
    container = ResponseContainerPagedDerivedMetricDefinition,
    entities = (
        search_registered_query_deleted_entities,
        "/api/v2/search/derivedmetric/deleted",
        "searchRegisteredQueryDeletedEntities",
        "Search over a customer's deleted derived metric definitions"
    ),
    facets = (
        search_registered_query_deleted_for_facets,
        "/api/v2/search/derivedmetric/deleted/facets",
        "searchRegisteredQueryDeletedForFacets"
    ),
    facet = (
        search_registered_query_deleted_for_facet,
        "/api/v2/search/derivedmetric/deleted/{facet}",
        "searchRegisteredQueryDeletedForFacet"
    ),
);

async fn on_shelf(state: &AppState, trash: bool) -> Result<Vec<DerivedMetricDefinition>, ApiError> {
    derived(state).list(trash).await?.iter().map(wire).collect()
}

async fn live(state: &AppState, _: &Caller) -> Result<Vec<DerivedMetricDefinition>, ApiError> {
    on_shelf(state, false).await
}

async fn trashed(state: &AppState, _: &Caller) -> Result<Vec<DerivedMetricDefinition>, ApiError> {
    on_shelf(state, true).await
}
