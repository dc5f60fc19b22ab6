//! The store's side of events.

use async_trait::async_trait;

use crate::clock::EpochMillis;
use crate::event::query::EventQuery;
use crate::event::record::EventRecord;
use crate::store::StoreError;

#[async_trait]
pub trait EventStore: Send + Sync + std::fmt::Debug {
    async fn event(&self, id: &str) -> Result<Option<EventRecord>, StoreError>;

    /// Stores a new event (its `version` as given); `false` when one with its id exists (nothing
    /// changes).
    async fn create_event(&self, event: &EventRecord) -> Result<bool, StoreError>;

    /// Replaces the event whose id is `event.id` if it is still at `version`, and sets its version
    /// to `version + 1`; `false` when it is gone or has changed since (nothing changes).
    async fn replace_event(&self, event: &EventRecord, version: i64) -> Result<bool, StoreError>;

    /// Removes an event; `false` when there is none.
    async fn delete_event(&self, id: &str) -> Result<bool, StoreError>;

    /// At most `query.limit` events that meet the query, in its order.
    async fn events(&self, query: &EventQuery) -> Result<Vec<EventRecord>, StoreError>;

    /// How many user events have no end and started after `since` (the open events not yet
    /// closed by age).
    async fn count_open_user_events(&self, since: EpochMillis) -> Result<u64, StoreError>;

    /// Removes every event that ended at or before `cutoff` (an open event counts as ended at its
    /// start plus [`AUTO_CLOSE_MS`](crate::event::AUTO_CLOSE_MS)); returns how many.
    async fn purge_events(&self, cutoff: EpochMillis) -> Result<u64, StoreError>;
}
