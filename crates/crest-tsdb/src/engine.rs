//! The engine: its state, opening (loading blocks, replaying the WAL) and appending (WAL records
//! synced by group commit, then the head). Cuts, compaction and retention are in `maintenance`,
//! reads in `read`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crest_series::{AppendReport, Batch, SeriesKey, canonical_hash};

use crate::block::{Block, SharedGroups, block_id, block_path};
use crate::error::TsdbError;
use crate::head::{Head, HistEntry};
use crate::lock::DirLock;
use crate::manifest::{Manifest, sync_dir};
use crate::options::Options;
use crate::postings::Postings;
use crate::registry::{Kind, Registry};
use crate::series_ids::SeriesIds;
use crate::wal::{self, GroupCommit, KIND_BATCH, KIND_SERIES, Next, WalWriter};
use crate::wal_record::{self, Def, put_count, put_def, put_hist, put_samples};

mod maintenance;
mod read;

pub use maintenance::{CutReport, MaintainReport};

/// The writer's side: the WAL segment being appended to and the key → id map.
#[derive(Debug)]
struct Writer {
    wal: WalWriter,
    /// Canonical key bytes and kind → series id; its length is the next id.
    ids: SeriesIds,
    next_hist_seq: u64,
    /// Records written so far (the group-commit sequence).
    written: u64,
    buf: Vec<u8>,
    key_buf: Vec<u8>,
    series_ids: Vec<u32>,
    hist_ids: Vec<u32>,
    /// The keys of the series the batch being appended introduces, decoded.
    new_keys: Vec<SeriesKey>,
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

/// The embedded time-series engine. Thread-safe; every method takes `&self` except `close`.
pub struct Engine {
    options: Options,
    wal_dir: PathBuf,
    blocks_dir: PathBuf,
    writer: Mutex<Writer>,
    state: RwLock<State>,
    sync: GroupCommit,
    maintenance: Mutex<()>,
    closed: AtomicBool,
    /// Groups decoded by reads, kept for later reads.
    decoded: Arc<SharedGroups>,
    _lock: DirLock,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("dir", &self.options.dir)
            .field("closed", &self.closed.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
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
    ids: &mut SeriesIds,
    defs: Vec<Def>,
    file: &Path,
    offset: u64,
) -> Result<(), TsdbError> {
    let mut bytes = Vec::new();
    for def in defs {
        bytes.clear();
        def.key.write_canonical(&mut bytes);
        let (id, kind) = (def.id, def.kind);
        let new = state
            .registry
            .define(id, def.key, kind)
            .map_err(|reason| TsdbError::corrupt(file, offset, reason))?;
        if new {
            // Both are dense from 0 and grow together, so the map gives the same id.
            if ids.resolve(&bytes, canonical_hash(&bytes), kind) != Some((id, true)) {
                return Err(TsdbError::corrupt(
                    file,
                    offset,
                    "a series is defined twice under different ids",
                ));
            }
            if let Some(entry) = state.registry.get(id) {
                state.postings.add(id, &entry.key);
            }
        }
    }
    Ok(())
}

/// The id of a key of `kind` by its canonical bytes and their hash, assigning the next one when
/// unknown; a new key is decoded (into `new_keys`, for the registry and postings) before anything
/// of the batch is written, and refused unless the bytes are exactly its canonical form (a NUL
/// inside a part, tags out of order or repeated), since one series must have one byte string.
fn resolve(w: &mut Writer, canonical: &[u8], hash: u64, kind: Kind) -> Result<u32, TsdbError> {
    let (id, new) = w
        .ids
        .resolve(canonical, hash, kind)
        .ok_or(TsdbError::Poisoned {
            reason: "series ids are exhausted".into(),
        })?;
    if new {
        // On an error the caller forgets every id the batch introduced.
        let key = SeriesKey::from_canonical(canonical)
            .filter(|key| key.canonical() == canonical)
            .ok_or(TsdbError::InvalidKey)?;
        w.new_keys.push(key);
    }
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
        create_dir(&options.dir)?;
        let dir_lock = DirLock::acquire(&options.dir)?;
        let Loaded {
            mut state,
            ids,
            next_hist_seq,
            next_block_id,
            last,
            manifest,
            wal_dir,
            blocks_dir,
        } = load(&options, now_ms, Access::Owner)?;
        let number = last
            .unwrap_or(0)
            .max(manifest.wal_covered)
            .saturating_add(1);
        let wal = WalWriter::create(&wal_dir, number)?;
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
                next_hist_seq,
                written: 0,
                buf: Vec::new(),
                key_buf: Vec::new(),
                series_ids: Vec::new(),
                hist_ids: Vec::new(),
                new_keys: Vec::new(),
                poisoned: None,
            }),
            state: RwLock::new(state),
            sync: GroupCommit::default(),
            maintenance: Mutex::new(()),
            closed: AtomicBool::new(false),
            decoded: Arc::new(SharedGroups::new(options.decoded_cache_bytes)),
            options,
            _lock: dir_lock,
        })
    }

    /// What the engine in `options.dir` holds, read without taking the directory's lock or
    /// changing anything: for `crest admin tsdb status` while a server owns the directory. A
    /// record the owner is writing at that moment looks torn and is left out; a block or segment
    /// the owner removes meanwhile makes this fail, and the caller may ask again.
    pub fn inspect(
        options: &Options,
        now_ms: i64,
    ) -> Result<crest_series::EngineStatus, TsdbError> {
        if !options.dir.join("wal").is_dir() {
            return Err(TsdbError::io(
                &options.dir,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no engine has run here"),
            ));
        }
        let loaded = load(options, now_ms, Access::Reader)?;
        read::status_of(&loaded.state, &loaded.wal_dir)
    }
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Appends a batch; returns once every point of it is durable (synced to the WAL).
    pub fn append(&self, batch: &Batch, now_ms: i64) -> Result<AppendReport, TsdbError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(TsdbError::Closed);
        }
        if batch.is_empty() {
            return Ok(AppendReport::default());
        }
        if let Some(reason) = self.sync.failed() {
            return Err(TsdbError::Poisoned { reason });
        }
        let mut guard = lock(&self.writer);
        let w = &mut *guard;
        if let Some(reason) = &w.poisoned {
            return Err(TsdbError::Poisoned {
                reason: reason.clone(),
            });
        }
        let first_new = w.ids.len();
        w.new_keys.clear();
        w.series_ids.clear();
        w.hist_ids.clear();
        let mut resolved = Ok(());
        for ss in batch.series() {
            if ss.samples.is_empty() {
                continue;
            }
            match resolve(w, ss.canonical, ss.hash, Kind::Plain) {
                Ok(id) => w.series_ids.push(id),
                Err(e) => {
                    resolved = Err(e);
                    break;
                }
            }
        }
        for hp in &batch.histograms {
            if resolved.is_err() {
                break;
            }
            let mut bytes = std::mem::take(&mut w.key_buf);
            bytes.clear();
            hp.key.write_canonical(&mut bytes);
            let kind = Kind::Histogram(hp.granularity);
            match resolve(w, &bytes, canonical_hash(&bytes), kind) {
                Ok(id) => w.hist_ids.push(id),
                Err(e) => resolved = Err(e),
            }
            w.key_buf = bytes;
        }
        let first_seq = w.next_hist_seq;
        let encoded = resolved.and_then(|()| {
            w.buf.clear();
            let start = wal::begin_record(&mut w.buf, KIND_BATCH);
            let new = w.ids.len().saturating_sub(first_new);
            put_count(&mut w.buf, new);
            for id in (first_new..w.ids.len()).filter_map(|i| u32::try_from(i).ok()) {
                if let Some((canonical, kind)) = w.ids.key(id) {
                    put_def(&mut w.buf, id, kind, canonical);
                }
            }
            put_count(&mut w.buf, w.series_ids.len());
            let nonempty = batch.series().filter(|s| !s.samples.is_empty());
            for (ss, id) in nonempty.zip(&w.series_ids) {
                put_samples(&mut w.buf, *id, ss.samples);
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
            w.ids.truncate(first_new);
            w.new_keys.clear();
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
            let new_ids = (first_new..).filter_map(|i| u32::try_from(i).ok());
            for (id, key) in new_ids.zip(w.new_keys.drain(..)) {
                let kind = w.ids.key(id).map_or(Kind::Plain, |(_, kind)| kind);
                match st.registry.define(id, key, kind) {
                    Ok(true) => {
                        if let Some(entry) = st.registry.get(id) {
                            st.postings.add(id, &entry.key);
                        }
                    }
                    Ok(false) => {}
                    // The writer hands out ids densely under its lock, so this is a bug; the WAL
                    // holds the definition and a reopen rebuilds the registry from it.
                    Err(reason) => {
                        tracing::error!(id, reason, "series registry out of step with the writer");
                    }
                }
            }
            let nonempty = batch.series().filter(|s| !s.samples.is_empty());
            for (ss, id) in nonempty.zip(&w.series_ids) {
                st.head.push_samples(*id, ss.samples);
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
        let new_series = w.ids.len().saturating_sub(first_new);
        drop(guard);
        self.wait_durable(seq)?;
        Ok(AppendReport {
            points: batch.points(),
            new_series,
        })
    }

    /// Group commit: returns once record `seq` is synced.
    fn wait_durable(&self, seq: u64) -> Result<(), TsdbError> {
        self.sync.wait_durable(
            seq,
            || {
                let (file, path, target) = {
                    let w = lock(&self.writer);
                    (w.wal.file(), w.wal.path.clone(), w.written)
                };
                file.sync_data().map_err(|e| TsdbError::io(path, e))?;
                Ok(target)
            },
            |reason| TsdbError::Poisoned { reason },
        )
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
}

/// Applies replayed samples and distributions to the head.
fn apply_replayed(
    state: &mut State,
    batch: &mut wal_record::DecodedBatch,
    now_ms: i64,
) -> Result<(), &'static str> {
    let known = |state: &State, id: u32, kind_ok: fn(Kind) -> bool| {
        state.registry.get(id).is_some_and(|e| kind_ok(e.kind))
    };
    for (id, samples) in batch.series_samples() {
        if !known(state, id, |k| k == Kind::Plain) {
            return Err("samples of an undefined series");
        }
        if let Some(max) = samples.iter().map(|s| s.timestamp).max() {
            state.registry.saw(id, max);
        }
        state.head.push_samples(id, samples);
        state.head.arrived(now_ms);
    }
    for (id, entry) in batch.hists.drain(..) {
        if !known(state, id, |k| matches!(k, Kind::Histogram(_))) {
            return Err("a distribution of an undefined histogram series");
        }
        state.registry.saw(id, entry.timestamp);
        state.head.push_hist(id, entry);
        state.head.arrived(now_ms);
    }
    Ok(())
}

/// Who loads a directory: its owner (holding the lock: repairs a torn tail, removes what a crash
/// left) or a reader (changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Owner,
    Reader,
}

/// What opening reads from a directory before a writer is made.
struct Loaded {
    state: State,
    ids: SeriesIds,
    next_hist_seq: u64,
    next_block_id: u64,
    last: Option<u64>,
    manifest: Manifest,
    wal_dir: PathBuf,
    blocks_dir: PathBuf,
}

/// Loads the live blocks and replays the WAL of `options.dir`.
fn load(options: &Options, now_ms: i64, access: Access) -> Result<Loaded, TsdbError> {
    let dir = options.dir.clone();
    let wal_dir = dir.join("wal");
    let blocks_dir = dir.join("blocks");
    if access == Access::Owner {
        create_dir(&wal_dir)?;
        create_dir(&blocks_dir)?;
    }
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
        if access == Access::Owner {
            remove_file(&path)?;
            removed = true;
        }
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
    if access == Access::Owner {
        for (_, path) in &covered {
            remove_file(path)?;
        }
    }
    let mut ids = SeriesIds::default();
    let mut next_hist_seq = manifest.next_hist_seq;
    let last = live.last().map(|(n, _)| *n);
    let mut decoded = wal_record::DecodedBatch::default();
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
                    if access == Access::Reader {
                        // The owner may be writing this record right now.
                        break;
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
                            let defs =
                                wal_record::decode_series_record(record.payload).map_err(bad)?;
                            define(&mut state, &mut ids, defs, path, record.offset as u64)?;
                        }
                        KIND_BATCH => {
                            let mut seq = next_hist_seq;
                            wal_record::decode_batch(record.payload, &mut seq, &mut decoded)
                                .map_err(bad)?;
                            next_hist_seq = next_hist_seq.max(seq);
                            let defs = std::mem::take(&mut decoded.defs);
                            define(&mut state, &mut ids, defs, path, record.offset as u64)?;
                            apply_replayed(&mut state, &mut decoded, now_ms).map_err(|reason| {
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
    Ok(Loaded {
        state,
        ids,
        next_hist_seq,
        next_block_id,
        last,
        manifest,
        wal_dir,
        blocks_dir,
    })
}
