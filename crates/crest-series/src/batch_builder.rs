//! Building a batch sample by sample, grouped by series: each distinct key's canonical bytes are
//! written into the batch's key buffer once and found again through a hash table of series
//! indices, so that grouping allocates nothing per series or per line and hashes a key once.

use std::collections::BTreeMap;

use hashbrown::HashTable;

use crate::batch::{Batch, Span, canonical_hash};
use crate::key::SeriesKey;
use crate::point::Sample;

/// Groups samples into a [`Batch`]: series in first-seen order, each one's samples in the order
/// they were pushed.
#[derive(Debug, Default)]
pub struct BatchBuilder {
    /// Series indices, hashed by [`canonical_hash`] of their keys.
    index: HashTable<usize>,
    /// Every distinct key's canonical bytes, one after the other: the batch's key buffer.
    keys: Vec<u8>,
    /// Where each series' key ends in `keys`, and its hash.
    ends: Vec<(usize, u64)>,
    /// The key being looked up.
    scratch: Vec<u8>,
    /// Each sample's series index, in push order.
    lines: Vec<(usize, Sample)>,
}

impl BatchBuilder {
    /// Room for `series` distinct series and as many samples before anything grows.
    pub fn with_capacity(series: usize) -> Self {
        Self {
            index: HashTable::with_capacity(series),
            // Keys of a few dozen bytes are the common case.
            keys: Vec::with_capacity(series.saturating_mul(64)),
            ends: Vec::with_capacity(series),
            scratch: Vec::new(),
            lines: Vec::with_capacity(series),
        }
    }

    /// Adds one sample of the series `metric`/`source`/`tags`, the key given by its parts as
    /// [`SeriesKey`] holds them (tags in key order, each key once, no part holding a NUL; tags
    /// out of order are put in order, the last of a repeated key kept, at some cost). Answers
    /// whether the series is new to this batch.
    pub fn push_parts<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        metric: &str,
        source: &str,
        tags: &[(K, V)],
        sample: Sample,
    ) -> bool {
        self.push_parts_at(metric, source, tags, sample).1
    }

    /// [`Self::push_parts`], answering also the series' index in the batch, by which
    /// [`Self::push_to`] adds more samples of it.
    pub fn push_parts_at<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        metric: &str,
        source: &str,
        tags: &[(K, V)],
        sample: Sample,
    ) -> (usize, bool) {
        let scratch = &mut self.scratch;
        scratch.clear();
        scratch.extend_from_slice(metric.as_bytes());
        scratch.push(0);
        scratch.extend_from_slice(source.as_bytes());
        scratch.push(0);
        let mut previous: Option<&str> = None;
        let mut ordered = true;
        for (k, v) in tags {
            let (k, v) = (k.as_ref(), v.as_ref());
            ordered &= previous.is_none_or(|p| p < k);
            previous = Some(k);
            scratch.extend_from_slice(k.as_bytes());
            scratch.push(0);
            scratch.extend_from_slice(v.as_bytes());
            scratch.push(0);
        }
        if !ordered {
            let key = SeriesKey {
                metric: metric.to_owned(),
                source: source.to_owned(),
                tags: tags
                    .iter()
                    .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
                    .collect::<BTreeMap<_, _>>(),
            };
            scratch.clear();
            key.write_canonical(scratch);
        }
        self.push_scratch(sample)
    }

    /// Adds one sample of `key`; answers whether the series is new to this batch.
    pub fn push_key(&mut self, key: &SeriesKey, sample: Sample) -> bool {
        self.scratch.clear();
        key.write_canonical(&mut self.scratch);
        self.push_scratch(sample).1
    }

    /// Adds one sample of the series at `series` (an index [`Self::push_parts_at`] answered);
    /// false, adding nothing, when the batch has no such series.
    pub fn push_to(&mut self, series: usize, sample: Sample) -> bool {
        if series >= self.ends.len() {
            return false;
        }
        self.lines.push((series, sample));
        true
    }

    /// Adds one sample of the series whose canonical bytes are in `scratch`; answers its index
    /// and whether it is new to this batch.
    fn push_scratch(&mut self, sample: Sample) -> (usize, bool) {
        let Self {
            index,
            keys,
            ends,
            scratch,
            lines,
        } = self;
        let hash = canonical_hash(scratch);
        let key_of = |i: usize| -> &[u8] {
            let from = i
                .checked_sub(1)
                .and_then(|p| ends.get(p))
                .map_or(0, |e| e.0);
            let to = ends.get(i).map_or(0, |e| e.0);
            keys.get(from..to).unwrap_or_default()
        };
        if let Some(&at) = index.find(hash, |&i| key_of(i) == scratch.as_slice()) {
            lines.push((at, sample));
            return (at, false);
        }
        let at = ends.len();
        index.insert_unique(hash, at, |&i| ends.get(i).map_or(0, |e| e.1));
        keys.extend_from_slice(scratch);
        ends.push((keys.len(), hash));
        lines.push((at, sample));
        (at, true)
    }

    /// The number of distinct series so far.
    pub fn series_len(&self) -> usize {
        self.ends.len()
    }

    /// The batch (no histograms): series in first-seen order, each one's samples in push order.
    pub fn finish(self) -> Batch {
        let Self {
            keys, ends, lines, ..
        } = self;
        // Each series' samples go to their place in one pass (a counting sort, stable, so each
        // series keeps its samples' order): where each series' samples start, then each sample
        // put at its series' next place.
        let mut next = vec![0usize; ends.len()];
        for (i, _) in &lines {
            if let Some(n) = next.get_mut(*i) {
                *n += 1;
            }
        }
        let mut spans = Vec::with_capacity(ends.len());
        let mut start = 0usize;
        for (n, (key_end, hash)) in next.iter_mut().zip(ends) {
            let count = std::mem::replace(n, start);
            start += count;
            spans.push(Span {
                key_end,
                samples_end: start,
                hash,
            });
        }
        let mut samples = vec![
            Sample {
                timestamp: 0,
                value: 0.0,
            };
            lines.len()
        ];
        for (i, sample) in lines {
            if let Some(at) = next.get_mut(i)
                && let Some(slot) = samples.get_mut(*at)
            {
                *slot = sample;
                *at += 1;
            }
        }
        Batch::from_grouped(keys, samples, spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(timestamp: i64) -> Sample {
        Sample {
            timestamp,
            value: timestamp as f64,
        }
    }

    #[test]
    fn same_key_same_series_in_first_seen_order() {
        let mut b = BatchBuilder::default();
        let tags = [("a", "1")];
        let none: [(&str, &str); 0] = [];
        assert!(b.push_parts("m", "h", &tags, s(1)));
        assert!(b.push_parts("m", "h", &none, s(2)));
        assert!(!b.push_parts("m", "h", &tags, s(3)));
        assert!(b.push_parts("m2", "h", &tags, s(4)));
        assert!(!b.push_key(&SeriesKey::new("m", "h"), s(5)));
        assert!(!b.push_parts("m", "h", &tags, s(6)));
        assert_eq!(b.series_len(), 3);
        let batch = b.finish();
        let series: Vec<_> = batch.series().collect();
        assert_eq!(series.len(), 3);
        let with_tag = SeriesKey::new("m", "h").with_tag("a", "1");
        assert_eq!(series[0].key(), Some(with_tag.clone()));
        assert_eq!(series[0].canonical, with_tag.canonical().as_slice());
        assert_eq!(series[0].hash, canonical_hash(&with_tag.canonical()));
        assert_eq!(series[0].samples, [s(1), s(3), s(6)]);
        assert_eq!(series[1].key(), Some(SeriesKey::new("m", "h")));
        assert_eq!(series[1].samples, [s(2), s(5)]);
        assert_eq!(
            series[2].key(),
            Some(SeriesKey::new("m2", "h").with_tag("a", "1"))
        );
        assert_eq!(series[2].samples, [s(4)]);
        assert_eq!(batch.points(), 6);
    }

    #[test]
    fn tags_out_of_order_or_repeated_give_the_keys_canonical_bytes() {
        let mut b = BatchBuilder::default();
        assert!(b.push_parts("m", "h", &[("b", "2"), ("a", "1")], s(1)));
        assert!(!b.push_parts("m", "h", &[("a", "1"), ("b", "2")], s(2)));
        assert!(!b.push_parts("m", "h", &[("a", "0"), ("b", "2"), ("a", "1")], s(3)));
        let batch = b.finish();
        let want = SeriesKey::new("m", "h")
            .with_tag("a", "1")
            .with_tag("b", "2");
        let series: Vec<_> = batch.series().collect();
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].canonical, want.canonical().as_slice());
        assert_eq!(series[0].samples, [s(1), s(2), s(3)]);
    }

    #[test]
    fn many_series_survive_the_index_growing() {
        let mut b = BatchBuilder::with_capacity(2);
        let none: [(&str, &str); 0] = [];
        for round in 0..3 {
            for i in 0..1000 {
                let source = format!("h{i}");
                assert_eq!(
                    b.push_parts("m", &source, &none, s(round * 1000 + i)),
                    round == 0
                );
            }
        }
        let batch = b.finish();
        assert_eq!(batch.series_len(), 1000);
        for (i, series) in (0..).zip(batch.series()) {
            assert_eq!(series.key(), Some(SeriesKey::new("m", format!("h{i}"))));
            assert_eq!(series.samples, [s(i), s(1000 + i), s(2000 + i)]);
        }
    }

    #[test]
    fn an_empty_builder_gives_an_empty_batch() {
        let batch = BatchBuilder::default().finish();
        assert!(batch.is_empty());
        assert_eq!(batch.series_len(), 0);
    }
}
