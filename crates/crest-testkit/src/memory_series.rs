//! [`MemorySeries`]: the series interface over plain in-memory maps, the model engines are checked
//! against (every read answers what the definitions in `crest-series` say, nothing cleverer).

use std::collections::BTreeMap;
use std::sync::Mutex;

use crest_series::{
    AppendReport, Batch, Distribution, EngineStatus, Filter, Granularity, HistogramData,
    ReadLimits, Sample, SeriesCatalog, SeriesData, SeriesError, SeriesInfo, SeriesKey,
    SeriesReader, SeriesWriter, TimeRange, per_second,
};

/// One histogram entry as it arrived: the sequence decides which `_merge=false` entry wins.
type HistogramEntries = Vec<(Distribution, bool)>;

#[derive(Debug, Default)]
struct Maps {
    samples: BTreeMap<SeriesKey, Vec<Sample>>,
    histograms: BTreeMap<(SeriesKey, Granularity), HistogramEntries>,
}

/// Every point in memory, lost with the value. Retention: points older than `now - retention`
/// are not read (set with [`MemorySeries::expire_before`]).
#[derive(Debug, Default)]
pub struct MemorySeries {
    maps: Mutex<Maps>,
    expired_before: Mutex<Option<i64>>,
}

impl MemorySeries {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads stop returning points older than `cutoff` (retention on a moved clock).
    pub fn expire_before(&self, cutoff: i64) {
        *self.expired_before.lock().expect("lock") = Some(cutoff);
    }

    fn visible(&self, range: TimeRange) -> TimeRange {
        match *self.expired_before.lock().expect("lock") {
            Some(cutoff) if cutoff > range.start => TimeRange::new(cutoff, range.end),
            _ => range,
        }
    }

    /// The answer for one series' reported samples, as every engine must give it.
    pub fn answer(samples: &[Sample], range: TimeRange, delta: bool) -> Vec<Sample> {
        let mut sorted: Vec<Sample> = samples
            .iter()
            .copied()
            .filter(|s| range.contains(s.timestamp))
            .collect();
        sorted.sort_by_key(|s| s.timestamp);
        per_second(sorted, delta)
    }

    /// The answer for one histogram series' entries in arrival order.
    pub fn answer_histograms(entries: &HistogramEntries, range: TimeRange) -> Vec<Distribution> {
        let mut bins: BTreeMap<i64, Distribution> = BTreeMap::new();
        for (d, merge) in entries.iter().filter(|(d, _)| range.contains(d.timestamp)) {
            match bins.get_mut(&d.timestamp) {
                Some(held) if *merge => held.merge(d),
                _ => {
                    let mut fresh = Distribution {
                        timestamp: d.timestamp,
                        centroids: Vec::new(),
                    };
                    fresh.merge(d);
                    bins.insert(d.timestamp, fresh);
                }
            }
        }
        bins.into_values().collect()
    }
}

#[async_trait::async_trait]
impl SeriesWriter for MemorySeries {
    async fn append(&self, batch: Batch) -> Result<AppendReport, SeriesError> {
        let mut maps = self.maps.lock().expect("lock");
        let mut report = AppendReport::default();
        for s in batch.series() {
            let key = s
                .key()
                .ok_or_else(|| SeriesError::unavailable("a series key is not a canonical key"))?;
            let held = maps.samples.entry(key).or_insert_with(|| {
                report.new_series += 1;
                Vec::new()
            });
            report.points += s.samples.len();
            held.extend_from_slice(s.samples);
        }
        for h in batch.histograms {
            let held = maps
                .histograms
                .entry((h.key, h.granularity))
                .or_insert_with(|| {
                    report.new_series += 1;
                    Vec::new()
                });
            report.points += 1;
            held.push((h.distribution, h.merge));
        }
        Ok(report)
    }
}

#[async_trait::async_trait]
impl SeriesReader for MemorySeries {
    async fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<SeriesData>, SeriesError> {
        let range = self.visible(range);
        let maps = self.maps.lock().expect("lock");
        let mut out = Vec::new();
        let mut points = 0usize;
        let reported = |samples: &[Sample]| {
            samples
                .iter()
                .map(|s| s.timestamp)
                .max()
                .is_some_and(|newest| limits.admits(newest))
        };
        for (key, samples) in maps
            .samples
            .iter()
            .filter(|(k, v)| filter.matches(k) && reported(v))
        {
            let samples = Self::answer(samples, range, key.is_delta());
            if samples.is_empty() {
                continue;
            }
            points += samples.len();
            if out.len() >= limits.max_series {
                return Err(SeriesError::LimitExceeded {
                    what: "series",
                    limit: limits.max_series,
                });
            }
            if points > limits.max_points {
                return Err(SeriesError::LimitExceeded {
                    what: "points",
                    limit: limits.max_points,
                });
            }
            out.push(SeriesData {
                key: key.clone(),
                samples,
            });
        }
        Ok(out)
    }

    async fn select_histograms(
        &self,
        filter: &Filter,
        granularity: Granularity,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<HistogramData>, SeriesError> {
        let range = self.visible(range);
        let maps = self.maps.lock().expect("lock");
        let mut out = Vec::new();
        for ((key, g), entries) in &maps.histograms {
            let newest = entries.iter().map(|(d, _)| d.timestamp).max();
            if *g != granularity
                || !filter.matches(key)
                || !newest.is_some_and(|n| limits.admits(n))
            {
                continue;
            }
            let distributions = Self::answer_histograms(entries, range);
            if distributions.is_empty() {
                continue;
            }
            if out.len() >= limits.max_series {
                return Err(SeriesError::LimitExceeded {
                    what: "series",
                    limit: limits.max_series,
                });
            }
            out.push(HistogramData {
                key: key.clone(),
                granularity,
                distributions,
            });
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl SeriesCatalog for MemorySeries {
    async fn series(&self, filter: &Filter, limit: usize) -> Result<Vec<SeriesInfo>, SeriesError> {
        let maps = self.maps.lock().expect("lock");
        Ok(maps
            .samples
            .iter()
            .filter(|(k, _)| filter.matches(k))
            .filter_map(|(key, samples)| {
                let last = samples.iter().map(|s| s.timestamp).max()?;
                Some(SeriesInfo {
                    key: key.clone(),
                    last_timestamp: last,
                })
            })
            .take(limit)
            .collect())
    }

    async fn metrics(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SeriesError> {
        let maps = self.maps.lock().expect("lock");
        let mut names: Vec<String> = maps
            .samples
            .keys()
            .map(|k| k.metric.clone())
            .filter(|m| m.starts_with(prefix))
            .collect();
        names.dedup();
        names.truncate(limit);
        Ok(names)
    }

    async fn status(&self) -> Result<EngineStatus, SeriesError> {
        let maps = self.maps.lock().expect("lock");
        let all = maps.samples.values().flatten().map(|s| s.timestamp);
        Ok(EngineStatus {
            series: maps.samples.len() as u64,
            histogram_series: maps.histograms.len() as u64,
            points: maps.samples.values().map(|v| v.len() as u64).sum(),
            oldest: all.clone().min(),
            newest: all.max(),
            ..EngineStatus::default()
        })
    }
}
