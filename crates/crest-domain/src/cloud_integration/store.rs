//! The store's side of cloud integrations and AWS external ids.

use async_trait::async_trait;

use crate::clock::EpochMillis;
use crate::store::StoreError;
use crate::trash::TrashStore;

/// A cloud integration as stored. `settings` is the client-owned JSON (secrets included), the rest
/// is the server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudIntegrationRecord {
    pub id: String,
    pub name: String,
    /// The service's enum value (`CLOUDWATCH`).
    pub service: String,
    pub settings: String,
    pub disabled: bool,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
    /// When it went to the trash, if it is there.
    pub trashed_ms: Option<EpochMillis>,
}

/// New settings for an integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudIntegrationChange {
    pub name: String,
    pub service: String,
    pub settings: String,
}

#[async_trait]
pub trait CloudIntegrationStore: TrashStore {
    /// Every integration, in the trash or not, oldest first.
    async fn cloud_integrations(&self) -> Result<Vec<CloudIntegrationRecord>, StoreError>;

    async fn cloud_integration(
        &self,
        id: &str,
    ) -> Result<Option<CloudIntegrationRecord>, StoreError>;

    async fn create_cloud_integration(
        &self,
        record: &CloudIntegrationRecord,
    ) -> Result<(), StoreError>;

    /// Replaces the settings of an integration that is not in the trash; `false` when there is
    /// none.
    async fn update_cloud_integration(
        &self,
        id: &str,
        change: &CloudIntegrationChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError>;

    /// Enables or disables an integration that is not in the trash; `false` when there is none.
    async fn set_cloud_integration_disabled(
        &self,
        id: &str,
        disabled: bool,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError>;

    async fn create_aws_external_id(
        &self,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<(), StoreError>;

    async fn aws_external_id_exists(&self, id: &str) -> Result<bool, StoreError>;

    /// `false` when there is no such external id.
    async fn delete_aws_external_id(&self, id: &str) -> Result<bool, StoreError>;
}
