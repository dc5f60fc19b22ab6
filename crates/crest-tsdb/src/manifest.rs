//! The manifest: the one file that says which blocks are live and which WAL segments they cover.
//! It is replaced atomically (written to a temporary file, synced, renamed, directory synced), so
//! installing blocks, compacting and deleting expired blocks each commit at one rename.
#![deny(clippy::arithmetic_side_effects)]

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::codec::{Reader, put_u32, put_u64, put_varint};
use crate::error::TsdbError;

const MAGIC: &[u8; 8] = b"CRESTMAN";
const VERSION: u32 = 1;

/// What the manifest records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Manifest {
    /// WAL segments numbered up to this one hold only points already in live blocks.
    pub wal_covered: u64,
    /// The next block id to hand out.
    pub next_block_id: u64,
    /// The next histogram arrival sequence number to hand out.
    pub next_hist_seq: u64,
    /// The live blocks.
    pub blocks: Vec<u64>,
}

pub(crate) fn path(dir: &Path) -> PathBuf {
    dir.join("MANIFEST")
}

impl Manifest {
    /// Reads the manifest, or the empty one when the directory has none yet.
    pub(crate) fn load(dir: &Path) -> Result<Self, TsdbError> {
        let path = path(dir);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(TsdbError::io(&path, e)),
        };
        Self::decode(&bytes).map_err(|(offset, reason)| TsdbError::corrupt(&path, offset, reason))
    }

    fn decode(bytes: &[u8]) -> Result<Self, (u64, &'static str)> {
        let body_len = bytes
            .len()
            .checked_sub(4)
            .ok_or((0, "shorter than its checksum"))?;
        let (body, crc) = bytes.split_at(body_len);
        let mut crc_reader = Reader::new(crc);
        let want = crc_reader.u32().map_err(|e| (e.offset as u64, e.reason))?;
        if crc32fast::hash(body) != want {
            return Err((0, "checksum mismatch"));
        }
        let mut r = Reader::new(body);
        let err = |e: crate::codec::DecodeError| (e.offset as u64, e.reason);
        if r.take(8).map_err(err)? != MAGIC {
            return Err((0, "not a manifest"));
        }
        if r.u32().map_err(err)? != VERSION {
            return Err((8, "unknown manifest version"));
        }
        let wal_covered = r.u64().map_err(err)?;
        let next_block_id = r.u64().map_err(err)?;
        let next_hist_seq = r.u64().map_err(err)?;
        let n = r.count(1).map_err(err)?;
        let mut blocks = Vec::with_capacity(n);
        for _ in 0..n {
            blocks.push(r.varint().map_err(err)?);
        }
        Ok(Self {
            wal_covered,
            next_block_id,
            next_hist_seq,
            blocks,
        })
    }

    fn encode(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(40usize.saturating_add(self.blocks.len().saturating_mul(4)));
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, VERSION);
        put_u64(&mut out, self.wal_covered);
        put_u64(&mut out, self.next_block_id);
        put_u64(&mut out, self.next_hist_seq);
        put_varint(&mut out, self.blocks.len() as u64);
        for id in &self.blocks {
            put_varint(&mut out, *id);
        }
        let crc = crc32fast::hash(&out);
        put_u32(&mut out, crc);
        out
    }

    /// Replaces the manifest atomically and durably.
    pub(crate) fn store(&self, dir: &Path) -> Result<(), TsdbError> {
        let tmp = dir.join("MANIFEST.tmp");
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&tmp)
            .map_err(|e| TsdbError::io(&tmp, e))?;
        file.write_all(&self.encode())
            .map_err(|e| TsdbError::io(&tmp, e))?;
        file.sync_all().map_err(|e| TsdbError::io(&tmp, e))?;
        let path = path(dir);
        std::fs::rename(&tmp, &path).map_err(|e| TsdbError::io(&path, e))?;
        sync_dir(dir)
    }
}

/// Makes a directory's entries (created, renamed, deleted files) durable.
pub fn sync_dir(dir: &Path) -> Result<(), TsdbError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| TsdbError::io(dir, e))
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
    fn manifests_round_trip_and_a_flipped_byte_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), Manifest::default());
        let m = Manifest {
            wal_covered: 7,
            next_block_id: 12,
            next_hist_seq: 99,
            blocks: vec![3, 11],
        };
        m.store(dir.path()).unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), m);
        let mut bytes = std::fs::read(path(dir.path())).unwrap();
        bytes[20] ^= 1;
        std::fs::write(path(dir.path()), &bytes).unwrap();
        assert!(matches!(
            Manifest::load(dir.path()),
            Err(TsdbError::Corrupt { .. })
        ));
    }
}
