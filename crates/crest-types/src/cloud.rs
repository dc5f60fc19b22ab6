//! Cloud integrations: the `CloudIntegration` model and the settings of each cloud service.
//!
//! Every field is optional, the required ones included: the same types read client input, and a
//! missing field must be answered with a clear message by the validation, not with a parse error.
//! Unknown properties are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::paging::Paged;
use crate::response_container;

/// The values `CloudIntegration.service` takes, as the API spells them.
pub const CLOUD_SERVICES: [&str; 12] = [
    "CLOUDWATCH",
    "CLOUDTRAIL",
    "EC2",
    "GCP",
    "GCPBILLING",
    "AZURE",
    "AZUREACTIVITYLOG",
    "NEWRELIC",
    "APPDYNAMICS",
    "VROPS",
    "SNOWFLAKE",
    "DYNATRACE",
];

/// The schema of `CloudIntegration.service`: a string with the official enumeration.
fn service_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "A value denoting which cloud service this integration integrates with",
        ))
        .enum_values(Some(CLOUD_SERVICES))
        .build()
}

/// `CloudIntegration`: a cloud integration that pulls metrics or events from one cloud service.
///
/// Every field is optional so that the same type reads client input; required fields (`name`,
/// `service`, the nested settings of the service) are checked when the integration is validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloudIntegration {
    /// A list of point tag key-values to add to every point ingested using this integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_tags: Option<BTreeMap<String, String>>,
    /// Settings of the integration when `service` is `APPDYNAMICS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_dynamics: Option<AppDynamicsConfiguration>,
    /// Settings of the integration when `service` is `AZURE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure: Option<AzureConfiguration>,
    /// Settings of the integration when `service` is `AZUREACTIVITYLOG`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_activity_log: Option<AzureActivityLogConfiguration>,
    /// Settings of the integration when `service` is `CLOUDTRAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_trail: Option<CloudTrailConfiguration>,
    /// Settings of the integration when `service` is `CLOUDWATCH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch: Option<CloudWatchConfiguration>,
    /// When the integration was created, in epoch millis. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    /// Who created the integration. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    /// Whether the integration is deleted. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// True when an aws credential failed to authenticate. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Settings of the integration when `service` is `DYNATRACE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynatrace: Option<DynatraceConfiguration>,
    /// Settings of the integration when `service` is `EC2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2: Option<Ec2Configuration>,
    /// Save the integration even if its credentials cannot be checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_save: Option<bool>,
    /// Settings of the integration when `service` is `GCP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp: Option<GcpConfiguration>,
    /// Settings of the integration when `service` is `GCPBILLING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp_billing: Option<GcpBillingConfiguration>,
    /// The id of the integration, assigned by the server on creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether the integration is in the trash. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_trash: Option<bool>,
    /// Digest of the last error encountered by Wavefront servers when fetching data using this
    /// integration. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// The event recorded for the last error (an `Event`). Read-only: set by the server.
    #[schema(value_type = Object)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_event: Option<serde_json::Value>,
    /// Time, in epoch millis, of the last error encountered by Wavefront servers when fetching data
    /// using this integration. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_ms: Option<i64>,
    /// Number of metrics / events ingested by this integration the last time it ran. Read-only: set by
    /// the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_metric_count: Option<i64>,
    /// Time, in epoch millis, that this integration was last processed. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_processing_timestamp: Option<i64>,
    /// Opaque id of the last Wavefront integrations service to act on this integration. Read-only: set
    /// by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_processor_id: Option<String>,
    /// Time that this integration last received a data point, in epoch millis. Read-only: set by the
    /// server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_received_data_point_ms: Option<i64>,
    /// The human-readable name of this integration.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Settings of the integration when `service` is `NEWRELIC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_relic: Option<NewRelicConfiguration>,
    /// The id of another integration whose AWS external id credential this one reuses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reuse_external_id_credential: Option<String>,
    /// A value denoting which cloud service this integration integrates with: one of `CLOUDWATCH`,
    /// `CLOUDTRAIL`, `EC2`, `GCP`, `GCPBILLING`, `AZURE`, `AZUREACTIVITYLOG`, `NEWRELIC`,
    /// `APPDYNAMICS`, `VROPS`, `SNOWFLAKE`, `DYNATRACE`. Clients also send other spellings (`ec2`,
    /// `cloudTrail`); they are normalized when the integration is validated.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[schema(schema_with = service_schema)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Service refresh rate in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_refresh_rate_in_mins: Option<i64>,
    /// Settings of the integration when `service` is `SNOWFLAKE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snowflake: Option<SnowflakeConfiguration>,
    /// When the integration was last changed, in epoch millis. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_epoch_millis: Option<i64>,
    /// Who last changed the integration. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updater_id: Option<String>,
    /// Settings of the integration when `service` is `VROPS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vrops: Option<VropsConfiguration>,
}

/// `AWSBaseCredentials`: the AWS IAM role an AWS integration assumes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AWSBaseCredentials)]
#[serde(rename_all = "camelCase")]
pub struct AwsBaseCredentials {
    /// The external id corresponding to the Role ARN.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The Role ARN that the customer has created in AWS IAM to allow access to Wavefront.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
}

/// `CloudWatchConfiguration`: settings of an AWS CloudWatch integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchConfiguration {
    /// The AWS role that grants access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_credentials: Option<AwsBaseCredentials>,
    /// A string->string map of allow list of AWS instance tag-value pairs (in AWS). If the instance's
    /// AWS tags match this allow list, CloudWatch data about this instance is ingested. Multiple
    /// entries are OR'ed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_selection_tags: Option<BTreeMap<String, String>>,
    /// A string expressing the allow list of AWS instance tag-value pairs. If the instance's AWS tags
    /// match this allow list, CloudWatch data about this instance is ingested. Multiple entries are
    /// OR'ed and also OR'ed with entries from instanceSelectionTags. Key-value pairs in the string are
    /// separated by commas and in the form k=v. Example: "k1=v1, k1=v2, k3=v3".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_selection_tags_expr: Option<String>,
    /// A regular expression that a CloudWatch metric name must match (case-insensitively) in order to
    /// be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
    /// A list of namespace that limit what we query from CloudWatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<Vec<String>>,
    /// A regular expression that AWS tag key name must match (case-insensitively) in order to be
    /// ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_tag_filter_regex: Option<String>,
    /// A regular expression that a AWS S3 Bucket name must match (case-insensitively) in order to be
    /// ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name_filter_regex: Option<String>,
    /// ThreadDistributionInMins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_distribution_in_mins: Option<i64>,
    /// A string->string map of allow list of AWS volume tag-value pairs (in AWS). If the volume's AWS
    /// tags match this allow list, CloudWatch data about this volume is ingested. Multiple entries are
    /// OR'ed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_selection_tags: Option<BTreeMap<String, String>>,
    /// A string expressing the allow list of AWS volume tag-value pairs. If the volume's AWS tags match
    /// this allow list, CloudWatch data about this volume is ingested. Multiple entries are OR'ed and
    /// also OR'ed with entries from volumeSelectionTags. Key-value pairs in the string are separated by
    /// commas and in the form k=v. Example: "k1=v1, k1=v2, k3=v3".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_selection_tags_expr: Option<String>,
}

/// `CloudTrailConfiguration`: settings of an AWS CloudTrail integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloudTrailConfiguration {
    /// The AWS role that grants access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_credentials: Option<AwsBaseCredentials>,
    /// Name of the S3 bucket where CloudTrail logs are stored.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
    /// Rule to filter cloud trail log event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_rule: Option<String>,
    /// The common prefix, if any, appended to all CloudTrail log files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The AWS region of the S3 bucket where CloudTrail logs are stored.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// `EC2Configuration`: settings of an AWS EC2 integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = EC2Configuration)]
#[serde(rename_all = "camelCase")]
pub struct Ec2Configuration {
    /// The AWS role that grants access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_credentials: Option<AwsBaseCredentials>,
    /// A list of AWS instance tags that, when found, will be used as the "source" name in a series.
    /// Default: ["hostname", "host", "name"]. If no tag in this list is found, the series source is set
    /// to the instance id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_name_tags: Option<Vec<String>>,
    /// A string expressing the allow list of AWS instance tag-value pairs. If the instance's AWS tags
    /// match this allow list, data about this instance is ingested from EC2 APIs Multiple entries are
    /// OR'ed. Key-value pairs in the string are separated by commas and in the form k=v. Example:
    /// "k1=v1, k1=v2, k3=v3".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_selection_tags_expr: Option<String>,
    /// A regular expression that a metric name must match (case-insensitively) in order to be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
    /// A regular expression that AWS tag key name must match (case-insensitively) in order to be
    /// ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_tag_filter_regex: Option<String>,
    /// A string expressing the allow list of AWS volume tag-value pairs. If the volume's AWS tags match
    /// this allow list, Data about this volume is ingested from EBS APIs. Multiple entries are OR'ed.
    /// Key-value pairs in the string are separated by commas and in the form k=v. Example: "k1=v1,
    /// k1=v2, k3=v3".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_selection_tags_expr: Option<String>,
}

/// `GCPConfiguration`: settings of a Google Cloud Platform integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = GCPConfiguration)]
#[serde(rename_all = "camelCase")]
pub struct GcpConfiguration {
    /// A list of Google Cloud Platform (GCP) services (such as ComputeEngine, PubSub, etc) from which
    /// to pull metrics.
    ///
    /// Allowed values (matched case-insensitively when validated): `APPENGINE`, `BIGQUERY`, `BIGTABLE`,
    /// `CLOUDFUNCTIONS`, `CLOUDIOT`, `CLOUDSQL`, `CLOUDTASKS`, `COMPUTE`, `CONTAINER`, `DATAFLOW`,
    /// `DATAPROC`, `DATASTORE`, `FIREBASEDATABASE`, `FIREBASEHOSTING`, `FIRESTORE`, `INTERCONNECT`,
    /// `KUBERNETES`, `LOADBALANCING`, `LOGGING`, `ML`, `MONITORING`, `PUBSUB`, `REDIS`, `ROUTER`,
    /// `RUN`, `SERVICERUNTIME`, `SPANNER`, `STORAGE`, `TPU`, `VPN`, `APIGEE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories_to_fetch: Option<Vec<String>>,
    /// List of custom metric prefix to fetch the data from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_metric_prefix: Option<Vec<String>>,
    /// Whether to disable the ingestion of counts for GCP delta metrics. Ingestion is enabled by
    /// default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_delta_counts: Option<bool>,
    /// Whether to disable the ingestion of histograms. Ingestion is enabled by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_histogram: Option<bool>,
    /// Whether to disable the ingestion of bucket data for GCP distributions. Ingestion is enabled by
    /// default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_histogram_to_metric_conversion: Option<bool>,
    /// Private key for a Google Cloud Platform (GCP) service account within your project. The account
    /// must at least be granted Monitoring Viewer permissions. This key must be in the JSON format
    /// generated by GCP. Use '{"project_id": "%s"}' to retain the existing key when updating.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp_json_key: Option<String>,
    /// List of histogram grouping function to fetch data from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram_grouping_function: Option<Vec<String>>,
    /// A regular expression that a metric name must match (case-insensitively) in order to be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
    /// The Google Cloud Platform (GCP) project id.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// `GCPBillingConfiguration`: settings of a Google Cloud Platform billing integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = GCPBillingConfiguration)]
#[serde(rename_all = "camelCase")]
pub struct GcpBillingConfiguration {
    /// API key for Google Cloud Platform (GCP). Use 'saved_api_key' to retain existing API key when
    /// updating.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp_api_key: Option<String>,
    /// Private key for a Google Cloud Platform (GCP) service account within your project. The account
    /// must at least be granted Monitoring Viewer permissions. This key must be in the JSON format
    /// generated by GCP. Use '{"project_id": "%s"}' to retain the existing key when updating.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp_json_key: Option<String>,
    /// The Google Cloud Platform (GCP) project id.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// `AzureBaseCredentials`: the Azure service principal an Azure integration signs in as.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AzureBaseCredentials {
    /// Client Id for an Azure service account within your project.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Client Secret for an Azure service account within your project. Use 'saved_secret' to retain the
    /// client secret when updating.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Tenant Id for an Azure service account within your project.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
}

/// `AzureConfiguration`: settings of an Azure metrics integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AzureConfiguration {
    /// The Azure service principal that grants access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_credentials: Option<AzureBaseCredentials>,
    /// A list of Azure services (such as Microsoft.Compute/virtualMachines, Microsoft.Cache/redis etc)
    /// from which to pull metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_filter: Option<Vec<String>>,
    /// A regular expression that a metric name must match (case-insensitively) in order to be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
    /// A list of Azure resource groups from which to pull metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_filter: Option<Vec<String>>,
}

/// `AzureActivityLogConfiguration`: settings of an Azure activity log integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AzureActivityLogConfiguration {
    /// The Azure service principal that grants access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_credentials: Option<AzureBaseCredentials>,
    /// A list of Azure ActivityLog categories to pull events for.
    ///
    /// Allowed values (matched case-insensitively when validated): `ADMINISTRATIVE`, `SERVICEHEALTH`,
    /// `ALERT`, `AUTOSCALE`, `SECURITY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_filter: Option<Vec<String>>,
}

/// `NewRelicConfiguration`: settings of a New Relic integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewRelicConfiguration {
    /// New Relic REST API Key.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// A regular expression that a application name must match (case-insensitively) in order to collect
    /// metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_filter_regex: Option<String>,
    /// A regular expression that a host name must match (case-insensitively) in order to collect
    /// metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_filter_regex: Option<String>,
    /// Application specific metric filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_relic_metric_filters: Option<Vec<NewRelicMetricFilters>>,
}

/// `NewRelicMetricFilters`: which metrics of one New Relic application are ingested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewRelicMetricFilters {
    /// The application the filter applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// A regular expression that the application's metric names must match (case-insensitively) in
    /// order to be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
}

/// `AppDynamicsConfiguration`: settings of an AppDynamics integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppDynamicsConfiguration {
    /// List of regular expressions that a application name must match (case-insensitively) in order to
    /// be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_filter_regex: Option<Vec<String>>,
    /// Name of the SaaS controller.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller_name: Option<String>,
    /// Boolean flag to control Application Infrastructure metric injection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_app_infra_metrics: Option<bool>,
    /// Boolean flag to control Backend metric injection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_backend_metrics: Option<bool>,
    /// Boolean flag to control Business Transaction metric injection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_business_trx_metrics: Option<bool>,
    /// Boolean flag to control Error metric injection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_error_metrics: Option<bool>,
    /// Boolean flag to control Individual Node metric injection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_individual_node_metrics: Option<bool>,
    /// Boolean flag to control Overall Performance metric injection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_overall_perf_metrics: Option<bool>,
    /// Set this to 'false' to get separate results for all values within the time range, by default it
    /// is 'true'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_rollup: Option<bool>,
    /// Boolean flag to control Service End point metric injection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_service_endpoint_metrics: Option<bool>,
    /// Password for AppDynamics user.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_password: Option<String>,
    /// Username is combination of userName and the account name.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

/// `VropsConfiguration`: settings of a VMware vRealize Operations (vROps) integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VropsConfiguration {
    /// Adapter names: Metrics will be fetched of only these adapter if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_names: Option<BTreeMap<String, Vec<String>>>,
    /// The base url for vrops api. Default: `https://www.mgmt.cloud.vmware.com/vrops-cloud`.
    #[serde(rename = "baseURL", default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// A list of vRops Adpater and Resource kind to fetch metrics.
    ///
    /// Allowed values (matched case-insensitively when validated): `VMWARE_CLUSTERCOMPUTERESOURCE`,
    /// `VMWARE_DATASTORE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories_to_fetch: Option<Vec<String>>,
    /// A regular expression that a metric name must match (case-insensitively) in order to be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
    /// OrganizationID will be derived from api token.
    #[serde(
        rename = "organizationID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub organization_id: Option<String>,
    /// The vRops API Token.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(
        rename = "vropsAPIToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vrops_api_token: Option<String>,
}

/// `SnowflakeConfiguration`: settings of a Snowflake integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnowflakeConfiguration {
    /// Snowflake AccountID.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(rename = "accountID", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// A regular expression that a metric name must match (case-insensitively) in order to be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
    /// Snowflake Password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Snowflake Private Key.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    /// Role to be used while querying snowflake database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Snowflake Username.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Warehouse to be used while querying snowflake database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouse: Option<String>,
}

/// `DynatraceConfiguration`: settings of a Dynatrace integration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DynatraceConfiguration {
    /// The Dynatrace API Token.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(
        rename = "dynatraceAPIToken",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub dynatrace_api_token: Option<String>,
    /// The ID of Dynatrace Environment.
    #[serde(
        rename = "environmentID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub environment_id: Option<String>,
    /// A regular expression that a metric name must match (case-insensitively) in order to be ingested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_regex: Option<String>,
}

response_container!(
    /// `ResponseContainerCloudIntegration`.
    ResponseContainerCloudIntegration,
    CloudIntegration
);

crate::paged_schema!(
    /// `PagedCloudIntegration`.
    PagedCloudIntegration,
    CloudIntegration
);

response_container!(
    /// `ResponseContainerPagedCloudIntegration`.
    ResponseContainerPagedCloudIntegration,
    Paged<CloudIntegration>,
    schema = PagedCloudIntegration
);

response_container!(
    /// `ResponseContainerString`.
    ResponseContainerString,
    String
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use utoipa::PartialSchema;

    /// `json` parses as `T` and serializes back to the same document: no field is renamed or lost.
    fn round_trips<T: DeserializeOwned + Serialize>(json: &str, field_count: usize) {
        let expected: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(
            expected.as_object().expect("an object").len(),
            field_count,
            "the literal lists every field of the model"
        );
        let parsed: T = serde_json::from_str(json).expect("the body parses");
        let served = serde_json::to_value(&parsed).expect("serializes");
        assert_eq!(served, expected);
    }

    #[test]
    fn cloud_watch_envelope_shape() {
        let integration = CloudIntegration {
            id: Some("3f0a4b1c-0d1e-4f5a-9b8c-7d6e5f4a3b2c".into()),
            name: Some("CloudWatch production".into()),
            service: Some("CLOUDWATCH".into()),
            cloud_watch: Some(CloudWatchConfiguration {
                base_credentials: Some(AwsBaseCredentials {
                    role_arn: Some("arn:aws:iam::123456789012:role/wavefront".into()),
                    external_id: Some("crest-external-id".into()),
                }),
                metric_filter_regex: Some("^aws\\.(ec2|elb)\\..*$".into()),
                namespaces: Some(vec!["AWS/EC2".into(), "AWS/ELB".into()]),
                ..CloudWatchConfiguration::default()
            }),
            additional_tags: Some(BTreeMap::from([("env".into(), "prod".into())])),
            service_refresh_rate_in_mins: Some(5),
            created_epoch_millis: Some(1_700_000_000_000),
            updated_epoch_millis: Some(1_700_000_000_000),
            creator_id: Some("admin@example.com".into()),
            updater_id: Some("admin@example.com".into()),
            deleted: Some(false),
            in_trash: Some(false),
            disabled: Some(false),
            ..CloudIntegration::default()
        };
        insta::assert_json_snapshot!(ResponseContainerCloudIntegration::ok(integration));
    }

    #[test]
    fn product_docs_ec2_body_round_trips() {
        let json = r#"{"name":"x","service":"ec2","ec2":{"baseCredentials":{"roleArn":"arn:aws:iam::1:role/r","externalId":"e"}}}"#;
        let parsed: CloudIntegration = serde_json::from_str(json).expect("the body parses");
        assert_eq!(parsed.name.as_deref(), Some("x"));
        assert_eq!(parsed.service.as_deref(), Some("ec2"));
        let credentials = parsed
            .ec2
            .as_ref()
            .and_then(|ec2| ec2.base_credentials.as_ref())
            .expect("baseCredentials");
        assert_eq!(
            credentials.role_arn.as_deref(),
            Some("arn:aws:iam::1:role/r")
        );
        assert_eq!(credentials.external_id.as_deref(), Some("e"));
        assert_eq!(
            serde_json::to_value(&parsed).expect("serializes"),
            serde_json::from_str::<serde_json::Value>(json).expect("valid JSON")
        );
    }

    #[test]
    fn missing_required_fields_and_unknown_ones_still_parse() {
        let parsed: CloudIntegration =
            serde_json::from_str(r#"{"cloudTrail":{"prefix":"p"},"somethingNew":1}"#)
                .expect("absent required fields are left to validation");
        assert_eq!(parsed.name, None);
        assert_eq!(parsed.service, None);
        assert_eq!(
            serde_json::to_value(&parsed).expect("serializes"),
            serde_json::json!({"cloudTrail": {"prefix": "p"}})
        );
        let empty: CloudIntegration = serde_json::from_str("{}").expect("an empty body parses");
        assert_eq!(empty, CloudIntegration::default());
    }

    #[test]
    fn schemas_carry_the_official_names() {
        assert_eq!(AwsBaseCredentials::name(), "AWSBaseCredentials");
        assert_eq!(Ec2Configuration::name(), "EC2Configuration");
        assert_eq!(GcpConfiguration::name(), "GCPConfiguration");
        assert_eq!(GcpBillingConfiguration::name(), "GCPBillingConfiguration");
        assert_eq!(CloudIntegration::name(), "CloudIntegration");
        assert_eq!(PagedCloudIntegration::name(), "PagedCloudIntegration");
        let schema = serde_json::to_value(CloudWatchConfiguration::schema()).expect("serializes");
        let reference = schema
            .pointer("/properties/baseCredentials")
            .expect("baseCredentials");
        assert!(
            reference
                .to_string()
                .contains("#/components/schemas/AWSBaseCredentials"),
            "{reference}"
        );
    }

    #[test]
    fn service_is_documented_as_the_official_enumeration() {
        let schema = serde_json::to_value(CloudIntegration::schema()).expect("serializes");
        let service = schema.pointer("/properties/service").expect("service");
        assert_eq!(
            service.get("enum"),
            Some(&serde_json::json!(CLOUD_SERVICES)),
            "{service}"
        );
        let required = schema.get("required").cloned().unwrap_or_default();
        assert_eq!(
            required,
            serde_json::Value::Null,
            "nothing is required on input"
        );
        let event = schema
            .pointer("/properties/lastErrorEvent")
            .expect("lastErrorEvent");
        assert!(event.to_string().contains("object"), "{event}");
    }

    #[test]
    fn aws_base_credentials_keeps_every_official_field_name() {
        round_trips::<AwsBaseCredentials>(
            r#"{
                "externalId": "externalId-value",
                "roleArn": "roleArn-value"
            }"#,
            2,
        );
    }

    #[test]
    fn cloud_watch_configuration_keeps_every_official_field_name() {
        round_trips::<CloudWatchConfiguration>(
            r#"{
                "baseCredentials": {
                    "externalId": "externalId-value",
                    "roleArn": "roleArn-value"
                },
                "instanceSelectionTags": {
                    "k1": "v1-value"
                },
                "instanceSelectionTagsExpr": "instanceSelectionTagsExpr-value",
                "metricFilterRegex": "metricFilterRegex-value",
                "namespaces": [
                    "namespaces-item-value"
                ],
                "pointTagFilterRegex": "pointTagFilterRegex-value",
                "s3BucketNameFilterRegex": "s3BucketNameFilterRegex-value",
                "threadDistributionInMins": 7,
                "volumeSelectionTags": {
                    "k1": "v1-value"
                },
                "volumeSelectionTagsExpr": "volumeSelectionTagsExpr-value"
            }"#,
            10,
        );
    }

    #[test]
    fn cloud_trail_configuration_keeps_every_official_field_name() {
        round_trips::<CloudTrailConfiguration>(
            r#"{
                "baseCredentials": {
                    "externalId": "externalId-value",
                    "roleArn": "roleArn-value"
                },
                "bucketName": "bucketName-value",
                "filterRule": "filterRule-value",
                "prefix": "prefix-value",
                "region": "region-value"
            }"#,
            5,
        );
    }

    #[test]
    fn ec2_configuration_keeps_every_official_field_name() {
        round_trips::<Ec2Configuration>(
            r#"{
                "baseCredentials": {
                    "externalId": "externalId-value",
                    "roleArn": "roleArn-value"
                },
                "hostNameTags": [
                    "hostNameTags-item-value"
                ],
                "instanceSelectionTagsExpr": "instanceSelectionTagsExpr-value",
                "metricFilterRegex": "metricFilterRegex-value",
                "pointTagFilterRegex": "pointTagFilterRegex-value",
                "volumeSelectionTagsExpr": "volumeSelectionTagsExpr-value"
            }"#,
            6,
        );
    }

    #[test]
    fn gcp_configuration_keeps_every_official_field_name() {
        round_trips::<GcpConfiguration>(
            r#"{
                "categoriesToFetch": [
                    "APPENGINE",
                    "APIGEE"
                ],
                "customMetricPrefix": [
                    "customMetricPrefix-item-value"
                ],
                "disableDeltaCounts": true,
                "disableHistogram": true,
                "disableHistogramToMetricConversion": true,
                "gcpJsonKey": "gcpJsonKey-value",
                "histogramGroupingFunction": [
                    "histogramGroupingFunction-item-value"
                ],
                "metricFilterRegex": "metricFilterRegex-value",
                "projectId": "projectId-value"
            }"#,
            9,
        );
    }

    #[test]
    fn gcp_billing_configuration_keeps_every_official_field_name() {
        round_trips::<GcpBillingConfiguration>(
            r#"{
                "gcpApiKey": "gcpApiKey-value",
                "gcpJsonKey": "gcpJsonKey-value",
                "projectId": "projectId-value"
            }"#,
            3,
        );
    }

    #[test]
    fn azure_base_credentials_keeps_every_official_field_name() {
        round_trips::<AzureBaseCredentials>(
            r#"{
                "clientId": "clientId-value",
                "clientSecret": "clientSecret-value",
                "tenant": "tenant-value"
            }"#,
            3,
        );
    }

    #[test]
    fn azure_configuration_keeps_every_official_field_name() {
        round_trips::<AzureConfiguration>(
            r#"{
                "baseCredentials": {
                    "clientId": "clientId-value",
                    "clientSecret": "clientSecret-value",
                    "tenant": "tenant-value"
                },
                "categoryFilter": [
                    "categoryFilter-item-value"
                ],
                "metricFilterRegex": "metricFilterRegex-value",
                "resourceGroupFilter": [
                    "resourceGroupFilter-item-value"
                ]
            }"#,
            4,
        );
    }

    #[test]
    fn azure_activity_log_configuration_keeps_every_official_field_name() {
        round_trips::<AzureActivityLogConfiguration>(
            r#"{
                "baseCredentials": {
                    "clientId": "clientId-value",
                    "clientSecret": "clientSecret-value",
                    "tenant": "tenant-value"
                },
                "categoryFilter": [
                    "ADMINISTRATIVE",
                    "SECURITY"
                ]
            }"#,
            2,
        );
    }

    #[test]
    fn new_relic_configuration_keeps_every_official_field_name() {
        round_trips::<NewRelicConfiguration>(
            r#"{
                "apiKey": "apiKey-value",
                "appFilterRegex": "appFilterRegex-value",
                "hostFilterRegex": "hostFilterRegex-value",
                "newRelicMetricFilters": [
                    {
                        "appName": "appName-value",
                        "metricFilterRegex": "metricFilterRegex-value"
                    }
                ]
            }"#,
            4,
        );
    }

    #[test]
    fn new_relic_metric_filters_keeps_every_official_field_name() {
        round_trips::<NewRelicMetricFilters>(
            r#"{
                "appName": "appName-value",
                "metricFilterRegex": "metricFilterRegex-value"
            }"#,
            2,
        );
    }

    #[test]
    fn app_dynamics_configuration_keeps_every_official_field_name() {
        round_trips::<AppDynamicsConfiguration>(
            r#"{
                "appFilterRegex": [
                    "appFilterRegex-item-value"
                ],
                "controllerName": "controllerName-value",
                "enableAppInfraMetrics": true,
                "enableBackendMetrics": true,
                "enableBusinessTrxMetrics": true,
                "enableErrorMetrics": true,
                "enableIndividualNodeMetrics": true,
                "enableOverallPerfMetrics": true,
                "enableRollup": true,
                "enableServiceEndpointMetrics": true,
                "encryptedPassword": "encryptedPassword-value",
                "userName": "userName-value"
            }"#,
            12,
        );
    }

    #[test]
    fn vrops_configuration_keeps_every_official_field_name() {
        round_trips::<VropsConfiguration>(
            r#"{
                "adapterNames": {
                    "k1": [
                        "v1-item-value"
                    ]
                },
                "baseURL": "baseURL-value",
                "categoriesToFetch": [
                    "VMWARE_CLUSTERCOMPUTERESOURCE",
                    "VMWARE_DATASTORE"
                ],
                "metricFilterRegex": "metricFilterRegex-value",
                "organizationID": "organizationID-value",
                "vropsAPIToken": "vropsAPIToken-value"
            }"#,
            6,
        );
    }

    #[test]
    fn snowflake_configuration_keeps_every_official_field_name() {
        round_trips::<SnowflakeConfiguration>(
            r#"{
                "accountID": "accountID-value",
                "metricFilterRegex": "metricFilterRegex-value",
                "password": "password-value",
                "privateKey": "privateKey-value",
                "role": "role-value",
                "userName": "userName-value",
                "warehouse": "warehouse-value"
            }"#,
            7,
        );
    }

    #[test]
    fn dynatrace_configuration_keeps_every_official_field_name() {
        round_trips::<DynatraceConfiguration>(
            r#"{
                "dynatraceAPIToken": "dynatraceAPIToken-value",
                "environmentID": "environmentID-value",
                "metricFilterRegex": "metricFilterRegex-value"
            }"#,
            3,
        );
    }

    #[test]
    fn cloud_integration_keeps_every_official_field_name() {
        round_trips::<CloudIntegration>(
            r#"{
                "additionalTags": {
                    "k1": "v1-value"
                },
                "appDynamics": {
                    "appFilterRegex": [
                        "appFilterRegex-item-value"
                    ],
                    "controllerName": "controllerName-value",
                    "enableAppInfraMetrics": true,
                    "enableBackendMetrics": true,
                    "enableBusinessTrxMetrics": true,
                    "enableErrorMetrics": true,
                    "enableIndividualNodeMetrics": true,
                    "enableOverallPerfMetrics": true,
                    "enableRollup": true,
                    "enableServiceEndpointMetrics": true,
                    "encryptedPassword": "encryptedPassword-value",
                    "userName": "userName-value"
                },
                "azure": {
                    "baseCredentials": {
                        "clientId": "clientId-value",
                        "clientSecret": "clientSecret-value",
                        "tenant": "tenant-value"
                    },
                    "categoryFilter": [
                        "categoryFilter-item-value"
                    ],
                    "metricFilterRegex": "metricFilterRegex-value",
                    "resourceGroupFilter": [
                        "resourceGroupFilter-item-value"
                    ]
                },
                "azureActivityLog": {
                    "baseCredentials": {
                        "clientId": "clientId-value",
                        "clientSecret": "clientSecret-value",
                        "tenant": "tenant-value"
                    },
                    "categoryFilter": [
                        "categoryFilter-item-value"
                    ]
                },
                "cloudTrail": {
                    "baseCredentials": {
                        "externalId": "externalId-value",
                        "roleArn": "roleArn-value"
                    },
                    "bucketName": "bucketName-value",
                    "filterRule": "filterRule-value",
                    "prefix": "prefix-value",
                    "region": "region-value"
                },
                "cloudWatch": {
                    "baseCredentials": {
                        "externalId": "externalId-value",
                        "roleArn": "roleArn-value"
                    },
                    "instanceSelectionTags": {
                        "k1": "v1-value"
                    },
                    "instanceSelectionTagsExpr": "instanceSelectionTagsExpr-value",
                    "metricFilterRegex": "metricFilterRegex-value",
                    "namespaces": [
                        "namespaces-item-value"
                    ],
                    "pointTagFilterRegex": "pointTagFilterRegex-value",
                    "s3BucketNameFilterRegex": "s3BucketNameFilterRegex-value",
                    "threadDistributionInMins": 7,
                    "volumeSelectionTags": {
                        "k1": "v1-value"
                    },
                    "volumeSelectionTagsExpr": "volumeSelectionTagsExpr-value"
                },
                "createdEpochMillis": 1700000000000,
                "creatorId": "creatorId-value",
                "deleted": true,
                "disabled": true,
                "dynatrace": {
                    "dynatraceAPIToken": "dynatraceAPIToken-value",
                    "environmentID": "environmentID-value",
                    "metricFilterRegex": "metricFilterRegex-value"
                },
                "ec2": {
                    "baseCredentials": {
                        "externalId": "externalId-value",
                        "roleArn": "roleArn-value"
                    },
                    "hostNameTags": [
                        "hostNameTags-item-value"
                    ],
                    "instanceSelectionTagsExpr": "instanceSelectionTagsExpr-value",
                    "metricFilterRegex": "metricFilterRegex-value",
                    "pointTagFilterRegex": "pointTagFilterRegex-value",
                    "volumeSelectionTagsExpr": "volumeSelectionTagsExpr-value"
                },
                "forceSave": true,
                "gcp": {
                    "categoriesToFetch": [
                        "categoriesToFetch-item-value"
                    ],
                    "customMetricPrefix": [
                        "customMetricPrefix-item-value"
                    ],
                    "disableDeltaCounts": true,
                    "disableHistogram": true,
                    "disableHistogramToMetricConversion": true,
                    "gcpJsonKey": "gcpJsonKey-value",
                    "histogramGroupingFunction": [
                        "histogramGroupingFunction-item-value"
                    ],
                    "metricFilterRegex": "metricFilterRegex-value",
                    "projectId": "projectId-value"
                },
                "gcpBilling": {
                    "gcpApiKey": "gcpApiKey-value",
                    "gcpJsonKey": "gcpJsonKey-value",
                    "projectId": "projectId-value"
                },
                "id": "id-value",
                "inTrash": true,
                "lastError": "lastError-value",
                "lastErrorEvent": {
                    "name": "cloud-integration-error",
                    "startTime": 1700000000000
                },
                "lastErrorMs": 1700000000000,
                "lastMetricCount": 7,
                "lastProcessingTimestamp": 1700000000000,
                "lastProcessorId": "lastProcessorId-value",
                "lastReceivedDataPointMs": 1700000000000,
                "name": "name-value",
                "newRelic": {
                    "apiKey": "apiKey-value",
                    "appFilterRegex": "appFilterRegex-value",
                    "hostFilterRegex": "hostFilterRegex-value",
                    "newRelicMetricFilters": [
                        {
                            "appName": "appName-value",
                            "metricFilterRegex": "metricFilterRegex-value"
                        }
                    ]
                },
                "reuseExternalIdCredential": "reuseExternalIdCredential-value",
                "service": "CLOUDWATCH",
                "serviceRefreshRateInMins": 7,
                "snowflake": {
                    "accountID": "accountID-value",
                    "metricFilterRegex": "metricFilterRegex-value",
                    "password": "password-value",
                    "privateKey": "privateKey-value",
                    "role": "role-value",
                    "userName": "userName-value",
                    "warehouse": "warehouse-value"
                },
                "updatedEpochMillis": 1700000000000,
                "updaterId": "updaterId-value",
                "vrops": {
                    "adapterNames": {
                        "k1": [
                            "v1-item-value"
                        ]
                    },
                    "baseURL": "baseURL-value",
                    "categoriesToFetch": [
                        "categoriesToFetch-item-value"
                    ],
                    "metricFilterRegex": "metricFilterRegex-value",
                    "organizationID": "organizationID-value",
                    "vropsAPIToken": "vropsAPIToken-value"
                }
            }"#,
            33,
        );
    }
}
