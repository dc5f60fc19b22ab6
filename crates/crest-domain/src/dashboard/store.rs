//! The store's side of dashboards. Their trash is the shared [`TrashStore`].

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::clock::EpochMillis;
use crate::dashboard::record::{DashboardHistory, DashboardRecord};
use crate::object_acl::Acl;
use crate::store::StoreError;
use crate::trash::TrashStore;

#[async_trait]
pub trait DashboardStore: TrashStore {
    async fn dashboard(&self, id: &str) -> Result<Option<DashboardRecord>, StoreError>;

    /// Every dashboard, in the trash or not, in id order.
    async fn dashboards(&self) -> Result<Vec<DashboardRecord>, StoreError>;

    /// Creates the dashboard with the next version of its id (1 unless an earlier dashboard of
    /// that id left versions behind), described by `change`; `None` when the id is taken, else
    /// that version's number. The record's `version` and `favorites` are not read.
    async fn create_dashboard(
        &self,
        dashboard: &DashboardRecord,
        change: &str,
    ) -> Result<Option<u32>, StoreError>;

    /// Saves a new document as the next version of a dashboard outside the trash, keeping at
    /// most [`MAX_VERSIONS`](crate::version_log::MAX_VERSIONS) versions; `None` when there is no
    /// such dashboard, else the new version's number.
    async fn save_dashboard(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError>;

    /// The versions kept of a dashboard id, newest first, even once the dashboard is gone.
    async fn dashboard_history(&self, id: &str) -> Result<DashboardHistory, StoreError>;

    /// Replaces a dashboard's ACL (no version; its versions take it too); `false` when there is
    /// no such dashboard.
    async fn set_dashboard_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError>;

    /// Marks or unmarks a dashboard outside the trash as one account's favorite (no version,
    /// idempotent); `false` when there is no such dashboard outside the trash.
    async fn set_dashboard_favorite(
        &self,
        id: &str,
        account: &str,
        favorite: bool,
    ) -> Result<bool, StoreError>;
}
