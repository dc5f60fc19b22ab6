//! The stores of the API's objects beyond accounts and tokens, as one handle: sources, cloud
//! integrations, proxies, alerts, dashboards, derived metrics and their trash, maintenance
//! windows, events, and alert targets.
//! Their writes never touch authentication, so they bypass the authenticator's cache.

use crate::alert::AlertStore;
use crate::cloud_integration::CloudIntegrationStore;
use crate::dashboard::DashboardStore;
use crate::derived::DerivedMetricStore;
use crate::event::EventStore;
use crate::maintenance::MaintenanceWindowStore;
use crate::notificant::NotificantStore;
use crate::proxy::ProxyStore;
use crate::source::SourceStore;

/// Every object store; implemented by whatever implements each of them.
pub trait ResourceStore:
    SourceStore
    + CloudIntegrationStore
    + EventStore
    + ProxyStore
    + AlertStore
    + DashboardStore
    + DerivedMetricStore
    + MaintenanceWindowStore
    + NotificantStore
{
}

impl<T> ResourceStore for T where
    T: SourceStore
        + CloudIntegrationStore
        + EventStore
        + ProxyStore
        + AlertStore
        + DashboardStore
        + DerivedMetricStore
        + MaintenanceWindowStore
        + NotificantStore
{
}
