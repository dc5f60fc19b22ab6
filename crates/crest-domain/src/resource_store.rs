//! The stores of the API's objects beyond accounts and tokens, as one handle: sources, cloud
//! integrations, proxies and their trash, and events. Their writes never touch authentication, so they bypass the
//! authenticator's cache.

use crate::cloud_integration::CloudIntegrationStore;
use crate::event::EventStore;
use crate::proxy::ProxyStore;
use crate::source::SourceStore;

/// Every object store; implemented by whatever implements each of them.
pub trait ResourceStore: SourceStore + CloudIntegrationStore + EventStore + ProxyStore {}

impl<T: SourceStore + CloudIntegrationStore + EventStore + ProxyStore> ResourceStore for T {}
