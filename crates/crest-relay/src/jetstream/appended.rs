//! The batches this instance appended, kept by stream sequence until the shipper consumer hands
//! them out. The consumer delivers headers only: an entry kept here is neither fetched from the
//! stream again nor decoded; any other (another instance's, or one handed out again) is read from
//! the stream by its sequence.

use std::collections::BTreeMap;

use crest_series::Batch;

/// The most payload bytes kept (32 MiB of encoded batches, about twice that in memory): a few
/// seconds of a busy instance's appends. Past it the oldest are dropped, and read from the stream
/// when they are handed out.
pub(crate) const MAX_KEPT_BYTES: usize = 32 << 20;

/// The kept batches, oldest first.
#[derive(Debug)]
pub(crate) struct Appended {
    by_sequence: BTreeMap<u64, Kept>,
    /// The sum of the kept payloads' lengths.
    bytes: usize,
    max_bytes: usize,
}

/// One kept batch, and the length of the payload it was appended as.
#[derive(Debug)]
struct Kept {
    payload_len: usize,
    batch: Batch,
}

impl Appended {
    /// Keeps at most `max_bytes` of payloads.
    pub(crate) fn new(max_bytes: usize) -> Self {
        Self {
            by_sequence: BTreeMap::new(),
            bytes: 0,
            max_bytes,
        }
    }

    /// Keeps `batch`, appended at `sequence` as a payload of `payload_len` bytes, and drops the
    /// oldest kept batches while more than the limit is kept (this one too, when it is over the
    /// limit by itself).
    pub(crate) fn keep(&mut self, sequence: u64, payload_len: usize, batch: Batch) {
        if let Some(old) = self
            .by_sequence
            .insert(sequence, Kept { payload_len, batch })
        {
            self.bytes = self.bytes.saturating_sub(old.payload_len);
        }
        self.bytes = self.bytes.saturating_add(payload_len);
        while self.bytes > self.max_bytes {
            let Some((_, oldest)) = self.by_sequence.pop_first() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(oldest.payload_len);
        }
    }

    /// The batch appended at `sequence`, taken out, when one is kept and its payload was
    /// `payload_len` bytes long: what the stream says the entry holds. Another length means
    /// another entry under the same sequence (the stream was deleted and made again), which is
    /// then read from the stream.
    pub(crate) fn take(&mut self, sequence: u64, payload_len: usize) -> Option<Batch> {
        if self.by_sequence.get(&sequence)?.payload_len != payload_len {
            return None;
        }
        let kept = self.by_sequence.remove(&sequence)?;
        self.bytes = self.bytes.saturating_sub(kept.payload_len);
        Some(kept.batch)
    }

    /// Forgets every batch at or before `sequence`: shipped, by this instance or another.
    pub(crate) fn forget_through(&mut self, sequence: u64) {
        let rest = self.by_sequence.split_off(&sequence.saturating_add(1));
        let dropped = std::mem::replace(&mut self.by_sequence, rest);
        let freed: usize = dropped.values().map(|kept| kept.payload_len).sum();
        self.bytes = self.bytes.saturating_sub(freed);
    }

    /// How many batches are kept.
    pub(crate) fn len(&self) -> usize {
        self.by_sequence.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_series::{Sample, SeriesKey};

    fn batch(value: f64) -> Batch {
        Batch::from_series([(
            SeriesKey::new("m", "s"),
            vec![Sample {
                timestamp: 1_000,
                value,
            }],
        )])
    }

    #[test]
    fn a_kept_batch_is_taken_once_and_only_with_its_length() {
        let mut kept = Appended::new(1_000);
        kept.keep(7, 100, batch(1.0));
        assert_eq!(kept.take(7, 99), None, "another entry's length");
        assert_eq!(kept.take(8, 100), None, "never kept");
        assert_eq!(kept.take(7, 100), Some(batch(1.0)));
        assert_eq!(kept.take(7, 100), None, "taken already");
        assert_eq!(kept.len(), 0);
    }

    #[test]
    fn the_oldest_go_first_past_the_limit() {
        let mut kept = Appended::new(250);
        for sequence in 1..=3 {
            kept.keep(sequence, 100, batch(sequence as f64));
        }
        assert_eq!(kept.len(), 2);
        assert_eq!(kept.take(1, 100), None);
        assert_eq!(kept.take(3, 100), Some(batch(3.0)));
        // One over the limit by itself is not kept, and takes nothing else with it.
        kept.keep(4, 300, batch(4.0));
        assert_eq!(kept.take(4, 300), None);
        assert_eq!(kept.len(), 0, "the older one went first");
    }

    #[test]
    fn forgetting_through_a_sequence_frees_its_room() {
        let mut kept = Appended::new(300);
        for sequence in 1..=3 {
            kept.keep(sequence, 100, batch(sequence as f64));
        }
        kept.forget_through(2);
        assert_eq!(kept.len(), 1);
        kept.keep(4, 100, batch(4.0));
        kept.keep(5, 100, batch(5.0));
        assert_eq!(kept.len(), 3, "the room of the forgotten two is free again");
        assert_eq!(kept.take(3, 100), Some(batch(3.0)));
    }
}
