//! The search engine's adapter: wire requests in, pages and facet values out, for every entity.
//!
//! An entity joins by implementing [`Searchable`] for its wire model (its keys are that model's
//! JSON properties) and by adding its three routes in `routes/search.rs`.

use crest_search::{Document, FacetFilter, RawCriterion, Schema, Search, SearchError, SortKey};
use crest_types::accounts::{
    Account, CustomerFacingUserObject, RoleDTO, ServiceAccount, UserGroupModel,
};
use crest_types::cloud::CloudIntegration;
use crest_types::paging::{PageRequest, Paged, Sorting};
use crest_types::search::{
    FacetSearchRequestContainer, FacetsResponseContainer, FacetsSearchRequestContainer,
    SearchQuery, SortableSearchRequest,
};
use crest_types::source::Source as WireSource;
use crest_types::tokens::ApiTokenModel;
use serde::Serialize;

use crate::error::ApiError;

/// A wire model that search can return.
pub(crate) trait Searchable: Serialize {
    const SCHEMA: Schema;

    /// The item as the engine sees it: its JSON representation (and, for tagged entities, tags).
    fn document(&self) -> Document {
        serde_json::to_value(self).map_or_else(|_| Document::default(), |v| Document::from_json(&v))
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

pub(crate) fn criteria(query: Option<Vec<SearchQuery>>) -> Vec<RawCriterion> {
    query
        .unwrap_or_default()
        .into_iter()
        .map(|q| RawCriterion {
            key: q.key,
            value: q.value,
            values: q.values,
            matching: q.matching_method,
            negated: q.negated,
            start: q.start,
            end: q.end,
        })
        .collect()
}

/// `offset` and `limit` of a search body, by the API's paging rules.
pub(crate) fn page_request(
    offset: Option<i64>,
    limit: Option<i64>,
) -> Result<PageRequest, ApiError> {
    PageRequest::from_numbers(offset, limit).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// Runs the engine on a blocking thread: matching costs items × criteria × values, which the
/// limits bound (`crest_search::limits`) but which is still CPU work the async workers should not
/// carry while other requests (`/healthz` among them) wait.
pub(crate) async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("the search task failed: {e}")))?
}

/// The matching items, ordered, without their documents.
fn matching<T: Searchable>(
    items: Vec<T>,
    query: Option<Vec<SearchQuery>>,
    sort: Option<&Sorting>,
) -> Result<Vec<(Document, T)>, ApiError> {
    let sort = sort.map(|s| SortKey {
        field: s.field.clone(),
        ascending: s.ascending,
        default: s.default.unwrap_or(false),
    });
    let search = Search::new(&T::SCHEMA, criteria(query), sort)?;
    Ok(search.run(items.into_iter().map(|t| (t.document(), t)).collect()))
}

/// `POST /api/v2/search/{entity}`: a page of the items that match, in the order asked for, with
/// the exact number of matches in `totalItems`.
pub(crate) fn entities<T: Searchable>(
    items: Vec<T>,
    body: Option<SortableSearchRequest>,
) -> Result<Paged<T>, ApiError> {
    let body = body.unwrap_or_default();
    let page = page_request(body.offset, body.limit)?;
    let found = matching(items, body.query, body.sort.as_ref())?;
    let total = found.len() as u64;
    let items = found
        .into_iter()
        .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
        .take(page.limit as usize)
        .map(|(_, t)| t)
        .collect();
    let mut paged = page.page(items, total);
    paged.sort = body.sort;
    Ok(paged)
}

/// `POST /api/v2/search/{entity}/facets`: the values of each named facet over the matching items,
/// at most `limit` values per facet.
pub(crate) fn facets<T: Searchable>(
    items: Vec<T>,
    body: Option<FacetsSearchRequestContainer>,
) -> Result<FacetsResponseContainer, ApiError> {
    let body = body.unwrap_or_default();
    let names = body
        .facets
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::BadRequest("name at least one facet in 'facets'".into()))?;
    crest_search::limits::check_facets(&names)?;
    let limit = page_request(None, body.limit)?.limit;
    let filter = FacetFilter::new(
        body.facet_query,
        body.facet_query_matching_method.as_deref(),
    )?;
    let found = matching(items, body.query, None)?;
    let mut out = std::collections::BTreeMap::new();
    for name in names {
        let mut values =
            crest_search::facet_values(&T::SCHEMA, found.iter().map(|(d, _)| d), &name, &filter)?;
        values.truncate(limit as usize);
        out.insert(name, values);
    }
    Ok(FacetsResponseContainer { facets: out, limit })
}

/// `POST /api/v2/search/{entity}/{facet}`: a page of one facet's values over the matching items.
pub(crate) fn facet<T: Searchable>(
    items: Vec<T>,
    facet: &str,
    body: Option<FacetSearchRequestContainer>,
) -> Result<Paged<String>, ApiError> {
    let body = body.unwrap_or_default();
    let page = page_request(body.offset, body.limit)?;
    let filter = FacetFilter::new(
        body.facet_query,
        body.facet_query_matching_method.as_deref(),
    )?;
    let found = matching(items, body.query, None)?;
    let values =
        crest_search::facet_values(&T::SCHEMA, found.iter().map(|(d, _)| d), facet, &filter)?;
    Ok(page.page_of(&values, Clone::clone))
}

impl Searchable for Account {
    const SCHEMA: Schema = Schema {
        entity: "account",
        keys: &[
            "identifier",
            "groups",
            "roles",
            "userGroups",
            "unitedPermissions",
            "unitedRoles",
        ],
        tags: false,
    };
}

impl Searchable for ServiceAccount {
    const SCHEMA: Schema = Schema {
        entity: "serviceaccount",
        keys: &[
            "identifier",
            "active",
            "description",
            "groups",
            "roles",
            "userGroups",
            "unitedPermissions",
            "unitedRoles",
            "tokens",
            "lastUsed",
        ],
        tags: false,
    };
}

impl Searchable for CustomerFacingUserObject {
    const SCHEMA: Schema = Schema {
        entity: "user",
        keys: &[
            "id",
            "identifier",
            "customer",
            "self",
            "escapedIdentifier",
            "groups",
            "userGroups",
            "unitedPermissions",
            "unitedRoles",
            "lastSuccessfulLogin",
        ],
        tags: false,
    };
}

impl Searchable for UserGroupModel {
    const SCHEMA: Schema = Schema {
        entity: "usergroup",
        keys: &[
            "id",
            "name",
            "description",
            "customer",
            "createdEpochMillis",
            "properties",
            "roles",
            "roleCount",
            "users",
            "userCount",
        ],
        tags: false,
    };
}

impl Searchable for RoleDTO {
    const SCHEMA: Schema = Schema {
        entity: "role",
        keys: &[
            "id",
            "name",
            "description",
            "customer",
            "permissions",
            "createdEpochMillis",
            "lastUpdatedMs",
            "lastUpdatedAccountId",
            "linkedAccountsCount",
            "linkedGroupsCount",
            "sampleLinkedAccounts",
            "sampleLinkedGroups",
        ],
        tags: false,
    };
}

impl Searchable for ApiTokenModel {
    const SCHEMA: Schema = Schema {
        entity: "token",
        keys: &[
            "id",
            "name",
            "account",
            "accountType",
            "customer",
            "createdEpochMillis",
            "dateGenerated",
            "lastUsed",
        ],
        tags: false,
    };
}

impl Searchable for CloudIntegration {
    const SCHEMA: Schema = Schema {
        entity: "cloudintegration",
        keys: &[
            "id",
            "name",
            "service",
            "disabled",
            "inTrash",
            "deleted",
            "createdEpochMillis",
            "creatorId",
            "updatedEpochMillis",
            "updaterId",
            "serviceRefreshRateInMins",
            "additionalTags",
            "lastError",
            "lastErrorMs",
            "lastMetricCount",
            "lastProcessingTimestamp",
            "lastReceivedDataPointMs",
            "cloudWatch",
            "cloudTrail",
            "ec2",
            "gcp",
            "gcpBilling",
            "azure",
            "azureActivityLog",
            "newRelic",
            "appDynamics",
            "vrops",
            "snowflake",
            "dynatrace",
        ],
        tags: false,
    };
}

impl Searchable for WireSource {
    const SCHEMA: Schema = Schema {
        entity: "source",
        keys: &["id", "sourceName", "description"],
        tags: true,
    };

    /// Its name and description, and its tags (`hidden` among them when it is hidden).
    fn document(&self) -> Document {
        let fields = serde_json::json!({
            "id": self.id,
            "sourceName": self.source_name,
            "description": self.description,
        });
        let tags = self
            .tags
            .iter()
            .flatten()
            .filter(|(_, on)| **on)
            .map(|(t, _)| t.as_str());
        Document::from_json(&fields).with_tags(tags)
    }
}
