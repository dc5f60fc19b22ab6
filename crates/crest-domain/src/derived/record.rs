//! A derived metric as stored: its definition, its bookkeeping and what the runner last recorded.

use serde_json::{Map, Value};

use crate::clock::EpochMillis;

/// The state the runner sets (`TRASH` comes from the trash instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DerivedState {
    Active,
    Invalid,
    NoData,
}

impl DerivedState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Invalid => "INVALID",
            Self::NoData => "NO_DATA",
        }
    }
}

/// What the last run found. Empty (the default) until the runner first runs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DerivedRuntime {
    pub state: Option<DerivedState>,
    pub last_processed_millis: Option<EpochMillis>,
    /// How long the last query took, in milliseconds.
    pub last_query_time: Option<i64>,
    pub points_scanned_at_last_query: Option<i64>,
    pub metrics_used: Vec<String>,
    pub hosts_used: Vec<String>,
    pub query_failing: bool,
    pub last_failed_time: Option<EpochMillis>,
    pub last_error_message: Option<String>,
    /// The end (exclusive, epoch ms) of the last minute written back: a minute is written once.
    pub written_through: Option<EpochMillis>,
}

/// One derived metric.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedRecord {
    /// 13 digits: its creation time in epoch milliseconds (bumped on a collision).
    pub id: String,
    /// The fields the user sets, as [`normalize`](crate::derived::normalize) left them.
    pub document: Map<String, Value>,
    /// The latest version's number (versions start at 1).
    pub version: u32,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
    pub trashed_ms: Option<EpochMillis>,
    pub runtime: DerivedRuntime,
}
