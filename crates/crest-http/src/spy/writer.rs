//! The engine's writer with the spy in front: while someone watches, each batch is sampled before
//! the engine takes it and shown once it is acknowledged; while no one does, batches pass straight
//! through.

use std::sync::Arc;

use crest_series::{AppendReport, Batch, SeriesError, SeriesWriter};

use crate::spy::SpyHub;

#[derive(Debug)]
pub struct SpyingWriter {
    inner: Arc<dyn SeriesWriter>,
    hub: Arc<SpyHub>,
}

impl SpyingWriter {
    pub fn new(inner: Arc<dyn SeriesWriter>, hub: Arc<SpyHub>) -> Self {
        Self { inner, hub }
    }
}

#[async_trait::async_trait]
impl SeriesWriter for SpyingWriter {
    async fn append(&self, batch: Batch) -> Result<AppendReport, SeriesError> {
        if !self.hub.is_watched() {
            return self.inner.append(batch).await;
        }
        let picked = self.hub.pick(&batch).await;
        let report = self.inner.append(batch).await?;
        self.hub.deliver(picked);
        Ok(report)
    }
}
