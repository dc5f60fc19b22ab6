//! A dashboard as stored, and its version log as a read finds it.

use serde_json::{Map, Value};

use crate::clock::EpochMillis;
use crate::object_acl::Acl;
use crate::version_log::SavedVersion;

/// One dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardRecord {
    /// Its URL slug, `[\w-]+`: also its `url`.
    pub id: String,
    /// The JSON the user sent, as [`normalize`](crate::dashboard::normalize) left it.
    pub document: Map<String, Value>,
    /// The latest version's number.
    pub version: u32,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
    pub trashed_ms: Option<EpochMillis>,
    pub acl: Acl,
    /// The accounts that marked it as a favorite.
    pub favorites: Vec<String>,
}

/// The versions kept of a dashboard id (newest first), whether or not the dashboard still
/// exists, and the ACL its last incarnation had (which governs who reads them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardHistory {
    pub versions: Vec<SavedVersion>,
    pub acl: Acl,
}
