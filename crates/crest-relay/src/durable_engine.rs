//! [`DurableEngine`]: what the relay needs of the engine behind its log (VictoriaMetrics): the
//! three series traits, plus a check that says ahead whether an append would be refused, a way to
//! make appended points visible and durable, and an incarnation that changes when the engine
//! restarts (and so lost what it had not made durable).

use crest_series::{Batch, SeriesCatalog, SeriesError, SeriesReader, SeriesWriter};
use crest_victoria::VictoriaEngine;

/// The engine behind an ingest log.
#[async_trait::async_trait]
pub trait DurableEngine: SeriesWriter + SeriesReader + SeriesCatalog {
    /// `Err` when an append of `batch` would be refused for what it holds (never for the engine
    /// being away): such a batch is never logged, and a logged one is skipped.
    fn check(&self, batch: &Batch) -> Result<(), SeriesError>;

    /// Whether an append failed for what the batch holds (it will fail again, however often it
    /// is retried), rather than for the engine being away.
    fn refuses(&self, error: &SeriesError) -> bool;

    /// Makes every point appended so far visible to reads.
    async fn make_visible(&self) -> Result<(), SeriesError>;

    /// Makes every point appended before the call durable (it survives a crash of the engine).
    async fn make_durable(&self) -> Result<(), SeriesError>;

    /// A number that changes whenever the engine restarts.
    async fn incarnation(&self) -> Result<u64, SeriesError>;

    /// The log is about to hand out again everything after its last trim (the engine restarted):
    /// forget whatever the engine keeps about earlier appends that would make the replay differ
    /// from the first writes.
    async fn replaying(&self) {}
}

#[async_trait::async_trait]
impl DurableEngine for VictoriaEngine {
    fn check(&self, batch: &Batch) -> Result<(), SeriesError> {
        Ok(VictoriaEngine::check(self, batch)?)
    }

    fn refuses(&self, error: &SeriesError) -> bool {
        matches!(error, SeriesError::Refused { .. })
    }

    async fn make_visible(&self) -> Result<(), SeriesError> {
        Ok(self.flush().await?)
    }

    async fn make_durable(&self) -> Result<(), SeriesError> {
        Ok(VictoriaEngine::make_durable(self).await?)
    }

    async fn incarnation(&self) -> Result<u64, SeriesError> {
        Ok(VictoriaEngine::incarnation(self).await?)
    }

    async fn replaying(&self) {
        self.forget_numbering().await;
    }
}
