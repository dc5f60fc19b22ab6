//! Maintenance windows: the `MaintenanceWindow` model, its page and containers.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::paging::Paged;
use crate::response_container;

/// `MaintenanceWindow`; times in epoch **seconds**. Every field is optional so that the same type
/// reads client input; the server always writes `title`, `reason`, both times and
/// `relevantCustomerTags` (`[]` when unused), which the published clients require.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceWindow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The time in epoch seconds when this maintenance window will end
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time_in_seconds: Option<i64>,
    /// The name of an event associated with the creation/update of this maintenance window
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// If true, a source/host must be in 'relevantHostNames' and have tags matching the
    /// specification formed by 'relevantHostTags' and 'relevantHostTagsAnded' in order for this
    /// maintenance window to apply. If false, a source/host must either be in 'relevantHostNames'
    /// or match 'relevantHostTags' and 'relevantHostTagsAnded'. Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_tag_group_host_names_group_anded: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Query that filters on point tags of timeseries scanned by alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_tag_filter: Option<String>,
    /// Whether to AND point tags filter listed in pointTagFilter. If true, a timeseries must
    /// contain the point tags along with other filters in order for the maintenance window to
    /// apply.If false, the tags are OR'ed, the customer must contain one of the tags. Default:
    /// false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_tag_filter_anded: Option<bool>,
    /// The purpose of this maintenance window
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// List of alert tags whose matching alerts will be put into maintenance because of this
    /// maintenance window
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant_customer_tags: Option<Vec<String>>,
    /// Whether to AND customer tags listed in relevantCustomerTags. If true, a customer must
    /// contain all tags in order for the maintenance window to apply. If false, the tags are
    /// OR'ed, and a customer must contain one of the tags. Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant_customer_tags_anded: Option<bool>,
    /// List of source/host names that will be put into maintenance because of this maintenance
    /// window
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant_host_names: Option<Vec<String>>,
    /// List of source/host tags whose matching sources/hosts will be put into maintenance because
    /// of this maintenance window
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant_host_tags: Option<Vec<String>>,
    /// Whether to AND source/host tags listed in relevantHostTags. If true, a source/host must
    /// contain all tags in order for the maintenance window to apply. If false, the tags are
    /// OR'ed, and a source/host must contain one of the tags. Default: false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant_host_tags_anded: Option<bool>,
    /// One of `ONGOING`, `PENDING`, `ENDED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_state: Option<String>,
    /// Numeric value used in default sorting
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_attr: Option<i64>,
    /// The time in epoch seconds when this maintenance window will start
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time_in_seconds: Option<i64>,
    /// List of targets to notify, overriding the alert's targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<String>>,
    /// Title of this maintenance window
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updater_id: Option<String>,
}

crate::paged_schema!(
    /// `PagedMaintenanceWindow`.
    PagedMaintenanceWindow,
    MaintenanceWindow
);

response_container!(
    /// `ResponseContainerMaintenanceWindow`.
    ResponseContainerMaintenanceWindow,
    MaintenanceWindow
);

response_container!(
    /// `ResponseContainerPagedMaintenanceWindow`.
    ResponseContainerPagedMaintenanceWindow,
    Paged<MaintenanceWindow>,
    schema = PagedMaintenanceWindow
);
