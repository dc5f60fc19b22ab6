//! Derived metrics: the `DerivedMetricDefinition` model (its unmodelled fields kept in `extra`),
//! its pages (the search's with the count of matches per state) and containers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::alert::WFTags;
use crate::paging::Paged;
use crate::response_container;

/// `DerivedMetricDefinition`. Every field is optional so that the same type reads client input;
/// the server always writes `name`, `query` and `minutes` (the published clients require them).
/// Fields this model does not name are kept in `extra` and written back as they came.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DerivedMetricDefinition {
    /// User-supplied additional explanatory information for the derived metric
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_user_id: Option<String>,
    /// When this derived metric was created, in epoch millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Number of hosts checked by the query
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts_used: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_trash: Option<bool>,
    /// Whether to include obsolete metrics in query
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_obsolete_metrics: Option<bool>,
    /// The last error encountered when running the query
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_message: Option<String>,
    /// The time of the last error encountered when running the query, in epoch millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failed_time: Option<i64>,
    /// The last time when the derived metric query was run, in epoch millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_processed_millis: Option<i64>,
    /// Time for the query execute, averaged on hourly basis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_query_time: Option<i64>,
    /// Number of metrics checked by the query
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_used: Option<Vec<String>>,
    /// Number of minutes to query for the derived metric
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A derived field recording the number of data points scanned when the system last computed
    /// the query
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_scanned_at_last_query: Option<i64>,
    /// The interval between executing the query, in minutes (1 when unset)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_rate_minutes: Option<i64>,
    /// A Wavefront query that is evaluated at regular intervals (default 1m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Whether there was an exception when the query last ran
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_failing: Option<bool>,
    /// Whether the query was created using the Query Builder. Default false
    #[serde(
        rename = "queryQBEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub query_qb_enabled: Option<bool>,
    /// The special serialization of the Query Builder that corresponds to the query.
    #[serde(
        rename = "queryQBSerialization",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub query_qb_serialization: Option<String>,
    /// Lists the current state of the derived metric. Can be one or more of: INVALID, ACTIVE,
    /// TRASH, NO_DATA
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tagpaths: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<WFTags>,
    /// The user that last updated this derived metric definition
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_user_id: Option<String>,
    /// When the derived metric definition was last updated, in epoch millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updater_id: Option<String>,
    /// Fields the model does not name, kept as sent.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extra: BTreeMap<String, Value>,
}

crate::paged_schema!(
    /// `PagedDerivedMetricDefinition`.
    PagedDerivedMetricDefinition,
    DerivedMetricDefinition
);

response_container!(
    /// `ResponseContainerDerivedMetricDefinition`.
    ResponseContainerDerivedMetricDefinition,
    DerivedMetricDefinition
);

response_container!(
    /// `ResponseContainerPagedDerivedMetricDefinition`.
    ResponseContainerPagedDerivedMetricDefinition,
    Paged<DerivedMetricDefinition>,
    schema = PagedDerivedMetricDefinition
);

/// `PagedDerivedMetricDefinitionWithStats`: a page of derived metrics and how many of the matches
/// are in each state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PagedDerivedMetricDefinitionWithStats {
    /// A map from the state of the derived metric definition to the number of entities in that
    /// state within the search results
    pub counts: BTreeMap<String, i64>,
    pub items: Vec<DerivedMetricDefinition>,
    pub offset: u64,
    pub limit: u32,
    pub total_items: u64,
    pub more_items: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<crate::paging::Sorting>,
}

impl PagedDerivedMetricDefinitionWithStats {
    /// A page with its counts.
    pub fn new(page: Paged<DerivedMetricDefinition>, counts: BTreeMap<String, i64>) -> Self {
        Self {
            counts,
            items: page.items,
            offset: page.offset,
            limit: page.limit,
            total_items: page.total_items,
            more_items: page.more_items,
            cursor: page.cursor,
            sort: page.sort,
        }
    }
}

response_container!(
    /// `ResponseContainerPagedDerivedMetricDefinitionWithStats`.
    ResponseContainerPagedDerivedMetricDefinitionWithStats,
    PagedDerivedMetricDefinitionWithStats
);
