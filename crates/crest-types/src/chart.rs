//! The data reads: raw points of one series (`RawTimeseries`, `Point`) and the sources reporting a
//! metric (`MetricDetailsResponse`, `MetricDetails`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `Point`: one value at a time in epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Point {
    /// The timestamp of the point in milliseconds.
    pub timestamp: i64,
    /// The value; `null` for NaN and infinities, which JSON cannot hold.
    pub value: f64,
}

/// `RawTimeseries`: the points of one series of the metric and source asked for, told apart by
/// their point tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RawTimeseries {
    pub points: Vec<Point>,
    /// Associated tags of the time series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// `MetricDetails`: one series of a metric, by its source and point tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MetricDetails {
    /// The source reporting this metric.
    pub host: String,
    /// Approximate time of last reporting, in milliseconds since the Unix epoch.
    pub last_update: i64,
    /// A key-value map of the point tags associated with this source.
    pub tags: BTreeMap<String, String>,
}

/// `MetricDetailsResponse`: a page of the series reporting a metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricDetailsResponse {
    /// Token used for pagination of results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    /// List of sources/hosts reporting this metric.
    pub hosts: Vec<MetricDetails>,
}

/// `Timeseries`: one series of a chart query's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Timeseries {
    /// The series' label: its metric, or what an alias or aggregation named it.
    pub label: String,
    /// The series' source, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The series' point tags; left out when there are none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The points, each `[epoch seconds, value]`.
    #[schema(value_type = Vec<Vec<f64>>)]
    pub data: Vec<(i64, f64)>,
}

/// `StatsModelInternalUse`: what a query read. Crest fills `keys` (series read), `points` (points
/// read), `metrics_used`, `hosts_used`, `latency` (ms) and `cpu_ns`; clients treat it as opaque.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QueryStats {
    pub keys: u64,
    pub points: u64,
    pub metrics_used: u64,
    pub hosts_used: u64,
    pub latency: u64,
    pub cpu_ns: u64,
    pub queries: u64,
}

/// `QueryResult`: the answer to `GET /api/v2/chart/api`. A query that fails to parse or to run
/// answers with `errorType` and `errorMessage` set and no series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    /// The name of this query (`n`, or the query itself).
    pub name: String,
    /// The query used to obtain this result.
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeseries: Option<Vec<Timeseries>>,
    /// The granularity of the returned results, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granularity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<QueryStats>,
    /// The warnings incurred by this query, one per line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<String>,
    /// `QuerySyntaxError`, `QueryExecutionError` or `Timeout`, when the query did not finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// What went wrong, when the query did not finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}
