//! User groups: the two system groups every account belongs to.

/// Every user account belongs to it; members cannot leave and it cannot be deleted.
pub const EVERYONE_GROUP_ID: &str = "2f4c6a1e-5b0d-4c8e-9a31-000000000001";
pub const EVERYONE_GROUP_NAME: &str = "Everyone";
/// Every service account belongs to it; it cannot be deleted.
pub const SERVICE_ACCOUNTS_GROUP_ID: &str = "2f4c6a1e-5b0d-4c8e-9a31-000000000002";
pub const SERVICE_ACCOUNTS_GROUP_NAME: &str = "Service Accounts";

/// A group as an account's listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
    pub description: String,
}
