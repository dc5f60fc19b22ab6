//! [`DurableEngine`]: what the relay needs of the engine behind its log (VictoriaMetrics): the
//! three series traits, plus a check that says ahead whether an append would be refused, a way to
//! make appended points visible and durable, and an incarnation that changes when the engine
//! restarts (and so lost what it had not made durable).

use crest_series::{AppendReport, Batch, SeriesCatalog, SeriesError, SeriesReader, SeriesWriter};
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

    /// Appends the batches of several log entries as one append, in order (so an engine numbers
    /// their points as it would have numbered them appended one by one). By default, merged into
    /// one batch; an engine that can read them where they are saves the copy.
    async fn append_all(&self, batches: &[&Batch]) -> Result<AppendReport, SeriesError> {
        self.append(merge(batches)).await
    }

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

/// One batch of `batches`' series and distributions, in order.
pub fn merge(batches: &[&Batch]) -> Batch {
    if let [one] = batches {
        return (*one).clone();
    }
    let mut merged = Batch::default();
    for batch in batches {
        for series in batch.series() {
            merged.push_canonical(series.canonical, series.samples);
        }
        merged.histograms.extend(batch.histograms.iter().cloned());
    }
    merged
}

#[async_trait::async_trait]
impl DurableEngine for VictoriaEngine {
    async fn append_all(&self, batches: &[&Batch]) -> Result<AppendReport, SeriesError> {
        Ok(self.write(batches).await?)
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{Entry, Position};
    use crest_series::{Centroid, Distribution, Granularity, HistogramPoint, Sample, SeriesKey};

    fn entry(position: u64, metric: &str, t: i64) -> Entry {
        let mut batch = Batch::from_series([(
            SeriesKey::new(metric, "h"),
            vec![Sample {
                timestamp: t,
                value: 1.0,
            }],
        )]);
        batch.histograms.push(HistogramPoint {
            key: SeriesKey::new(metric, "h"),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp: t,
                centroids: vec![Centroid {
                    mean: 2.0,
                    count: 3,
                }],
            },
            merge: position.is_multiple_of(2),
        });
        Entry {
            position: Position(position),
            batch,
        }
    }

    #[test]
    fn merging_keeps_every_series_and_distribution_in_log_order() {
        let entries = [entry(1, "a", 10), entry(2, "a", 10), entry(3, "b", 20)];
        let batches: Vec<&Batch> = entries.iter().map(|e| &e.batch).collect();
        let merged = merge(&batches);
        let series: Vec<(Vec<u8>, Vec<Sample>)> = merged
            .series()
            .map(|s| (s.canonical.to_vec(), s.samples.to_vec()))
            .collect();
        let want: Vec<(Vec<u8>, Vec<Sample>)> = entries
            .iter()
            .flat_map(|e| {
                e.batch
                    .series()
                    .map(|s| (s.canonical.to_vec(), s.samples.to_vec()))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(series, want);
        let histograms: Vec<HistogramPoint> = entries
            .iter()
            .flat_map(|e| e.batch.histograms.clone())
            .collect();
        assert_eq!(merged.histograms, histograms);
        assert_eq!(merge(&batches[..1]), entries[0].batch);
    }
}
