//! The store's side of maintenance windows.

use async_trait::async_trait;

use crate::maintenance::window::MaintenanceWindowRecord;
use crate::store::StoreError;

#[async_trait]
pub trait MaintenanceWindowStore: Send + Sync + std::fmt::Debug {
    async fn maintenance_window(
        &self,
        id: &str,
    ) -> Result<Option<MaintenanceWindowRecord>, StoreError>;

    /// Every window, in id order.
    async fn maintenance_windows(&self) -> Result<Vec<MaintenanceWindowRecord>, StoreError>;

    /// `false` when the id is taken.
    async fn create_maintenance_window(
        &self,
        window: &MaintenanceWindowRecord,
    ) -> Result<bool, StoreError>;

    /// Replaces a window's fields; `false` when there is no such window.
    async fn update_maintenance_window(
        &self,
        window: &MaintenanceWindowRecord,
    ) -> Result<bool, StoreError>;

    /// `false` when there is no such window.
    async fn delete_maintenance_window(&self, id: &str) -> Result<bool, StoreError>;
}
