//! Alerts: the `Alert` model (its unmodelled fields kept in `extra`), its pages and containers,
//! and the models of the alert-only operations (ACLs, history, query type, notification preview).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::event::{Event, SourceLabelPair};
use crate::paging::Paged;
use crate::response_container;

/// `WFTags`: customer-wide tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WFTags {
    /// Customer-wide tags. Can be on various wavefront entities such alerts or dashboards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_tags: Option<Vec<String>>,
}

/// `AccessControlListSimple`: the account and group ids that may view and modify an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessControlListSimple {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_modify: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_view: Option<Vec<String>>,
}

/// `TargetInfo`: an alert target an alert names, for information.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TargetInfo {
    /// ID of the alert target
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Notification method of the alert target: `EMAIL`, `PAGERDUTY` or `WEBHOOK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Name of the alert target
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `Alert`. Every field is optional so that the same type reads client input; the server always
/// writes `name`, `condition` and `minutes` (the published clients require them). Fields this
/// model does not name are kept in `extra` and written back as they came.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl: Option<AccessControlListSimple>,
    /// The names of the active maintenance windows that are affecting this alert
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_maintenance_windows: Option<Vec<String>>,
    /// User-supplied additional explanatory information for this alert. Useful for linking
    /// runbooks, mitigations,, etc
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
    /// The base of alert chart. A linear chart will have base as 1. A logarithmic chart will have
    /// the other base value.The value should be an integer and should greater than or equal to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_chart_base: Option<i64>,
    /// The description of alert chart. Different from alert additional info, this is used to
    /// describe the characteristics of the chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_chart_description: Option<String>,
    /// The y-axis unit of Alert chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_chart_units: Option<String>,
    /// A list of queries represent multiple queries in alert. It must contains at least one query
    /// with AlertSourceType as CONDITION.
    #[schema(value_type = Option<Vec<Object>>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_sources: Option<Vec<Value>>,
    /// User-supplied dashboard and parameters to create dashboard links. Parameters must be
    /// specified as constants or variables. Constant parameters currently only supported
    #[schema(value_type = Option<Vec<Object>>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_triage_dashboards: Option<Vec<Value>>,
    /// Alert type. One of `CLASSIC`, `THRESHOLD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts_last_day: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts_last_month: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts_last_week: Option<i64>,
    /// Lists the applications from the failingHostLabelPair of the alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<Vec<String>>,
    /// Additional chart settings for the alert (e.g. pie chart has its chart settings in this
    /// section).
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_attributes: Option<Value>,
    /// The old chart settings for the alert (e.g. chart type, chart range etc.).
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_settings: Option<Value>,
    /// A Wavefront query that is evaluated at regular intervals (default 1m). The alert fires and
    /// notifications are triggered when a data series matching this query evaluates to a non-zero
    /// value for a set number of consecutive minutes
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Whether the condition query was created using the Query Builder. Default false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_q_b_enabled: Option<bool>,
    /// The special serialization of the Query Builder that corresponds to the condition query.
    /// Applicable only when conditionQBEnabled is true
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_q_b_serialization: Option<String>,
    /// One of `WQL`, `PROMQL`, `HYBRID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_query_type: Option<String>,
    /// Multi - alert conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_user_id: Option<String>,
    /// When this alert was created, in epoch millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// A second query whose results are displayed in the alert user interface instead of the
    /// condition query. This field is often used to display a version of the condition query with
    /// Boolean operators removed so that numerical values are plotted
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_expression: Option<String>,
    /// Whether the display expression query was created using the Query Builder. Default false
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_expression_q_b_enabled: Option<bool>,
    /// The special serialization of the Query Builder that corresponds to the display expression
    /// query. Applicable only when displayExpressionQBEnabled is true
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_expression_q_b_serialization: Option<String>,
    /// One of `WQL`, `PROMQL`, `HYBRID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_expression_query_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_p_d_incident_by_series: Option<bool>,
    /// Whether to alert on the real-time ingestion stream (may be noisy due to late data)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate_realtime_data: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// List of links to tracing applications that caused a failing series
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_host_label_pair_links: Option<Vec<String>>,
    /// Failing host/metric pairs
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_host_label_pairs: Option<Vec<SourceLabelPair>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Number of hosts checked by the alert condition
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts_used: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Lists the sources that will not be checked for this alert, due to matching a maintenance
    /// window
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_maintenance_host_label_pairs: Option<Vec<SourceLabelPair>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_trash: Option<bool>,
    /// Whether to include obsolete metrics in alert query
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_obsolete_metrics: Option<bool>,
    /// Get the ingestion policy Id associated with ingestion policy alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingestion_policy_id: Option<String>,
    /// The last error encountered when running this alert's condition query
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_message: Option<String>,
    /// Start time (in epoch millis) of the last event associated with this alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event_time: Option<i64>,
    /// The time of the last error encountered when running this alert's condition query, in epoch
    /// millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failed_time: Option<i64>,
    /// When this alert last caused a notification, in epoch millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_notification_millis: Option<i64>,
    /// The time when this alert was last checked, in epoch millis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_processed_millis: Option<i64>,
    /// Last query time of the alert, averaged on hourly basis
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_query_time: Option<i64>,
    /// Number of metrics checked by the alert condition
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_used: Option<Vec<String>>,
    /// The number of consecutive minutes that a series matching the condition query must evaluate
    /// to "true" (non-zero value) before the alert fires
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// Whether the user has modify ACL access to the alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modify_acl_access: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// No data event related to the alert
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_data_event: Option<Event>,
    /// A derived field listing the webhook ids used by this alert
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notificants: Option<Vec<String>>,
    /// How often to re-trigger a continually failing alert. If absent or <= 0, no retriggering
    /// occurs
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_resend_frequency_minutes: Option<i64>,
    /// Number of points scanned in alert query time frame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_points_in_failure_frame: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan: Option<bool>,
    /// A derived field recording the number of data points scanned when the system last computed
    /// this alert's condition
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_scanned_at_last_query: Option<i64>,
    /// Lists the series that are starting to fail, defined as failing for greater than 50% of the
    /// checks in the window determined by the "minutes" parameter
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefiring_host_label_pairs: Option<Vec<SourceLabelPair>>,
    /// The interval between checks for this alert, in minutes. Defaults to 5 minutes
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_rate_minutes: Option<i64>,
    /// Whether there was an exception when the alert condition last ran
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_failing: Option<bool>,
    /// Whether there was an query syntax exception when the alert condition last ran
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_syntax_error: Option<bool>,
    /// The number of consecutive minutes that a firing series matching the condition query must
    /// evaluate to "false" (zero value) before the alert resolves. When unset, this defaults to
    /// the same value as "minutes"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_after_minutes: Option<i64>,
    /// User-supplied runbook links for this alert. Useful for linking wiki page or documentation,
    /// etc to refer to when alert is triggered
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook_links: Option<Vec<String>>,
    /// Whether to secure sensitive metric details and alert images in alert notifications, to not
    /// break Metrics Security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_metric_details: Option<bool>,
    /// Lists the services from the failingHostLabelPair of the alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Vec<String>>,
    /// Severity of the alert One of `INFO`, `SMOKE`, `WARN`, `SEVERE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Alert severity list for multi-threshold type. One of `INFO`, `SMOKE`, `WARN`, `SEVERE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_list: Option<Vec<String>>,
    /// The until which time this alert is snoozed (not checked), in epoch millis. A negative value
    /// implies the alert is snoozed indefinitely
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed: Option<i64>,
    /// Attribute used for default alert sort that is derived from state and severity
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_attr: Option<i64>,
    /// Lists the current state of the alert. Can be one or more of: FIRING,SNOOZED,
    /// IN_MAINTENANCE, INVALID, NONE, CHECKING, TRASH, NO_DATA
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<String>>,
    /// If this is a system alert, the version of it
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_alert_version: Option<i64>,
    /// Whether this alert is system-owned and not writeable
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_owned: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tagpaths: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<WFTags>,
    /// The email address or integration endpoint (such as PagerDuty or web hook) to notify when
    /// the alert status changes. Comma-separated list of targets. Multiple target types can be in
    /// the list. Alert target format: ({email}|pd:{pd_key}|target:{alert target ID}). You cannot
    /// update this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_endpoints: Option<Vec<String>>,
    /// List of alert targets display information that includes name, id and type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_info: Option<Vec<TargetInfo>>,
    /// Targets for severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<BTreeMap<String, String>>,
    /// Deprecated for alertTriageDashboards
    #[schema(value_type = Option<Vec<Object>>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triage_dashboards: Option<Vec<Value>>,
    /// The user that last updated this alert
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_user_id: Option<String>,
    /// When the alert was last updated, in epoch millis
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
    /// `PagedAlert`.
    PagedAlert,
    Alert
);

response_container!(
    /// `ResponseContainerAlert`.
    ResponseContainerAlert,
    Alert
);

response_container!(
    /// `ResponseContainerPagedAlert`.
    ResponseContainerPagedAlert,
    Paged<Alert>,
    schema = PagedAlert
);

/// `PagedAlertWithStats`: a page of alerts and how many of the matches are in each state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PagedAlertWithStats {
    /// A map from alert state to the number of alerts in that state within the search results
    pub alert_counts: BTreeMap<String, i64>,
    pub items: Vec<Alert>,
    pub offset: u64,
    pub limit: u32,
    pub total_items: u64,
    pub more_items: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<crate::paging::Sorting>,
}

impl PagedAlertWithStats {
    /// A page with its counts.
    pub fn new(page: Paged<Alert>, alert_counts: BTreeMap<String, i64>) -> Self {
        Self {
            alert_counts,
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
    /// `ResponseContainerPagedAlertWithStats`.
    ResponseContainerPagedAlertWithStats,
    PagedAlertWithStats
);

/// `AccessControlElement`: an account or group an ACL names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessControlElement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `AccessControlListReadDTO`: one object's ACL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessControlListReadDTO {
    /// The entity Id
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// List of users and user groups ids that have modify permission
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modify_acl: Option<Vec<AccessControlElement>>,
    /// List of users and user group ids that have view permission
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_acl: Option<Vec<AccessControlElement>>,
}

/// `AccessControlListWriteDTO`: a change to one object's ACL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessControlListWriteDTO {
    /// The entity Id
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// List of users and user groups ids that have modify permission
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modify_acl: Option<Vec<String>>,
    /// List of users and user group ids that have view permission
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_acl: Option<Vec<String>>,
}

response_container!(
    /// `ResponseContainerListAccessControlListReadDTO`.
    ResponseContainerListAccessControlListReadDTO,
    Vec<AccessControlListReadDTO>
);

/// `HistoryEntry`: one version of an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_description: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_trash: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

crate::paged_schema!(
    /// `HistoryResponse`: a page of versions, newest first.
    HistoryResponse,
    HistoryEntry
);

response_container!(
    /// `ResponseContainerHistoryResponse`.
    ResponseContainerHistoryResponse,
    Paged<HistoryEntry>,
    schema = HistoryResponse
);

/// `QueryTypeDTO`: a query and its language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryTypeDTO {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_query: Option<String>,
    /// `WQL`, `PROMQL` or `HYBRID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translated_input: Option<String>,
}

response_container!(
    /// `ResponseContainerQueryTypeDTO`.
    ResponseContainerQueryTypeDTO,
    QueryTypeDTO
);

/// `NotificationMessages`: one notification an alert would send.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationMessages {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `WEBHOOK`, `PAGERDUTY` or `EMAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The alert target name, easier to read than ID
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

response_container!(
    /// `ResponseContainerListNotificationMessages`.
    ResponseContainerListNotificationMessages,
    Vec<NotificationMessages>
);

response_container!(
    /// `ResponseContainerMapStringInteger`.
    ResponseContainerMapStringInteger,
    BTreeMap<String, i64>
);
