//! `POST /api/v2/search/source` and its facets. The criteria, checked by the one search engine,
//! become the store's conditions, so that a search reads only the matching sources (by index,
//! among hundreds of thousands); the engine then confirms every source the store returns.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::source::{SourceCondition, SourceField, SourceQuery, SourceRecord, TextMatch};
use crest_search::{FREETEXT, Matching, Search, TAGPATH, TAGS};
use crest_types::envelope::StatusEnvelope;
use crest_types::paging::MAX_LIMIT;
use crest_types::search::{
    FacetSearchRequestContainer, FacetsSearchRequestContainer, ResponseContainerFacetResponse,
    ResponseContainerFacetsResponseContainer, SearchQuery,
};
use crest_types::source::{
    ResponseContainerPagedSource, Source as WireSource, SourceSearchRequestContainer,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::routes::source::{cursor_page, sources, wire};
use crate::search::{self, Searchable};
use crate::state::AppState;

/// The store's conditions for a validated search: the same matches, read by index.
fn conditions(search: &Search) -> Vec<SourceCondition> {
    search
        .criteria()
        .iter()
        .map(|c| {
            if c.is_range() {
                // Sources have no numbers to bound: a range matches nothing (so its negation
                // matches everything), as the engine reads it.
                return SourceCondition::Constant(c.negated());
            }
            let field = match c.key() {
                TAGS | TAGPATH => SourceField::Tag,
                FREETEXT => SourceField::Any,
                "description" => SourceField::Description,
                _ => SourceField::Name,
            };
            let matching = match (c.key(), c.matching()) {
                (TAGPATH, _) | (_, Matching::TagPath) => TextMatch::TagPath,
                (_, Matching::Contains) => TextMatch::Contains,
                (_, Matching::StartsWith) => TextMatch::StartsWith,
                (_, Matching::Exact) => TextMatch::Exact,
            };
            SourceCondition::Text {
                field,
                matching,
                values: c.values().to_vec(),
                negated: c.negated(),
            }
        })
        .collect()
}

/// A search body as the store runs it: checked against the source schema and the search limits,
/// its criteria turned into the store's conditions. The handler and the `search_body` fuzz target
/// both go through here.
pub fn plan_source_search(
    body: SourceSearchRequestContainer,
) -> Result<(Search, SourceQuery), ApiError> {
    let limit = search::page_request(None, body.limit)?.limit.max(1);
    let search = validated(body.query)?;
    let query = SourceQuery {
        conditions: conditions(&search),
        after: body.cursor.filter(|c| !c.is_empty()),
        limit,
        ascending: body.sort_sources_ascending.unwrap_or(true),
    };
    Ok((search, query))
}

fn validated(query: Option<Vec<SearchQuery>>) -> Result<Search, ApiError> {
    Ok(Search::new(
        &WireSource::SCHEMA,
        search::criteria(query),
        None,
    )?)
}

/// The most sources facets are counted over: beyond it, a facets request must narrow its query.
pub(crate) const MAX_FACET_SOURCES: usize = 100_000;

/// Every source that meets the search, read from the store a page at a time (each page a
/// statement of its own, under the statement timeout), at most [`MAX_FACET_SOURCES`].
async fn all_matching(state: &AppState, search: &Search) -> Result<Vec<WireSource>, ApiError> {
    let mut query = SourceQuery {
        conditions: conditions(search),
        after: None,
        limit: MAX_LIMIT,
        ascending: true,
    };
    let mut out = Vec::new();
    loop {
        let page = sources(state).page(&query).await?;
        query.after = page.items.last().map(|s: &SourceRecord| s.id.clone());
        out.extend(page.items.iter().map(wire));
        if !page.more {
            return Ok(out);
        }
        if out.len() >= MAX_FACET_SOURCES {
            return Err(ApiError::BadRequest(format!(
                "facets are counted over at most {MAX_FACET_SOURCES} sources; more match this \
                 query: narrow it"
            )));
        }
    }
}

/// Sources that meet every criterion, in id order (or its reverse), a page at a time: pass the
/// previous page's `cursor` to read the next. `offset` and `sort`, which some clients send, are
/// ignored; so is `includeObsolete` (crest keeps no obsolete sources yet).
#[utoipa::path(
    post,
    path = "/api/v2/search/source",
    operation_id = "searchTaggedSourceEntities",
    tag = "Search",
    summary = "Search over a customer's sources",
    request_body(content = Option<SourceSearchRequestContainer>, description = "Criteria on sourceName, description and tags (case-insensitive), cursor and limit"),
    responses(
        (status = 200, description = "A page of matches", body = ResponseContainerPagedSource),
        (status = 400, description = "An unknown key or method, or a bad limit", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_tagged_source_entities(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<Option<SourceSearchRequestContainer>>,
) -> Result<Json<ResponseContainerPagedSource>, ApiError> {
    let (search, query) = plan_source_search(body.unwrap_or_default())?;
    let limit = query.limit;
    let page = sources(&state).page(&query).await?;
    let last = page.items.last().map(|s| s.id.clone());
    let items = page
        .items
        .iter()
        .map(wire)
        .filter(|s| search.matches(&s.document()))
        .collect();
    Ok(Json(ResponseContainerPagedSource::ok(cursor_page(
        items, limit, page.more, last,
    ))))
}

/// The values of one or more facets (`tags`, `sourceName`, `description`) over the matches.
#[utoipa::path(
    post,
    path = "/api/v2/search/source/facets",
    operation_id = "searchTaggedSourceForFacets",
    tag = "Search",
    summary = "Lists the values of one or more facets over the customer's sources",
    request_body(content = Option<FacetsSearchRequestContainer>, description = "The facets and the criteria"),
    responses(
        (status = 200, description = "Each facet's values", body = ResponseContainerFacetsResponseContainer),
        (status = 400, description = "No facet named, or an unknown key", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_tagged_source_for_facets(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<Option<FacetsSearchRequestContainer>>,
) -> Result<Json<ResponseContainerFacetsResponseContainer>, ApiError> {
    let body = body.unwrap_or_default();
    if let Some(names) = &body.facets {
        crest_search::limits::check_facets(names)?;
    }
    let narrowed = all_matching(&state, &validated(body.query.clone())?).await?;
    let facets = search::blocking(move || search::facets(narrowed, Some(body))).await?;
    Ok(Json(ResponseContainerFacetsResponseContainer::ok(facets)))
}

/// A page of one facet's values over the matches.
#[utoipa::path(
    post,
    path = "/api/v2/search/source/{facet}",
    operation_id = "searchTaggedSourceForFacet",
    tag = "Search",
    summary = "Lists the values of a specific facet over the customer's sources",
    params(("facet" = String, Path, description = "The facet (a search key)")),
    request_body(content = Option<FacetSearchRequestContainer>, description = "The criteria and the page"),
    responses(
        (status = 200, description = "A page of the facet's values", body = ResponseContainerFacetResponse),
        (status = 400, description = "An unknown facet or key", body = StatusEnvelope)
    )
)]
pub(crate) async fn search_tagged_source_for_facet(
    State(state): State<AppState>,
    _caller: Caller,
    Path(facet): Path<String>,
    ApiJson(body): ApiJson<Option<FacetSearchRequestContainer>>,
) -> Result<Json<ResponseContainerFacetResponse>, ApiError> {
    let body = body.unwrap_or_default();
    crest_search::limits::check_key("a facet's name", &facet)?;
    let narrowed = all_matching(&state, &validated(body.query.clone())?).await?;
    let page = search::blocking(move || search::facet(narrowed, &facet, Some(body))).await?;
    Ok(Json(ResponseContainerFacetResponse::ok(page)))
}
