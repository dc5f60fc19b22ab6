//! Accepted points grouped by series: each distinct key's canonical bytes written once per body
//! into one buffer and found again through a hash table of series indices, so that grouping
//! allocates nothing per series or per line; the batch is assembled once, at the end.

use std::collections::BTreeMap;

use crest_series::{Batch, Sample, SeriesKey, canonical_hash};
use hashbrown::HashTable;
use rustc_hash::FxHashSet;

use crate::validate::Tag;

/// Builds the series of a batch in first-seen order, samples in line order.
#[derive(Debug, Default)]
pub struct SeriesGrouper {
    /// Series indices, hashed by [`canonical_hash`] of their keys.
    index: HashTable<usize>,
    /// Every distinct key's canonical bytes, one after the other.
    keys: Vec<u8>,
    /// Where each series' key ends in `keys`, and its hash.
    ends: Vec<(usize, u64)>,
    /// Each accepted line's series index and sample, in line order.
    lines: Vec<(usize, Sample)>,
}

impl SeriesGrouper {
    /// Room for `series` distinct series and as many lines before anything grows.
    pub fn with_capacity(series: usize) -> Self {
        Self {
            index: HashTable::with_capacity(series),
            // Keys of a few dozen bytes are the common case.
            keys: Vec::with_capacity(series.saturating_mul(64)),
            ends: Vec::with_capacity(series),
            lines: Vec::with_capacity(series),
        }
    }

    /// Adds one sample of the series `metric`/`source`/`tags` (tags sorted by key, distinct);
    /// answers whether the series is new to this body.
    pub fn push(&mut self, metric: &str, source: &str, tags: &[Tag<'_>], sample: Sample) -> bool {
        let Self {
            index,
            keys,
            ends,
            lines,
        } = self;
        // Written where it would stay if it is new; cut off again if it is not.
        let start = keys.len();
        write_canonical(keys, metric, source, tags);
        let (held, key) = keys.split_at(start);
        let hash = canonical_hash(key);
        let key_of = |i: usize| -> &[u8] {
            let from = i
                .checked_sub(1)
                .and_then(|p| ends.get(p))
                .map_or(0, |e| e.0);
            let to = ends.get(i).map_or(0, |e| e.0);
            held.get(from..to).unwrap_or_default()
        };
        if let Some(&at) = index.find(hash, |&i| key_of(i) == key) {
            keys.truncate(start);
            lines.push((at, sample));
            return false;
        }
        let at = ends.len();
        index.insert_unique(hash, at, |&i| ends.get(i).map_or(0, |e| e.1));
        ends.push((keys.len(), hash));
        lines.push((at, sample));
        true
    }

    /// The series as a batch (no histograms): series in first-seen order, each one's samples in
    /// line order.
    pub fn into_batch(self) -> Batch {
        let Self {
            keys,
            ends,
            mut lines,
            ..
        } = self;
        // Stable, so each series keeps its lines' order; a body whose lines come series by series
        // (or one line per series) is already sorted, which the sort finds in one pass.
        lines.sort_by_key(|(i, _)| *i);
        let mut batch = Batch::with_capacity(ends.len(), keys.len(), lines.len());
        let mut key_start = 0usize;
        for ((key_end, _), run) in ends.iter().zip(lines.chunk_by(|a, b| a.0 == b.0)) {
            let key = keys.get(key_start..*key_end).unwrap_or_default();
            batch.push_canonical(key, run.iter().map(|(_, sample)| sample));
            key_start = *key_end;
        }
        batch
    }
}

/// crest-series' canonical bytes (`SeriesKey::write_canonical`) from borrowed parts.
fn write_canonical(out: &mut Vec<u8>, metric: &str, source: &str, tags: &[Tag<'_>]) {
    out.extend_from_slice(metric.as_bytes());
    out.push(0);
    out.extend_from_slice(source.as_bytes());
    out.push(0);
    for (k, v) in tags {
        out.extend_from_slice(k.as_bytes());
        out.push(0);
        out.extend_from_slice(v.as_bytes());
        out.push(0);
    }
}

/// An owned key from borrowed parts.
pub fn series_key(metric: &str, source: &str, tags: &[Tag<'_>]) -> SeriesKey {
    SeriesKey {
        metric: metric.to_owned(),
        source: source.to_owned(),
        // Inserted one by one (the tags are sorted): no scratch vector, as `collect` would use.
        tags: {
            let mut map = BTreeMap::new();
            for (k, v) in tags {
                map.insert(k.to_string(), v.to_string());
            }
            map
        },
    }
}

/// Distinct sources in first-seen order.
#[derive(Debug, Default)]
pub struct SourceList {
    seen: FxHashSet<Box<str>>,
    order: Vec<String>,
}

impl SourceList {
    pub fn note(&mut self, source: &str) {
        if !self.seen.contains(source) {
            self.seen.insert(source.into());
            self.order.push(source.to_owned());
        }
    }

    pub fn into_vec(self) -> Vec<String> {
        self.order
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn s(timestamp: i64) -> Sample {
        Sample {
            timestamp,
            value: timestamp as f64,
        }
    }

    #[test]
    fn same_key_same_series_and_canonical_bytes_agree() {
        let mut g = SeriesGrouper::default();
        let tags = [(Cow::Borrowed("a"), Cow::Borrowed("1"))];
        assert!(g.push("m", "h", &tags, s(1)));
        assert!(g.push("m", "h", &[], s(2)));
        assert!(!g.push("m", "h", &tags, s(3)));
        assert!(g.push("m2", "h", &tags, s(4)));
        assert!(!g.push("m", "h", &[], s(5)));
        assert!(!g.push("m", "h", &tags, s(6)));
        let batch = g.into_batch();
        let series: Vec<_> = batch.series().collect();
        assert_eq!(series.len(), 3);
        let with_tag = SeriesKey::new("m", "h").with_tag("a", "1");
        assert_eq!(series[0].key(), Some(with_tag.clone()));
        assert_eq!(series[0].canonical, with_tag.canonical().as_slice());
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
    fn many_series_survive_the_index_growing() {
        let mut g = SeriesGrouper::with_capacity(2);
        for round in 0..3 {
            for i in 0..1000 {
                let source = format!("h{i}");
                assert_eq!(g.push("m", &source, &[], s(round * 1000 + i)), round == 0);
            }
        }
        let batch = g.into_batch();
        assert_eq!(batch.series_len(), 1000);
        for (i, series) in (0..).zip(batch.series()) {
            assert_eq!(series.key(), Some(SeriesKey::new("m", format!("h{i}"))));
            assert_eq!(series.samples, [s(i), s(1000 + i), s(2000 + i)]);
        }
    }

    #[test]
    fn sources_keep_first_seen_order() {
        let mut s = SourceList::default();
        for x in ["b", "a", "b"] {
            s.note(x);
        }
        assert_eq!(s.into_vec(), ["b", "a"]);
    }
}
