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
