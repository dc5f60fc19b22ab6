//! The interface every ingest log implements: a file log for one instance, NATS JetStream for
//! several.

use std::time::Duration;

use crest_series::Batch;

use crate::error::LogError;

/// Where an entry sits in the log. Positions only grow; the first entry of a log is at 1, so
/// `Position(0)` means "nothing".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position(pub u64);

/// One appended batch, as a shipper receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub position: Position,
    pub batch: Batch,
}

/// A durable, ordered log of appended batches, shared by every crest instance of a deployment
/// (JetStream) or kept by the one instance (a file log).
///
/// The life of an entry: `append` (durable, the client may be acknowledged) → handed to one
/// shipper by `next` → written to the engine → `shipped` → trimmed by `trim_through` once a
/// durability barrier of the engine covers it. Until trimmed, an entry can be handed out again
/// (after `rewind`, after a crash of the instance that shipped it): shipping must be harmless to
/// repeat.
#[async_trait::async_trait]
pub trait IngestLog: Send + Sync + std::fmt::Debug {
    /// Appends one batch. `Ok` only once the batch is durable (fsynced, or stored by JetStream's
    /// replicas): that is the moment a client is acknowledged.
    async fn append(&self, batch: &Batch) -> Result<Position, LogError>;

    /// The newest position appended so far, by any instance: what a read must wait to see shipped.
    async fn last_position(&self) -> Result<Position, LogError>;

    /// Up to `max` entries not yet handed to a shipper, oldest first; waits up to `wait` for the
    /// first and answers an empty list when none came.
    async fn next(&self, max: usize, wait: Duration) -> Result<Vec<Entry>, LogError>;

    /// These entries (handed out by `next` on this instance) are in the engine.
    async fn shipped(&self, positions: &[Position]) -> Result<(), LogError>;

    /// Every entry at or before this position is in the engine (the low-water mark of `shipped`).
    async fn shipped_through(&self) -> Result<Position, LogError>;

    /// Forgets the entries at or before `position`. Called only with a position a durability
    /// barrier of the engine covers.
    async fn trim_through(&self, position: Position) -> Result<(), LogError>;

    /// Hands out again every entry after the last trim (the engine lost what it had not made
    /// durable: it restarted).
    async fn rewind(&self) -> Result<(), LogError>;
}
