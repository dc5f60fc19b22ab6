//! Reads: series selection on the postings, points gathered from blocks, the frozen head and the
//! head, the one-point-per-second rule, histogram bins folded in arrival order, the catalog.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crest_series::{
    Bucketed, BucketedData, Bucketer, Bucketing, Distribution, EngineStatus, Filter, Granularity,
    HistogramData, ReadLimits, Sample, SeriesData, SeriesInfo, SeriesKey, TimeRange, per_second,
};

use super::{Engine, State, read};
use crate::block::{Block, BlockMeta, GroupCache, SharedGroups, Stamps};
use crate::error::TsdbError;
use crate::head::{Head, HistEntry};
use crate::registry::Kind;
use crate::wal;
use roaring::RoaringBitmap;

/// A read expecting at least this many points decodes its blocks on several threads.
const PARALLEL_READ_POINTS: usize = 1 << 18;
/// At most this many threads decode one read's blocks.
const MAX_READ_THREADS: usize = 4;

/// How many threads a read of `points` points shares its work between.
fn threads_for(points: usize) -> usize {
    if points < PARALLEL_READ_POINTS {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_READ_THREADS))
}

/// `work` over runs of consecutive series (in order), on `threads` threads.
fn split_by_series<T: Send>(
    list: &[(SeriesKey, u32)],
    threads: usize,
    work: impl Fn(&[(SeriesKey, u32)]) -> Result<Vec<T>, TsdbError> + Sync,
) -> Result<Vec<T>, TsdbError> {
    let parts: Vec<&[(SeriesKey, u32)]> = list
        .chunks(list.len().div_ceil(threads.max(1)).max(1))
        .collect();
    run_parts(parts, work)
}

/// `work` on every part, the first on this thread and each other on a thread of its own; the
/// answers in the parts' order.
fn run_parts<P: Send, T: Send>(
    parts: Vec<P>,
    work: impl Fn(P) -> Result<Vec<T>, TsdbError> + Sync,
) -> Result<Vec<T>, TsdbError> {
    let work = &work;
    std::thread::scope(|scope| {
        let mut parts = parts.into_iter();
        let first = parts.next();
        let others: Vec<_> = parts.map(|p| scope.spawn(move || work(p))).collect();
        let mut out = match first {
            Some(p) => work(p)?,
            None => Vec::new(),
        };
        for other in others {
            out.extend(other.join().map_err(|_| TsdbError::ReadThread)??);
        }
        Ok(out)
    })
}

/// A head's samples of series `id` in `[start, end)` (a head keeps each series in time order).
fn in_range(head: &Head, id: u32, start: i64, end: i64) -> &[Sample] {
    let samples = head.series_samples(id);
    let from = samples.partition_point(|s| s.timestamp < start);
    let to = samples.partition_point(|s| s.timestamp < end);
    samples.get(from..to).unwrap_or_default()
}

/// Series `id`'s samples in `[start, end)` from the heads (oldest first), and whether they are
/// one per whole second in time order.
fn from_heads(heads: &[&Head], id: u32, start: i64, end: i64) -> (Vec<Sample>, bool) {
    let mut v: Vec<Sample> = Vec::new();
    let mut even = true;
    for h in heads {
        let part = in_range(h, id, start, end);
        if let (Some(last), Some(first)) = (v.last(), part.first()) {
            even &= last.timestamp < first.timestamp;
        }
        even &= h.series_even(id);
        v.extend_from_slice(part);
    }
    (v, even)
}

/// The frozen heads, oldest first, then the head.
fn heads_of(st: &State) -> Vec<&Head> {
    st.frozen.iter().map(|h| &**h).chain([&st.head]).collect()
}

/// How many points the heads hold for the listed series in `[start, end)`.
fn head_points(list: &[(SeriesKey, u32)], heads: &[&Head], start: i64, end: i64) -> usize {
    list.iter()
        .map(|(_, id)| {
            heads
                .iter()
                .map(|h| in_range(h, *id, start, end).len())
                .sum()
        })
        .fold(0usize, usize::saturating_add)
}

/// The answer of a read: each listed series with its points, those without points left out, at
/// most `max_series` of them.
fn answer(
    list: Vec<(SeriesKey, u32)>,
    points: impl Iterator<Item = Vec<Sample>>,
    max_series: usize,
) -> Result<Vec<SeriesData>, TsdbError> {
    let mut out = Vec::new();
    for ((key, _), samples) in list.into_iter().zip(points) {
        if samples.is_empty() {
            continue;
        }
        if out.len() >= max_series {
            return Err(TsdbError::LimitExceeded {
                what: "series",
                limit: max_series,
            });
        }
        out.push(SeriesData { samples, key });
    }
    Ok(out)
}

/// Consecutive series of one read (in key order, so in the blocks' group order), with the room
/// each needs and each one's points from the heads.
struct Part<'a> {
    ids: &'a [(SeriesKey, u32)],
    rooms: &'a [usize],
    /// Each series' points from the heads, and whether they are one per whole second.
    heads: Vec<(Vec<Sample>, bool)>,
}

/// The points in `[start, end)` of the part's series: the blocks' (oldest block first), then the
/// heads'. Counts into `total` and stops past `max_points`.
fn read_part(
    blocks: &[Arc<Block>],
    shared: &Arc<SharedGroups>,
    part: Part<'_>,
    start: i64,
    end: i64,
    total: &AtomicUsize,
    max_points: usize,
) -> Result<Vec<Vec<Sample>>, TsdbError> {
    // a series' points of one block lie in one group, and consecutive series share groups
    let mut caches = caches_for(blocks, shared);
    let mut out = Vec::with_capacity(part.ids.len());
    for (((key, id), room), head) in part.ids.iter().zip(part.rooms).zip(part.heads) {
        out.push(series_points(
            blocks,
            &mut caches,
            (*id, key.is_delta()),
            *room,
            head,
            (start, end),
            Some((total, max_points)),
        )?);
    }
    Ok(out)
}

/// One group cache per block, each also looking in the engine's decoded groups.
fn caches_for(blocks: &[Arc<Block>], shared: &Arc<SharedGroups>) -> Vec<GroupCache> {
    blocks
        .iter()
        .map(|_| GroupCache::shared(2, Arc::clone(shared)))
        .collect()
}

/// Counts `added` points into `total`; an error past `max_points`.
fn count_points(total: &AtomicUsize, added: usize, max_points: usize) -> Result<(), TsdbError> {
    if total
        .fetch_add(added, Ordering::Relaxed)
        .saturating_add(added)
        > max_points
    {
        return Err(TsdbError::LimitExceeded {
            what: "points",
            limit: max_points,
        });
    }
    Ok(())
}

/// Series `(id, is delta)`'s points in `[start, end)`, one per second: the blocks' (oldest block
/// first), then `head` (its points from the heads, and whether they are one per whole second).
/// With `limit`, counts the blocks' points into it and stops past its maximum.
fn series_points(
    blocks: &[Arc<Block>],
    caches: &mut [GroupCache],
    (id, delta): (u32, bool),
    room: usize,
    (head, head_even): (Vec<Sample>, bool),
    (start, end): (i64, i64),
    limit: Option<(&AtomicUsize, usize)>,
) -> Result<Vec<Sample>, TsdbError> {
    let mut v = Vec::with_capacity(room);
    // whether `v` is known to be one per whole second in time order, part by part
    let mut even = true;
    let mut append = |v: &mut Vec<Sample>, before: usize, part_even: bool| {
        let boundary = match (before.checked_sub(1).and_then(|i| v.get(i)), v.get(before)) {
            (Some(last), Some(first)) => last.timestamp < first.timestamp,
            _ => true,
        };
        even &= part_even && boundary;
    };
    for (block, cache) in blocks.iter().zip(caches.iter_mut()) {
        let before = v.len();
        let block_even = block.read_samples(id, start, end, cache, &mut v)?;
        append(&mut v, before, block_even);
        if let Some((total, max_points)) = limit {
            count_points(total, v.len().saturating_sub(before), max_points)?;
        }
    }
    let before = v.len();
    if v.is_empty() {
        v = head;
    } else {
        v.extend_from_slice(&head);
    }
    append(&mut v, before, head_even);
    Ok(if even { v } else { one_per_second(v, delta) })
}

/// The part's series summarised into buckets, straight from the decoded groups and the heads'
/// points (no series' points gathered first, unless they are not one per whole second in time
/// order: those go through [`series_points`]). Counts into `total` and stops past `max_points`.
fn bucket_part(
    blocks: &[Arc<Block>],
    shared: &Arc<SharedGroups>,
    part: Part<'_>,
    (start, end): (i64, i64),
    bucketing: &Bucketing,
    (total, max_points): (&AtomicUsize, usize),
) -> Result<Vec<BucketedData>, TsdbError> {
    let mut caches = caches_for(blocks, shared);
    let mut out = Vec::with_capacity(part.ids.len());
    // room for the buckets of the range, up to a few thousand a series
    let buckets = end
        .saturating_sub(start)
        .checked_div(bucketing.width_ms.max(1))
        .and_then(|n| usize::try_from(n).ok())
        .map_or(1, |n| n.saturating_add(1))
        .min(4096);
    for ((key, id), (head, head_even)) in part.ids.iter().zip(part.heads) {
        // A series whose blocks (or head) overlap in time (points of one time arrived on both
        // sides of a cut) cannot be bucketed in one pass: it is read plainly at once, rather
        // than after a pass that would find it out.
        let mut newest = i64::MIN;
        let mut overlapping = false;
        for block in blocks {
            if let Some((first, last)) = block.span_overlapping(*id, start, end) {
                overlapping |= first <= newest;
                newest = newest.max(last);
            }
        }
        if overlapping || head.first().is_some_and(|f| f.timestamp <= newest) {
            let samples = series_points(
                blocks,
                &mut caches,
                (*id, key.is_delta()),
                0,
                (head, head_even),
                (start, end),
                Some((total, max_points)),
            )?;
            let mut b = Bucketer::new(bucketing);
            for s in &samples {
                b.push(s.timestamp, s.value);
            }
            out.push(b.finish(key.clone()));
            continue;
        }
        let mut b = Bucketer::new(bucketing);
        b.reserve(buckets);
        // whether every point so far is on a whole second, after the one before
        let mut even = true;
        let mut last = i64::MIN;
        for (block, cache) in blocks.iter().zip(caches.iter_mut()) {
            let Some(run) = block.series_run(*id, start, end, cache)? else {
                continue;
            };
            let values = run.values();
            count_points(total, values.len(), max_points)?;
            match run.stamps() {
                Stamps::Regular { first, step } => {
                    let gaps = i64::try_from(values.len().saturating_sub(1)).unwrap_or(i64::MAX);
                    even &= first > last
                        && first.rem_euclid(1000) == 0
                        && (gaps == 0 || (step > 0 && step.rem_euclid(1000) == 0));
                    last = first.saturating_add(step.saturating_mul(gaps));
                    b.push_regular(first, step, values);
                }
                Stamps::Listed(_) => {
                    for (t, v) in run.timestamps().iter().zip(values) {
                        even &= (*t > last) & (t.rem_euclid(1000) == 0);
                        last = *t;
                        b.push(*t, *v);
                    }
                }
            }
        }
        match head.first() {
            Some(first) if head_even && first.timestamp > last => b.push_samples(&head),
            Some(_) => even = false,
            None => {}
        }
        if !even {
            // the one-point-per-second rule first, as `select` answers
            let samples = series_points(
                blocks,
                &mut caches,
                (*id, key.is_delta()),
                0,
                (head, head_even),
                (start, end),
                None,
            )?;
            b = Bucketer::new(bucketing);
            for s in &samples {
                b.push(s.timestamp, s.value);
            }
        }
        out.push(b.finish(key.clone()));
    }
    Ok(out)
}

/// The samples in time order, one per second ([`per_second`], which returns samples already so
/// as they are).
fn one_per_second(mut samples: Vec<Sample>, delta: bool) -> Vec<Sample> {
    if !samples.is_sorted_by_key(|s| s.timestamp) {
        samples.sort_by_key(|s| s.timestamp);
    }
    per_second(samples, delta)
}

/// What a read takes under the state's lock: the series, each one's points from the heads (and
/// whether they are one per whole second), and the blocks that may hold more, oldest first.
struct Gathered {
    list: Vec<(SeriesKey, u32)>,
    heads: Vec<(Vec<Sample>, bool)>,
    blocks: Vec<Arc<Block>>,
}

/// [`Gathered`] for the listed series over `[start, end)`; an error when the heads alone hold
/// more than `max_points` of their points. Blocks are read first, oldest first, then the frozen
/// heads and the head: points arrive mostly in time order, and a series whose points do is not
/// sorted again.
fn gather(
    st: &State,
    list: Vec<(SeriesKey, u32)>,
    (start, end): (i64, i64),
    max_points: usize,
) -> Result<Gathered, TsdbError> {
    let hs = heads_of(st);
    let total = head_points(&list, &hs, start, end);
    if total > max_points {
        return Err(TsdbError::LimitExceeded {
            what: "points",
            limit: max_points,
        });
    }
    let heads = split_by_series(&list, threads_for(total), |ids| {
        Ok(ids
            .iter()
            .map(|(_, id)| from_heads(&hs, *id, start, end))
            .collect())
    })?;
    let mut blocks: Vec<Arc<Block>> = st
        .blocks
        .values()
        .filter(|b| b.meta.min_t < end && b.meta.max_t >= start)
        .cloned()
        .collect();
    blocks.sort_by_key(|b| (b.meta.min_t, b.meta.max_t));
    Ok(Gathered {
        list,
        heads,
        blocks,
    })
}

/// The listed series in `threads` runs of consecutive series, each with its heads' points and the
/// `rooms` of its series (`rooms` answers the next `n`).
fn parts<'a>(
    list: &'a [(SeriesKey, u32)],
    heads: Vec<(Vec<Sample>, bool)>,
    threads: usize,
    mut rooms: impl FnMut(usize) -> &'a [usize],
) -> Vec<Part<'a>> {
    let mut heads = heads.into_iter();
    list.chunks(list.len().div_ceil(threads).max(1))
        .map(|ids| Part {
            ids,
            rooms: rooms(ids.len()),
            heads: heads.by_ref().take(ids.len()).collect(),
        })
        .collect()
}

impl Engine {
    fn cutoff(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.options.retention_ms)
    }

    /// The ids of `kind` the postings give for the filter (a superset of those it selects).
    fn candidates(st: &State, filter: &Filter, kind: Kind) -> RoaringBitmap {
        st.postings.eval(filter) & st.registry.of_kind(kind)
    }

    /// Of `ids`, those the filter selects, with their keys, ordered by key.
    fn matching_of(st: &State, filter: &Filter, ids: &RoaringBitmap) -> Vec<(SeriesKey, u32)> {
        let mut out: Vec<(SeriesKey, u32)> = ids
            .iter()
            .filter_map(|id| st.registry.get(id).map(|e| (id, e)))
            .filter(|(_, e)| filter.matches(&e.key))
            .map(|(id, e)| (e.key.clone(), id))
            .collect();
        out.sort_unstable();
        out
    }

    /// The ids of `kind` the filter selects, with their keys, ordered by key.
    fn matching(st: &State, filter: &Filter, kind: Kind) -> Vec<(SeriesKey, u32)> {
        Self::matching_of(st, filter, &Self::candidates(st, filter, kind))
    }

    /// [`Self::matching_of`], less the series [`ReadLimits::reported_since`] leaves out: decided
    /// on the registry's newest timestamp of each, without reading a point.
    fn admitted_of(
        st: &State,
        filter: &Filter,
        ids: &RoaringBitmap,
        limits: &ReadLimits,
    ) -> Vec<(SeriesKey, u32)> {
        let mut list = Self::matching_of(st, filter, ids);
        if limits.reported_since.is_some() {
            list.retain(|(_, id)| {
                st.registry
                    .get(*id)
                    .is_some_and(|e| limits.admits(e.last_timestamp))
            });
        }
        list
    }

    /// [`Self::matching`], less the series [`ReadLimits::reported_since`] leaves out.
    fn admitted(
        st: &State,
        filter: &Filter,
        kind: Kind,
        limits: &ReadLimits,
    ) -> Vec<(SeriesKey, u32)> {
        Self::admitted_of(st, filter, &Self::candidates(st, filter, kind), limits)
    }

    /// The part of `range` a read answers (within retention), or `None` when nothing of it is.
    fn read_window(&self, range: TimeRange, now_ms: i64) -> Option<(i64, i64)> {
        let start = range.start.max(self.cutoff(now_ms));
        (start < range.end).then_some((start, range.end))
    }

    /// What [`Self::select`] answers, when that answer needs no block (so no file is read) and
    /// at most `max_points` points of at most `max_series` candidate series from the heads, and
    /// the engine's state is not being written this instant; `None` otherwise (nothing is
    /// answered then, and `select` gives the answer). For small reads on a caller that must not
    /// block: a chart's single series, read from memory without a hop to another thread.
    pub fn select_in_memory(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: &ReadLimits,
        now_ms: i64,
        max_series: u64,
        max_points: usize,
    ) -> Option<Result<Vec<SeriesData>, TsdbError>> {
        let Some((start, end)) = self.read_window(range, now_ms) else {
            return Some(Ok(Vec::new()));
        };
        let st = self.state.try_read().ok()?;
        let ids = Self::candidates(&st, filter, Kind::Plain);
        if ids.len() > max_series {
            return None;
        }
        let list = Self::admitted_of(&st, filter, &ids, limits);
        let in_blocks = st.blocks.values().any(|b| {
            b.meta.min_t < end
                && b.meta.max_t >= start
                && list.iter().any(|(_, id)| b.ids.contains(*id))
        });
        if in_blocks {
            return None;
        }
        let hs = heads_of(&st);
        if head_points(&list, &hs, start, end) > max_points.min(limits.max_points) {
            return None;
        }
        let heads: Vec<Vec<Sample>> = list
            .iter()
            .map(|(key, id)| match from_heads(&hs, *id, start, end) {
                (samples, true) => samples,
                (samples, false) => one_per_second(samples, key.is_delta()),
            })
            .collect();
        drop(st);
        Some(answer(list, heads.into_iter(), limits.max_series))
    }

    /// Every selected series' points in `range` (and within retention), one per second.
    pub fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
        now_ms: i64,
    ) -> Result<Vec<SeriesData>, TsdbError> {
        let Some((start, end)) = self.read_window(range, now_ms) else {
            return Ok(Vec::new());
        };
        let Gathered {
            list,
            heads,
            blocks,
        } = {
            let st = read(&self.state);
            let list = Self::admitted(&st, filter, Kind::Plain, &limits);
            gather(&st, list, (start, end), limits.max_points)?
        };
        let total = AtomicUsize::new(heads.iter().map(|(h, _)| h.len()).sum());
        let rooms: Vec<usize> = list
            .iter()
            .zip(&heads)
            .map(|((_, id), (head, _))| {
                blocks
                    .iter()
                    .map(|b| b.samples_overlapping(*id, start, end))
                    .fold(head.len(), usize::saturating_add)
            })
            .collect();
        let expected = rooms.iter().fold(0usize, |a, r| a.saturating_add(*r));
        let mut rooms_left = rooms.as_slice();
        let parts = parts(&list, heads, threads_for(expected), |n| {
            let (rooms, rest) = rooms_left.split_at(n.min(rooms_left.len()));
            rooms_left = rest;
            rooms
        });
        let acc: Vec<Vec<Sample>> = run_parts(parts, |part| {
            read_part(
                &blocks,
                &self.decoded,
                part,
                start,
                end,
                &total,
                limits.max_points,
            )
        })?;
        answer(list, acc.into_iter(), limits.max_series)
    }

    /// What [`Self::select`] answers, summarised into buckets as [`crest_series::SeriesReader::
    /// select_bucketed`] says: each series bucketed as its points are read from the decoded groups
    /// and the heads, none of them gathered first (but a series not one per whole second in time
    /// order, which takes the one-point-per-second rule first). When the filter admits at most
    /// [`Bucketing::summarise_above`] series, too few can report: `select` answers at once.
    pub fn select_bucketed(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
        bucketing: &Bucketing,
        now_ms: i64,
    ) -> Result<Bucketed, TsdbError> {
        let Some((start, end)) = self.read_window(range, now_ms) else {
            return Ok(Bucketed::Plain(Vec::new()));
        };
        let gathered = {
            let st = read(&self.state);
            let list = Self::admitted(&st, filter, Kind::Plain, &limits);
            if list.len() <= bucketing.summarise_above {
                None
            } else {
                Some(gather(&st, list, (start, end), limits.max_points)?)
            }
        };
        let Some(Gathered {
            list,
            heads,
            blocks,
        }) = gathered
        else {
            return Ok(Bucketed::Plain(self.select(filter, range, limits, now_ms)?));
        };
        let head_points: usize = heads.iter().map(|(h, _)| h.len()).sum();
        let total = AtomicUsize::new(head_points);
        let expected = list
            .iter()
            .flat_map(|(_, id)| {
                blocks
                    .iter()
                    .map(|b| b.samples_overlapping(*id, start, end))
            })
            .fold(head_points, usize::saturating_add);
        let parts = parts(&list, heads, threads_for(expected), |_| &[]);
        let summarised: Vec<BucketedData> = run_parts(parts, |part| {
            bucket_part(
                &blocks,
                &self.decoded,
                part,
                (start, end),
                bucketing,
                (&total, limits.max_points),
            )
        })?;
        let summarised: Vec<BucketedData> =
            summarised.into_iter().filter(|s| s.points > 0).collect();
        if summarised.len() > limits.max_series {
            return Err(TsdbError::LimitExceeded {
                what: "series",
                limit: limits.max_series,
            });
        }
        if bucketing.summarises(&summarised) {
            Ok(Bucketed::Summarised(summarised))
        } else {
            // rare: series admitted but not reporting, or every point on a bucket's start
            Ok(Bucketed::Plain(self.select(filter, range, limits, now_ms)?))
        }
    }

    /// Every selected histogram series of `granularity`: one distribution per bin in `range`.
    pub fn select_histograms(
        &self,
        filter: &Filter,
        granularity: Granularity,
        range: TimeRange,
        limits: ReadLimits,
        now_ms: i64,
    ) -> Result<Vec<HistogramData>, TsdbError> {
        let start = range.start.max(self.cutoff(now_ms));
        let end = range.end;
        if start >= end {
            return Ok(Vec::new());
        }
        let (list, mut acc, blocks) = {
            let st = read(&self.state);
            let list = Self::admitted(&st, filter, Kind::Histogram(granularity), &limits);
            let acc: Vec<Vec<HistEntry>> = list
                .iter()
                .map(|(_, id)| {
                    st.frozen
                        .iter()
                        .map(|h| &**h)
                        .chain([&st.head])
                        .flat_map(|h| h.series_hists(*id))
                        .filter(|h| start <= h.timestamp && h.timestamp < end)
                        .cloned()
                        .collect()
                })
                .collect();
            let blocks: Vec<Arc<Block>> = st
                .blocks
                .values()
                .filter(|b| b.meta.min_t < end && b.meta.max_t >= start)
                .cloned()
                .collect();
            (list, acc, blocks)
        };
        for block in &blocks {
            for ((_, id), v) in list.iter().zip(&mut acc) {
                if block.ids.contains(*id) {
                    block.read_hists(*id, start, end, v)?;
                }
            }
        }
        let total: usize = acc.iter().map(Vec::len).sum();
        if total > limits.max_points {
            return Err(TsdbError::LimitExceeded {
                what: "points",
                limit: limits.max_points,
            });
        }
        let mut out = Vec::new();
        for ((key, _), mut entries) in list.into_iter().zip(acc) {
            if entries.is_empty() {
                continue;
            }
            if out.len() >= limits.max_series {
                return Err(TsdbError::LimitExceeded {
                    what: "series",
                    limit: limits.max_series,
                });
            }
            entries.sort_by_key(|h| (h.timestamp, h.seq));
            out.push(HistogramData {
                key,
                granularity,
                distributions: fold_bins(&entries),
            });
        }
        Ok(out)
    }

    /// The plain series the filter selects that hold a point within retention, ordered by key.
    pub fn series(
        &self,
        filter: &Filter,
        limit: usize,
        now_ms: i64,
    ) -> Result<Vec<SeriesInfo>, TsdbError> {
        let cutoff = self.cutoff(now_ms);
        let st = read(&self.state);
        Ok(Self::matching(&st, filter, Kind::Plain)
            .into_iter()
            .filter_map(|(key, id)| {
                let last = st.registry.get(id)?.last_timestamp;
                (last >= cutoff).then_some(SeriesInfo {
                    key,
                    last_timestamp: last,
                })
            })
            .take(limit)
            .collect())
    }

    /// Metric names of plain series starting with `prefix`, sorted.
    pub fn metrics(&self, prefix: &str, limit: usize) -> Result<Vec<String>, TsdbError> {
        let st = read(&self.state);
        Ok(st
            .postings
            .metrics(prefix, st.registry.of_kind(Kind::Plain), limit))
    }

    /// What the engine holds.
    pub fn status(&self) -> Result<EngineStatus, TsdbError> {
        status_of(&read(&self.state), &self.wal_dir)
    }

    /// The metadata of the live blocks, by id.
    pub fn blocks(&self) -> Vec<BlockMeta> {
        read(&self.state).blocks.values().map(|b| b.meta).collect()
    }
}

/// One distribution per bin from entries sorted by (bin, arrival): merges add, a `merge=false`
/// entry replaces what the bin held.
pub(crate) fn fold_bins(entries: &[HistEntry]) -> Vec<Distribution> {
    let mut out: Vec<Distribution> = Vec::new();
    for e in entries {
        let incoming = Distribution {
            timestamp: e.timestamp,
            centroids: e.centroids.clone(),
        };
        match out.last_mut() {
            Some(d) if d.timestamp == e.timestamp => {
                if e.merge {
                    d.merge(&incoming);
                } else {
                    *d = incoming;
                }
            }
            _ => {
                if e.merge {
                    let mut d = Distribution {
                        timestamp: e.timestamp,
                        centroids: Vec::new(),
                    };
                    d.merge(&incoming);
                    out.push(d);
                } else {
                    out.push(incoming);
                }
            }
        }
    }
    out
}

/// What a loaded state holds, with the size of the WAL in `wal_dir`.
pub(super) fn status_of(st: &State, wal_dir: &Path) -> Result<EngineStatus, TsdbError> {
    let mut wal_bytes = 0u64;
    for (_, path) in wal::list_segments(wal_dir)? {
        wal_bytes =
            wal_bytes.saturating_add(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0));
    }
    let heads = st.frozen.iter().map(|h| &**h).chain([&st.head]);
    let head_points: u64 = heads.clone().map(|h| h.points as u64).sum();
    let bounds = heads
        .filter_map(Head::time_bounds)
        .chain(st.blocks.values().map(|b| (b.meta.min_t, b.meta.max_t)));
    let (oldest, newest) = bounds.fold(
        (None, None),
        |(lo, hi): (Option<i64>, Option<i64>), (a, b)| {
            (
                Some(lo.map_or(a, |x| x.min(a))),
                Some(hi.map_or(b, |x| x.max(b))),
            )
        },
    );
    let block_bytes: u64 = st.blocks.values().map(|b| b.meta.bytes).sum();
    Ok(EngineStatus {
        series: st.registry.of_kind(Kind::Plain).len(),
        histogram_series: st.registry.histogram_series(),
        points: st
            .blocks
            .values()
            .map(|b| b.meta.points)
            .sum::<u64>()
            .saturating_add(head_points),
        blocks: st.blocks.len() as u64,
        bytes_on_disk: block_bytes.saturating_add(wal_bytes),
        wal_bytes,
        head_points,
        oldest,
        newest,
    })
}
