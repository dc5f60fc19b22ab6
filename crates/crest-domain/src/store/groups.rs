//! [`GroupStore`]: user groups, their members and their roles.

use async_trait::async_trait;

use crate::account::AccountId;
use crate::group::{GroupRecord, NewGroup};
use crate::store::StoreError;

/// User groups. Every write changes what a credential may resolve to.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Every group, by name.
    async fn groups(&self) -> Result<Vec<GroupRecord>, StoreError>;

    async fn group(&self, id: &str) -> Result<Option<GroupRecord>, StoreError>;

    /// `false` when the name is taken (nothing changes).
    async fn create_group(&self, group: &NewGroup) -> Result<bool, StoreError>;

    /// Renames, redescribes and (when `roles` is given) replaces the roles of a group.
    async fn update_group(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<bool, StoreError>;

    async fn delete_group(&self, id: &str) -> Result<bool, StoreError>;

    /// Adds accounts to (or removes them from) a group.
    async fn set_group_members(
        &self,
        group: &str,
        accounts: &[AccountId],
        member: bool,
    ) -> Result<(), StoreError>;

    /// Adds roles to (or removes them from) a group.
    async fn set_group_roles(
        &self,
        group: &str,
        roles: &[String],
        held: bool,
    ) -> Result<(), StoreError>;
}
