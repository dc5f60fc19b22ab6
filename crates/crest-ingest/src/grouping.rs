//! Accepted points grouped by series: one [`SeriesSamples`] per distinct key, found through a hash
//! map from the key's canonical bytes, so that a key is allocated once per body, not once per line.

use std::collections::BTreeMap;

use crest_series::{Sample, SeriesKey, SeriesSamples};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::validate::Tag;

/// Builds the series of a batch in first-seen order, samples in line order.
#[derive(Debug, Default)]
pub struct SeriesGrouper {
    index: FxHashMap<Box<[u8]>, usize>,
    series: Vec<SeriesSamples>,
    scratch: Vec<u8>,
}

impl SeriesGrouper {
    /// Adds one sample of the series `metric`/`source`/`tags` (tags sorted by key, distinct).
    pub fn push(&mut self, metric: &str, source: &str, tags: &[Tag<'_>], sample: Sample) {
        self.scratch.clear();
        write_canonical(&mut self.scratch, metric, source, tags);
        if let Some(series) = self
            .index
            .get(self.scratch.as_slice())
            .and_then(|&at| self.series.get_mut(at))
        {
            series.samples.push(sample);
            return;
        }
        let key = series_key(metric, source, tags);
        self.index
            .insert(self.scratch.as_slice().into(), self.series.len());
        // Room for a few samples at once: a series seen once in a body is often seen again.
        let mut samples = Vec::with_capacity(4);
        samples.push(sample);
        self.series.push(SeriesSamples { key, samples });
    }

    pub fn into_series(self) -> Vec<SeriesSamples> {
        self.series
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

    #[test]
    fn same_key_same_series_and_canonical_bytes_agree() {
        let mut g = SeriesGrouper::default();
        let tags = [(Cow::Borrowed("a"), Cow::Borrowed("1"))];
        g.push(
            "m",
            "h",
            &tags,
            Sample {
                timestamp: 1,
                value: 1.0,
            },
        );
        g.push(
            "m",
            "h",
            &[],
            Sample {
                timestamp: 2,
                value: 2.0,
            },
        );
        g.push(
            "m",
            "h",
            &tags,
            Sample {
                timestamp: 3,
                value: 3.0,
            },
        );
        let series = g.into_series();
        assert_eq!(series.len(), 2);
        assert_eq!(series[0].samples.len(), 2);
        let mut bytes = Vec::new();
        write_canonical(&mut bytes, "m", "h", &tags);
        assert_eq!(bytes, series[0].key.canonical());
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
