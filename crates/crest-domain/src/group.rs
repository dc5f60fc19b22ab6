//! User groups: the two system groups every account belongs to.

/// Every user account belongs to it; members cannot leave and it cannot be deleted.
pub const EVERYONE_GROUP_ID: &str = "2f4c6a1e-5b0d-4c8e-9a31-000000000001";
pub const EVERYONE_GROUP_NAME: &str = "Everyone";
/// Every service account belongs to it; it cannot be deleted.
pub const SERVICE_ACCOUNTS_GROUP_ID: &str = "2f4c6a1e-5b0d-4c8e-9a31-000000000002";
pub const SERVICE_ACCOUNTS_GROUP_NAME: &str = "Service Accounts";

/// A user group as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Everyone and Service Accounts: they cannot be deleted or renamed.
    pub system: bool,
    pub created_ms: crate::clock::EpochMillis,
    /// Role ids, sorted.
    pub roles: Vec<String>,
    /// Member account ids, sorted.
    pub members: Vec<String>,
}

/// A group to create.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub now: crate::clock::EpochMillis,
}
