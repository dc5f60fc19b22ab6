//! [`FileLog`]: the ingest log of a single instance, as numbered segment files in one directory
//! (the server's `<data dir>/relay`), framed and scanned by the embedded engine's write-ahead log
//! code (`crest_tsdb::wal`).
//!
//! * Every segment opens with a *start* record holding the position of its first entry, synced
//!   when the segment is created, so the numbering survives even when every entry was trimmed.
//!   Then come *entry* records: the entry's position (u64, little-endian) and the batch in
//!   [`crate::codec`]'s form. Positions are consecutive: 1, 2, 3, …
//! * `append` writes the record and returns once it is synced; appends that arrive while a sync
//!   runs share the next one (group commit, as the embedded engine's WAL does).
//! * Segments rotate at a size; `trim_through` deletes whole segments whose entries it covers (never
//!   the one being written). Nothing else is persisted: after a restart every entry still on disk
//!   is handed out again, which is harmless (replays are).
//! * Open scans every segment. Damage in the last segment that no intact record follows is a torn
//!   write: the segment is cut there, and everything before it kept (an entry whose append did not
//!   return). Damage anywhere else (an older segment, or an intact record after it) is reported as
//!   corruption and the log does not open.
//! * `next` hands out synced entries only, read back from the files at a cursor; the entries are
//!   not kept in memory.
//!
//! One process at a time may open a directory (not enforced: the server owns its data dir).

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crest_series::Batch;
use crest_tsdb::TsdbError;
use crest_tsdb::wal::{self, GroupCommit, Next, WalWriter};

use crate::codec;
use crate::error::LogError;
use crate::lock::lock;
use crate::log::{Entry, IngestLog, Position};

/// The first record of every segment: the position of its first entry.
const KIND_START: u8 = 1;
/// One appended batch: its position, then the encoded batch.
const KIND_ENTRY: u8 = 2;
/// The size at which a segment is closed and the next begun.
pub const DEFAULT_SEGMENT_BYTES: u64 = 64 << 20;

/// The ingest log of a single instance (see the module's documentation).
#[derive(Debug, Clone)]
pub struct FileLog {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    segment_bytes: u64,
    writer: Mutex<Writer>,
    sync: GroupCommit,
    state: Mutex<State>,
    /// Where `next` reads; held by one `next` (or a rewind, or a trim) at a time, never while
    /// waiting for entries.
    reader: tokio::sync::Mutex<Cursor>,
    /// Woken when entries become durable.
    appended: tokio::sync::Notify,
}

#[derive(Debug)]
struct Writer {
    wal: WalWriter,
    /// The position the next append takes.
    next_position: u64,
    buf: Vec<u8>,
    /// Why the log accepts no more appends (a write that could not be undone, a failed sync).
    poisoned: Option<String>,
}

/// One segment as readers see it: only its synced part.
#[derive(Debug, Clone)]
struct Segment {
    path: PathBuf,
    /// Its start record's position: the first entry's, if it has one.
    first: u64,
    /// The newest synced entry's position (`first - 1` while it has none).
    last: u64,
    /// The end of its synced records.
    durable_end: u64,
}

#[derive(Debug)]
struct State {
    segments: BTreeMap<u64, Segment>,
    /// The newest synced position: what `next` may hand out, what `last_position` answers.
    durable: u64,
    /// The number of the segment being written (never deleted by a trim).
    current: u64,
    shipped_through: u64,
    /// Shipped positions above `shipped_through`, waiting for the gap below them to close.
    shipped_above: BTreeSet<u64>,
    trimmed: u64,
}

/// The next entry `next` reads.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    segment: u64,
    offset: u64,
    /// Every position at or before this was handed out (or trimmed).
    handed: u64,
}

fn from_tsdb(error: TsdbError) -> LogError {
    match error {
        TsdbError::Corrupt { .. } => LogError::Corrupt {
            context: error.to_string(),
            source: Some(Box::new(error)),
        },
        other => LogError::unavailable_because(other.to_string(), other),
    }
}

fn io(path: &Path, error: std::io::Error) -> LogError {
    LogError::unavailable_because(format!("I/O error on {}", path.display()), error)
}

fn corrupt(path: &Path, offset: u64, reason: impl std::fmt::Display) -> LogError {
    LogError::corrupt(format!(
        "the relay log segment {} is corrupt at byte {offset}: {reason}",
        path.display()
    ))
}

fn position_of(payload: &[u8]) -> Option<(u64, &[u8])> {
    let (head, rest) = payload.split_first_chunk::<8>()?;
    Some((u64::from_le_bytes(*head), rest))
}

/// Creates segment `number` whose first entry will be `first`, its start record synced.
fn start_segment(dir: &Path, number: u64, first: u64) -> Result<WalWriter, LogError> {
    let mut wal = WalWriter::create(dir, number).map_err(from_tsdb)?;
    let mut buf = Vec::with_capacity(wal::HEADER_LEN + 8);
    let start = wal::begin_record(&mut buf, KIND_START);
    buf.extend_from_slice(&first.to_le_bytes());
    wal::finish_record(&mut buf, start).map_err(from_tsdb)?;
    wal.write(&buf).map_err(|(e, _)| from_tsdb(e))?;
    wal.sync().map_err(from_tsdb)?;
    Ok(wal)
}

/// Whether an intact record starts anywhere after `offset`: damage followed by one is not a torn
/// write.
fn intact_record_after(bytes: &[u8], offset: usize) -> bool {
    (offset.saturating_add(1)..bytes.len())
        .any(|at| matches!(wal::next_record(bytes, at), Next::Record(..)))
}

/// One segment scanned at open.
struct Scanned {
    first: u64,
    last: u64,
    end: u64,
}

/// Scans a segment's bytes; `expected` is the position its first entry must have, when known.
/// `Ok(None)`: the last segment holds no intact start record (a crash while creating it).
fn scan(
    path: &Path,
    bytes: &[u8],
    expected: Option<u64>,
    is_last: bool,
) -> Result<Option<Scanned>, LogError> {
    let mut pos = 0usize;
    let mut seen: Option<(u64, u64)> = None;
    loop {
        match wal::next_record(bytes, pos) {
            Next::End => break,
            Next::Damaged { offset, reason } => {
                if !is_last || intact_record_after(bytes, offset) {
                    return Err(corrupt(path, offset as u64, reason));
                }
                tracing::warn!(
                    file = %path.display(), offset, reason,
                    dropped_bytes = bytes.len().saturating_sub(offset),
                    "cutting a torn write at the end of the relay log"
                );
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| io(path, e))?;
                file.set_len(offset as u64)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| io(path, e))?;
                break;
            }
            Next::Record(record, next) => {
                let at = record.offset as u64;
                let Some((position, _)) = position_of(record.payload) else {
                    return Err(corrupt(path, at, "a record without a position"));
                };
                seen = match (seen, record.kind) {
                    (None, KIND_START) => {
                        if expected.is_some_and(|e| e != position) || position == 0 {
                            return Err(corrupt(
                                path,
                                at,
                                format!(
                                    "the segment starts at position {position}, the one before ends before {}",
                                    expected.unwrap_or(1)
                                ),
                            ));
                        }
                        Some((position, position.saturating_sub(1)))
                    }
                    (Some((first, last)), KIND_ENTRY) => {
                        if position != last.saturating_add(1) {
                            return Err(corrupt(
                                path,
                                at,
                                format!("entry at position {position} follows {last}"),
                            ));
                        }
                        Some((first, position))
                    }
                    (_, kind) => {
                        return Err(corrupt(path, at, format!("unexpected record kind {kind}")));
                    }
                };
                pos = next;
            }
        }
    }
    let end = pos as u64;
    match seen {
        Some((first, last)) => Ok(Some(Scanned { first, last, end })),
        None if is_last => Ok(None),
        None => Err(corrupt(path, 0, "the segment holds no start record")),
    }
}

impl FileLog {
    /// Opens (or creates) the log in `dir`, with segments of [`DEFAULT_SEGMENT_BYTES`].
    pub async fn open(dir: impl Into<PathBuf>) -> Result<Self, LogError> {
        Self::open_with(dir, DEFAULT_SEGMENT_BYTES).await
    }

    /// Opens (or creates) the log in `dir`, rotating segments once they reach `segment_bytes`.
    pub async fn open_with(dir: impl Into<PathBuf>, segment_bytes: u64) -> Result<Self, LogError> {
        let dir = dir.into();
        let inner = tokio::task::spawn_blocking(move || Inner::open(dir, segment_bytes))
            .await
            .map_err(|e| LogError::unavailable_because("the relay log's open stopped", e))??;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The directory the log lives in.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The number of segment files (for operators and tests).
    pub fn segments(&self) -> usize {
        lock(&self.inner.state).segments.len()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&Inner) -> Result<T, LogError> + Send + 'static,
    ) -> Result<T, LogError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| {
                LogError::unavailable_because(format!("the relay log's {what} stopped"), e)
            })?
    }
}

impl Inner {
    fn open(dir: PathBuf, segment_bytes: u64) -> Result<Self, LogError> {
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let listed = wal::list_segments(&dir).map_err(from_tsdb)?;
        let mut segments = BTreeMap::new();
        let mut expected: Option<u64> = None;
        let count = listed.len();
        for (i, (number, path)) in listed.into_iter().enumerate() {
            let is_last = i.saturating_add(1) == count;
            let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
            match scan(&path, &bytes, expected, is_last)? {
                Some(s) => {
                    expected = Some(s.last.saturating_add(1));
                    segments.insert(
                        number,
                        Segment {
                            path,
                            first: s.first,
                            last: s.last,
                            durable_end: s.end,
                        },
                    );
                }
                None => {
                    std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
                    wal::sync_dir(&dir).map_err(from_tsdb)?;
                }
            }
        }
        let next_position = expected.unwrap_or(1);
        let number = segments
            .keys()
            .next_back()
            .map_or(Some(1), |n| n.checked_add(1))
            .ok_or_else(|| LogError::corrupt("the relay log's segment numbers are exhausted"))?;
        let wal = start_segment(&dir, number, next_position)?;
        segments.insert(
            number,
            Segment {
                path: wal.path.clone(),
                first: next_position,
                last: next_position.saturating_sub(1),
                durable_end: wal.size,
            },
        );
        let oldest = segments.values().next().map_or(next_position, |s| s.first);
        let trimmed = oldest.saturating_sub(1);
        let durable = next_position.saturating_sub(1);
        let first_number = segments.keys().next().copied().unwrap_or(number);
        Ok(Self {
            dir,
            segment_bytes,
            writer: Mutex::new(Writer {
                wal,
                next_position,
                buf: Vec::new(),
                poisoned: None,
            }),
            sync: GroupCommit::new(durable),
            state: Mutex::new(State {
                segments,
                durable,
                current: number,
                shipped_through: trimmed,
                shipped_above: BTreeSet::new(),
                trimmed,
            }),
            reader: tokio::sync::Mutex::new(Cursor {
                segment: first_number,
                offset: 0,
                handed: trimmed,
            }),
            appended: tokio::sync::Notify::new(),
        })
    }

    fn append(&self, encoded: &[u8]) -> Result<u64, LogError> {
        if let Some(reason) = self.sync.failed() {
            return Err(LogError::unavailable(format!(
                "the relay log failed to sync earlier and accepts no more appends: {reason}"
            )));
        }
        let mut guard = lock(&self.writer);
        let w = &mut *guard;
        if let Some(reason) = &w.poisoned {
            return Err(LogError::unavailable(format!(
                "the relay log failed to write earlier and accepts no more appends: {reason}"
            )));
        }
        let position = w.next_position;
        w.buf.clear();
        let start = wal::begin_record(&mut w.buf, KIND_ENTRY);
        w.buf.extend_from_slice(&position.to_le_bytes());
        w.buf.extend_from_slice(encoded);
        wal::finish_record(&mut w.buf, start).map_err(from_tsdb)?;
        w.wal.write(&w.buf).map_err(|(e, restored)| {
            if !restored {
                w.poisoned = Some(format!("{e}; the segment could not be cut back"));
            }
            from_tsdb(e)
        })?;
        w.next_position = position.saturating_add(1);
        if w.wal.size >= self.segment_bytes
            && let Err(e) = self.rotate(w)
        {
            w.poisoned = Some(e.to_string());
            return Err(e);
        }
        drop(guard);
        self.wait_durable(position)?;
        Ok(position)
    }

    /// Syncs the segment being written, records it whole, and starts the next.
    fn rotate(&self, w: &mut Writer) -> Result<(), LogError> {
        w.wal.sync().map_err(from_tsdb)?;
        let last = w.next_position.saturating_sub(1);
        let number =
            w.wal.number.checked_add(1).ok_or_else(|| {
                LogError::corrupt("the relay log's segment numbers are exhausted")
            })?;
        let next = start_segment(&self.dir, number, w.next_position)?;
        let old = std::mem::replace(&mut w.wal, next);
        {
            let mut st = lock(&self.state);
            if let Some(seg) = st.segments.get_mut(&old.number) {
                seg.last = seg.last.max(last);
                seg.durable_end = seg.durable_end.max(old.size);
            }
            st.segments.insert(
                number,
                Segment {
                    path: w.wal.path.clone(),
                    first: w.next_position,
                    last,
                    durable_end: w.wal.size,
                },
            );
            st.current = number;
            st.durable = st.durable.max(last);
        }
        self.sync.mark_synced(last);
        self.appended.notify_waiters();
        Ok(())
    }

    /// Group commit: returns once `position` is synced; the syncing writer makes what it synced
    /// readable and wakes the readers.
    fn wait_durable(&self, position: u64) -> Result<(), LogError> {
        self.sync.wait_durable(
            position,
            || {
                let (file, path, number, size, target) = {
                    let w = lock(&self.writer);
                    (
                        w.wal.file(),
                        w.wal.path.clone(),
                        w.wal.number,
                        w.wal.size,
                        w.next_position.saturating_sub(1),
                    )
                };
                file.sync_data().map_err(|e| io(&path, e))?;
                {
                    let mut state = lock(&self.state);
                    if let Some(seg) = state.segments.get_mut(&number) {
                        seg.last = seg.last.max(target);
                        seg.durable_end = seg.durable_end.max(size);
                    }
                    state.durable = state.durable.max(target);
                }
                self.appended.notify_waiters();
                Ok(target)
            },
            |reason| LogError::unavailable(format!("the relay log failed to sync: {reason}")),
        )
    }

    /// Reads up to `max` synced entries from `cursor` on; moves the cursor past them.
    fn read(&self, cursor: &mut Cursor, max: usize) -> Result<Vec<Entry>, LogError> {
        let (segments, durable, trimmed) = {
            let st = lock(&self.state);
            let segments: Vec<(u64, Segment)> = st
                .segments
                .range(cursor.segment..)
                .map(|(n, s)| (*n, s.clone()))
                .collect();
            (segments, st.durable, st.trimmed)
        };
        let mut out = Vec::new();
        for (number, segment) in segments {
            if out.len() >= max || cursor.handed >= durable {
                break;
            }
            if number != cursor.segment {
                *cursor = Cursor {
                    segment: number,
                    offset: 0,
                    handed: cursor.handed,
                };
            }
            if cursor.offset >= segment.durable_end || segment.last <= cursor.handed {
                cursor.offset = cursor.offset.max(segment.durable_end);
                continue;
            }
            let file = std::fs::File::open(&segment.path).map_err(|e| io(&segment.path, e))?;
            while out.len() < max && cursor.offset < segment.durable_end {
                let mut header = [0u8; wal::HEADER_LEN];
                file.read_exact_at(&mut header, cursor.offset)
                    .map_err(|e| io(&segment.path, e))?;
                let len = header
                    .first_chunk::<4>()
                    .map_or(0, |b| u32::from_le_bytes(*b)) as usize;
                if len > wal::MAX_PAYLOAD {
                    return Err(corrupt(
                        &segment.path,
                        cursor.offset,
                        "record length is implausible",
                    ));
                }
                let mut record = vec![0u8; wal::HEADER_LEN.saturating_add(len)];
                file.read_exact_at(&mut record, cursor.offset)
                    .map_err(|e| io(&segment.path, e))?;
                let Next::Record(r, next) = wal::next_record(&record, 0) else {
                    return Err(corrupt(
                        &segment.path,
                        cursor.offset,
                        "a synced record fails its check",
                    ));
                };
                let at = cursor.offset;
                cursor.offset = at.saturating_add(next as u64);
                if r.kind != KIND_ENTRY {
                    continue;
                }
                let Some((position, body)) = position_of(r.payload) else {
                    return Err(corrupt(&segment.path, at, "a record without a position"));
                };
                if position <= cursor.handed || position <= trimmed {
                    continue;
                }
                let batch = codec::decode(body).map_err(|e| LogError::Corrupt {
                    context: format!(
                        "the entry at position {position} in {} does not decode",
                        segment.path.display()
                    ),
                    source: Some(Box::new(e)),
                })?;
                cursor.handed = position;
                out.push(Entry {
                    position: Position(position),
                    batch,
                });
            }
        }
        Ok(out)
    }

    fn available(&self, cursor: &Cursor) -> bool {
        lock(&self.state).durable > cursor.handed
    }

    /// Deletes the segments whose entries are all at or before `position`, but the current one.
    fn delete_trimmed(&self, position: u64) -> Result<(), LogError> {
        let doomed: Vec<(u64, PathBuf)> = {
            let st = lock(&self.state);
            st.segments
                .iter()
                .filter(|(n, s)| **n != st.current && s.last <= position)
                .map(|(n, s)| (*n, s.path.clone()))
                .collect()
        };
        if doomed.is_empty() {
            return Ok(());
        }
        for (number, path) in &doomed {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(path, e)),
            }
            lock(&self.state).segments.remove(number);
        }
        wal::sync_dir(&self.dir).map_err(from_tsdb)
    }
}

#[async_trait::async_trait]
impl IngestLog for FileLog {
    async fn append(&self, batch: &Batch) -> Result<Position, LogError> {
        let encoded = codec::encode(batch);
        self.blocking("append", move |inner| inner.append(&encoded))
            .await
            .map(Position)
    }

    async fn last_position(&self) -> Result<Position, LogError> {
        Ok(Position(lock(&self.inner.state).durable))
    }

    async fn next(&self, max: usize, wait: Duration) -> Result<Vec<Entry>, LogError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.inner.appended.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut cursor = self.inner.reader.lock().await;
                if self.inner.available(&cursor) {
                    let mut moved = *cursor;
                    let inner = Arc::clone(&self.inner);
                    let (entries, moved) = tokio::task::spawn_blocking(move || {
                        inner.read(&mut moved, max).map(|e| (e, moved))
                    })
                    .await
                    .map_err(|e| {
                        LogError::unavailable_because("the relay log's read stopped", e)
                    })??;
                    *cursor = moved;
                    if !entries.is_empty() {
                        return Ok(entries);
                    }
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Ok(Vec::new());
            }
        }
    }

    async fn shipped(&self, positions: &[Position]) -> Result<(), LogError> {
        let mut st = lock(&self.inner.state);
        let st = &mut *st;
        for p in positions {
            if p.0 > st.shipped_through {
                st.shipped_above.insert(p.0);
            }
        }
        while st
            .shipped_above
            .first()
            .is_some_and(|p| *p == st.shipped_through.saturating_add(1))
        {
            st.shipped_above.pop_first();
            st.shipped_through = st.shipped_through.saturating_add(1);
        }
        Ok(())
    }

    async fn shipped_through(&self) -> Result<Position, LogError> {
        Ok(Position(lock(&self.inner.state).shipped_through))
    }

    async fn trim_through(&self, position: Position) -> Result<(), LogError> {
        let _reading = self.inner.reader.lock().await;
        {
            let mut st = lock(&self.inner.state);
            let st = &mut *st;
            if position.0 <= st.trimmed {
                return Ok(());
            }
            st.trimmed = position.0;
            if st.shipped_through < position.0 {
                st.shipped_through = position.0;
            }
            st.shipped_above = st.shipped_above.split_off(&position.0.saturating_add(1));
        }
        self.blocking("trim", move |inner| inner.delete_trimmed(position.0))
            .await
    }

    async fn rewind(&self) -> Result<(), LogError> {
        let mut cursor = self.inner.reader.lock().await;
        let mut st = lock(&self.inner.state);
        let first = st.segments.keys().next().copied().unwrap_or(st.current);
        *cursor = Cursor {
            segment: first,
            offset: 0,
            handed: st.trimmed,
        };
        st.shipped_through = st.trimmed;
        st.shipped_above.clear();
        drop(st);
        drop(cursor);
        self.inner.appended.notify_waiters();
        Ok(())
    }
}
