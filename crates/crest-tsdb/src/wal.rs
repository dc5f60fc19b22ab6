//! The write-ahead log's files: numbered segments of records framed as
//! `[len u32][crc32 u32][kind u8][payload]` (little-endian; `len` counts the payload, the checksum
//! covers kind and payload), the writer that appends and syncs them, and the scanner that reads
//! them back and tells a complete record from damage.
//!
//! Public (`crest_tsdb::wal`) so that crest-relay's file log frames and scans its own segments the
//! same way: the framing ([`begin_record`], [`finish_record`], [`HEADER_LEN`], [`MAX_PAYLOAD`]),
//! the scanner ([`next_record`]), the segment files ([`segment_path`], [`list_segments`],
//! [`sync_dir`]) and the [`WalWriter`]. Record kinds are each log's own.
#![deny(clippy::arithmetic_side_effects)]

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use crate::error::TsdbError;
pub use crate::manifest::sync_dir;

/// Bytes before a record's payload.
pub const HEADER_LEN: usize = 9;
/// No record is larger; a bigger length is damage.
pub const MAX_PAYLOAD: usize = 1 << 30;
/// Series definitions (written at the head of the segment that follows a cut).
pub(crate) const KIND_SERIES: u8 = 1;
/// One appended batch: its new series, samples and distributions.
pub(crate) const KIND_BATCH: u8 = 2;

pub fn segment_path(wal_dir: &Path, number: u64) -> PathBuf {
    wal_dir.join(format!("{number:08}.wal"))
}

/// The segments in the directory, in order.
pub fn list_segments(wal_dir: &Path) -> Result<Vec<(u64, PathBuf)>, TsdbError> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(wal_dir).map_err(|e| TsdbError::io(wal_dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| TsdbError::io(wal_dir, e))?;
        let name = entry.file_name();
        let Some(number) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".wal"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        out.push((number, entry.path()));
    }
    out.sort_unstable();
    Ok(out)
}

/// Starts a record of `kind` at the end of `buf`; returns where it starts.
pub fn begin_record(buf: &mut Vec<u8>, kind: u8) -> usize {
    let start = buf.len();
    buf.extend_from_slice(&[0u8; 8]);
    buf.push(kind);
    start
}

/// Fills in the length and checksum of the record started at `start`.
pub fn finish_record(buf: &mut [u8], start: usize) -> Result<(), TsdbError> {
    let too_large = |bytes| TsdbError::BatchTooLarge { bytes };
    let (head, body) = buf
        .get_mut(start..)
        .ok_or(too_large(0))?
        .split_at_mut_checked(8)
        .ok_or(too_large(0))?;
    let payload_len = body.len().saturating_sub(1);
    if payload_len > MAX_PAYLOAD {
        return Err(too_large(payload_len));
    }
    let len = u32::try_from(payload_len).map_err(|_| too_large(payload_len))?;
    let crc = crc32fast::hash(body);
    let mut header = [0u8; 8];
    header[..4].copy_from_slice(&len.to_le_bytes());
    header[4..].copy_from_slice(&crc.to_le_bytes());
    head.copy_from_slice(&header);
    Ok(())
}

/// One record read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub offset: usize,
    pub kind: u8,
    pub payload: &'a [u8],
}

/// What follows a position in a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next<'a> {
    Record(Record<'a>, usize),
    End,
    /// An incomplete or failing record starts at `offset`.
    Damaged {
        offset: usize,
        reason: &'static str,
    },
}

pub fn next_record(bytes: &[u8], pos: usize) -> Next<'_> {
    let damaged = |reason| Next::Damaged {
        offset: pos,
        reason,
    };
    let Some(rest) = bytes.get(pos..) else {
        return damaged("position past the end");
    };
    if rest.is_empty() {
        return Next::End;
    }
    let Some((header, body)) = rest.split_at_checked(HEADER_LEN) else {
        return damaged("record header runs past the end of the segment");
    };
    let mut r = crate::codec::Reader::new(header);
    let (Ok(len), Ok(crc)) = (r.u32(), r.u32()) else {
        return damaged("record header runs past the end of the segment");
    };
    let len = len as usize;
    if len > MAX_PAYLOAD {
        return damaged("record length is implausible");
    }
    let Some(payload) = body.get(..len) else {
        return damaged("record runs past the end of the segment");
    };
    let Some(checked) = header.get(8..) else {
        return damaged("record header runs past the end of the segment");
    };
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(checked);
    hasher.update(payload);
    if hasher.finalize() != crc {
        return damaged("record checksum mismatch");
    }
    let kind = checked.first().copied().unwrap_or(0);
    let next = pos.saturating_add(HEADER_LEN).saturating_add(len);
    Next::Record(
        Record {
            offset: pos,
            kind,
            payload,
        },
        next,
    )
}

/// Group commit: writers wait until their record is synced, and one of them syncs for everyone
/// waiting while the others sleep. A failed sync is remembered: nothing written after it may be
/// acknowledged.
#[derive(Debug, Default)]
pub struct GroupCommit {
    state: Mutex<SyncState>,
    synced: Condvar,
}

#[derive(Debug, Default)]
struct SyncState {
    /// Every record numbered at or below this is synced.
    synced: u64,
    syncing: bool,
    failed: Option<String>,
}

impl GroupCommit {
    /// Records numbered at or below `synced` are synced already.
    pub fn new(synced: u64) -> Self {
        Self {
            state: Mutex::new(SyncState {
                synced,
                ..SyncState::default()
            }),
            synced: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SyncState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Why a sync failed, if one did.
    pub fn failed(&self) -> Option<String> {
        self.lock().failed.clone()
    }

    /// Records numbered at or below `seq` were synced by the caller itself (a rotation).
    pub fn mark_synced(&self, seq: u64) {
        let mut st = self.lock();
        st.synced = st.synced.max(seq);
        drop(st);
        self.synced.notify_all();
    }

    /// Returns once record `seq` is synced. When no other thread is syncing, this one calls
    /// `sync`, which syncs and answers the highest record number the sync covered (read before
    /// syncing). `poisoned` makes the error of a caller that finds an earlier sync failed.
    pub fn wait_durable<E: std::fmt::Display>(
        &self,
        seq: u64,
        mut sync: impl FnMut() -> Result<u64, E>,
        poisoned: impl Fn(String) -> E,
    ) -> Result<(), E> {
        let mut st = self.lock();
        loop {
            if let Some(reason) = &st.failed {
                return Err(poisoned(reason.clone()));
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
            let result = sync();
            st = self.lock();
            st.syncing = false;
            match result {
                Ok(target) => st.synced = st.synced.max(target),
                Err(e) => {
                    st.failed = Some(e.to_string());
                    self.synced.notify_all();
                    return Err(e);
                }
            }
            self.synced.notify_all();
        }
    }
}

/// The segment being appended to.
#[derive(Debug)]
pub struct WalWriter {
    wal_dir: PathBuf,
    pub number: u64,
    pub path: PathBuf,
    file: Arc<File>,
    pub size: u64,
}

impl WalWriter {
    /// Creates segment `number` (which must not exist) and makes its directory entry durable.
    pub fn create(wal_dir: &Path, number: u64) -> Result<Self, TsdbError> {
        let path = segment_path(wal_dir, number);
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| TsdbError::io(&path, e))?;
        sync_dir(wal_dir)?;
        Ok(Self {
            wal_dir: wal_dir.to_path_buf(),
            number,
            path,
            file: Arc::new(file),
            size: 0,
        })
    }

    /// Appends bytes. On failure the segment is cut back to where it was; `Err((error, false))`
    /// says that failed too, so the segment may hold a partial record and must not be written on.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), (TsdbError, bool)> {
        match (&*self.file).write_all(bytes) {
            Ok(()) => {
                self.size = self.size.saturating_add(bytes.len() as u64);
                Ok(())
            }
            Err(e) => {
                let restored = self.file.set_len(self.size).is_ok();
                Err((TsdbError::io(&self.path, e), restored))
            }
        }
    }

    pub fn file(&self) -> Arc<File> {
        Arc::clone(&self.file)
    }

    pub fn sync(&self) -> Result<(), TsdbError> {
        self.file
            .sync_data()
            .map_err(|e| TsdbError::io(&self.path, e))
    }

    /// Syncs this segment and starts the next.
    pub fn rotate(&mut self) -> Result<(), TsdbError> {
        self.sync()?;
        let next = self
            .number
            .checked_add(1)
            .ok_or_else(|| TsdbError::corrupt(&self.path, 0, "segment numbers are exhausted"))?;
        *self = Self::create(&self.wal_dir, next)?;
        Ok(())
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

    fn record(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut buf = Vec::new();
        let start = begin_record(&mut buf, kind);
        buf.extend_from_slice(payload);
        finish_record(&mut buf, start).unwrap();
        buf
    }

    #[test]
    fn group_commit_syncs_once_for_many_and_remembers_a_failure() {
        use std::sync::atomic::{AtomicU64, Ordering};
        let commit = GroupCommit::new(0);
        let syncs = AtomicU64::new(0);
        std::thread::scope(|scope| {
            for seq in 1..=8 {
                let (commit, syncs) = (&commit, &syncs);
                scope.spawn(move || {
                    commit
                        .wait_durable(
                            seq,
                            || {
                                syncs.fetch_add(1, Ordering::SeqCst);
                                Ok::<u64, String>(8)
                            },
                            |r| r,
                        )
                        .unwrap();
                });
            }
        });
        let n = syncs.load(Ordering::SeqCst);
        assert!((1..=8).contains(&n), "{n} syncs");
        commit.mark_synced(9);
        assert_eq!(
            commit.wait_durable(9, || panic!("no sync needed"), |r| r),
            Ok(())
        );
        assert_eq!(
            commit.wait_durable(10, || Err("disk gone".to_owned()), |r| r),
            Err("disk gone".to_owned())
        );
        assert_eq!(commit.failed().as_deref(), Some("disk gone"));
        assert_eq!(
            commit.wait_durable(11, || Ok(11), |r| format!("poisoned: {r}")),
            Err("poisoned: disk gone".to_owned())
        );
    }

    #[test]
    fn records_frame_and_scan_back() {
        let mut seg = record(KIND_BATCH, b"hello");
        seg.extend(record(KIND_SERIES, b""));
        let Next::Record(r, next) = next_record(&seg, 0) else {
            panic!()
        };
        assert_eq!((r.kind, r.payload, next), (KIND_BATCH, &b"hello"[..], 14));
        let Next::Record(r, next) = next_record(&seg, next) else {
            panic!()
        };
        assert_eq!((r.kind, r.payload, r.offset), (KIND_SERIES, &b""[..], 14));
        assert_eq!(next_record(&seg, next), Next::End);
    }

    #[test]
    fn every_truncation_and_every_flipped_bit_is_damage_not_a_panic() {
        let seg = record(KIND_BATCH, b"some payload");
        for cut in 1..seg.len() {
            assert!(matches!(
                next_record(&seg[..cut], 0),
                Next::Damaged { offset: 0, .. }
            ));
        }
        for i in 0..seg.len() {
            for bit in 0..8 {
                let mut bad = seg.clone();
                bad[i] ^= 1 << bit;
                assert!(
                    matches!(next_record(&bad, 0), Next::Damaged { .. }),
                    "byte {i} bit {bit}"
                );
            }
        }
    }
}
