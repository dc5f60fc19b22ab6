//! Block files: the immutable, compressed points of one time window.
//!
//! Layout: a header (`CRESTBLK`, format version), the data (groups of series compressed together
//! with pco: timestamps as i64, then values as f64, which pco keeps bit for bit; histogram series'
//! distributions as varints), then four sections (meta, index sorted by series id, groups, roaring
//! bitmap of the ids held) and a fixed footer giving each section's offset, length and crc32,
//! ending with `CRESTEND`. Series are laid out in key order; reads use positional reads.
#![deny(clippy::arithmetic_side_effects)]

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crest_series::{Centroid, Sample};
use pco::ChunkConfig;
use roaring::RoaringBitmap;
use rustc_hash::FxHashMap;

use crate::codec::{
    DecodeError, Reader, put_i64, put_u8, put_u32, put_u64, put_varint, put_zigzag,
};
use crate::error::TsdbError;
use crate::head::HistEntry;
use crate::manifest::sync_dir;

const MAGIC: &[u8; 8] = b"CRESTBLK";
const END_MAGIC: &[u8; 8] = b"CRESTEND";
const VERSION: u32 = 1;
const HEADER_LEN: u64 = 12;
const SECTIONS: usize = 4;
const FOOTER_LEN: u64 = (SECTIONS as u64) * 20 + 8;
const INDEX_ENTRY_LEN: usize = 41;
const GROUP_ENTRY_LEN: usize = 28;

/// What the planner and the operator see of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockMeta {
    pub id: u64,
    /// The aligned window `[range_start, range_end)` the block covers.
    pub range_start: i64,
    pub range_end: i64,
    /// The oldest and newest timestamp held (inclusive).
    pub min_t: i64,
    pub max_t: i64,
    pub points: u64,
    pub bytes: u64,
}

pub(crate) fn block_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("{id:016x}.blk"))
}

/// The id of a block file's name, if it is one.
pub(crate) fn block_id(name: &str) -> Option<u64> {
    name.strip_suffix(".blk")
        .and_then(|n| u64::from_str_radix(n, 16).ok())
}

#[derive(Debug, Clone, Copy)]
struct IndexEntry {
    id: u32,
    /// `FLAG_HIST`, `FLAG_REGULAR`.
    flags: u8,
    count: u32,
    min_t: i64,
    max_t: i64,
    /// Samples: the group. Histograms: the file offset.
    loc: u64,
    /// Samples: the first position in the group's values. Histograms: the byte length.
    len: u32,
    /// Samples: the first position in the group's timestamps (unused when regular). Histograms:
    /// crc32 of their bytes.
    crc: u32,
}

/// The entry is a histogram series'.
const FLAG_HIST: u8 = 1;
/// The series' timestamps are evenly spaced: `count` of them from `min_t` to `max_t`; they are
/// not stored.
const FLAG_REGULAR: u8 = 2;

impl IndexEntry {
    /// The step of an evenly spaced series' timestamps, with its last timestamp
    /// (`min_t + step × (count − 1)`) checked not to overflow; `None` when the entry's times do
    /// not make one.
    fn regular_step(&self) -> Option<i64> {
        let gaps = i64::from(self.count.saturating_sub(1));
        let step = match gaps {
            0 => 0,
            _ => self
                .max_t
                .checked_sub(self.min_t)
                .and_then(|d| d.checked_div(gaps))?,
        };
        step.checked_mul(gaps)
            .and_then(|span| self.min_t.checked_add(span))?;
        Some(step)
    }

    fn hist(&self) -> bool {
        self.flags & FLAG_HIST != 0
    }

    /// Timestamp `i` of a regular series.
    #[cfg(test)]
    fn regular_timestamp(&self, i: u32) -> Option<i64> {
        let gaps = i64::from(self.count.checked_sub(1)?);
        if gaps == 0 {
            return Some(self.min_t);
        }
        let step = self.max_t.checked_sub(self.min_t)?.checked_div(gaps)?;
        self.min_t.checked_add(step.checked_mul(i64::from(i))?)
    }
}

/// Whether timestamps are evenly spaced (so three numbers describe them).
fn is_regular(samples: &[Sample]) -> bool {
    let mut deltas = samples.windows(2).map(|w| match w {
        [a, b] => b.timestamp.checked_sub(a.timestamp),
        _ => None,
    });
    match deltas.next() {
        None => true,
        Some(None) => false,
        Some(first) => deltas.all(|d| d == first),
    }
}

#[derive(Debug, Clone, Copy)]
struct Group {
    offset: u64,
    ts_len: u32,
    val_len: u32,
    n: u32,
    crc: u32,
}

/// A decoded group: timestamps and values.
type Columns = (Vec<i64>, Vec<f64>);

/// One series' samples in a range, as they lie in a decoded group.
#[derive(Debug)]
pub(crate) struct SeriesRun {
    columns: Arc<Columns>,
    /// The values' positions, `[from, to)`.
    values: (usize, usize),
    stamps: Stamps,
}

/// How a [`SeriesRun`]'s timestamps are known.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stamps {
    /// Evenly spaced: the first, and the step.
    Regular { first: i64, step: i64 },
    /// Listed in the group's timestamps from this position on.
    Listed(usize),
}

impl SeriesRun {
    pub(crate) fn values(&self) -> &[f64] {
        self.columns
            .1
            .get(self.values.0..self.values.1)
            .unwrap_or_default()
    }

    pub(crate) fn stamps(&self) -> Stamps {
        self.stamps
    }

    /// The listed timestamps (empty for evenly spaced ones).
    pub(crate) fn timestamps(&self) -> &[i64] {
        match self.stamps {
            Stamps::Listed(at) => at
                .checked_add(self.values.1.saturating_sub(self.values.0))
                .and_then(|end| self.columns.0.get(at..end))
                .unwrap_or_default(),
            Stamps::Regular { .. } => &[],
        }
    }
}

/// Decoded groups of one block, kept while a read or a compaction walks it; a read's also looks
/// in, and adds to, the engine's [`SharedGroups`].
#[derive(Debug)]
pub(crate) struct GroupCache {
    groups: FxHashMap<u64, Arc<Columns>>,
    max_groups: usize,
    shared: Option<Arc<SharedGroups>>,
}

impl GroupCache {
    pub(crate) fn new(max_groups: usize) -> Self {
        Self {
            groups: FxHashMap::default(),
            max_groups,
            shared: None,
        }
    }

    /// A read's: it also keeps what it decodes in `shared`.
    pub(crate) fn shared(max_groups: usize, shared: Arc<SharedGroups>) -> Self {
        Self {
            shared: Some(shared),
            ..Self::new(max_groups)
        }
    }
}

/// At most this many groups are kept across reads, whatever their size (an eviction looks at
/// them all).
const MAX_SHARED_GROUPS: usize = 4096;

/// Decoded groups kept across reads, by block file and group, within a byte budget (the least
/// recently used go first). Blocks never change once written and a block's file name is never
/// reused, so an entry is never stale; a deleted block's entries age out.
#[derive(Debug)]
pub(crate) struct SharedGroups {
    budget: usize,
    inner: std::sync::Mutex<SharedInner>,
}

#[derive(Debug, Default)]
struct SharedInner {
    entries: std::collections::HashMap<(PathBuf, u64), (Arc<Columns>, u64)>,
    used: usize,
    clock: u64,
}

fn columns_bytes(c: &Columns) -> usize {
    columns_bytes_of(&c.0, &c.1)
}

fn columns_bytes_of(ts: &[i64], vals: &[f64]) -> usize {
    ts.len()
        .saturating_mul(8)
        .saturating_add(vals.len().saturating_mul(8))
}

impl SharedGroups {
    pub(crate) fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: std::sync::Mutex::new(SharedInner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SharedInner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, path: &Path, group: u64) -> Option<Arc<Columns>> {
        let mut inner = self.lock();
        inner.clock = inner.clock.wrapping_add(1);
        let now = inner.clock;
        let (columns, used) = inner.entries.get_mut(&(path.to_path_buf(), group))?;
        *used = now;
        Some(Arc::clone(columns))
    }

    fn put(&self, path: &Path, group: u64, columns: &Arc<Columns>) {
        let size = columns_bytes(columns);
        if size > self.budget {
            return;
        }
        let mut inner = self.lock();
        inner.clock = inner.clock.wrapping_add(1);
        let now = inner.clock;
        if let Some((old, _)) = inner
            .entries
            .insert((path.to_path_buf(), group), (Arc::clone(columns), now))
        {
            inner.used = inner.used.saturating_sub(columns_bytes(&old));
        }
        inner.used = inner.used.saturating_add(size);
        while inner.used > self.budget || inner.entries.len() > MAX_SHARED_GROUPS {
            let oldest = inner
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            let Some(key) = oldest else { break };
            if let Some((gone, _)) = inner.entries.remove(&key) {
                inner.used = inner.used.saturating_sub(columns_bytes(&gone));
            }
        }
    }

    /// Forgets the groups of a block file that is going away, so that they do not take the room
    /// of live ones until they age out.
    pub(crate) fn forget(&self, path: &Path) {
        let mut inner = self.lock();
        let mut freed = 0usize;
        inner.entries.retain(|(p, _), (columns, _)| {
            let keep = p != path;
            if !keep {
                freed = freed.saturating_add(columns_bytes(columns));
            }
            keep
        });
        inner.used = inner.used.saturating_sub(freed);
    }

    /// How many groups and bytes are kept.
    #[cfg(test)]
    pub(crate) fn held(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.entries.len(), inner.used)
    }
}

/// An open block.
#[derive(Debug)]
pub(crate) struct Block {
    pub meta: BlockMeta,
    path: PathBuf,
    file: File,
    index: Vec<IndexEntry>,
    groups: Vec<Group>,
    pub ids: RoaringBitmap,
}

fn corrupt(path: &Path, base: u64, e: DecodeError) -> TsdbError {
    TsdbError::corrupt(path, base.saturating_add(e.offset as u64), e.reason)
}

fn read_exact_at(file: &File, path: &Path, offset: u64, len: u64) -> Result<Vec<u8>, TsdbError> {
    let len =
        usize::try_from(len).map_err(|_| TsdbError::corrupt(path, offset, "section too large"))?;
    let mut buf = vec![0u8; len];
    file.read_exact_at(&mut buf, offset)
        .map_err(|e| TsdbError::io(path, e))?;
    Ok(buf)
}

impl Block {
    /// Opens a block, checking its header, footer and every section's checksum.
    pub(crate) fn open(path: &Path) -> Result<Self, TsdbError> {
        let file = File::open(path).map_err(|e| TsdbError::io(path, e))?;
        let bytes = file.metadata().map_err(|e| TsdbError::io(path, e))?.len();
        let data_end = bytes
            .checked_sub(FOOTER_LEN)
            .filter(|end| *end >= HEADER_LEN)
            .ok_or_else(|| TsdbError::corrupt(path, 0, "shorter than a header and a footer"))?;
        let header = read_exact_at(&file, path, 0, HEADER_LEN)?;
        let mut r = Reader::new(&header);
        if r.take(8).map_err(|e| corrupt(path, 0, e))? != MAGIC
            || r.u32().map_err(|e| corrupt(path, 0, e))? != VERSION
        {
            return Err(TsdbError::corrupt(
                path,
                0,
                "not a block of this format version",
            ));
        }
        let footer = read_exact_at(&file, path, data_end, FOOTER_LEN)?;
        let mut r = Reader::new(&footer);
        let mut sections = Vec::with_capacity(SECTIONS);
        for _ in 0..SECTIONS {
            let offset = r.u64().map_err(|e| corrupt(path, data_end, e))?;
            let len = r.u64().map_err(|e| corrupt(path, data_end, e))?;
            let crc = r.u32().map_err(|e| corrupt(path, data_end, e))?;
            let end = offset.checked_add(len).filter(|end| *end <= data_end);
            if offset < HEADER_LEN || end.is_none() {
                return Err(TsdbError::corrupt(
                    path,
                    data_end,
                    "a section lies outside the file",
                ));
            }
            let section = read_exact_at(&file, path, offset, len)?;
            if crc32fast::hash(&section) != crc {
                return Err(TsdbError::corrupt(
                    path,
                    offset,
                    "section checksum mismatch",
                ));
            }
            sections.push((offset, section));
        }
        if r.take(8).map_err(|e| corrupt(path, data_end, e))? != END_MAGIC {
            return Err(TsdbError::corrupt(path, data_end, "footer magic missing"));
        }
        let [
            (meta_at, meta),
            (index_at, index),
            (groups_at, groups),
            (bitmap_at, bitmap),
        ]: [(u64, Vec<u8>); SECTIONS] = sections
            .try_into()
            .map_err(|_| TsdbError::corrupt(path, data_end, "section count"))?;
        let meta = decode_meta(&meta, bytes).map_err(|e| corrupt(path, meta_at, e))?;
        let index = decode_index(&index).map_err(|e| corrupt(path, index_at, e))?;
        let groups = decode_groups(&groups, data_end).map_err(|e| corrupt(path, groups_at, e))?;
        let ids = RoaringBitmap::deserialize_from(bitmap.as_slice())
            .map_err(|_| TsdbError::corrupt(path, bitmap_at, "series bitmap does not decode"))?;
        Ok(Self {
            meta,
            path: path.to_path_buf(),
            file,
            index,
            groups,
            ids,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn entry(&self, id: u32) -> Option<&IndexEntry> {
        self.index
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .and_then(|i| self.index.get(i))
    }

    /// How many samples of plain series `id` the block holds with a timestamp in `[start, end)`, at
    /// most (all of its samples when its span overlaps the range).
    pub(crate) fn samples_overlapping(&self, id: u32, start: i64, end: i64) -> usize {
        self.entry(id)
            .filter(|e| !e.hist() && e.max_t >= start && e.min_t < end)
            .map_or(0, |e| e.count as usize)
    }

    /// The min and max timestamp of plain series `id` in the block, when its span overlaps
    /// `[start, end)`.
    pub(crate) fn span_overlapping(&self, id: u32, start: i64, end: i64) -> Option<(i64, i64)> {
        self.entry(id)
            .filter(|e| !e.hist() && e.max_t >= start && e.min_t < end)
            .map(|e| (e.min_t, e.max_t))
    }

    /// The ids held, each with its min and max timestamp.
    pub(crate) fn series_bounds(&self) -> impl Iterator<Item = (u32, i64, i64)> + '_ {
        self.index.iter().map(|e| (e.id, e.min_t, e.max_t))
    }

    fn group(&self, number: u64, cache: &mut GroupCache) -> Result<Arc<Columns>, TsdbError> {
        if let Some(g) = cache.groups.get(&number) {
            return Ok(Arc::clone(g));
        }
        let kept = cache
            .shared
            .as_ref()
            .and_then(|shared| shared.get(&self.path, number));
        let decoded = match kept {
            Some(columns) => columns,
            None => {
                let columns = self.decode_group(number)?;
                if let Some(shared) = &cache.shared {
                    shared.put(&self.path, number, &columns);
                }
                columns
            }
        };
        if cache.groups.len() >= cache.max_groups {
            cache.groups.clear();
        }
        cache.groups.insert(number, Arc::clone(&decoded));
        Ok(decoded)
    }

    fn decode_group(&self, number: u64) -> Result<Arc<Columns>, TsdbError> {
        let bad = |reason| TsdbError::corrupt(&self.path, 0, reason);
        let g = usize::try_from(number)
            .ok()
            .and_then(|i| self.groups.get(i))
            .ok_or_else(|| bad("an index entry names a missing group"))?;
        let total = u64::from(g.ts_len).saturating_add(u64::from(g.val_len));
        let bytes = read_exact_at(&self.file, &self.path, g.offset, total)?;
        if crc32fast::hash(&bytes) != g.crc {
            return Err(TsdbError::corrupt(
                &self.path,
                g.offset,
                "group checksum mismatch",
            ));
        }
        let (ts_bytes, val_bytes) = bytes
            .split_at_checked(g.ts_len as usize)
            .ok_or_else(|| bad("group lengths"))?;
        let codec = |e: pco::errors::PcoError| {
            TsdbError::corrupt(
                &self.path,
                g.offset,
                format!("group does not decompress: {e}"),
            )
        };
        let ts: Vec<i64> = if ts_bytes.is_empty() {
            Vec::new()
        } else {
            pco::standalone::simple_decompress(ts_bytes).map_err(codec)?
        };
        let vals: Vec<f64> = pco::standalone::simple_decompress(val_bytes).map_err(codec)?;
        if ts.len() > g.n as usize || vals.len() != g.n as usize {
            return Err(TsdbError::corrupt(
                &self.path,
                g.offset,
                "group holds the wrong number of points",
            ));
        }
        Ok(Arc::new((ts, vals)))
    }

    /// Appends the samples of series `id` that fall in `[start, end)` to `out`. Answers whether
    /// those appended are one per whole second, in time order (a block's series always are in
    /// time order).
    pub(crate) fn read_samples(
        &self,
        id: u32,
        start: i64,
        end: i64,
        cache: &mut GroupCache,
        out: &mut Vec<Sample>,
    ) -> Result<bool, TsdbError> {
        let Some(e) = self.entry(id).filter(|e| !e.hist()) else {
            return Ok(true);
        };
        if e.max_t < start || e.min_t >= end {
            return Ok(true);
        }
        let group = self.group(e.loc, cache)?;
        let past = || TsdbError::corrupt(&self.path, 0, "an index entry runs past its group");
        let first = e.len as usize;
        let values = first
            .checked_add(e.count as usize)
            .and_then(|last| group.1.get(first..last))
            .ok_or_else(past)?;
        let keep = |t: &i64| start <= *t && *t < end;
        if e.flags & FLAG_REGULAR != 0 {
            // every timestamp is at or below the last, checked once
            let step = e.regular_step().ok_or_else(past)?;
            out.reserve(values.len());
            let mut timestamp = e.min_t;
            for v in values {
                if keep(&timestamp) {
                    out.push(Sample {
                        timestamp,
                        value: *v,
                    });
                }
                timestamp = timestamp.wrapping_add(step);
            }
            Ok(e.min_t.rem_euclid(1000) == 0
                && step.rem_euclid(1000) == 0
                && (e.count <= 1 || step > 0))
        } else {
            let before = out.len();
            let first = e.crc as usize;
            let timestamps = first
                .checked_add(e.count as usize)
                .and_then(|last| group.0.get(first..last))
                .ok_or_else(past)?;
            out.extend(
                timestamps
                    .iter()
                    .zip(values)
                    .filter(|(t, _)| keep(t))
                    .map(|(t, v)| Sample {
                        timestamp: *t,
                        value: *v,
                    }),
            );
            Ok(crest_series::is_one_per_second(
                out.get(before..).unwrap_or_default(),
            ))
        }
    }

    /// The samples of series `id` that fall in `[start, end)`, as they lie in the decoded group
    /// (nothing copied); `None` when there are none.
    pub(crate) fn series_run(
        &self,
        id: u32,
        start: i64,
        end: i64,
        cache: &mut GroupCache,
    ) -> Result<Option<SeriesRun>, TsdbError> {
        let Some(e) = self.entry(id).filter(|e| !e.hist()) else {
            return Ok(None);
        };
        if e.max_t < start || e.min_t >= end {
            return Ok(None);
        }
        let group = self.group(e.loc, cache)?;
        let past = || TsdbError::corrupt(&self.path, 0, "an index entry runs past its group");
        let first = e.len as usize;
        let count = e.count as usize;
        let last = first
            .checked_add(count)
            .filter(|last| *last <= group.1.len())
            .ok_or_else(past)?;
        let (values, stamps) = if e.flags & FLAG_REGULAR != 0 {
            let step = e.regular_step().ok_or_else(past)?;
            // how many of the timestamps min_t, min_t + step, … lie before `t`
            let before = |t: i64| -> usize {
                if t <= e.min_t {
                    0
                } else if step <= 0 {
                    count
                } else {
                    let ahead = t
                        .saturating_sub(e.min_t)
                        .saturating_sub(1)
                        .checked_div(step)
                        .unwrap_or(0);
                    usize::try_from(ahead)
                        .map_or(count, |a| a.saturating_add(1))
                        .min(count)
                }
            };
            let (skip, upto) = (before(start), before(end));
            let head = i64::try_from(skip).map_err(|_| past())?;
            let from = e
                .min_t
                .checked_add(step.checked_mul(head).ok_or_else(past)?)
                .ok_or_else(past)?;
            (
                (
                    first.saturating_add(skip),
                    first.saturating_add(upto.max(skip)),
                ),
                Stamps::Regular { first: from, step },
            )
        } else {
            let at = e.crc as usize;
            let timestamps = at
                .checked_add(count)
                .and_then(|end| group.0.get(at..end))
                .ok_or_else(past)?;
            let skip = timestamps.partition_point(|t| *t < start);
            let upto = timestamps.partition_point(|t| *t < end).max(skip);
            (
                (first.saturating_add(skip), first.saturating_add(upto)),
                Stamps::Listed(at.saturating_add(skip)),
            )
        };
        if values.1 > last || values.0 >= values.1 {
            return Ok(None);
        }
        Ok(Some(SeriesRun {
            columns: group,
            values,
            stamps,
        }))
    }

    /// Appends the distributions of histogram series `id` whose bins fall in `[start, end)`.
    pub(crate) fn read_hists(
        &self,
        id: u32,
        start: i64,
        end: i64,
        out: &mut Vec<HistEntry>,
    ) -> Result<(), TsdbError> {
        let Some(e) = self.entry(id).filter(|e| e.hist()) else {
            return Ok(());
        };
        if e.max_t < start || e.min_t >= end {
            return Ok(());
        }
        let bytes = read_exact_at(&self.file, &self.path, e.loc, u64::from(e.len))?;
        if crc32fast::hash(&bytes) != e.crc {
            return Err(TsdbError::corrupt(
                &self.path,
                e.loc,
                "histogram checksum mismatch",
            ));
        }
        let entries = decode_hists(&bytes).map_err(|err| corrupt(&self.path, e.loc, err))?;
        out.extend(
            entries
                .into_iter()
                .filter(|h| start <= h.timestamp && h.timestamp < end),
        );
        Ok(())
    }
}

fn decode_meta(bytes: &[u8], file_bytes: u64) -> Result<BlockMeta, DecodeError> {
    let mut r = Reader::new(bytes);
    Ok(BlockMeta {
        id: r.u64()?,
        range_start: r.i64()?,
        range_end: r.i64()?,
        min_t: r.i64()?,
        max_t: r.i64()?,
        points: r.u64()?,
        bytes: file_bytes,
    })
}

fn decode_index(bytes: &[u8]) -> Result<Vec<IndexEntry>, DecodeError> {
    let mut r = Reader::new(bytes);
    let n = r.u32()? as usize;
    if n.checked_mul(INDEX_ENTRY_LEN) != Some(r.remaining()) {
        return Err(r.error("index length does not match its count"));
    }
    let mut out: Vec<IndexEntry> = Vec::with_capacity(n);
    for _ in 0..n {
        let e = IndexEntry {
            id: r.u32()?,
            flags: r.u8()?,
            count: r.u32()?,
            min_t: r.i64()?,
            max_t: r.i64()?,
            loc: r.u64()?,
            len: r.u32()?,
            crc: r.u32()?,
        };
        if out.last().is_some_and(|last| last.id >= e.id) {
            return Err(r.error("index is not sorted by series id"));
        }
        out.push(e);
    }
    Ok(out)
}

fn decode_groups(bytes: &[u8], data_end: u64) -> Result<Vec<Group>, DecodeError> {
    let mut r = Reader::new(bytes);
    let n = r.u32()? as usize;
    if n.checked_mul(GROUP_ENTRY_LEN) != Some(r.remaining()) {
        return Err(r.error("group table length does not match its count"));
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let g = Group {
            offset: r.u64()?,
            ts_len: r.u32()?,
            val_len: r.u32()?,
            n: r.u32()?,
            crc: r.u32()?,
        };
        let _reserved = r.u32()?;
        let end = g
            .offset
            .checked_add(u64::from(g.ts_len))
            .and_then(|e| e.checked_add(u64::from(g.val_len)));
        if end.is_none_or(|e| e > data_end) {
            return Err(r.error("a group lies outside the data"));
        }
        out.push(g);
    }
    Ok(out)
}

fn encode_hists(entries: &[HistEntry], out: &mut Vec<u8>) {
    put_varint(out, entries.len() as u64);
    let mut prev = 0i64;
    for h in entries {
        put_zigzag(out, h.timestamp.wrapping_sub(prev));
        prev = h.timestamp;
        put_varint(out, h.seq);
        put_u8(out, u8::from(h.merge));
        put_varint(out, h.centroids.len() as u64);
        for c in &h.centroids {
            put_u64(out, c.mean.to_bits());
            put_varint(out, u64::from(c.count));
        }
    }
}

fn decode_hists(bytes: &[u8]) -> Result<Vec<HistEntry>, DecodeError> {
    let mut r = Reader::new(bytes);
    let n = r.count(4)?;
    let mut out = Vec::with_capacity(n);
    let mut prev = 0i64;
    for _ in 0..n {
        prev = prev.wrapping_add(r.zigzag()?);
        let seq = r.varint()?;
        let merge = r.u8()? != 0;
        let k = r.count(9)?;
        let mut centroids = Vec::with_capacity(k);
        for _ in 0..k {
            let mean = f64::from_bits(r.u64()?);
            let count = r.varint_u32()?;
            centroids.push(Centroid { mean, count });
        }
        out.push(HistEntry {
            timestamp: prev,
            seq,
            merge,
            centroids,
        });
    }
    Ok(out)
}

/// Writes one block: series are added in key order, then `finish` makes it durable under its
/// final name.
#[derive(Debug)]
pub(crate) struct BlockWriter {
    dir: PathBuf,
    tmp: PathBuf,
    file: BufWriter<File>,
    pos: u64,
    id: u64,
    range_start: i64,
    range_end: i64,
    min_t: i64,
    max_t: i64,
    points: u64,
    group_points: usize,
    ts: Vec<i64>,
    vals: Vec<f64>,
    index: Vec<IndexEntry>,
    groups: Vec<Group>,
    scratch: Vec<u8>,
    config: ChunkConfig,
    /// Where the groups written are handed once the block is in place, so that the first read
    /// of a freshly cut (or compacted) block decodes nothing; with what is held so far.
    warm: Option<Warm>,
}

/// A writer's groups, as a read would decode them, held until the block is in place.
#[derive(Debug)]
struct Warm {
    shared: Arc<SharedGroups>,
    groups: Vec<(u64, Arc<Columns>)>,
    bytes: usize,
}

impl BlockWriter {
    pub(crate) fn create(
        dir: &Path,
        id: u64,
        range_start: i64,
        range_end: i64,
        group_points: usize,
    ) -> Result<Self, TsdbError> {
        let tmp = dir.join(format!("{id:016x}.tmp"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&tmp)
            .map_err(|e| TsdbError::io(&tmp, e))?;
        let mut w = Self {
            dir: dir.to_path_buf(),
            tmp,
            file: BufWriter::with_capacity(1 << 20, file),
            pos: 0,
            id,
            range_start,
            range_end,
            min_t: i64::MAX,
            max_t: i64::MIN,
            points: 0,
            group_points: group_points.max(1),
            ts: Vec::new(),
            vals: Vec::new(),
            index: Vec::new(),
            groups: Vec::new(),
            scratch: Vec::new(),
            config: ChunkConfig::default(),
            warm: None,
        };
        let mut header = Vec::with_capacity(12);
        header.extend_from_slice(MAGIC);
        put_u32(&mut header, VERSION);
        w.write(&header)?;
        Ok(w)
    }

    /// Hands the groups written to `shared` when the block is in place, as many as its budget
    /// holds (the first ones written), instead of leaving the first read to decode them.
    pub(crate) fn warming(mut self, shared: Arc<SharedGroups>) -> Self {
        self.warm = Some(Warm {
            shared,
            groups: Vec::new(),
            bytes: 0,
        });
        self
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), TsdbError> {
        self.file
            .write_all(bytes)
            .map_err(|e| TsdbError::io(&self.tmp, e))?;
        self.pos = self.pos.saturating_add(bytes.len() as u64);
        Ok(())
    }

    fn count(&self, n: usize) -> Result<u32, TsdbError> {
        u32::try_from(n).map_err(|_| TsdbError::BatchTooLarge { bytes: n })
    }

    fn saw(&mut self, min_t: i64, max_t: i64, points: usize) {
        self.min_t = self.min_t.min(min_t);
        self.max_t = self.max_t.max(max_t);
        self.points = self.points.saturating_add(points as u64);
    }

    /// Adds one series' samples, sorted by timestamp.
    pub(crate) fn add_samples(&mut self, id: u32, samples: &[Sample]) -> Result<(), TsdbError> {
        let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
            return Ok(());
        };
        let regular = is_regular(samples);
        let entry = IndexEntry {
            id,
            flags: if regular { FLAG_REGULAR } else { 0 },
            count: self.count(samples.len())?,
            min_t: first.timestamp,
            max_t: last.timestamp,
            loc: self.groups.len() as u64,
            len: self.count(self.vals.len())?,
            crc: if regular {
                0
            } else {
                self.count(self.ts.len())?
            },
        };
        self.index.push(entry);
        self.saw(first.timestamp, last.timestamp, samples.len());
        if !regular {
            self.ts.extend(samples.iter().map(|s| s.timestamp));
        }
        self.vals.extend(samples.iter().map(|s| s.value));
        if self.vals.len() >= self.group_points {
            self.flush_group()?;
        }
        Ok(())
    }

    fn flush_group(&mut self) -> Result<(), TsdbError> {
        if self.vals.is_empty() {
            return Ok(());
        }
        let codec = |source| TsdbError::Codec {
            file: self.tmp.clone(),
            source,
        };
        // Timestamps of regular series are not stored; a group of only those has none.
        let ts = if self.ts.is_empty() {
            Vec::new()
        } else {
            pco::standalone::simple_compress(&self.ts, &self.config).map_err(codec)?
        };
        let vals = pco::standalone::simple_compress(&self.vals, &self.config).map_err(codec)?;
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&ts);
        hasher.update(&vals);
        let group = Group {
            offset: self.pos,
            ts_len: self.count(ts.len())?,
            val_len: self.count(vals.len())?,
            n: self.count(self.vals.len())?,
            crc: hasher.finalize(),
        };
        self.write(&ts)?;
        self.write(&vals)?;
        let number = self.groups.len() as u64;
        self.groups.push(group);
        match &mut self.warm {
            Some(warm)
                if warm
                    .bytes
                    .saturating_add(columns_bytes_of(&self.ts, &self.vals))
                    <= warm.shared.budget =>
            {
                let columns = (std::mem::take(&mut self.ts), std::mem::take(&mut self.vals));
                warm.bytes = warm.bytes.saturating_add(columns_bytes(&columns));
                warm.groups.push((number, Arc::new(columns)));
            }
            _ => {
                self.ts.clear();
                self.vals.clear();
            }
        }
        Ok(())
    }

    /// Adds one histogram series' distributions.
    pub(crate) fn add_hists(&mut self, id: u32, entries: &[HistEntry]) -> Result<(), TsdbError> {
        let Some(min_t) = entries.iter().map(|h| h.timestamp).min() else {
            return Ok(());
        };
        let max_t = entries.iter().map(|h| h.timestamp).max().unwrap_or(min_t);
        let mut bytes = std::mem::take(&mut self.scratch);
        bytes.clear();
        encode_hists(entries, &mut bytes);
        let entry = IndexEntry {
            id,
            flags: FLAG_HIST,
            count: self.count(entries.len())?,
            min_t,
            max_t,
            loc: self.pos,
            len: self.count(bytes.len())?,
            crc: crc32fast::hash(&bytes),
        };
        self.write(&bytes)?;
        self.scratch = bytes;
        self.index.push(entry);
        self.saw(min_t, max_t, entries.len());
        Ok(())
    }

    /// Writes the sections and footer, syncs, renames into place, syncs the directory, and opens
    /// the result; a warming writer's groups are handed over at once.
    pub(crate) fn finish(self) -> Result<Block, TsdbError> {
        let (block, groups) = self.finish_holding()?;
        groups.hand_over();
        Ok(block)
    }

    /// [`Self::finish`], a warming writer's groups held for the caller to hand over when the
    /// block is in place (a compaction: once its inputs' groups are forgotten).
    pub(crate) fn finish_holding(mut self) -> Result<(Block, Handover), TsdbError> {
        self.flush_group()?;
        self.index.sort_unstable_by_key(|e| e.id);
        let mut sections: Vec<Vec<u8>> = Vec::with_capacity(SECTIONS);
        let mut meta = Vec::new();
        put_u64(&mut meta, self.id);
        put_i64(&mut meta, self.range_start);
        put_i64(&mut meta, self.range_end);
        put_i64(&mut meta, self.min_t);
        put_i64(&mut meta, self.max_t);
        put_u64(&mut meta, self.points);
        sections.push(meta);
        let mut index = Vec::with_capacity(
            self.index
                .len()
                .saturating_mul(INDEX_ENTRY_LEN)
                .saturating_add(4),
        );
        put_u32(&mut index, self.count(self.index.len())?);
        let mut ids = RoaringBitmap::new();
        for e in &self.index {
            put_u32(&mut index, e.id);
            put_u8(&mut index, e.flags);
            put_u32(&mut index, e.count);
            put_i64(&mut index, e.min_t);
            put_i64(&mut index, e.max_t);
            put_u64(&mut index, e.loc);
            put_u32(&mut index, e.len);
            put_u32(&mut index, e.crc);
            ids.insert(e.id);
        }
        sections.push(index);
        let mut groups = Vec::new();
        put_u32(&mut groups, self.count(self.groups.len())?);
        for g in &self.groups {
            put_u64(&mut groups, g.offset);
            put_u32(&mut groups, g.ts_len);
            put_u32(&mut groups, g.val_len);
            put_u32(&mut groups, g.n);
            put_u32(&mut groups, g.crc);
            put_u32(&mut groups, 0);
        }
        sections.push(groups);
        let mut bitmap = Vec::with_capacity(ids.serialized_size());
        ids.serialize_into(&mut bitmap)
            .map_err(|e| TsdbError::io(&self.tmp, e))?;
        sections.push(bitmap);
        let mut footer = Vec::with_capacity(SECTIONS * 20 + 8);
        for s in &sections {
            put_u64(&mut footer, self.pos);
            put_u64(&mut footer, s.len() as u64);
            put_u32(&mut footer, crc32fast::hash(s));
            self.write(s)?;
        }
        footer.extend_from_slice(END_MAGIC);
        self.write(&footer)?;
        let file = self
            .file
            .into_inner()
            .map_err(|e| TsdbError::io(&self.tmp, e.into_error()))?;
        file.sync_all().map_err(|e| TsdbError::io(&self.tmp, e))?;
        drop(file);
        let path = block_path(&self.dir, self.id);
        std::fs::rename(&self.tmp, &path).map_err(|e| TsdbError::io(&path, e))?;
        sync_dir(&self.dir)?;
        let block = Block::open(&path)?;
        Ok((
            block,
            Handover {
                path,
                warm: self.warm,
            },
        ))
    }
}

/// The groups a warming [`BlockWriter`] wrote, for the engine's decoded groups.
#[derive(Debug)]
pub(crate) struct Handover {
    path: PathBuf,
    warm: Option<Warm>,
}

impl Handover {
    /// Puts the groups in the engine's decoded groups, as a read of the block would.
    pub(crate) fn hand_over(self) {
        if let Some(warm) = self.warm {
            for (number, columns) in &warm.groups {
                warm.shared.put(&self.path, *number, columns);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    use super::*;

    #[test]
    fn shared_groups_keep_the_most_recently_used_within_the_budget() {
        let cols = |n: usize| Arc::new((vec![0i64; n], vec![0f64; n]));
        // 16 bytes a point: room for 30 points
        let shared = SharedGroups::new(480);
        let a = Path::new("a.block");
        shared.put(a, 1, &cols(10));
        shared.put(a, 2, &cols(10));
        shared.put(a, 3, &cols(10));
        assert_eq!(shared.held(), (3, 480));
        assert!(shared.get(a, 1).is_some(), "touched: now the most recent");
        shared.put(a, 4, &cols(10));
        assert!(shared.get(a, 2).is_none(), "the least recently used went");
        assert!(shared.get(a, 1).is_some() && shared.get(a, 4).is_some());
        shared.put(a, 5, &cols(31));
        assert_eq!(shared.held(), (3, 480), "larger than the budget: not kept");
        assert!(shared.get(Path::new("b.block"), 1).is_none());
        let none = SharedGroups::new(0);
        none.put(a, 1, &cols(1));
        assert_eq!(none.held(), (0, 0));
        // a block going away takes its groups with it, and only its own
        let b = Path::new("b.block");
        shared.put(b, 1, &cols(5));
        shared.forget(a);
        assert_eq!(shared.held(), (1, 80));
        assert!(shared.get(b, 1).is_some());
    }

    fn write_block(dir: &Path, group_points: usize) -> Block {
        write_block_warming(dir, group_points, None)
    }

    fn write_block_warming(
        dir: &Path,
        group_points: usize,
        warm: Option<Arc<SharedGroups>>,
    ) -> Block {
        let mut w = BlockWriter::create(dir, 7, 0, 7_200_000, group_points).unwrap();
        if let Some(shared) = warm {
            w = w.warming(shared);
        }
        let specials = [
            f64::NAN,
            -0.0,
            f64::from_bits(0x7ff8_dead_beef_0001),
            f64::INFINITY,
            1.5,
        ];
        let a: Vec<Sample> = specials
            .iter()
            .enumerate()
            .map(|(i, v)| Sample {
                timestamp: i as i64 * 10_000,
                value: *v,
            })
            .collect();
        w.add_samples(3, &a).unwrap();
        w.add_hists(
            1,
            &[HistEntry {
                timestamp: 60_000,
                seq: 4,
                merge: false,
                centroids: vec![Centroid {
                    mean: 2.5,
                    count: 3,
                }],
            }],
        )
        .unwrap();
        let b: Vec<Sample> = (0..100)
            .map(|i| Sample {
                timestamp: i * 1000,
                value: i as f64 / 10.0,
            })
            .collect();
        w.add_samples(2, &b).unwrap();
        let c: Vec<Sample> = [0, 5, 5, 7, 100]
            .iter()
            .map(|t| Sample {
                timestamp: *t,
                value: *t as f64,
            })
            .collect();
        w.add_samples(4, &c).unwrap();
        w.finish().unwrap()
    }

    fn bits(c: &Columns) -> (Vec<i64>, Vec<u64>) {
        (c.0.clone(), c.1.iter().map(|v| v.to_bits()).collect())
    }

    #[test]
    fn a_block_written_warming_hands_over_its_groups_exactly_as_a_read_decodes_them() {
        for group_points in [1, 3, 4096] {
            let dir = tempfile::tempdir().unwrap();
            let shared = Arc::new(SharedGroups::new(1 << 20));
            let block = write_block_warming(dir.path(), group_points, Some(Arc::clone(&shared)));
            let (held, _) = shared.held();
            assert!(held > 0);
            assert_eq!(held, block.groups.len(), "every group, at {group_points}");
            for n in 0..block.groups.len() as u64 {
                let kept = shared.get(block.path(), n).expect("kept");
                let decoded = block.decode_group(n).unwrap();
                assert_eq!(bits(&kept), bits(&decoded), "group {n} at {group_points}");
            }
            // a read through the shared cache answers what a cold read answers
            for id in [2, 3, 4] {
                let (mut warm, mut cold) = (Vec::new(), Vec::new());
                let mut cache = GroupCache::shared(2, Arc::clone(&shared));
                block
                    .read_samples(id, i64::MIN, i64::MAX, &mut cache, &mut warm)
                    .unwrap();
                block
                    .read_samples(id, i64::MIN, i64::MAX, &mut GroupCache::new(2), &mut cold)
                    .unwrap();
                let key = |v: &[Sample]| {
                    v.iter()
                        .map(|s| (s.timestamp, s.value.to_bits()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(key(&warm), key(&cold));
            }
        }
        // a small budget keeps the first groups that fit, and no more
        let dir = tempfile::tempdir().unwrap();
        let shared = Arc::new(SharedGroups::new(16 * 8));
        let block = write_block_warming(dir.path(), 3, Some(Arc::clone(&shared)));
        let (held, bytes) = shared.held();
        assert!(held >= 1 && held < block.groups.len() && bytes <= 16 * 8);
        assert!(shared.get(block.path(), 0).is_some());
    }

    #[test]
    fn blocks_round_trip_bit_for_bit_including_nan_payloads_and_negative_zero() {
        for group_points in [1, 4096] {
            let dir = tempfile::tempdir().unwrap();
            let block = write_block(dir.path(), group_points);
            assert_eq!(block.meta.points, 111);
            assert_eq!((block.meta.min_t, block.meta.max_t), (0, 99_000));
            let mut cache = GroupCache::new(8);
            let mut out = Vec::new();
            block
                .read_samples(3, i64::MIN, i64::MAX, &mut cache, &mut out)
                .unwrap();
            let bits: Vec<u64> = out.iter().map(|s| s.value.to_bits()).collect();
            assert_eq!(
                bits,
                vec![
                    f64::NAN.to_bits(),
                    (-0.0f64).to_bits(),
                    0x7ff8_dead_beef_0001,
                    f64::INFINITY.to_bits(),
                    1.5f64.to_bits()
                ]
            );
            out.clear();
            block
                .read_samples(2, 5_000, 7_000, &mut cache, &mut out)
                .unwrap();
            assert_eq!(
                out,
                vec![
                    Sample {
                        timestamp: 5000,
                        value: 0.5
                    },
                    Sample {
                        timestamp: 6000,
                        value: 0.6
                    }
                ]
            );
            out.clear();
            block.read_samples(4, 5, 100, &mut cache, &mut out).unwrap();
            assert_eq!(
                out.iter().map(|s| s.timestamp).collect::<Vec<_>>(),
                vec![5, 5, 7]
            );
            let mut h = Vec::new();
            block.read_hists(1, 0, 120_000, &mut h).unwrap();
            assert_eq!(h.len(), 1);
            assert!(!h[0].merge && h[0].seq == 4);
            assert_eq!(block.ids.iter().collect::<Vec<_>>(), vec![1, 2, 3, 4]);
            let reopened = Block::open(block.path()).unwrap();
            assert_eq!(reopened.meta, block.meta);
        }
    }

    #[test]
    fn evenly_spaced_timestamps_are_recognised_and_rebuilt() {
        let at = |ts: &[i64]| {
            ts.iter()
                .map(|t| Sample {
                    timestamp: *t,
                    value: 0.0,
                })
                .collect::<Vec<_>>()
        };
        assert!(is_regular(&at(&[])) && is_regular(&at(&[5])) && is_regular(&at(&[3, 3, 3])));
        assert!(is_regular(&at(&[-20, -10, 0, 10])));
        assert!(!is_regular(&at(&[0, 10, 21])) && !is_regular(&at(&[i64::MIN, i64::MAX])));
        let e = IndexEntry {
            id: 0,
            flags: FLAG_REGULAR,
            count: 4,
            min_t: -20,
            max_t: 10,
            loc: 0,
            len: 0,
            crc: 0,
        };
        assert_eq!(
            (0..4)
                .map(|i| e.regular_timestamp(i).unwrap())
                .collect::<Vec<_>>(),
            vec![-20, -10, 0, 10]
        );
    }

    #[test]
    fn any_damage_to_a_block_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let block = write_block(dir.path(), 4096);
        let path = block.path().to_path_buf();
        let good = std::fs::read(&path).unwrap();
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x5a;
            std::fs::write(&path, &bad).unwrap();
            let Ok(b) = Block::open(&path) else { continue };
            let mut cache = GroupCache::new(8);
            let mut out = Vec::new();
            let mut h = Vec::new();
            let results = [
                b.read_samples(3, i64::MIN, i64::MAX, &mut cache, &mut out)
                    .is_err(),
                b.read_samples(2, i64::MIN, i64::MAX, &mut cache, &mut out)
                    .is_err(),
                b.read_hists(1, i64::MIN, i64::MAX, &mut h).is_err(),
                b.read_samples(4, i64::MIN, i64::MAX, &mut cache, &mut out)
                    .is_err(),
            ];
            // A flipped byte must be detected by some check (every byte is covered by one).
            assert!(results.iter().any(|r| *r), "byte {i} went unnoticed");
        }
        for cut in 0..good.len() {
            std::fs::write(&path, &good[..cut]).unwrap();
            assert!(Block::open(&path).is_err());
        }
    }
}
