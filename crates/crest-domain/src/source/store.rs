//! The store's side of sources.

use async_trait::async_trait;

use crate::clock::EpochMillis;
use crate::source::query::{SourcePage, SourceQuery};
use crate::source::record::{SourceChange, SourceRecord};
use crate::store::StoreError;

#[async_trait]
pub trait SourceStore: Send + Sync + std::fmt::Debug {
    async fn source(&self, id: &str) -> Result<Option<SourceRecord>, StoreError>;

    /// Stores a new source with its tags; `false` when one with that id exists (nothing changes).
    async fn create_source(&self, source: &SourceRecord) -> Result<bool, StoreError>;

    /// Applies the change atomically and returns the source as it is now; `None` when there is no
    /// such source.
    async fn update_source(
        &self,
        id: &str,
        change: &SourceChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<Option<SourceRecord>, StoreError>;

    /// Removes the source and its metadata, returning what it was.
    async fn delete_source(&self, id: &str) -> Result<Option<SourceRecord>, StoreError>;

    /// One page of the sources that meet the query's conditions.
    async fn search_sources(&self, query: &SourceQuery) -> Result<SourcePage, StoreError>;
}
