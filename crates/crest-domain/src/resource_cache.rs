//! [`CachedResources`]: the resource stores with the list of cloud integrations kept in memory
//! for at most [`LIST_CACHE_TTL_MS`]. Every write through this handle empties it, so a change
//! shows in this process's next read; a change made by another process (instances sharing a
//! PostgreSQL database) shows within the TTL, as for verified tokens.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use serde_json::{Map, Value};

use crate::alert::{Acl, AlertRecord, AlertRuntime, AlertStore, AlertVersion};
use crate::clock::{Clock, EpochMillis};
use crate::cloud_integration::{
    CloudIntegrationChange, CloudIntegrationRecord, CloudIntegrationStore,
};
use crate::dashboard::{DashboardHistory, DashboardRecord, DashboardStore};
use crate::derived::{DerivedMetricStore, DerivedRecord, DerivedRuntime};
use crate::event::{EventQuery, EventRecord, EventStore};
use crate::maintenance::{MaintenanceWindowRecord, MaintenanceWindowStore};
use crate::notificant::{NotificantRecord, NotificantStore};
use crate::proxy::{CheckInFields, ProxyRecord, ProxyStore};
use crate::resource_store::ResourceStore;
use crate::source::{SourceChange, SourcePage, SourceQuery, SourceRecord, SourceStore};
use crate::store::StoreError;
use crate::trash::{TrashKind, TrashStore};

/// How long another process's change may go unseen.
pub const LIST_CACHE_TTL_MS: EpochMillis = 1_000;

#[derive(Debug, Default)]
struct Cached {
    /// Bumped by every write, so that a read that started before a write never stores what it
    /// read after the write emptied the cache.
    generation: u64,
    integrations: Option<(EpochMillis, Arc<Vec<CloudIntegrationRecord>>)>,
}

/// The resource stores, with the integrations' list cached.
#[derive(Debug)]
pub struct CachedResources {
    inner: Arc<dyn ResourceStore>,
    clock: Arc<dyn Clock>,
    cached: Mutex<Cached>,
}

impl CachedResources {
    pub fn new(inner: Arc<dyn ResourceStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            clock,
            cached: Mutex::new(Cached::default()),
        }
    }

    fn forget(&self) {
        if let Ok(mut c) = self.cached.lock() {
            c.generation = c.generation.wrapping_add(1);
            c.integrations = None;
        }
    }

    /// Runs a write and empties the cache, before and after: a read racing the write cannot
    /// keep what it read before the write landed.
    async fn write<T>(
        &self,
        op: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        self.forget();
        let out = op.await;
        self.forget();
        out
    }
}

#[async_trait]
impl CloudIntegrationStore for CachedResources {
    async fn cloud_integrations(&self) -> Result<Vec<CloudIntegrationRecord>, StoreError> {
        let now = self.clock.now_millis();
        let generation = {
            let c = self
                .cached
                .lock()
                .map_err(|_| StoreError::other("the list cache is poisoned"))?;
            if let Some((at, list)) = &c.integrations
                && now.saturating_sub(*at) < LIST_CACHE_TTL_MS
                && now >= *at
            {
                return Ok(list.as_ref().clone());
            }
            c.generation
        };
        let list = self.inner.cloud_integrations().await?;
        if let Ok(mut c) = self.cached.lock()
            && c.generation == generation
        {
            c.integrations = Some((now, Arc::new(list.clone())));
        }
        Ok(list)
    }

    async fn cloud_integration(
        &self,
        id: &str,
    ) -> Result<Option<CloudIntegrationRecord>, StoreError> {
        self.inner.cloud_integration(id).await
    }

    async fn create_cloud_integration(
        &self,
        record: &CloudIntegrationRecord,
    ) -> Result<(), StoreError> {
        self.write(self.inner.create_cloud_integration(record))
            .await
    }

    async fn update_cloud_integration(
        &self,
        id: &str,
        change: &CloudIntegrationChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        self.write(self.inner.update_cloud_integration(id, change, now, by))
            .await
    }

    async fn set_cloud_integration_disabled(
        &self,
        id: &str,
        disabled: bool,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        self.write(
            self.inner
                .set_cloud_integration_disabled(id, disabled, now, by),
        )
        .await
    }

    async fn create_aws_external_id(
        &self,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<(), StoreError> {
        self.inner.create_aws_external_id(id, now, by).await
    }

    async fn aws_external_id_exists(&self, id: &str) -> Result<bool, StoreError> {
        self.inner.aws_external_id_exists(id).await
    }

    async fn delete_aws_external_id(&self, id: &str) -> Result<bool, StoreError> {
        self.inner.delete_aws_external_id(id).await
    }
}

#[async_trait]
impl TrashStore for CachedResources {
    async fn move_to_trash(
        &self,
        kind: TrashKind,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        self.write(self.inner.move_to_trash(kind, id, now, by))
            .await
    }

    async fn restore(
        &self,
        kind: TrashKind,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        self.write(self.inner.restore(kind, id, now, by)).await
    }

    async fn remove_for_good(&self, kind: TrashKind, id: &str) -> Result<bool, StoreError> {
        self.write(self.inner.remove_for_good(kind, id)).await
    }

    async fn purge_expired(&self, cutoff: EpochMillis) -> Result<u64, StoreError> {
        self.write(self.inner.purge_expired(cutoff)).await
    }
}

/// Sources are read a page at a time from the store, never cached.
#[async_trait]
impl SourceStore for CachedResources {
    async fn source(&self, id: &str) -> Result<Option<SourceRecord>, StoreError> {
        self.inner.source(id).await
    }

    async fn create_source(&self, source: &SourceRecord) -> Result<bool, StoreError> {
        self.inner.create_source(source).await
    }

    async fn update_source(
        &self,
        id: &str,
        change: &SourceChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<Option<SourceRecord>, StoreError> {
        self.inner.update_source(id, change, now, by).await
    }

    async fn delete_source(&self, id: &str) -> Result<Option<SourceRecord>, StoreError> {
        self.inner.delete_source(id).await
    }

    async fn search_sources(&self, query: &SourceQuery) -> Result<SourcePage, StoreError> {
        self.inner.search_sources(query).await
    }
}

/// Events pass through: nothing about them is cached.
#[async_trait]
impl EventStore for CachedResources {
    async fn event(&self, id: &str) -> Result<Option<EventRecord>, StoreError> {
        self.inner.event(id).await
    }

    async fn create_event(&self, event: &EventRecord) -> Result<bool, StoreError> {
        self.inner.create_event(event).await
    }

    async fn replace_event(&self, event: &EventRecord, version: i64) -> Result<bool, StoreError> {
        self.inner.replace_event(event, version).await
    }

    async fn delete_event(&self, id: &str) -> Result<bool, StoreError> {
        self.inner.delete_event(id).await
    }

    async fn events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError> {
        self.inner.events(query).await
    }

    async fn count_open_user_events(&self, since: EpochMillis) -> Result<u64, StoreError> {
        self.inner.count_open_user_events(since).await
    }

    async fn purge_events(&self, cutoff: EpochMillis) -> Result<u64, StoreError> {
        self.inner.purge_events(cutoff).await
    }
}

/// Proxies pass through: nothing about them is cached.
#[async_trait]
impl ProxyStore for CachedResources {
    async fn proxy(&self, id: &str) -> Result<Option<ProxyRecord>, StoreError> {
        self.inner.proxy(id).await
    }

    async fn proxies(&self) -> Result<Vec<ProxyRecord>, StoreError> {
        self.inner.proxies().await
    }

    async fn check_in_proxy(&self, fields: &CheckInFields) -> Result<ProxyRecord, StoreError> {
        self.inner.check_in_proxy(fields).await
    }

    async fn update_proxy(
        &self,
        id: &str,
        name: Option<&str>,
        shutdown: bool,
        truncate: bool,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        self.inner
            .update_proxy(id, name, shutdown, truncate, now, by)
            .await
    }

    async fn clear_proxy_truncate(&self, id: &str) -> Result<bool, StoreError> {
        self.inner.clear_proxy_truncate(id).await
    }

    async fn save_proxy_config(&self, id: &str, config: &str) -> Result<bool, StoreError> {
        self.inner.save_proxy_config(id, config).await
    }

    async fn save_proxy_rules(&self, id: &str, rules: &str) -> Result<bool, StoreError> {
        self.inner.save_proxy_rules(id, rules).await
    }

    async fn forget_silent_ephemeral_proxies(
        &self,
        cutoff: EpochMillis,
    ) -> Result<u64, StoreError> {
        self.inner.forget_silent_ephemeral_proxies(cutoff).await
    }
}

#[async_trait]
impl DerivedMetricStore for CachedResources {
    async fn derived_metric(&self, id: &str) -> Result<Option<DerivedRecord>, StoreError> {
        self.inner.derived_metric(id).await
    }

    async fn derived_metrics(&self) -> Result<Vec<DerivedRecord>, StoreError> {
        self.inner.derived_metrics().await
    }

    async fn create_derived_metric(
        &self,
        record: &DerivedRecord,
        change: &str,
    ) -> Result<bool, StoreError> {
        self.inner.create_derived_metric(record, change).await
    }

    async fn save_derived_metric(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        self.inner
            .save_derived_metric(id, document, now, by, change)
            .await
    }

    async fn derived_metric_history(
        &self,
        id: &str,
    ) -> Result<Vec<crate::version_log::SavedVersion>, StoreError> {
        self.inner.derived_metric_history(id).await
    }

    async fn record_derived_run(
        &self,
        id: &str,
        runtime: &DerivedRuntime,
    ) -> Result<bool, StoreError> {
        self.inner.record_derived_run(id, runtime).await
    }
}

#[async_trait]
impl AlertStore for CachedResources {
    async fn alert(&self, id: &str) -> Result<Option<AlertRecord>, StoreError> {
        self.inner.alert(id).await
    }

    async fn alerts(&self) -> Result<Vec<AlertRecord>, StoreError> {
        self.inner.alerts().await
    }

    async fn create_alert(&self, alert: &AlertRecord, change: &str) -> Result<bool, StoreError> {
        self.inner.create_alert(alert, change).await
    }

    async fn save_alert(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        self.inner.save_alert(id, document, now, by, change).await
    }

    async fn alert_history(&self, id: &str) -> Result<Vec<AlertVersion>, StoreError> {
        self.inner.alert_history(id).await
    }

    async fn set_alert_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError> {
        self.inner.set_alert_acl(id, acl).await
    }

    async fn set_alert_snooze(
        &self,
        id: &str,
        snoozed: Option<EpochMillis>,
    ) -> Result<bool, StoreError> {
        self.inner.set_alert_snooze(id, snoozed).await
    }

    async fn record_evaluation(
        &self,
        id: &str,
        runtime: &AlertRuntime,
    ) -> Result<bool, StoreError> {
        self.inner.record_evaluation(id, runtime).await
    }

    async fn list_alerts_for_evaluation(&self) -> Result<Vec<AlertRecord>, StoreError> {
        self.inner.list_alerts_for_evaluation().await
    }
}

#[async_trait]
impl DashboardStore for CachedResources {
    async fn dashboard(&self, id: &str) -> Result<Option<DashboardRecord>, StoreError> {
        self.inner.dashboard(id).await
    }

    async fn dashboards(&self) -> Result<Vec<DashboardRecord>, StoreError> {
        self.inner.dashboards().await
    }

    async fn create_dashboard(
        &self,
        dashboard: &DashboardRecord,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        self.inner.create_dashboard(dashboard, change).await
    }

    async fn save_dashboard(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        self.inner
            .save_dashboard(id, document, now, by, change)
            .await
    }

    async fn dashboard_history(&self, id: &str) -> Result<DashboardHistory, StoreError> {
        self.inner.dashboard_history(id).await
    }

    async fn set_dashboard_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError> {
        self.inner.set_dashboard_acl(id, acl).await
    }

    async fn set_dashboard_favorite(
        &self,
        id: &str,
        account: &str,
        favorite: bool,
    ) -> Result<bool, StoreError> {
        self.inner
            .set_dashboard_favorite(id, account, favorite)
            .await
    }
}

#[async_trait]
impl MaintenanceWindowStore for CachedResources {
    async fn maintenance_window(
        &self,
        id: &str,
    ) -> Result<Option<MaintenanceWindowRecord>, StoreError> {
        self.inner.maintenance_window(id).await
    }

    async fn maintenance_windows(&self) -> Result<Vec<MaintenanceWindowRecord>, StoreError> {
        self.inner.maintenance_windows().await
    }

    async fn create_maintenance_window(
        &self,
        window: &MaintenanceWindowRecord,
    ) -> Result<bool, StoreError> {
        self.inner.create_maintenance_window(window).await
    }

    async fn update_maintenance_window(
        &self,
        window: &MaintenanceWindowRecord,
    ) -> Result<bool, StoreError> {
        self.inner.update_maintenance_window(window).await
    }

    async fn delete_maintenance_window(&self, id: &str) -> Result<bool, StoreError> {
        self.inner.delete_maintenance_window(id).await
    }
}

/// Alert targets pass through: nothing about them is cached.
#[async_trait]
impl NotificantStore for CachedResources {
    async fn notificant(&self, id: &str) -> Result<Option<NotificantRecord>, StoreError> {
        self.inner.notificant(id).await
    }

    async fn notificants(&self) -> Result<Vec<NotificantRecord>, StoreError> {
        self.inner.notificants().await
    }

    async fn create_notificant(&self, record: &NotificantRecord) -> Result<bool, StoreError> {
        self.inner.create_notificant(record).await
    }

    async fn update_notificant(&self, record: &NotificantRecord) -> Result<bool, StoreError> {
        self.inner.update_notificant(record).await
    }

    async fn delete_notificant(&self, id: &str) -> Result<bool, StoreError> {
        self.inner.delete_notificant(id).await
    }
}
