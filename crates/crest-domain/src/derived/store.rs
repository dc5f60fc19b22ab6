//! The store's side of derived metrics. Their trash is the shared [`TrashStore`]; their versions
//! are kept as alerts' are ([`SavedVersion`]).

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::clock::EpochMillis;
use crate::derived::record::{DerivedRecord, DerivedRuntime};
use crate::store::StoreError;
use crate::trash::TrashStore;
use crate::version_log::SavedVersion;

#[async_trait]
pub trait DerivedMetricStore: TrashStore {
    async fn derived_metric(&self, id: &str) -> Result<Option<DerivedRecord>, StoreError>;

    /// Every derived metric, in the trash or not, in id order.
    async fn derived_metrics(&self) -> Result<Vec<DerivedRecord>, StoreError>;

    /// Creates the derived metric with its version 1 (described by `change`); `false` when the id
    /// is taken.
    async fn create_derived_metric(
        &self,
        record: &DerivedRecord,
        change: &str,
    ) -> Result<bool, StoreError>;

    /// Saves a new definition as the next version of a derived metric outside the trash, keeping
    /// at most [`MAX_VERSIONS`](crate::alert::MAX_VERSIONS) versions; `None` when there is no
    /// such derived metric, else the new version's number.
    async fn save_derived_metric(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError>;

    /// The versions kept of a derived metric, newest first.
    async fn derived_metric_history(&self, id: &str) -> Result<Vec<SavedVersion>, StoreError>;

    /// Records what the runner found (no version, no change of `updated`); `false` when there is
    /// no such derived metric.
    async fn record_derived_run(
        &self,
        id: &str,
        runtime: &DerivedRuntime,
    ) -> Result<bool, StoreError>;
}
