//! [`AuditLog`]: the audit trail, append-only.

use async_trait::async_trait;

use crate::audit::{AuditEvent, AuditRecord};
use crate::store::StoreError;

/// The audit trail; authentication never reads it.
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an event to the audit trail.
    async fn record_audit(&self, event: &AuditEvent) -> Result<(), StoreError>;

    /// Corrects the target and outcome of event `id`, which a change's transaction committed
    /// before its request ended (see [`crate::audit::PendingAudit::finish`]).
    async fn correct_audit(&self, id: i64, target: &str, outcome: u16) -> Result<(), StoreError>;

    /// The newest events first, a page at a time, and how many there are.
    async fn audit_events(
        &self,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<AuditRecord>, u64), StoreError>;
}
