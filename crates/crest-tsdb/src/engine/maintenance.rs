//! Maintenance: cutting the head into blocks, compacting blocks, deleting expired ones. Each step
//! commits at one manifest replacement, so a crash leaves either its inputs or its output live.

use std::collections::BTreeMap;
use std::sync::Arc;

use crest_series::Sample;
use roaring::RoaringBitmap;

use super::{Engine, lock, read, remove_file, write};
use crate::block::{Block, BlockMeta, BlockWriter, GroupCache};
use crate::compaction::{Compaction, plan};
use crate::error::TsdbError;
use crate::head::{Head, HistEntry};
use crate::manifest::sync_dir;
use crate::wal::{self, KIND_SERIES};
use crate::wal_record::{put_count, put_def};

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

impl Engine {
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
                let _ = self.remove_block_file(b.path());
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
                )?
                .warming(Arc::clone(&self.decoded));
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
                        let _ = self.remove_block_file(b.path());
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

    /// The head holds more points than a cut allows: appends ask for maintenance at once rather
    /// than waiting for the next periodic call.
    pub fn head_over_limit(&self) -> bool {
        read(&self.state).head.points > self.options.head_max_points
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
            self.remove_block_file(b.path())?;
        }
        sync_dir(&self.blocks_dir)?;
        Ok(expired.len())
    }

    /// Deletes a block's file, and its groups from the decoded-group cache.
    fn remove_block_file(&self, path: &std::path::Path) -> Result<(), TsdbError> {
        self.decoded.forget(path);
        remove_file(path)
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
        )?
        .warming(Arc::clone(&self.decoded));
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
        // The output's groups are handed over once it is in place and the inputs' groups are
        // forgotten: until then reads find the inputs' groups kept (a read meeting the compaction
        // decodes nothing), and afterwards the output's take the inputs' room, not live groups'.
        let (output, handover) = writer.finish_holding()?;
        let manifest = {
            let st = read(&self.state);
            let mut m = st.manifest.clone();
            m.blocks.retain(|b| !c.inputs.contains(b));
            m.blocks.push(id);
            m
        };
        if let Err(e) = manifest.store(&self.options.dir) {
            let _ = self.remove_block_file(output.path());
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
            self.decoded.forget(b.path());
        }
        handover.hand_over();
        for b in &inputs {
            self.remove_block_file(b.path())?;
        }
        sync_dir(&self.blocks_dir)
    }
}
