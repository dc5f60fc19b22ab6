//! An alert as stored: its document, its bookkeeping, its ACL, its snooze and its runtime state;
//! and one entry of its version log.

use serde_json::{Map, Value};

use crate::alert::runtime::AlertRuntime;
use crate::clock::EpochMillis;

/// The most versions kept per alert; older ones are dropped as new ones arrive.
pub const MAX_VERSIONS: usize = 100;

/// Who may view and who may modify an alert. Both empty means everyone may (the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Acl {
    /// Account and group ids that may view.
    #[serde(default)]
    pub can_view: Vec<String>,
    /// Account and group ids that may view and modify.
    #[serde(default)]
    pub can_modify: Vec<String>,
}

impl Acl {
    /// Whether the ACL restricts anything.
    pub fn is_open(&self) -> bool {
        self.can_view.is_empty() && self.can_modify.is_empty()
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRecord {
    /// 13 digits: its creation time in epoch milliseconds (bumped on a collision).
    pub id: String,
    /// The fields the user sets, as [`normalize`](crate::alert::normalize) left them.
    pub document: Map<String, Value>,
    /// The latest version's number (versions start at 1).
    pub version: u32,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
    pub trashed_ms: Option<EpochMillis>,
    pub acl: Acl,
    /// Snoozed until this time; negative for ever; `None` when not snoozed.
    pub snoozed: Option<EpochMillis>,
    /// What the evaluator last recorded.
    pub runtime: AlertRuntime,
}

impl AlertRecord {
    /// Its `name`.
    pub fn name(&self) -> &str {
        self.document
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Its `tags.customerTags`.
    pub fn customer_tags(&self) -> Vec<String> {
        self.document
            .get("tags")
            .and_then(|t| t.get("customerTags"))
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One saved version of an alert's document.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertVersion {
    pub version: u32,
    pub document: Map<String, Value>,
    pub update_user: String,
    pub update_time: EpochMillis,
    pub change: String,
}
