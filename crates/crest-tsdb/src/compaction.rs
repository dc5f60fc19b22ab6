//! The compaction planner: which blocks to merge, as a pure function of their metadata.
//!
//! Two rules. Blocks of the same window (several cuts of one 2-hour window, or late points) are
//! merged at once. Blocks of a larger aligned range (12 windows = 24 h, then 84 windows = 7 days)
//! are merged once that range is complete, that is once some block starts after it. The largest
//! output covers 7 days, so a block outlives retention by at most that much (retention deletes
//! whole blocks whose newest point has expired).

use std::collections::BTreeMap;

use crate::block::BlockMeta;

/// Multiples of the block range that compaction builds, smallest first.
const LEVELS: [i64; 3] = [1, 12, 84];

/// One planned merge: the inputs become one block covering `[range_start, range_end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compaction {
    pub inputs: Vec<u64>,
    pub range_start: i64,
    pub range_end: i64,
}

/// Plans merges of `blocks` (any order). No block appears in two compactions, no output holds
/// more than `max_points` points, outputs are ordered by range.
pub fn plan(blocks: &[BlockMeta], block_range_ms: i64, max_points: u64) -> Vec<Compaction> {
    let Some(newest_start) = blocks.iter().map(|b| b.range_start).max() else {
        return Vec::new();
    };
    let mut used: Vec<u64> = Vec::new();
    let mut out = Vec::new();
    for (level_index, multiple) in LEVELS.iter().enumerate().rev() {
        let width = block_range_ms.saturating_mul(*multiple);
        if width <= 0 {
            continue;
        }
        let mut groups: BTreeMap<i64, Vec<&BlockMeta>> = BTreeMap::new();
        for b in blocks.iter().filter(|b| !used.contains(&b.id)) {
            let start = b.range_start.div_euclid(width).saturating_mul(width);
            if b.range_end <= start.saturating_add(width) {
                groups.entry(start).or_default().push(b);
            }
        }
        for (start, members) in groups {
            let end = start.saturating_add(width);
            let complete = level_index == 0 || end <= newest_start;
            let points = members
                .iter()
                .map(|b| b.points)
                .fold(0u64, u64::saturating_add);
            if members.len() < 2 || !complete || points > max_points {
                continue;
            }
            let mut inputs: Vec<u64> = members.iter().map(|b| b.id).collect();
            inputs.sort_unstable();
            used.extend_from_slice(&inputs);
            out.push(Compaction {
                inputs,
                range_start: start,
                range_end: end,
            });
        }
    }
    out.sort_by_key(|c| (c.range_start, c.range_end));
    out
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    use super::*;
    use proptest::prelude::*;

    const H2: i64 = 7_200_000;

    fn block(id: u64, window: i64, windows: i64, points: u64) -> BlockMeta {
        BlockMeta {
            id,
            range_start: window * H2,
            range_end: (window + windows) * H2,
            min_t: window * H2,
            max_t: (window + windows) * H2 - 1,
            points,
            bytes: 0,
        }
    }

    #[test]
    fn cuts_of_one_window_are_merged_at_once() {
        let got = plan(
            &[block(1, 5, 1, 10), block(2, 5, 1, 10), block(3, 6, 1, 10)],
            H2,
            u64::MAX,
        );
        assert_eq!(
            got,
            vec![Compaction {
                inputs: vec![1, 2],
                range_start: 5 * H2,
                range_end: 6 * H2
            }]
        );
    }

    #[test]
    fn a_day_is_merged_only_once_complete() {
        let day: Vec<BlockMeta> = (0..12).map(|w| block(w as u64 + 1, w, 1, 1)).collect();
        assert!(plan(&day, H2, u64::MAX).is_empty());
        let mut next = day.clone();
        next.push(block(100, 12, 1, 1));
        let got = plan(&next, H2, u64::MAX);
        assert_eq!(
            got,
            vec![Compaction {
                inputs: (1..=12).collect(),
                range_start: 0,
                range_end: 12 * H2
            }]
        );
        assert!(plan(&next, H2, 11).is_empty(), "the point cap holds");
    }

    #[test]
    fn a_late_block_joins_its_compacted_day_and_weeks_form_from_days() {
        let got = plan(
            &[block(1, 0, 12, 5), block(2, 3, 1, 1), block(3, 24, 1, 1)],
            H2,
            u64::MAX,
        );
        assert_eq!(
            got,
            vec![Compaction {
                inputs: vec![1, 2],
                range_start: 0,
                range_end: 12 * H2
            }]
        );
        let days: Vec<BlockMeta> = (0..7)
            .map(|d| block(d as u64 + 1, d * 12, 12, 1))
            .chain([block(50, 84, 1, 1)])
            .collect();
        let got = plan(&days, H2, u64::MAX);
        assert_eq!(
            got,
            vec![Compaction {
                inputs: (1..=7).collect(),
                range_start: 0,
                range_end: 84 * H2
            }]
        );
    }

    proptest! {
        #[test]
        fn plans_never_reuse_a_block_and_outputs_contain_their_inputs(
            specs in proptest::collection::vec((0i64..200, prop_oneof![Just(1i64), Just(12), Just(84)], 1u64..100), 0..40)
        ) {
            let blocks: Vec<BlockMeta> = specs.iter().enumerate().map(|(i, (w, n, p))| {
                let start = w.div_euclid(*n) * n;
                block(i as u64, start, *n, *p)
            }).collect();
            let got = plan(&blocks, H2, 1000);
            let mut seen = std::collections::HashSet::new();
            for c in &got {
                prop_assert!(c.inputs.len() >= 2);
                let points: u64 = c.inputs.iter().map(|id| blocks[*id as usize].points).sum();
                prop_assert!(points <= 1000);
                for id in &c.inputs {
                    prop_assert!(seen.insert(*id));
                    let b = &blocks[*id as usize];
                    prop_assert!(c.range_start <= b.range_start && b.range_end <= c.range_end);
                }
            }
        }
    }
}
