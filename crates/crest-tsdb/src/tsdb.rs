//! `Tsdb`: the engine behind crest-series' async traits, each call run on a blocking thread (but
//! small reads of the head) with the time read from an injected clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crest_series::{
    AppendReport, Batch, Bucketed, Bucketing, EngineStatus, Filter, Granularity, HistogramData,
    ReadLimits, SeriesCatalog, SeriesData, SeriesError, SeriesInfo, SeriesReader, SeriesWriter,
    TimeRange,
};

use crate::engine::{Engine, MaintainReport};
use crate::error::TsdbError;
use crate::options::Options;

/// A read of at most this many candidate series and [`IN_MEMORY_MAX_POINTS`] points, all in the
/// head, is answered on the calling task ([`Engine::select_in_memory`]).
const IN_MEMORY_MAX_SERIES: u64 = 64;
/// See [`IN_MEMORY_MAX_SERIES`]: copying this many points takes a few microseconds.
const IN_MEMORY_MAX_POINTS: usize = 4096;

/// The current time in epoch milliseconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The engine shared by the async edge.
#[derive(Clone)]
pub struct Tsdb {
    engine: Arc<Engine>,
    clock: Clock,
    /// A maintenance asked for by appends is running.
    maintaining: Arc<AtomicBool>,
}

impl std::fmt::Debug for Tsdb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tsdb")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl Tsdb {
    /// Opens the engine (replaying its WAL) on the calling thread.
    pub fn open(options: Options, clock: Clock) -> Result<Tsdb, TsdbError> {
        let engine = Engine::open(options, clock())?;
        Ok(Self {
            engine: Arc::new(engine),
            clock,
            maintaining: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    async fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Engine, i64) -> Result<T, TsdbError> + Send + 'static,
    ) -> Result<T, SeriesError> {
        let engine = Arc::clone(&self.engine);
        let now = (self.clock)();
        tokio::task::spawn_blocking(move || call(&engine, now))
            .await
            .map_err(|e| SeriesError::unavailable_because("the engine's worker thread failed", e))?
            .map_err(SeriesError::from)
    }

    /// Cuts the head if due, compacts, applies retention.
    pub async fn maintain(&self) -> Result<MaintainReport, SeriesError> {
        self.run(|e, now| e.maintain(now)).await
    }

    /// Starts a maintenance in the background when the head holds more points than a cut allows
    /// and none is running, so that a fast writer cannot grow the head for a whole maintenance
    /// period (and reads do not meet that cut later, in the middle of a burst of queries).
    fn maintain_if_over_limit(&self) {
        if !self.engine.head_over_limit()
            || self
                .maintaining
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return;
        }
        let engine = Arc::clone(&self.engine);
        let maintaining = Arc::clone(&self.maintaining);
        let now = (self.clock)();
        tokio::task::spawn_blocking(move || {
            match engine.maintain(now) {
                Ok(report) => tracing::debug!(?report, "head over its limit: maintained"),
                Err(e) => tracing::warn!(error = %e, "maintenance after appends failed"),
            }
            maintaining.store(false, Ordering::Release);
        });
    }

    /// Cuts the head into blocks; later appends fail.
    pub async fn close(&self) -> Result<(), SeriesError> {
        self.run(|e, now| e.shutdown(now)).await
    }
}

#[async_trait::async_trait]
impl SeriesWriter for Tsdb {
    async fn append(&self, batch: Batch) -> Result<AppendReport, SeriesError> {
        let report = self.run(move |e, now| e.append(&batch, now)).await?;
        self.maintain_if_over_limit();
        Ok(report)
    }
}

#[async_trait::async_trait]
impl SeriesReader for Tsdb {
    async fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<SeriesData>, SeriesError> {
        // A chart's few series, all in the head: answered here, without the hop to a blocking
        // thread that costs more than the read (nothing waits: a busy lock or a block file
        // sends the read to that thread).
        let now = (self.clock)();
        if let Some(answer) = self.engine.select_in_memory(
            filter,
            range,
            &limits,
            now,
            IN_MEMORY_MAX_SERIES,
            IN_MEMORY_MAX_POINTS,
        ) {
            return answer.map_err(SeriesError::from);
        }
        let filter = filter.clone();
        self.run(move |e, now| e.select(&filter, range, limits, now))
            .await
    }

    async fn select_bucketed(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
        bucketing: Bucketing,
    ) -> Result<Bucketed, SeriesError> {
        // As few series as the read from memory takes cannot be summarised: `select`'s answer,
        // from memory when it can.
        let now = (self.clock)();
        if usize::try_from(IN_MEMORY_MAX_SERIES).is_ok_and(|n| n <= bucketing.summarise_above)
            && let Some(answer) = self.engine.select_in_memory(
                filter,
                range,
                &limits,
                now,
                IN_MEMORY_MAX_SERIES,
                IN_MEMORY_MAX_POINTS,
            )
        {
            return answer.map(Bucketed::Plain).map_err(SeriesError::from);
        }
        let filter = filter.clone();
        self.run(move |e, now| e.select_bucketed(&filter, range, limits, &bucketing, now))
            .await
    }

    async fn select_histograms(
        &self,
        filter: &Filter,
        granularity: Granularity,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<HistogramData>, SeriesError> {
        let filter = filter.clone();
        self.run(move |e, now| e.select_histograms(&filter, granularity, range, limits, now))
            .await
    }
}

#[async_trait::async_trait]
impl SeriesCatalog for Tsdb {
    async fn series(&self, filter: &Filter, limit: usize) -> Result<Vec<SeriesInfo>, SeriesError> {
        let filter = filter.clone();
        self.run(move |e, now| e.series(&filter, limit, now)).await
    }

    async fn metrics(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SeriesError> {
        let prefix = prefix.to_owned();
        self.run(move |e, _| e.metrics(&prefix, limit)).await
    }

    async fn status(&self) -> Result<EngineStatus, SeriesError> {
        self.run(|e, _| e.status()).await
    }
}
