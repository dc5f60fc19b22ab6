//! The store's side of proxies. Their trash is the shared [`TrashStore`].

use async_trait::async_trait;

use crate::clock::EpochMillis;
use crate::proxy::record::ProxyRecord;
use crate::store::StoreError;
use crate::trash::TrashStore;

/// What a check-in sets on a proxy (creating it when it is new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInFields {
    pub id: String,
    pub proxyname: String,
    pub hostname: String,
    pub version: String,
    pub ephemeral: bool,
    pub user_id: String,
    pub now: EpochMillis,
    pub time_drift_ms: i64,
}

#[async_trait]
pub trait ProxyStore: TrashStore {
    async fn proxy(&self, id: &str) -> Result<Option<ProxyRecord>, StoreError>;

    /// Every proxy, in the trash or not, in id order.
    async fn proxies(&self) -> Result<Vec<ProxyRecord>, StoreError>;

    /// Creates the proxy or updates what a check-in reports of it (one statement); the name,
    /// the operator's flags, what it saved and its trash state stay as they are. Returns the
    /// proxy as it now is.
    async fn check_in_proxy(&self, fields: &CheckInFields) -> Result<ProxyRecord, StoreError>;

    /// Sets the operator's fields of a proxy outside the trash; `false` when there is none.
    async fn update_proxy(
        &self,
        id: &str,
        name: Option<&str>,
        shutdown: bool,
        truncate: bool,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError>;

    /// Clears the truncate flag (the proxy confirmed the configuration that carried it); `false`
    /// when there is no such proxy.
    async fn clear_proxy_truncate(&self, id: &str) -> Result<bool, StoreError>;

    /// Keeps the configuration the proxy reported; `false` when there is no such proxy.
    async fn save_proxy_config(&self, id: &str, config: &str) -> Result<bool, StoreError>;

    /// Keeps the preprocessor rules the proxy reported; `false` when there is no such proxy.
    async fn save_proxy_rules(&self, id: &str, rules: &str) -> Result<bool, StoreError>;

    /// Removes every ephemeral proxy whose last check-in is at or before `cutoff`, in the trash or
    /// not; returns how many.
    async fn forget_silent_ephemeral_proxies(&self, cutoff: EpochMillis)
    -> Result<u64, StoreError>;
}
