//! The three traits every engine implements, and what they take and answer.

use crate::batch::Batch;
use crate::bucketed::{Bucketed, Bucketing};
use crate::error::SeriesError;
use crate::filter::Filter;
use crate::histogram::{Distribution, Granularity};
use crate::key::SeriesKey;
use crate::point::{Sample, TimeRange};

/// What one read may touch: at most so many series and points (an engine answers
/// [`SeriesError::LimitExceeded`] beyond them), and, when `reported_since` is set, only the series
/// that reported lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    pub max_series: usize,
    pub max_points: usize,
    /// Only series whose newest point ever (not only within the read's range) is at or after this
    /// moment (epoch ms); the others are left out as if they did not match. This is how obsolete
    /// series are hidden: a series that stopped reporting long ago is not read, even over a range
    /// where it has points. `None`: every series, however old its newest point.
    pub reported_since: Option<i64>,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_series: 100_000,
            max_points: 50_000_000,
            reported_since: None,
        }
    }
}

impl ReadLimits {
    /// Whether a series whose newest point is at `newest` (ms) may be read.
    pub fn admits(&self, newest: i64) -> bool {
        self.reported_since.is_none_or(|since| newest >= since)
    }
}

/// What an acknowledged append did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppendReport {
    /// Samples and distributions made durable.
    pub points: usize,
    /// Series seen for the first time.
    pub new_series: usize,
}

/// One series' points over a range, one per second (see [`crate::per_second`]), in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesData {
    pub key: SeriesKey,
    pub samples: Vec<Sample>,
}

/// One histogram series' distributions over a range, one per bin (merged, or replaced where a
/// `_merge=false` distribution came later), in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramData {
    pub key: SeriesKey,
    pub granularity: Granularity,
    pub distributions: Vec<Distribution>,
}

/// A series the engine knows, with the time of its newest point.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesInfo {
    pub key: SeriesKey,
    /// The newest point's timestamp (epoch ms).
    pub last_timestamp: i64,
}

/// What an engine holds, for operators (`crest admin tsdb status`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineStatus {
    pub series: u64,
    pub histogram_series: u64,
    pub points: u64,
    pub blocks: u64,
    pub bytes_on_disk: u64,
    pub wal_bytes: u64,
    pub head_points: u64,
    pub oldest: Option<i64>,
    pub newest: Option<i64>,
}

/// Takes points. `append` returns `Ok` only once every point of the batch is durable: that is the
/// moment a client is acknowledged.
#[async_trait::async_trait]
pub trait SeriesWriter: Send + Sync + std::fmt::Debug {
    async fn append(&self, batch: Batch) -> Result<AppendReport, SeriesError>;
}

/// Reads points. Every engine selects exactly the series [`Filter::matches`] selects (less those
/// [`ReadLimits::reported_since`] leaves out), and answers each series' samples with
/// [`crate::per_second`] applied, in time order, series ordered by key.
#[async_trait::async_trait]
pub trait SeriesReader: Send + Sync + std::fmt::Debug {
    async fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<SeriesData>, SeriesError>;

    /// What [`Self::select`] answers, each series summarised into buckets as
    /// [`crate::Bucketer`] does (after [`crate::per_second`]), when [`Bucketing::summarises`] says
    /// so; otherwise `select`'s answer itself. The limits apply to the points read, as in
    /// `select`. This default reads through `select`; an engine answers it without
    /// materialising every point when it can.
    async fn select_bucketed(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
        bucketing: Bucketing,
    ) -> Result<Bucketed, SeriesError> {
        let plain = self.select(filter, range, limits).await?;
        Ok(bucketing.apply(plain))
    }

    async fn select_histograms(
        &self,
        filter: &Filter,
        granularity: Granularity,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<HistogramData>, SeriesError>;
}

/// Lists what exists, without reading points.
#[async_trait::async_trait]
pub trait SeriesCatalog: Send + Sync + std::fmt::Debug {
    /// The (non-histogram) series that match, ordered by key, at most `limit`.
    async fn series(&self, filter: &Filter, limit: usize) -> Result<Vec<SeriesInfo>, SeriesError>;

    /// Metric names starting with `prefix`, sorted, at most `limit`.
    async fn metrics(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SeriesError>;

    async fn status(&self) -> Result<EngineStatus, SeriesError>;
}
