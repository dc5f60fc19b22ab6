//! The store's side of alert targets.

use async_trait::async_trait;

use crate::notificant::record::NotificantRecord;
use crate::store::StoreError;

#[async_trait]
pub trait NotificantStore: Send + Sync + std::fmt::Debug {
    async fn notificant(&self, id: &str) -> Result<Option<NotificantRecord>, StoreError>;

    /// Every target, in id order.
    async fn notificants(&self) -> Result<Vec<NotificantRecord>, StoreError>;

    /// Stores a new target; `false` when its id is taken.
    async fn create_notificant(&self, record: &NotificantRecord) -> Result<bool, StoreError>;

    /// Replaces a target's fields (its id, creator and creation stay); `false` when there is
    /// none.
    async fn update_notificant(&self, record: &NotificantRecord) -> Result<bool, StoreError>;

    /// Removes a target; `false` when there is none.
    async fn delete_notificant(&self, id: &str) -> Result<bool, StoreError>;
}
