//! [`FakeEngine`]: an in-memory engine with VictoriaMetrics' durability, for tests: appends are
//! visible at once and durable only after [`DurableEngine::make_durable`]; [`FakeEngine::crash`]
//! forgets everything not yet durable and changes the incarnation. It refuses points whose value
//! is NaN (as an engine refuses what it cannot keep), and can be made unreachable, or made to
//! hang in its appends.
//!
//! Compiled with the `suite` feature only, for tests.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crest_series::{
    AppendReport, Batch, EngineStatus, Filter, Granularity, HistogramData, ReadLimits, Sample,
    SeriesCatalog, SeriesData, SeriesError, SeriesInfo, SeriesKey, SeriesReader, SeriesWriter,
    TimeRange, per_second,
};

use crate::durable_engine::DurableEngine;
use crate::lock::lock;

/// One stored sample: series canonical key, timestamp, value bits.
pub type Point = (Vec<u8>, i64, u64);

#[derive(Debug, Default)]
struct Stored {
    durable: BTreeSet<Point>,
    volatile: BTreeSet<Point>,
}

/// See the module's documentation.
#[derive(Debug, Default)]
pub struct FakeEngine {
    stored: Mutex<Stored>,
    incarnation: AtomicU64,
    down: AtomicBool,
    hung: AtomicBool,
    abandoned: Arc<AtomicU64>,
    appends: AtomicU64,
    replays: AtomicU64,
}

const REFUSED: &str = "the fake engine refuses NaN";

impl FakeEngine {
    /// Forgets what was not made durable; a new incarnation.
    pub fn crash(&self) {
        lock(&self.stored).volatile.clear();
        self.incarnation.fetch_add(1, Ordering::SeqCst);
    }

    /// While down, every call fails as an unreachable engine's would.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// While hung, an append never ends (a connection that stopped answering) until its caller
    /// drops it.
    pub fn set_hung(&self, hung: bool) {
        self.hung.store(hung, Ordering::SeqCst);
    }

    /// Appends begun while hung and dropped by their callers unfinished.
    pub fn abandoned(&self) -> u64 {
        self.abandoned.load(Ordering::SeqCst)
    }

    /// Every sample held (durable or not), as (canonical key, timestamp, value bits).
    pub fn points(&self) -> BTreeSet<Point> {
        let st = lock(&self.stored);
        st.durable.union(&st.volatile).cloned().collect()
    }

    /// Appends that succeeded.
    pub fn appends(&self) -> u64 {
        self.appends.load(Ordering::SeqCst)
    }

    /// Times the relay said a replay follows.
    pub fn replays(&self) -> u64 {
        self.replays.load(Ordering::SeqCst)
    }

    fn up(&self) -> Result<(), SeriesError> {
        if self.down.load(Ordering::SeqCst) {
            Err(SeriesError::unavailable("the fake engine is down"))
        } else {
            Ok(())
        }
    }

    fn by_key(&self) -> BTreeMap<SeriesKey, Vec<Sample>> {
        let mut out: BTreeMap<SeriesKey, Vec<Sample>> = BTreeMap::new();
        for (canonical, timestamp, bits) in self.points() {
            if let Some(key) = SeriesKey::from_canonical(&canonical) {
                out.entry(key).or_default().push(Sample {
                    timestamp,
                    value: f64::from_bits(bits),
                });
            }
        }
        out
    }
}

/// Counts a hung append when it is dropped.
struct Abandoned(Arc<AtomicU64>);

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl SeriesWriter for FakeEngine {
    async fn append(&self, batch: Batch) -> Result<AppendReport, SeriesError> {
        self.up()?;
        if self.hung.load(Ordering::SeqCst) {
            let _counted = Abandoned(self.abandoned.clone());
            std::future::pending::<()>().await;
        }
        self.check(&batch)?;
        let mut st = lock(&self.stored);
        for series in batch.series() {
            for s in series.samples {
                st.volatile
                    .insert((series.canonical.to_vec(), s.timestamp, s.value.to_bits()));
            }
        }
        self.appends.fetch_add(1, Ordering::SeqCst);
        Ok(AppendReport {
            points: batch.points(),
            new_series: 0,
        })
    }
}

#[async_trait::async_trait]
impl SeriesReader for FakeEngine {
    async fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        _limits: ReadLimits,
    ) -> Result<Vec<SeriesData>, SeriesError> {
        self.up()?;
        Ok(self
            .by_key()
            .into_iter()
            .filter(|(key, _)| filter.matches(key))
            .filter_map(|(key, mut samples)| {
                samples.retain(|s| range.contains(s.timestamp));
                samples.sort_by_key(|s| s.timestamp);
                let delta = key.is_delta();
                (!samples.is_empty()).then(|| SeriesData {
                    key,
                    samples: per_second(samples, delta),
                })
            })
            .collect())
    }

    async fn select_histograms(
        &self,
        _filter: &Filter,
        _granularity: Granularity,
        _range: TimeRange,
        _limits: ReadLimits,
    ) -> Result<Vec<HistogramData>, SeriesError> {
        self.up()?;
        Ok(Vec::new())
    }
}

#[async_trait::async_trait]
impl SeriesCatalog for FakeEngine {
    async fn series(&self, filter: &Filter, limit: usize) -> Result<Vec<SeriesInfo>, SeriesError> {
        self.up()?;
        Ok(self
            .by_key()
            .into_iter()
            .filter(|(key, _)| filter.matches(key))
            .filter_map(|(key, samples)| {
                let last_timestamp = samples.iter().map(|s| s.timestamp).max()?;
                Some(SeriesInfo {
                    key,
                    last_timestamp,
                })
            })
            .take(limit)
            .collect())
    }

    async fn metrics(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SeriesError> {
        self.up()?;
        let names: BTreeSet<String> = self
            .by_key()
            .into_keys()
            .map(|k| k.metric)
            .filter(|m| m.starts_with(prefix))
            .collect();
        Ok(names.into_iter().take(limit).collect())
    }

    async fn status(&self) -> Result<EngineStatus, SeriesError> {
        self.up()?;
        Ok(EngineStatus {
            points: self.points().len() as u64,
            ..EngineStatus::default()
        })
    }
}

#[async_trait::async_trait]
impl DurableEngine for FakeEngine {
    fn check(&self, batch: &Batch) -> Result<(), SeriesError> {
        if batch
            .series()
            .any(|s| s.samples.iter().any(|p| p.value.is_nan()))
        {
            return Err(SeriesError::refused(REFUSED));
        }
        Ok(())
    }

    fn refuses(&self, error: &SeriesError) -> bool {
        matches!(error, SeriesError::Refused { .. })
    }

    async fn make_visible(&self) -> Result<(), SeriesError> {
        self.up()
    }

    async fn make_durable(&self) -> Result<(), SeriesError> {
        self.up()?;
        let mut st = lock(&self.stored);
        let volatile = std::mem::take(&mut st.volatile);
        st.durable.extend(volatile);
        Ok(())
    }

    async fn incarnation(&self) -> Result<u64, SeriesError> {
        self.up()?;
        Ok(self.incarnation.load(Ordering::SeqCst))
    }

    async fn replaying(&self) {
        self.replays.fetch_add(1, Ordering::SeqCst);
    }
}
