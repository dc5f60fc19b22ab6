//! The version log of the objects that keep one (alerts, dashboards): each save of the user's
//! document is a version, numbered from 1, and the last [`MAX_VERSIONS`] are kept.

use serde_json::{Map, Value};

use crate::clock::EpochMillis;

/// The most versions kept per object; older ones are dropped as new ones arrive.
pub const MAX_VERSIONS: usize = 100;

/// One saved version of an object's document.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedVersion {
    pub version: u32,
    pub document: Map<String, Value>,
    pub update_user: String,
    pub update_time: EpochMillis,
    /// What the save did ("Dashboard created", "Tags changed").
    pub change: String,
}
