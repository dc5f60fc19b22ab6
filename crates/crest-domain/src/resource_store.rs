//! The stores of the API's objects beyond accounts and tokens, as one handle: sources, cloud
//! integrations, proxies and their trash, events, and alert targets. Their writes never touch authentication, so they bypass the
//! authenticator's cache.

use crate::cloud_integration::CloudIntegrationStore;
use crate::event::EventStore;
use crate::notificant::NotificantStore;
use crate::proxy::ProxyStore;
use crate::source::SourceStore;

/// Every object store; implemented by whatever implements each of them.
pub trait ResourceStore:
    SourceStore + CloudIntegrationStore + EventStore + ProxyStore + NotificantStore
{
}

impl<T: SourceStore + CloudIntegrationStore + EventStore + ProxyStore + NotificantStore>
    ResourceStore for T
{
}
