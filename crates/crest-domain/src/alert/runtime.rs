//! The evaluator's output, kept apart from the versioned document: recording it never makes a
//! version.

use std::collections::BTreeMap;

use crate::alert::model::Severity;
use crate::clock::EpochMillis;

/// A member of `Alert.status` that the evaluator sets (`SNOOZED` and `TRASH` come from the
/// alert's own state instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertState {
    Firing,
    InMaintenance,
    Invalid,
    None,
    Checking,
    NoData,
}

impl AlertState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Firing => "FIRING",
            Self::InMaintenance => "IN_MAINTENANCE",
            Self::Invalid => "INVALID",
            Self::None => "NONE",
            Self::Checking => "CHECKING",
            Self::NoData => "NO_DATA",
        }
    }
}

/// `SourceLabelPair`: one series the evaluator reports on.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SourceLabelPair {
    pub host: String,
    /// The metric.
    pub label: String,
    pub tags: BTreeMap<String, String>,
    /// Points in the window.
    pub observed: i64,
    /// Points that keep the series from resolving.
    pub firing: i64,
    pub severity: Option<Severity>,
    pub start_time: Option<EpochMillis>,
}

/// What one evaluation found. Empty (the default) until the evaluator first runs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlertRuntime {
    pub status: Vec<AlertState>,
    /// The severity now firing (threshold alerts: the highest met).
    pub severity: Option<Severity>,
    pub failing_host_label_pairs: Vec<SourceLabelPair>,
    pub prefiring_host_label_pairs: Vec<SourceLabelPair>,
    pub in_maintenance_host_label_pairs: Vec<SourceLabelPair>,
    /// Names of the maintenance windows now applying.
    pub active_maintenance_windows: Vec<String>,
    /// The id of the current (or last) firing event.
    pub event: Option<String>,
    /// The id of the current (or last) no-data event.
    pub no_data_event: Option<String>,
    pub last_processed_millis: Option<EpochMillis>,
    pub last_notification_millis: Option<EpochMillis>,
    pub last_event_time: Option<EpochMillis>,
    pub last_query_time: Option<EpochMillis>,
    pub last_failed_time: Option<EpochMillis>,
    pub last_error_message: Option<String>,
    pub query_failing: bool,
    pub query_syntax_error: bool,
    pub points_scanned_at_last_query: Option<i64>,
    pub metrics_used: Vec<String>,
    pub hosts_used: Vec<String>,
    /// The snooze (its `snoozed` value) whose ALERT_SNOOZED notices went out: each snooze is
    /// announced once, by the first round that finds it.
    pub snooze_announced: Option<EpochMillis>,
}
