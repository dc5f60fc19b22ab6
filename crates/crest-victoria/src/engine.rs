//! [`VictoriaEngine`]: the three series traits over one VictoriaMetrics (single node or cluster).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

use crest_series::{
    AppendReport, Batch, EngineStatus, Filter, Granularity, HistogramData, ReadLimits, Sample,
    SeriesCatalog, SeriesData, SeriesError, SeriesInfo, SeriesKey, SeriesReader, SeriesWriter,
    TimeRange, per_second,
};

use crate::client::Client;
use crate::config::{Precision, ServerFlags, VictoriaConfig};
use crate::error::VictoriaError;
use crate::histogram::{Parts, assemble};
use crate::read::{export_all, labels, own_labels, stored_range};
use crate::reported::{Kind, Store, reported_since};
use crate::selector::{Matcher, Op, exact, glob_to_regex, selectors};
use crate::write::{
    self, Encoded, HIST_LABEL, Memory, Remembered, Window, gather_all,
    granularity as parse_granularity,
};

/// The most points one part of an append holds (see [`VictoriaEngine::write`]).
const PART_POINTS: usize = 1 << 17;
/// How many imports an append keeps in flight while it writes the next part (VictoriaMetrics'
/// `-maxConcurrentInserts` default is twice its cores; more wait in its queue).
const IMPORTS_IN_FLIGHT: usize = 4;

/// Notes the first failure of the imports of one append.
fn taken(
    outcome: Result<Result<(), VictoriaError>, tokio::task::JoinError>,
    failed: &mut Option<VictoriaError>,
) {
    let outcome = outcome.unwrap_or_else(|e| Err(VictoriaError::Stopped(e.to_string())));
    if let Err(e) = outcome {
        failed.get_or_insert(e);
    }
}

/// `batches` in order, cut into runs of at most `max_points` points (a larger batch is a run of
/// its own).
fn parts<'b, 'a>(batches: &'b [&'a Batch], max_points: usize) -> Vec<&'b [&'a Batch]> {
    let mut out = Vec::new();
    let (mut start, mut points) = (0usize, 0usize);
    for (i, batch) in batches.iter().enumerate() {
        let n = batch.points();
        if i > start && points.saturating_add(n) > max_points {
            if let Some(run) = batches.get(start..i) {
                out.push(run);
            }
            (start, points) = (i, 0);
        }
        points = points.saturating_add(n);
    }
    if let Some(run) = batches.get(start..)
        && !run.is_empty()
    {
        out.push(run);
    }
    out
}

/// Selectors per listing or delete request.
const DELETE_CHUNK: usize = 50;

/// Values written that VictoriaMetrics does not keep exactly, since the adapter started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrecisionReport {
    /// Values with more than 12 significant digits (or negative zero): rounded.
    pub rounded: u64,
    /// Values that lose digits to a much larger value of their series written with them.
    pub mixed_magnitudes: u64,
}

/// crest's series interface over VictoriaMetrics (see the crate's documentation for the mapping).
#[derive(Debug)]
pub struct VictoriaEngine {
    config: VictoriaConfig,
    client: Client,
    /// Held for a whole append: numbering and sending are one step, so a failed append leaves
    /// the numbering as it was and its retry numbers its points the same way.
    memory: tokio::sync::Mutex<Memory>,
    rounded: AtomicU64,
    mixed: AtomicU64,
}

impl VictoriaEngine {
    pub fn new(config: VictoriaConfig) -> Result<Self, VictoriaError> {
        let client = Client::new(config.endpoints.clone(), config.timeout)?;
        Ok(Self {
            config,
            client,
            memory: tokio::sync::Mutex::new(Memory::default()),
            rounded: AtomicU64::new(0),
            mixed: AtomicU64::new(0),
        })
    }

    /// An engine whose retention is the server's own (`/flags`), refused unless VictoriaMetrics
    /// runs with `-dedup.minScrapeInterval=1ms` (without it, a replay or a retry doubles points,
    /// and the numbering of same-millisecond points means nothing). A cluster whose storage nodes
    /// are not listed is taken as configured.
    pub async fn connect(config: VictoriaConfig) -> Result<Self, VictoriaError> {
        let mut engine = Self::new(config)?;
        if let Some(text) = engine.client.flags().await? {
            let flags = ServerFlags::parse(&text).map_err(VictoriaError::Refused)?;
            if flags.dedup_ms != 1 {
                return Err(VictoriaError::Refused(format!(
                    "VictoriaMetrics must run with -dedup.minScrapeInterval=1ms (it runs with {} ms), so that replays and retries are harmless",
                    flags.dedup_ms
                )));
            }
            engine.config.retention_ms = flags.retention_ms;
        }
        Ok(engine)
    }

    /// Makes everything acknowledged visible to reads (`/internal/force_flush`; not durable).
    pub async fn flush(&self) -> Result<(), VictoriaError> {
        self.client.force_flush().await
    }

    /// Checks `batch` as an append would, without sending anything: `Err` for whatever an append
    /// would refuse (see [`mod@crate::write`]; the numbering of same-millisecond points is not
    /// needed for it). Encodes the batch, so it costs about what an append's encoding costs.
    pub fn check(&self, batch: &Batch) -> Result<(), VictoriaError> {
        let window = Window::new(self.now(), self.config.retention_ms);
        if self.config.precision != Precision::Refuse {
            return write::check_refusals(batch, window, self.config.time_shift_ms);
        }
        let encoded = write::check(batch, &Memory::default(), window, self.config.time_shift_ms)?;
        self.check_precision(&encoded)
    }

    fn check_precision(&self, encoded: &Encoded) -> Result<(), VictoriaError> {
        let found = encoded.precision;
        if self.config.precision == Precision::Refuse && found.rounded + found.mixed > 0 {
            return Err(VictoriaError::Refused(format!(
                "{} value(s) would be rounded by VictoriaMetrics (more than 12 significant digits, or a much larger value in the same series), e.g. {:?}",
                found.rounded + found.mixed,
                found.example.unwrap_or_default()
            )));
        }
        Ok(())
    }

    /// Makes everything acknowledged so far durable: a snapshot on every storage node, deleted at
    /// once (§3.2 (a) of the reference). A cluster's vminsert buffers are not covered (§3.1).
    pub async fn make_durable(&self) -> Result<(), VictoriaError> {
        self.client.make_durable().await
    }

    /// Who VictoriaMetrics is since it last started: every storage node's start time
    /// (`vm_app_start_timestamp`) folded into one number, which changes when any restarts.
    pub async fn incarnation(&self) -> Result<u64, VictoriaError> {
        let started = self.client.start_timestamps().await?;
        Ok(started
            .iter()
            .fold(0u64, |acc, t| acc.wrapping_mul(1_000_003).wrapping_add(*t)))
    }

    /// Forgets the numbering of same-millisecond points and histogram offsets: called before a
    /// log replays what a restarted VictoriaMetrics lost, so the replay is numbered as the first
    /// writes were (from nothing) and collapses onto what survived.
    pub async fn forget_numbering(&self) {
        *self.memory.lock().await = Memory::default();
    }

    /// What was written that VictoriaMetrics rounds.
    pub fn precision(&self) -> PrecisionReport {
        PrecisionReport {
            rounded: self.rounded.load(Ordering::Relaxed),
            mixed_magnitudes: self.mixed.load(Ordering::Relaxed),
        }
    }

    fn now(&self) -> i64 {
        (self.config.clock)()
    }

    /// The newest stored time VictoriaMetrics may hold (exclusive).
    fn ceiling(&self) -> i64 {
        Window::new(self.now(), self.config.retention_ms)
            .high
            .saturating_add(1)
    }

    fn store(&self) -> Store<'_> {
        Store {
            client: &self.client,
            shift: self.config.time_shift_ms,
            ceiling: self.ceiling(),
        }
    }

    /// Appends `batches` as one batch, in order.
    pub async fn write(&self, batches: &[&Batch]) -> Result<AppendReport, VictoriaError> {
        if batches.iter().all(|b| b.is_empty()) {
            return Ok(AppendReport::default());
        }
        let mut memory = self.memory.lock().await;
        let window = Window::new(self.now(), self.config.retention_ms);
        // Part by part: each is checked, numbered (under what the parts before it changed) and
        // written, each body sent as soon as it is full on a task of its own, so that writing
        // the next part overlaps VictoriaMetrics taking the last one. What the append changes is
        // remembered only once every body was taken: a failed append is tried again from the
        // same memory, so numbered the same way.
        let mut changes = Memory::default();
        let mut report = AppendReport::default();
        let (mut rounded, mut mixed) = (0, 0);
        let mut sent: VecDeque<tokio::task::JoinHandle<Result<(), VictoriaError>>> =
            VecDeque::new();
        let mut failed = None;
        for part in parts(batches, PART_POINTS) {
            let gathered = gather_all(
                part,
                Remembered::under(&memory, &changes),
                window,
                self.config.time_shift_ms,
            )?;
            self.check_precision(&gathered.enc)?;
            gathered.write(&mut |body| {
                let client = self.client.clone();
                sent.push_back(tokio::spawn(async move {
                    client.import(bytes::Bytes::from(body)).await
                }));
            })?;
            let encoded = gathered.enc;
            changes.extend(encoded.memory);
            report.points += encoded.points;
            report.new_series += encoded.new_series;
            rounded += encoded.precision.rounded;
            mixed += encoded.precision.mixed;
            while sent.len() > IMPORTS_IN_FLIGHT {
                if let Some(import) = sent.pop_front() {
                    taken(import.await, &mut failed);
                }
            }
        }
        for import in sent {
            taken(import.await, &mut failed);
        }
        if let Some(e) = failed {
            return Err(e);
        }
        memory.apply(changes);
        drop(memory);
        self.rounded.fetch_add(rounded, Ordering::Relaxed);
        self.mixed.fetch_add(mixed, Ordering::Relaxed);
        if self.config.flush_after_write {
            self.client.force_flush().await?;
        }
        Ok(report)
    }

    /// Every plain series `filter` selects in `range`, raw samples in crest time (unsorted).
    async fn read(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<BTreeMap<SeriesKey, Vec<Sample>>, VictoriaError> {
        let mut found: BTreeMap<SeriesKey, Vec<Sample>> = BTreeMap::new();
        let shift = self.config.time_shift_ms;
        let Some((start, end)) = stored_range(range, shift, self.ceiling()) else {
            return Ok(found);
        };
        let wanted = selectors(filter, &[Matcher::new(HIST_LABEL, Op::Eq, "")]);
        if wanted.is_empty() {
            return Ok(found);
        }
        let mut points = 0usize;
        export_all(
            &self.client,
            &wanted,
            start,
            end,
            limits.max_points,
            &|line| {
                labels(line.metric.clone())
                    .map(|r| r.hist.is_none() && filter.matches(&r.key))
                    .unwrap_or(true)
            },
            &mut |line| {
                let read = labels(line.metric)?;
                if read.hist.is_some() || !filter.matches(&read.key) {
                    return Ok(());
                }
                if !found.contains_key(&read.key) && found.len() >= limits.max_series {
                    return Err(VictoriaError::Limit {
                        what: "series",
                        limit: limits.max_series,
                    });
                }
                let samples = found.entry(read.key).or_default();
                for (t, v) in line.timestamps.iter().zip(&line.values) {
                    let t = t.saturating_add(shift);
                    if range.contains(t) {
                        samples.push(Sample {
                            timestamp: t,
                            value: *v,
                        });
                        points += 1;
                    }
                }
                if points > limits.max_points {
                    return Err(VictoriaError::Limit {
                        what: "points",
                        limit: limits.max_points,
                    });
                }
                Ok(())
            },
        )
        .await?;
        found.retain(|_, samples| !samples.is_empty());
        if let Some(since) = limits.reported_since {
            let doubtful: BTreeSet<SeriesKey> = found
                .iter()
                .filter(|(_, samples)| !samples.iter().any(|s| s.timestamp >= since))
                .map(|(key, _)| key.clone())
                .collect();
            if !doubtful.is_empty() {
                let reported =
                    reported_since(self.store(), &wanted, Kind::Plain, &doubtful, since).await?;
                found.retain(|key, _| !doubtful.contains(key) || reported.contains(key));
            }
        }
        Ok(found)
    }

    async fn read_histograms(
        &self,
        filter: &Filter,
        granularity: Granularity,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<HistogramData>, VictoriaError> {
        let shift = self.config.time_shift_ms;
        // A bin's entries lie within the bin, after its start.
        let widened = TimeRange::new(range.start, range.end.saturating_add(granularity.millis()));
        let Some((start, end)) = stored_range(widened, shift, self.ceiling()) else {
            return Ok(Vec::new());
        };
        let wanted = selectors(
            filter,
            &[Matcher::new(HIST_LABEL, Op::Eq, granularity.suffix())],
        );
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut found: BTreeMap<SeriesKey, Parts> = BTreeMap::new();
        let mut entries = 0usize;
        export_all(
            &self.client,
            &wanted,
            start,
            end,
            limits.max_points.saturating_mul(3),
            &|line| {
                labels(line.metric.clone())
                    .map(|r| r.hist.is_some() && filter.matches(&r.key))
                    .unwrap_or(true)
            },
            &mut |line| {
                let read = labels(line.metric)?;
                let Some((suffix, part)) = read.hist else {
                    return Ok(());
                };
                if parse_granularity(&suffix) != Some(granularity) || !filter.matches(&read.key) {
                    return Ok(());
                }
                if !found.contains_key(&read.key) && found.len() >= limits.max_series {
                    return Err(VictoriaError::Limit {
                        what: "series",
                        limit: limits.max_series,
                    });
                }
                let parts = found.entry(read.key).or_default();
                for (t, v) in line.timestamps.iter().zip(&line.values) {
                    let t = t.saturating_add(shift);
                    if range.contains(granularity.floor(t)) {
                        parts.add(&part, t, *v);
                        if part == "op" {
                            entries += 1;
                        }
                    }
                }
                if entries > limits.max_points {
                    return Err(VictoriaError::Limit {
                        what: "points",
                        limit: limits.max_points,
                    });
                }
                Ok(())
            },
        )
        .await?;
        let mut out = Vec::with_capacity(found.len());
        for (key, parts) in found {
            let distributions = assemble(&parts, granularity, &key.metric)?;
            if !distributions.is_empty() {
                out.push(HistogramData {
                    key,
                    granularity,
                    distributions,
                });
            }
        }
        if let Some(since) = limits.reported_since {
            let doubtful: BTreeSet<SeriesKey> = out
                .iter()
                .filter(|h| !h.distributions.iter().any(|d| d.timestamp >= since))
                .map(|h| h.key.clone())
                .collect();
            if !doubtful.is_empty() {
                let kind = Kind::Histogram(granularity);
                let reported =
                    reported_since(self.store(), &wanted, kind, &doubtful, since).await?;
                out.retain(|h| !doubtful.contains(&h.key) || reported.contains(&h.key));
            }
        }
        Ok(out)
    }

    async fn metric_names(&self, prefix: &str, limit: usize) -> Result<Vec<String>, VictoriaError> {
        let name = if prefix.is_empty() {
            Matcher::new("__name__", Op::Ne, "")
        } else {
            Matcher::new("__name__", Op::Re, format!("{}.*", glob_to_regex(prefix)))
        };
        let selector = format!(
            "{{{},{}}}",
            name.render(),
            Matcher::new(HIST_LABEL, Op::Eq, "").render()
        );
        // A prefix holding `*` is a literal here: glob_to_regex would read it as a wildcard, so the
        // answer is checked again.
        let mut names = self
            .client
            .label_values(
                "__name__",
                &[selector],
                1,
                self.ceiling(),
                limit.saturating_add(1),
            )
            .await?;
        names.retain(|n| n.starts_with(prefix));
        names.sort();
        names.dedup();
        names.truncate(limit);
        Ok(names)
    }

    /// Deletes every series and histogram series `filter` selects, each by an exact selector (see
    /// the crate's documentation); answers how many series keys were deleted.
    pub async fn delete(&self, filter: &Filter) -> Result<usize, VictoriaError> {
        let wanted = selectors(filter, &[]);
        if wanted.is_empty() {
            return Ok(0);
        }
        let ceiling = self.ceiling();
        let mut doomed: BTreeMap<SeriesKey, BTreeMap<String, String>> = BTreeMap::new();
        for listed in self.client.series(&wanted, 1, ceiling).await? {
            let own = own_labels(&listed);
            let read = labels(listed)?;
            if filter.matches(&read.key) {
                doomed.insert(read.key, own);
            }
        }
        if doomed.is_empty() {
            return Ok(0);
        }
        // The series each exact selector would also reach (one tag more) name the labels that
        // must be empty.
        let first: Vec<String> = doomed.values().map(|l| exact(l, &[])).collect();
        let mut absent: BTreeSet<String> = BTreeSet::new();
        for chunk in first.chunks(DELETE_CHUNK) {
            for listed in self.client.series(chunk, 1, ceiling).await? {
                absent.extend(listed.into_keys().filter(|k| !k.starts_with("_crest_")));
            }
        }
        let absent: Vec<String> = absent.into_iter().collect();
        let precise: Vec<String> = doomed.values().map(|l| exact(l, &absent)).collect();
        for chunk in precise.chunks(DELETE_CHUNK) {
            for listed in self.client.series(chunk, 1, ceiling).await? {
                let read = labels(listed)?;
                if !doomed.contains_key(&read.key) {
                    return Err(VictoriaError::Refused(format!(
                        "deleting exactly the selected series would also delete {:?}",
                        read.key
                    )));
                }
            }
        }
        for chunk in precise.chunks(DELETE_CHUNK) {
            self.client.delete_series(chunk).await?;
        }
        Ok(doomed.len())
    }

    /// The plain series `filter` selects (listed by `/api/v1/series`, checked with
    /// [`Filter::matches`]), the first `limit` by key, each with its newest point: found by exports
    /// of exactly those series over the last day, then the last 30 days, then everything, so a
    /// series that reported lately costs a day of its points.
    async fn list(&self, filter: &Filter, limit: usize) -> Result<Vec<SeriesInfo>, VictoriaError> {
        let wanted = selectors(filter, &[Matcher::new(HIST_LABEL, Op::Eq, "")]);
        if wanted.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let ceiling = self.ceiling();
        let mut keys: BTreeMap<SeriesKey, BTreeMap<String, String>> = BTreeMap::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        for listed in self.client.series(&wanted, 1, ceiling).await? {
            let own = own_labels(&listed);
            names.extend(own.keys().cloned());
            let read = labels(listed)?;
            if read.hist.is_none() && filter.matches(&read.key) {
                keys.insert(read.key, own);
            }
        }
        // Listed series may have no points in the end (VictoriaMetrics lists a series whose rows a
        // crash lost): take more than `limit` and keep those with points.
        let shift = self.config.time_shift_ms;
        let absent: Vec<String> = names.into_iter().collect();
        let mut out: Vec<SeriesInfo> = Vec::new();
        let mut pending = keys.into_iter().peekable();
        while out.len() < limit && pending.peek().is_some() {
            let chunk: BTreeMap<SeriesKey, BTreeMap<String, String>> =
                pending.by_ref().take(DELETE_CHUNK).collect();
            let mut last: BTreeMap<SeriesKey, i64> = BTreeMap::new();
            for window in [86_400_000, 30 * 86_400_000, ceiling] {
                let unknown: Vec<String> = chunk
                    .iter()
                    .filter(|(k, _)| !last.contains_key(*k))
                    .map(|(_, l)| exact(l, &absent))
                    .collect();
                if unknown.is_empty() {
                    break;
                }
                export_all(
                    &self.client,
                    &unknown,
                    ceiling.saturating_sub(window).max(0),
                    ceiling,
                    ReadLimits::default().max_points,
                    &|_| true,
                    &mut |line| {
                        let read = labels(line.metric)?;
                        if read.hist.is_some() {
                            return Ok(());
                        }
                        if let Some(t) = line.timestamps.iter().max() {
                            let t = t.saturating_add(shift);
                            let held = last.entry(read.key).or_insert(t);
                            *held = (*held).max(t);
                        }
                        Ok(())
                    },
                )
                .await?;
            }
            out.extend(chunk.into_keys().filter_map(|key| {
                let last_timestamp = *last.get(&key)?;
                Some(SeriesInfo {
                    key,
                    last_timestamp,
                })
            }));
        }
        out.truncate(limit);
        Ok(out)
    }

    async fn catalog_status(&self) -> Result<EngineStatus, VictoriaError> {
        let mut status = EngineStatus::default();
        let mut series: BTreeSet<SeriesKey> = BTreeSet::new();
        let mut histograms: BTreeSet<(SeriesKey, String)> = BTreeSet::new();
        let shift = self.config.time_shift_ms;
        let limits = ReadLimits::default();
        export_all(
            &self.client,
            &[r#"{__name__!=""}"#.to_owned()],
            0,
            self.ceiling(),
            limits.max_points,
            &|_| true,
            &mut |line| {
                let read = labels(line.metric)?;
                if let Some((suffix, _)) = read.hist {
                    histograms.insert((read.key, suffix));
                    return Ok(());
                }
                series.insert(read.key);
                status.points += line.values.len() as u64;
                for t in &line.timestamps {
                    let t = t.saturating_add(shift);
                    status.oldest = Some(status.oldest.map_or(t, |o| o.min(t)));
                    status.newest = Some(status.newest.map_or(t, |n| n.max(t)));
                }
                Ok(())
            },
        )
        .await?;
        status.series = series.len() as u64;
        status.histogram_series = histograms.len() as u64;
        Ok(status)
    }
}

#[async_trait::async_trait]
impl SeriesWriter for VictoriaEngine {
    async fn append(&self, batch: Batch) -> Result<AppendReport, SeriesError> {
        // Refused whole: a batch of several parts is checked before its first part is sent.
        if batch.points() > PART_POINTS {
            self.check(&batch)?;
        }
        Ok(self.write(&[&batch]).await?)
    }
}

#[async_trait::async_trait]
impl SeriesReader for VictoriaEngine {
    async fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<SeriesData>, SeriesError> {
        let found = self.read(filter, range, limits).await?;
        Ok(found
            .into_iter()
            .map(|(key, mut samples)| {
                samples.sort_by_key(|s| s.timestamp);
                let delta = key.is_delta();
                SeriesData {
                    key,
                    samples: per_second(samples, delta),
                }
            })
            .collect())
    }

    async fn select_histograms(
        &self,
        filter: &Filter,
        granularity: Granularity,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<HistogramData>, SeriesError> {
        Ok(self
            .read_histograms(filter, granularity, range, limits)
            .await?)
    }
}

#[async_trait::async_trait]
impl SeriesCatalog for VictoriaEngine {
    async fn series(&self, filter: &Filter, limit: usize) -> Result<Vec<SeriesInfo>, SeriesError> {
        Ok(self.list(filter, limit).await?)
    }

    async fn metrics(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SeriesError> {
        Ok(self.metric_names(prefix, limit).await?)
    }

    async fn status(&self) -> Result<EngineStatus, SeriesError> {
        Ok(self.catalog_status().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_series::SeriesKey;

    fn batch(points: usize) -> Batch {
        let samples: Vec<Sample> = (0..points)
            .map(|i| Sample {
                timestamp: i64::try_from(i).unwrap(),
                value: 1.0,
            })
            .collect();
        Batch::from_series([(SeriesKey::new("m", "h"), samples)])
    }

    #[test]
    fn an_append_is_cut_into_parts_of_whole_batches_in_order() {
        let batches: Vec<Batch> = [3, 2, 4, 9, 1].into_iter().map(batch).collect();
        let refs: Vec<&Batch> = batches.iter().collect();
        let sizes: Vec<Vec<usize>> = parts(&refs, 5)
            .iter()
            .map(|run| run.iter().map(|b| b.points()).collect())
            .collect();
        assert_eq!(sizes, vec![vec![3, 2], vec![4], vec![9], vec![1]]);
        assert!(parts(&[], 5).is_empty());
    }
}
