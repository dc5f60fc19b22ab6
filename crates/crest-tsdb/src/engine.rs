//! The engine: appends through the WAL (group commit) into the head, cuts the head into blocks,
//! compacts, applies retention, and answers reads over blocks, the frozen head and the head.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{
    Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard,
};

use crest_series::{
    AppendReport, Batch, Distribution, EngineStatus, Filter, Granularity, HistogramData,
    ReadLimits, Sample, SeriesData, SeriesInfo, SeriesKey, TimeRange, per_second,
};
use roaring::RoaringBitmap;
use rustc_hash::FxHashMap;

use crate::block::{Block, BlockMeta, BlockWriter, GroupCache, block_id, block_path};
use crate::compaction::{Compaction, plan};
use crate::error::TsdbError;
use crate::head::{Head, HistEntry};
use crate::lock::DirLock;
use crate::manifest::{Manifest, sync_dir};
use crate::options::Options;
use crate::postings::Postings;
use crate::registry::{Kind, Registry};
use crate::wal::{self, KIND_BATCH, KIND_SERIES, Next, WalWriter};
use crate::wal_record::{self, Def, put_count, put_def, put_hist, put_samples};

/// What a cut did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CutReport {
    /// Points written into blocks.
    pub points: u64,
    /// Blocks written (one per time window touched).
    pub blocks: usize,
    /// WAL segments deleted afterwards.
    pub wal_segments_deleted: usize,
}

/// What a maintenance pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaintainReport {
    /// The cut, when one was due.
    pub cut: Option<CutReport>,
    /// Compactions executed.
    pub compactions: usize,
    /// Blocks deleted because every point in them expired.
    pub expired_blocks: usize,
}

/// The writer's side: the WAL segment being appended to and the key → id map.
#[derive(Debug)]
struct Writer {
    wal: WalWriter,
    /// Canonical key bytes followed by the kind code → series id.
    ids: FxHashMap<Vec<u8>, u32>,
    next_id: u32,
    next_hist_seq: u64,
    /// Records written so far (the group-commit sequence).
    written: u64,
    buf: Vec<u8>,
    key_buf: Vec<u8>,
    series_ids: Vec<u32>,
    hist_ids: Vec<u32>,
    poisoned: Option<String>,
}

/// What readers see.
#[derive(Debug, Default)]
struct State {
    registry: Registry,
    postings: Postings,
    head: Head,
    /// Heads being written into blocks (more than one only after a failed cut).
    frozen: Vec<Arc<Head>>,
    blocks: BTreeMap<u64, Arc<Block>>,
    manifest: Manifest,
}

#[derive(Debug, Default)]
struct SyncState {
    synced: u64,
    syncing: bool,
    failed: Option<String>,
}

/// The embedded time-series engine. Thread-safe; every method takes `&self` except `close`.
#[derive(Debug)]
pub struct Engine {
    options: Options,
    wal_dir: PathBuf,
    blocks_dir: PathBuf,
    writer: Mutex<Writer>,
    state: RwLock<State>,
    sync: Mutex<SyncState>,
    synced: Condvar,
    maintenance: Mutex<()>,
    closed: AtomicBool,
    _lock: DirLock,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

fn create_dir(path: &Path) -> Result<(), TsdbError> {
    std::fs::create_dir_all(path).map_err(|e| TsdbError::io(path, e))
}

fn remove_file(path: &Path) -> Result<(), TsdbError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(TsdbError::io(path, e)),
    }
}

/// Applies definitions to the registry, the postings and the writer's map.
fn define(
    state: &mut State,
    ids: &mut FxHashMap<Vec<u8>, u32>,
    defs: Vec<Def>,
    file: &Path,
    offset: u64,
) -> Result<(), TsdbError> {
    for def in defs {
        let new = state
            .registry
            .define(def.id, def.key.clone(), def.kind)
            .map_err(|reason| TsdbError::corrupt(file, offset, reason))?;
        if new {
            state.postings.add(def.id, &def.key);
            let mut bytes = def.key.canonical();
            bytes.push(def.kind.code());
            ids.insert(bytes, def.id);
        }
    }
    Ok(())
}

/// The id of a key of `kind`, assigning the next one (and noting it as new) when unknown.
fn resolve<'a>(
    w: &mut Writer,
    key: &'a SeriesKey,
    kind: Kind,
    new_defs: &mut Vec<(u32, Kind, &'a SeriesKey)>,
) -> Result<u32, TsdbError> {
    w.key_buf.clear();
    key.write_canonical(&mut w.key_buf);
    w.key_buf.push(kind.code());
    if let Some(id) = w.ids.get(w.key_buf.as_slice()) {
        return Ok(*id);
    }
    let id = w.next_id;
    w.next_id = id
        .checked_add(1)
        .filter(|n| *n < u32::MAX)
        .ok_or(TsdbError::Poisoned {
            reason: "series ids are exhausted".into(),
        })?;
    w.ids.insert(w.key_buf.clone(), id);
    new_defs.push((id, kind, key));
    Ok(id)
}

fn append_hist_seq_error() -> TsdbError {
    TsdbError::Poisoned {
        reason: "histogram sequence numbers are exhausted".into(),
    }
}

impl Engine {
    /// Opens (creating if needed) the engine in `options.dir`: takes the directory lock, loads the
    /// live blocks, replays the WAL (truncating a torn tail of the last segment) and starts a new
    /// WAL segment.
    pub fn open(options: Options, now_ms: i64) -> Result<Engine, TsdbError> {
        let dir = options.dir.clone();
        create_dir(&dir)?;
        let dir_lock = DirLock::acquire(&dir)?;
        let wal_dir = dir.join("wal");
        let blocks_dir = dir.join("blocks");
        create_dir(&wal_dir)?;
        create_dir(&blocks_dir)?;
        let manifest = Manifest::load(&dir)?;
        let mut state = State::default();
        let mut next_block_id = manifest.next_block_id;
        let mut removed = false;
        let entries = std::fs::read_dir(&blocks_dir).map_err(|e| TsdbError::io(&blocks_dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| TsdbError::io(&blocks_dir, e))?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_str().unwrap_or("");
            if let Some(id) = block_id(name) {
                next_block_id = next_block_id.max(id.saturating_add(1));
                if manifest.blocks.contains(&id) {
                    continue;
                }
            } else if !name.ends_with(".tmp") {
                continue;
            }
            // A block a crash left unlisted, or a half-written one: the WAL or its inputs hold its points.
            remove_file(&path)?;
            removed = true;
        }
        if removed {
            sync_dir(&blocks_dir)?;
        }
        for id in &manifest.blocks {
            let block = Block::open(&block_path(&blocks_dir, *id))?;
            state.blocks.insert(*id, Arc::new(block));
        }
        // Segments the blocks cover are garbage; the segment after them starts with every series.
        let mut segments = wal::list_segments(&wal_dir)?;
        let (covered, live): (Vec<_>, Vec<_>) = segments
            .drain(..)
            .partition(|(n, _)| *n <= manifest.wal_covered);
        for (_, path) in &covered {
            remove_file(path)?;
        }
        let mut ids = FxHashMap::default();
        let mut next_hist_seq = manifest.next_hist_seq;
        let last = live.last().map(|(n, _)| *n);
        for (number, path) in &live {
            let bytes = std::fs::read(path).map_err(|e| TsdbError::io(path, e))?;
            let mut pos = 0usize;
            loop {
                match wal::next_record(&bytes, pos) {
                    Next::End => break,
                    Next::Damaged { offset, reason } => {
                        if Some(*number) != last {
                            return Err(TsdbError::corrupt(path, offset as u64, reason));
                        }
                        tracing::warn!(
                            file = %path.display(), offset, reason,
                            dropped_bytes = bytes.len().saturating_sub(offset),
                            "truncating a torn write at the end of the write-ahead log"
                        );
                        let file = std::fs::OpenOptions::new()
                            .write(true)
                            .open(path)
                            .map_err(|e| TsdbError::io(path, e))?;
                        file.set_len(offset as u64)
                            .and_then(|()| file.sync_all())
                            .map_err(|e| TsdbError::io(path, e))?;
                        break;
                    }
                    Next::Record(record, next) => {
                        let at = record.offset.saturating_add(wal::HEADER_LEN);
                        let bad = |e: crate::codec::DecodeError| {
                            TsdbError::corrupt(path, at.saturating_add(e.offset) as u64, e.reason)
                        };
                        match record.kind {
                            KIND_SERIES => {
                                let defs = wal_record::decode_series_record(record.payload)
                                    .map_err(bad)?;
                                define(&mut state, &mut ids, defs, path, record.offset as u64)?;
                            }
                            KIND_BATCH => {
                                let mut seq = next_hist_seq;
                                let batch = wal_record::decode_batch(record.payload, &mut seq)
                                    .map_err(bad)?;
                                next_hist_seq = next_hist_seq.max(seq);
                                define(
                                    &mut state,
                                    &mut ids,
                                    batch.defs,
                                    path,
                                    record.offset as u64,
                                )?;
                                apply_replayed(&mut state, batch.series, batch.hists, now_ms)
                                    .map_err(|reason| {
                                        TsdbError::corrupt(path, record.offset as u64, reason)
                                    })?;
                            }
                            _ => {
                                return Err(TsdbError::corrupt(
                                    path,
                                    record.offset as u64,
                                    "unknown record kind",
                                ));
                            }
                        }
                        pos = next;
                    }
                }
            }
        }
        for block in state.blocks.values() {
            for (id, _, max_t) in block.series_bounds() {
                if state.registry.get(id).is_none() {
                    return Err(TsdbError::corrupt(
                        block.path(),
                        0,
                        "the block holds a series the registry lacks",
                    ));
                }
                state.registry.saw(id, max_t);
            }
        }
        let number = last
            .unwrap_or(0)
            .max(manifest.wal_covered)
            .saturating_add(1);
        let wal = WalWriter::create(&wal_dir, number)?;
        let next_id = u32::try_from(state.registry.len()).map_err(|_| append_hist_seq_error())?;
        state.manifest = Manifest {
            next_block_id,
            next_hist_seq,
            ..manifest
        };
        Ok(Engine {
            wal_dir,
            blocks_dir,
            writer: Mutex::new(Writer {
                wal,
                ids,
                next_id,
                next_hist_seq,
                written: 0,
                buf: Vec::new(),
                key_buf: Vec::new(),
                series_ids: Vec::new(),
                hist_ids: Vec::new(),
                poisoned: None,
            }),
            state: RwLock::new(state),
            sync: Mutex::new(SyncState::default()),
            synced: Condvar::new(),
            maintenance: Mutex::new(()),
            closed: AtomicBool::new(false),
            options,
            _lock: dir_lock,
        })
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Appends a batch; returns once every point of it is durable (synced to the WAL).
    pub fn append(&self, batch: &Batch, now_ms: i64) -> Result<AppendReport, TsdbError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(TsdbError::Closed);
        }
        if let Some(reason) = &lock(&self.sync).failed {
            return Err(TsdbError::Poisoned {
                reason: reason.clone(),
            });
        }
        let mut guard = lock(&self.writer);
        let w = &mut *guard;
        if let Some(reason) = &w.poisoned {
            return Err(TsdbError::Poisoned {
                reason: reason.clone(),
            });
        }
        let first_new = w.next_id;
        let mut new_defs: Vec<(u32, Kind, &SeriesKey)> = Vec::new();
        w.series_ids.clear();
        w.hist_ids.clear();
        let mut resolved = Ok(());
        for ss in &batch.series {
            if ss.samples.is_empty() {
                continue;
            }
            match resolve(w, &ss.key, Kind::Plain, &mut new_defs) {
                Ok(id) => w.series_ids.push(id),
                Err(e) => resolved = Err(e),
            }
        }
        for hp in &batch.histograms {
            match resolve(w, &hp.key, Kind::Histogram(hp.granularity), &mut new_defs) {
                Ok(id) => w.hist_ids.push(id),
                Err(e) => resolved = Err(e),
            }
        }
        let first_seq = w.next_hist_seq;
        let encoded = resolved.and_then(|()| {
            w.buf.clear();
            let start = wal::begin_record(&mut w.buf, KIND_BATCH);
            put_count(&mut w.buf, new_defs.len());
            for (id, kind, key) in &new_defs {
                put_def(&mut w.buf, *id, *kind, &key.canonical());
            }
            put_count(&mut w.buf, w.series_ids.len());
            let nonempty = batch.series.iter().filter(|s| !s.samples.is_empty());
            for (ss, id) in nonempty.zip(&w.series_ids) {
                put_samples(&mut w.buf, *id, &ss.samples);
            }
            put_count(&mut w.buf, batch.histograms.len());
            if !batch.histograms.is_empty() {
                crate::codec::put_varint(&mut w.buf, first_seq);
            }
            for (hp, id) in batch.histograms.iter().zip(&w.hist_ids) {
                put_hist(
                    &mut w.buf,
                    *id,
                    hp.distribution.timestamp,
                    hp.merge,
                    &hp.distribution.centroids,
                );
            }
            wal::finish_record(&mut w.buf, start)
        });
        let written = encoded.and_then(|()| {
            w.wal.write(&w.buf).map_err(|(e, restored)| {
                if !restored {
                    w.poisoned = Some(format!("{e}; the segment could not be cut back"));
                }
                e
            })
        });
        if let Err(e) = written {
            // Nothing of this batch is in the WAL: forget the series it introduced.
            for (_, kind, key) in &new_defs {
                let mut bytes = key.canonical();
                bytes.push(kind.code());
                w.ids.remove(&bytes);
            }
            w.next_id = first_new;
            return Err(e);
        }
        w.next_hist_seq = first_seq
            .checked_add(batch.histograms.len() as u64)
            .ok_or_else(append_hist_seq_error)?;
        w.written = w.written.saturating_add(1);
        let seq = w.written;
        {
            let mut st = write(&self.state);
            let st = &mut *st;
            for (id, kind, key) in &new_defs {
                if st
                    .registry
                    .define(*id, (*key).clone(), *kind)
                    .unwrap_or(false)
                {
                    st.postings.add(*id, key);
                }
            }
            let nonempty = batch.series.iter().filter(|s| !s.samples.is_empty());
            for (ss, id) in nonempty.zip(&w.series_ids) {
                st.head.push_samples(*id, &ss.samples);
                if let Some(max) = ss.samples.iter().map(|s| s.timestamp).max() {
                    st.registry.saw(*id, max);
                }
            }
            for ((hp, id), s) in batch.histograms.iter().zip(&w.hist_ids).zip(first_seq..) {
                st.head.push_hist(
                    *id,
                    HistEntry {
                        timestamp: hp.distribution.timestamp,
                        seq: s,
                        merge: hp.merge,
                        centroids: hp.distribution.centroids.clone(),
                    },
                );
                st.registry.saw(*id, hp.distribution.timestamp);
            }
            st.head.arrived(now_ms);
        }
        if w.wal.size >= self.options.wal_segment_bytes
            && let Err(e) = w.wal.rotate()
        {
            w.poisoned = Some(e.to_string());
            return Err(e);
        }
        let new_series = new_defs.len();
        drop(guard);
        self.wait_durable(seq)?;
        Ok(AppendReport {
            points: batch.points(),
            new_series,
        })
    }

    /// Group commit: returns once record `seq` is synced, syncing for everyone waiting when no
    /// other thread is.
    fn wait_durable(&self, seq: u64) -> Result<(), TsdbError> {
        let mut st = lock(&self.sync);
        loop {
            if let Some(reason) = &st.failed {
                return Err(TsdbError::Poisoned {
                    reason: reason.clone(),
                });
            }
            if st.synced >= seq {
                return Ok(());
            }
            if st.syncing {
                st = self.synced.wait(st).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            st.syncing = true;
            drop(st);
            let (file, path, target) = {
                let w = lock(&self.writer);
                (w.wal.file(), w.wal.path.clone(), w.written)
            };
            let result = file.sync_data();
            st = lock(&self.sync);
            st.syncing = false;
            match result {
                Ok(()) => st.synced = st.synced.max(target),
                Err(e) => {
                    let e = TsdbError::io(path, e);
                    st.failed = Some(e.to_string());
                    self.synced.notify_all();
                    return Err(e);
                }
            }
            self.synced.notify_all();
        }
    }

    /// Freezes the head, writes its points as blocks (one per time window), commits them in the
    /// manifest, and deletes the WAL segments that only held them.
    pub fn cut(&self, _now_ms: i64) -> Result<CutReport, TsdbError> {
        let _maintenance = lock(&self.maintenance);
        self.cut_locked()
    }

    fn cut_locked(&self) -> Result<CutReport, TsdbError> {
        let (covered, frozen, next_hist_seq) = {
            let mut w = lock(&self.writer);
            if let Some(reason) = &w.poisoned {
                return Err(TsdbError::Poisoned {
                    reason: reason.clone(),
                });
            }
            let covered = w.wal.number;
            let mut defs = Vec::new();
            {
                let st = read(&self.state);
                let start = wal::begin_record(&mut defs, KIND_SERIES);
                put_count(&mut defs, st.registry.len());
                for (id, entry) in st.registry.iter() {
                    put_def(&mut defs, id, entry.kind, &entry.key.canonical());
                }
                wal::finish_record(&mut defs, start)?;
            }
            // The next segment starts with every series, so the segments before it can go.
            let rotated = w.wal.rotate().and_then(|()| {
                w.wal.write(&defs).map_err(|(e, _)| e)?;
                w.wal.sync()
            });
            if let Err(e) = rotated {
                w.poisoned = Some(e.to_string());
                return Err(e);
            }
            let mut st = write(&self.state);
            let head = std::mem::take(&mut st.head);
            if head.points > 0 {
                st.frozen.push(Arc::new(head));
            }
            (covered, st.frozen.clone(), w.next_hist_seq)
        };
        let mut report = CutReport::default();
        let blocks = self.write_frozen(&frozen)?;
        report.blocks = blocks.len();
        report.points = blocks.iter().map(|b| b.meta.points).sum();
        let manifest = {
            let st = read(&self.state);
            let mut m = st.manifest.clone();
            m.wal_covered = covered;
            m.next_hist_seq = m.next_hist_seq.max(next_hist_seq);
            m.blocks.extend(blocks.iter().map(|b| b.meta.id));
            m
        };
        if let Err(e) = manifest.store(&self.options.dir) {
            for b in &blocks {
                let _ = remove_file(b.path());
            }
            return Err(e);
        }
        {
            let mut st = write(&self.state);
            for b in blocks {
                st.blocks.insert(b.meta.id, Arc::new(b));
            }
            st.frozen.clear();
            st.manifest = manifest;
        }
        for (number, path) in wal::list_segments(&self.wal_dir)? {
            if number <= covered {
                remove_file(&path)?;
                report.wal_segments_deleted = report.wal_segments_deleted.saturating_add(1);
            }
        }
        sync_dir(&self.wal_dir)?;
        Ok(report)
    }

    fn take_block_id(&self) -> u64 {
        let mut st = write(&self.state);
        let id = st.manifest.next_block_id;
        st.manifest.next_block_id = id.saturating_add(1);
        id
    }

    fn window(&self, timestamp: i64) -> i64 {
        let width = self.options.block_range_ms.max(1);
        timestamp.div_euclid(width).saturating_mul(width)
    }

    /// Writes the frozen heads' points as blocks, one per window, series in key order.
    fn write_frozen(&self, frozen: &[Arc<Head>]) -> Result<Vec<Block>, TsdbError> {
        let mut ids: Vec<u32> = frozen
            .iter()
            .flat_map(|h| {
                let plain = (0u32..)
                    .zip(&h.samples)
                    .filter(|(_, s)| !s.is_empty())
                    .map(|(id, _)| id);
                plain.chain(h.hists.keys().copied())
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        self.sort_by_key(&mut ids);
        type Window = Vec<(u32, Vec<Sample>, Vec<HistEntry>)>;
        let mut windows: BTreeMap<i64, Window> = BTreeMap::new();
        for id in ids {
            let mut samples: Vec<Sample> = frozen
                .iter()
                .flat_map(|h| h.series_samples(id))
                .copied()
                .collect();
            samples.sort_by_key(|s| s.timestamp);
            for run in samples.chunk_by(|a, b| self.window(a.timestamp) == self.window(b.timestamp))
            {
                if let Some(first) = run.first() {
                    windows
                        .entry(self.window(first.timestamp))
                        .or_default()
                        .push((id, run.to_vec(), Vec::new()));
                }
            }
            let mut hists: Vec<HistEntry> = frozen
                .iter()
                .flat_map(|h| h.series_hists(id))
                .cloned()
                .collect();
            hists.sort_by_key(|h| (h.timestamp, h.seq));
            for run in hists.chunk_by(|a, b| self.window(a.timestamp) == self.window(b.timestamp)) {
                if let Some(first) = run.first() {
                    windows
                        .entry(self.window(first.timestamp))
                        .or_default()
                        .push((id, Vec::new(), run.to_vec()));
                }
            }
        }
        let mut out = Vec::with_capacity(windows.len());
        for (start, series) in windows {
            let id = self.take_block_id();
            let end = start.saturating_add(self.options.block_range_ms);
            let result = (|| {
                let mut writer = BlockWriter::create(
                    &self.blocks_dir,
                    id,
                    start,
                    end,
                    self.options.block_group_points,
                )?;
                for (sid, samples, hists) in &series {
                    writer.add_samples(*sid, samples)?;
                    writer.add_hists(*sid, hists)?;
                }
                writer.finish()
            })();
            match result {
                Ok(block) => out.push(block),
                Err(e) => {
                    for b in &out {
                        let _ = remove_file(b.path());
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// Orders ids by their series key (ties, the same key in two namespaces, by id).
    fn sort_by_key(&self, ids: &mut [u32]) {
        let st = read(&self.state);
        ids.sort_by(|a, b| {
            let ka = st.registry.get(*a).map(|e| &e.key);
            let kb = st.registry.get(*b).map(|e| &e.key);
            ka.cmp(&kb).then(a.cmp(b))
        });
    }

    /// Cuts the head if it is due (too many points, or its oldest append too old), compacts, and
    /// deletes blocks whose every point is past retention.
    pub fn maintain(&self, now_ms: i64) -> Result<MaintainReport, TsdbError> {
        let _maintenance = lock(&self.maintenance);
        let mut report = MaintainReport::default();
        let due = {
            let st = read(&self.state);
            !st.frozen.is_empty()
                || st.head.points > self.options.head_max_points
                || st
                    .head
                    .first_arrival
                    .is_some_and(|t| t <= now_ms.saturating_sub(self.options.head_max_age_ms))
        };
        if due {
            report.cut = Some(self.cut_locked()?);
        }
        report.expired_blocks = self.expire(now_ms)?;
        loop {
            let metas: Vec<BlockMeta> = read(&self.state).blocks.values().map(|b| b.meta).collect();
            let plans = plan(
                &metas,
                self.options.block_range_ms,
                self.options.compaction_max_points,
            );
            if plans.is_empty() {
                break;
            }
            for c in &plans {
                self.compact(c)?;
                report.compactions = report.compactions.saturating_add(1);
            }
        }
        Ok(report)
    }

    /// Deletes blocks whose newest point is older than retention; answers how many.
    fn expire(&self, now_ms: i64) -> Result<usize, TsdbError> {
        let cutoff = now_ms.saturating_sub(self.options.retention_ms);
        let (expired, manifest) = {
            let st = read(&self.state);
            let expired: Vec<Arc<Block>> = st
                .blocks
                .values()
                .filter(|b| b.meta.max_t < cutoff)
                .cloned()
                .collect();
            let mut m = st.manifest.clone();
            m.blocks
                .retain(|id| expired.iter().all(|b| b.meta.id != *id));
            (expired, m)
        };
        if expired.is_empty() {
            return Ok(0);
        }
        manifest.store(&self.options.dir)?;
        {
            let mut st = write(&self.state);
            for b in &expired {
                st.blocks.remove(&b.meta.id);
            }
            st.manifest = manifest;
        }
        for b in &expired {
            remove_file(b.path())?;
        }
        sync_dir(&self.blocks_dir)?;
        Ok(expired.len())
    }

    /// Merges the inputs into one block, commits it in place of them, deletes them.
    fn compact(&self, c: &Compaction) -> Result<(), TsdbError> {
        let inputs: Vec<Arc<Block>> = {
            let st = read(&self.state);
            c.inputs
                .iter()
                .filter_map(|id| st.blocks.get(id).cloned())
                .collect()
        };
        let mut union = RoaringBitmap::new();
        for b in &inputs {
            union |= &b.ids;
        }
        let mut ids: Vec<u32> = union.iter().collect();
        self.sort_by_key(&mut ids);
        let id = self.take_block_id();
        let mut writer = BlockWriter::create(
            &self.blocks_dir,
            id,
            c.range_start,
            c.range_end,
            self.options.block_group_points,
        )?;
        let mut caches: Vec<GroupCache> = inputs.iter().map(|_| GroupCache::new(4)).collect();
        let mut samples = Vec::new();
        let mut hists = Vec::new();
        for sid in ids {
            samples.clear();
            hists.clear();
            for (b, cache) in inputs.iter().zip(&mut caches) {
                b.read_samples(sid, i64::MIN, i64::MAX, cache, &mut samples)?;
                b.read_hists(sid, i64::MIN, i64::MAX, &mut hists)?;
            }
            samples.sort_by_key(|s| s.timestamp);
            hists.sort_by_key(|h| (h.timestamp, h.seq));
            writer.add_samples(sid, &samples)?;
            writer.add_hists(sid, &hists)?;
        }
        let output = writer.finish()?;
        let manifest = {
            let st = read(&self.state);
            let mut m = st.manifest.clone();
            m.blocks.retain(|b| !c.inputs.contains(b));
            m.blocks.push(id);
            m
        };
        if let Err(e) = manifest.store(&self.options.dir) {
            let _ = remove_file(output.path());
            return Err(e);
        }
        {
            let mut st = write(&self.state);
            for b in &c.inputs {
                st.blocks.remove(b);
            }
            st.blocks.insert(id, Arc::new(output));
            st.manifest = manifest;
        }
        for b in &inputs {
            remove_file(b.path())?;
        }
        sync_dir(&self.blocks_dir)
    }

    /// Cuts the whole head into blocks and closes: a reopened engine starts with a WAL that holds
    /// only the series definitions.
    pub fn close(self, now_ms: i64) -> Result<(), TsdbError> {
        self.shutdown(now_ms)
    }

    /// [`Engine::close`] through a shared reference: later appends fail with `Closed`.
    pub fn shutdown(&self, now_ms: i64) -> Result<(), TsdbError> {
        self.closed.store(true, Ordering::Release);
        self.cut(now_ms).map(|_| ())
    }

    fn cutoff(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.options.retention_ms)
    }

    /// The ids of `kind` the filter selects, with their keys, ordered by key.
    fn matching(st: &State, filter: &Filter, kind: Kind) -> Vec<(SeriesKey, u32)> {
        let ids = st.postings.eval(filter) & st.registry.of_kind(kind);
        let mut out: Vec<(SeriesKey, u32)> = ids
            .iter()
            .filter_map(|id| st.registry.get(id).map(|e| (id, e)))
            .filter(|(_, e)| filter.matches(&e.key))
            .map(|(id, e)| (e.key.clone(), id))
            .collect();
        out.sort_unstable();
        out
    }

    /// Every selected series' points in `range` (and within retention), one per second.
    pub fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
        now_ms: i64,
    ) -> Result<Vec<SeriesData>, TsdbError> {
        let start = range.start.max(self.cutoff(now_ms));
        let end = range.end;
        if start >= end {
            return Ok(Vec::new());
        }
        let too_many_points = TsdbError::LimitExceeded {
            what: "points",
            limit: limits.max_points,
        };
        let (list, mut acc, blocks) = {
            let st = read(&self.state);
            let list = Self::matching(&st, filter, Kind::Plain);
            let mut total = 0usize;
            let mut acc: Vec<Vec<Sample>> = Vec::with_capacity(list.len());
            for (_, id) in &list {
                let mut v = Vec::new();
                for h in st.frozen.iter().map(|h| &**h).chain([&st.head]) {
                    v.extend(
                        h.series_samples(*id)
                            .iter()
                            .filter(|s| start <= s.timestamp && s.timestamp < end),
                    );
                }
                total = total.saturating_add(v.len());
                acc.push(v);
            }
            if total > limits.max_points {
                return Err(too_many_points);
            }
            let blocks: Vec<Arc<Block>> = st
                .blocks
                .values()
                .filter(|b| b.meta.min_t < end && b.meta.max_t >= start)
                .cloned()
                .collect();
            (list, acc, blocks)
        };
        let mut total: usize = acc.iter().map(Vec::len).sum();
        for block in &blocks {
            let mut cache = GroupCache::new(4096);
            for ((_, id), v) in list.iter().zip(&mut acc) {
                if !block.ids.contains(*id) {
                    continue;
                }
                let before = v.len();
                block.read_samples(*id, start, end, &mut cache, v)?;
                total = total.saturating_add(v.len().saturating_sub(before));
                if total > limits.max_points {
                    return Err(too_many_points);
                }
            }
        }
        let mut out = Vec::new();
        for ((key, _), mut samples) in list.into_iter().zip(acc) {
            if samples.is_empty() {
                continue;
            }
            if out.len() >= limits.max_series {
                return Err(TsdbError::LimitExceeded {
                    what: "series",
                    limit: limits.max_series,
                });
            }
            samples.sort_by_key(|s| s.timestamp);
            let delta = key.is_delta();
            out.push(SeriesData {
                samples: per_second(&samples, delta),
                key,
            });
        }
        Ok(out)
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
            let list = Self::matching(&st, filter, Kind::Histogram(granularity));
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
        let mut wal_bytes = 0u64;
        for (_, path) in wal::list_segments(&self.wal_dir)? {
            wal_bytes =
                wal_bytes.saturating_add(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0));
        }
        let st = read(&self.state);
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

    /// The metadata of the live blocks, by id.
    pub fn blocks(&self) -> Vec<BlockMeta> {
        read(&self.state).blocks.values().map(|b| b.meta).collect()
    }
}

/// Applies replayed samples and distributions to the head.
fn apply_replayed(
    state: &mut State,
    series: Vec<(u32, Vec<Sample>)>,
    hists: Vec<(u32, HistEntry)>,
    now_ms: i64,
) -> Result<(), &'static str> {
    let known = |state: &State, id: u32, kind_ok: fn(Kind) -> bool| {
        state.registry.get(id).is_some_and(|e| kind_ok(e.kind))
    };
    for (id, samples) in series {
        if !known(state, id, |k| k == Kind::Plain) {
            return Err("samples of an undefined series");
        }
        if let Some(max) = samples.iter().map(|s| s.timestamp).max() {
            state.registry.saw(id, max);
        }
        state.head.push_samples(id, &samples);
        state.head.arrived(now_ms);
    }
    for (id, entry) in hists {
        if !known(state, id, |k| matches!(k, Kind::Histogram(_))) {
            return Err("a distribution of an undefined histogram series");
        }
        state.registry.saw(id, entry.timestamp);
        state.head.push_hist(id, entry);
        state.head.arrived(now_ms);
    }
    Ok(())
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
