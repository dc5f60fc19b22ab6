//! Search requests and answers: `SortableSearchRequest`, the facet containers and their replies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::paging::{Paged, Sorting};
use crate::response_container;

/// `SearchQuery`: one criterion. `key` is required; it is optional here so that its absence is
/// answered with a clear message rather than a parse error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchQuery {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// `CONTAINS` (default), `STARTSWITH`, `EXACT` or `TAGPATH`.
    #[serde(default)]
    pub matching_method: Option<String>,
    #[serde(default)]
    pub negated: Option<bool>,
    #[serde(default)]
    pub start: Option<i64>,
    #[serde(default)]
    pub end: Option<i64>,
}

/// `SortableSearchRequest`: criteria (all must hold), an order and a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SortableSearchRequest {
    #[serde(default)]
    pub query: Option<Vec<SearchQuery>>,
    #[serde(default)]
    pub sort: Option<Sorting>,
    #[serde(default)]
    pub offset: Option<i64>,
    #[serde(default)]
    pub limit: Option<i64>,
}

/// `FacetsSearchRequestContainer`: the values of several facets over the matching entities.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FacetsSearchRequestContainer {
    #[serde(default)]
    pub facets: Option<Vec<String>>,
    #[serde(default)]
    pub facet_query: Option<String>,
    #[serde(default)]
    pub facet_query_matching_method: Option<String>,
    #[serde(default)]
    pub query: Option<Vec<SearchQuery>>,
    #[serde(default)]
    pub limit: Option<i64>,
}

/// `FacetSearchRequestContainer`: a page of one facet's values over the matching entities.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FacetSearchRequestContainer {
    #[serde(default)]
    pub facet_query: Option<String>,
    #[serde(default)]
    pub facet_query_matching_method: Option<String>,
    #[serde(default)]
    pub query: Option<Vec<SearchQuery>>,
    #[serde(default)]
    pub offset: Option<i64>,
    #[serde(default)]
    pub limit: Option<i64>,
}

/// `FacetsResponseContainer`: each requested facet with its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FacetsResponseContainer {
    pub facets: BTreeMap<String, Vec<String>>,
    pub limit: u32,
}

response_container!(
    /// `ResponseContainerFacetsResponseContainer`.
    ResponseContainerFacetsResponseContainer,
    FacetsResponseContainer
);

crate::paged_schema!(
    /// `FacetResponse`: a page of facet values.
    FacetResponse,
    String
);

response_container!(
    /// `ResponseContainerFacetResponse`.
    ResponseContainerFacetResponse,
    Paged<String>,
    schema = FacetResponse
);
