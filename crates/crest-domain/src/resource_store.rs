//! The stores of the API's objects beyond accounts and tokens, as one handle: sources, cloud
//! integrations and their trash, and events. Their writes never touch authentication, so they bypass the
//! authenticator's cache.

use crate::cloud_integration::CloudIntegrationStore;
use crate::event::EventStore;
use crate::source::SourceStore;

/// Every object store; implemented by whatever implements each of them.
pub trait ResourceStore: SourceStore + CloudIntegrationStore + EventStore {}

impl<T: SourceStore + CloudIntegrationStore + EventStore> ResourceStore for T {}
