//! An alert as stored: its document, its bookkeeping, its ACL, its snooze and its runtime state;
//! and one entry of its version log.

use serde_json::{Map, Value};

use crate::alert::runtime::AlertRuntime;
use crate::clock::EpochMillis;
pub use crate::object_acl::Acl;
pub use crate::version_log::{MAX_VERSIONS, SavedVersion as AlertVersion};

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
        crate::customer_tags::customer_tags(&self.document)
    }
}
