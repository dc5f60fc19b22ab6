//! The engine's settings and their defaults.

use std::path::PathBuf;

/// How an [`crate::Engine`] keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The data directory the engine owns.
    pub dir: PathBuf,
    /// Points older than `now - retention_ms` are never answered and their blocks are deleted.
    pub retention_ms: i64,
    /// The width of a block's time window; blocks are aligned to it.
    pub block_range_ms: i64,
    /// `maintain` cuts the head into blocks once it holds more points than this.
    pub head_max_points: usize,
    /// `maintain` cuts the head once its oldest unflushed append is this old (wall time).
    pub head_max_age_ms: i64,
    /// A WAL segment is closed and a new one started past this size.
    pub wal_segment_bytes: u64,
    /// Series (in key order) are compressed together until a group holds this many points: short
    /// series compress badly alone (100,000 series x 72 points: 3.36 B/pt alone, 1.45 in groups of
    /// 8,192, 1.35 in groups of 65,536; one pco page per series in a shared chunk measured worse,
    /// 1.72). A read decodes a whole group. 1 compresses every series on its own.
    pub block_group_points: usize,
    /// Compaction never writes a block of more points than this.
    pub compaction_max_points: u64,
    /// Groups decoded by reads are kept for later reads up to this many bytes (least recently
    /// used first out): a chart refreshed, or a second series of the same group, is not decoded
    /// again. A cut or a compaction hands over the groups it writes (the first ones, up to this
    /// budget, held in memory until the block is in place), so the first read of a fresh block
    /// decodes nothing either. 0 keeps none.
    pub decoded_cache_bytes: usize,
}

impl Options {
    /// The defaults: 548 days of retention, 2-hour blocks, 4 M head points, 1 hour of head age,
    /// 64 MiB WAL segments, groups of 65,536 points, 64 MiB of decoded groups kept for reads.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            retention_ms: 548 * 86_400_000,
            block_range_ms: 7_200_000,
            head_max_points: 4_000_000,
            head_max_age_ms: 3_600_000,
            wal_segment_bytes: 64 << 20,
            block_group_points: 65_536,
            compaction_max_points: 50_000_000,
            decoded_cache_bytes: 64 << 20,
        }
    }
}
