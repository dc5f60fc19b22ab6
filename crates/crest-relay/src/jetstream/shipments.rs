//! What an instance knows was shipped, by generation of the shipper consumer: crest's own record,
//! gathered from every instance's shipment records (`jetstream/record.rs`), and the only source of
//! `shipped_through`. The consumer's ack floor is not asked: NATS Server 2.9 moves it past
//! entries no one shipped on an ack it cannot match (see the parent module).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The entries shipped within one generation: every one through `through`, and those above it.
#[derive(Debug, Default)]
struct Shipped {
    through: u64,
    above: BTreeSet<u64>,
}

impl Shipped {
    fn add(&mut self, position: u64) {
        if position > self.through {
            self.above.insert(position);
            self.close_gaps();
        }
    }

    /// Counts every entry through `floor` shipped (it is trimmed: shipped and durable).
    fn raise(&mut self, floor: u64) {
        if floor > self.through {
            self.through = floor;
            self.above = self.above.split_off(&floor.saturating_add(1));
        }
        self.close_gaps();
    }

    fn close_gaps(&mut self) {
        while self.above.first() == Some(&self.through.saturating_add(1)) {
            self.above.pop_first();
            self.through = self.through.saturating_add(1);
        }
    }
}

/// An instance's knowledge of the shipments of every generation it may still fetch from, and of
/// the records it read, for purging them once they name only trimmed entries.
#[derive(Debug, Default)]
pub(super) struct Shipments {
    generations: BTreeMap<u64, Shipped>,
    /// Generations older than this are forgotten, and their records ignored.
    oldest: u64,
    /// The records read and not yet known to name only trimmed entries, oldest first: each one's
    /// sequence in the records stream and the newest position it names.
    unreleased: VecDeque<(u64, u64)>,
    /// Every record at or before this sequence of the records stream names only trimmed entries.
    released: u64,
    /// The records through this sequence were purged (by this instance).
    purged: u64,
    /// The newest record read from the records stream.
    read_through: u64,
}

impl Shipments {
    /// Entries shipped after `generation` handed them out (told by this instance, or read in a
    /// record).
    pub(super) fn add(&mut self, generation: u64, positions: &[u64]) {
        if generation < self.oldest {
            return;
        }
        let shipped = self.generations.entry(generation).or_default();
        for position in positions {
            shipped.add(*position);
        }
    }

    /// A record read from the records stream at `sequence` (records come in order; one read
    /// again after a reader started over is ignored).
    pub(super) fn read(&mut self, sequence: u64, generation: u64, positions: &[u64]) {
        if sequence <= self.read_through {
            return;
        }
        self.read_through = sequence;
        self.add(generation, positions);
        let newest = positions.iter().copied().max().unwrap_or(0);
        self.unreleased.push_back((sequence, newest));
    }

    /// The newest record read (its sequence in the records stream; 0 for none).
    pub(super) fn read_through(&self) -> u64 {
        self.read_through
    }

    /// Every entry through the answer was shipped after `generation` handed it out, or is
    /// trimmed (every entry through `trimmed`).
    pub(super) fn through(&mut self, generation: u64, trimmed: u64) -> u64 {
        self.release(trimmed);
        if generation < self.oldest {
            return trimmed;
        }
        let shipped = self.generations.entry(generation).or_default();
        shipped.raise(trimmed);
        shipped.through
    }

    /// Forgets the generations older than `generation`: this instance fetches from it now, and an
    /// older generation's shipments count for nothing in a newer one.
    pub(super) fn forget_before(&mut self, generation: u64) {
        if generation > self.oldest {
            self.oldest = generation;
            self.generations = self.generations.split_off(&generation);
        }
    }

    /// Forgets the records read that name only entries at or before `trimmed`, up to the first
    /// that names a later one.
    fn release(&mut self, trimmed: u64) {
        while let Some(&(sequence, newest)) = self.unreleased.front() {
            if newest > trimmed {
                break;
            }
            self.released = sequence;
            self.unreleased.pop_front();
        }
    }

    /// The newest sequence of the records stream at or before which every record names only
    /// entries at or before `trimmed`, when this instance has not purged through it yet.
    pub(super) fn purgeable_through(&mut self, trimmed: u64) -> Option<u64> {
        self.release(trimmed);
        (self.released > self.purged).then_some(self.released)
    }

    /// The records through `sequence` were purged.
    pub(super) fn purged(&mut self, sequence: u64) {
        self.purged = self.purged.max(sequence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shipped_through_is_the_contiguous_prefix_above_what_is_trimmed() {
        let mut s = Shipments::default();
        assert_eq!(s.through(1, 0), 0);
        s.add(1, &[2, 3, 5]);
        assert_eq!(s.through(1, 0), 0);
        s.add(1, &[1]);
        assert_eq!(s.through(1, 0), 3);
        assert_eq!(s.through(1, 4), 5);
        s.add(1, &[4, 7]);
        assert_eq!(s.through(1, 0), 5);
        s.add(1, &[6]);
        assert_eq!(s.through(1, 0), 7);
    }

    #[test]
    fn generations_do_not_count_each_other_s_shipments() {
        let mut s = Shipments::default();
        s.add(1, &[1, 2, 3]);
        s.add(2, &[2]);
        assert_eq!(s.through(1, 0), 3);
        assert_eq!(s.through(2, 0), 0);
        s.forget_before(2);
        // Late records of generation 1 change nothing.
        s.add(1, &[4]);
        s.read(1, 1, &[5]);
        assert_eq!(s.through(2, 0), 0);
        assert_eq!(
            s.through(1, 0),
            0,
            "an older generation answers only the trim"
        );
        s.add(2, &[1]);
        assert_eq!(s.through(2, 0), 2);
        // A newer generation's records, read before this instance moved to it, are kept.
        s.add(3, &[1]);
        s.forget_before(3);
        assert_eq!(s.through(3, 0), 1);
    }

    #[test]
    fn records_are_released_once_they_name_only_trimmed_entries() {
        let mut s = Shipments::default();
        s.read(10, 1, &[1, 2]);
        s.read(11, 1, &[5]);
        s.read(12, 1, &[3, 4]);
        s.read(12, 1, &[9]); // read again after the reader started over
        assert_eq!(s.read_through(), 12);
        assert_eq!(s.purgeable_through(0), None);
        assert_eq!(s.purgeable_through(2), Some(10));
        assert_eq!(s.purgeable_through(2), Some(10), "until purged");
        s.purged(10);
        assert_eq!(s.purgeable_through(2), None);
        // Record 12 names only trimmed entries, but record 11 before it does not.
        assert_eq!(s.purgeable_through(4), None);
        // Reading how far the log is shipped releases them too (an instance that does not trim
        // keeps no record it no longer needs); the purge is still to do.
        assert_eq!(s.through(1, 5), 5);
        assert!(s.unreleased.is_empty());
        assert_eq!(s.purgeable_through(5), Some(12));
        assert_eq!(
            s.through(1, 0),
            5,
            "9 was never read: the repeat was ignored"
        );
    }

    proptest! {
        /// Against a plain set: the answer is the longest run of shipped or trimmed entries
        /// from 1, whatever order the shipments come in and the trims interleave.
        #[test]
        fn through_answers_as_a_plain_set(
            steps in proptest::collection::vec((any::<bool>(), 1u64..40), 0..120),
        ) {
            let mut s = Shipments::default();
            let mut model = BTreeSet::new();
            let mut trimmed = 0u64;
            for (is_trim, n) in steps {
                if is_trim {
                    // Only what is shipped is trimmed.
                    let mut run = trimmed;
                    while run < n && (model.contains(&(run + 1)) || run < trimmed) {
                        run += 1;
                    }
                    trimmed = trimmed.max(run);
                } else {
                    s.add(7, &[n]);
                    model.insert(n);
                }
                let mut expected = trimmed;
                while model.contains(&(expected + 1)) {
                    expected += 1;
                }
                prop_assert_eq!(s.through(7, trimmed), expected);
            }
        }
    }
}
