//! [`RoleStore`]: roles, their permissions and who holds them.

use async_trait::async_trait;

use crate::account::AccountId;
use crate::clock::EpochMillis;
use crate::role::{NewRole, RoleChange, RoleRecord};
use crate::store::StoreError;

/// Roles. Every write changes what a credential may resolve to.
#[async_trait]
pub trait RoleStore: Send + Sync {
    /// Every role, by name.
    async fn roles(&self) -> Result<Vec<RoleRecord>, StoreError>;

    async fn role(&self, id: &str) -> Result<Option<RoleRecord>, StoreError>;

    /// `false` when the name is taken (nothing changes).
    async fn create_role(&self, role: &NewRole) -> Result<bool, StoreError>;

    /// `false` when there is no such role; a taken name is a `Conflict`.
    async fn update_role(
        &self,
        id: &str,
        change: &RoleChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError>;

    async fn delete_role(&self, id: &str) -> Result<bool, StoreError>;

    /// Assigns the role to (or takes it from) accounts and groups, which must exist.
    async fn set_role_assignees(
        &self,
        role: &str,
        accounts: &[AccountId],
        groups: &[String],
        assigned: bool,
    ) -> Result<(), StoreError>;
}
