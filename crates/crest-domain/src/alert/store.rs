//! The store's side of alerts. Their trash is the shared [`TrashStore`].

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::alert::record::{Acl, AlertRecord, AlertVersion};
use crate::alert::runtime::AlertRuntime;
use crate::clock::EpochMillis;
use crate::store::StoreError;
use crate::trash::TrashStore;

#[async_trait]
pub trait AlertStore: TrashStore {
    async fn alert(&self, id: &str) -> Result<Option<AlertRecord>, StoreError>;

    /// Every alert, in the trash or not, in id order.
    async fn alerts(&self) -> Result<Vec<AlertRecord>, StoreError>;

    /// Creates the alert with its version 1 (described by `change`); `false` when the id is taken.
    async fn create_alert(&self, alert: &AlertRecord, change: &str) -> Result<bool, StoreError>;

    /// Saves a new document as the next version of an alert outside the trash, keeping at most
    /// [`MAX_VERSIONS`](crate::alert::MAX_VERSIONS) versions; `None` when there is no such alert,
    /// else the new version's number.
    async fn save_alert(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError>;

    /// The versions kept of an alert, newest first.
    async fn alert_history(&self, id: &str) -> Result<Vec<AlertVersion>, StoreError>;

    /// Replaces an alert's ACL (no version); `false` when there is no such alert.
    async fn set_alert_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError>;

    /// Sets or clears an alert's snooze (no version); `false` when there is no such alert.
    async fn set_alert_snooze(
        &self,
        id: &str,
        snoozed: Option<EpochMillis>,
    ) -> Result<bool, StoreError>;

    /// Records what the evaluator found (no version, no change of `updated`); `false` when there
    /// is no such alert.
    async fn record_evaluation(&self, id: &str, runtime: &AlertRuntime)
    -> Result<bool, StoreError>;

    /// Every alert outside the trash, document and runtime, in id order: the evaluator's input.
    async fn list_alerts_for_evaluation(&self) -> Result<Vec<AlertRecord>, StoreError>;
}
