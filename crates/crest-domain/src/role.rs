//! Roles: named sets of permissions, assigned to accounts and to groups.

use crate::clock::EpochMillis;
use crate::permission::PermissionSet;

/// A role as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    pub id: String,
    pub name: String,
    pub description: String,
    pub permissions: PermissionSet,
    pub created_ms: EpochMillis,
    pub updated_ms: EpochMillis,
    pub updated_by: String,
    /// Accounts it is assigned to directly, sorted.
    pub accounts: Vec<String>,
    /// Groups it is assigned to, sorted.
    pub groups: Vec<String>,
}

/// A role to create.
#[derive(Debug, Clone)]
pub struct NewRole {
    pub id: String,
    pub name: String,
    pub description: String,
    pub permissions: PermissionSet,
    pub now: EpochMillis,
    pub by: String,
}

/// Changes to a role; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct RoleChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub permissions: Option<PermissionSet>,
}
