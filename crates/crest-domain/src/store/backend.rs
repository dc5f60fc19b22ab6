//! [`StoreBackend`]: which store this is, and whether it serves.

use async_trait::async_trait;

use crate::store::StoreError;

/// The store as a whole: its kind and its health.
#[async_trait]
pub trait StoreBackend: Send + Sync {
    /// Which backend this is (`sqlite`, `postgres`), for logs and diagnostics.
    fn backend(&self) -> &'static str;

    /// Succeeds when the store can serve requests.
    async fn ping(&self) -> Result<(), StoreError>;
}
