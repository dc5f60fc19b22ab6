//! A series' identity: metric, source and sorted point tags.

use std::collections::BTreeMap;

/// The prefix of a delta counter's metric name as it is stored (U+2206; U+0394 is normalised to it).
pub const DELTA_PREFIX: char = '\u{2206}';

/// One series: a metric reported by one source with one set of point tags. Two points belong to the
/// same series exactly when their keys are equal. Sources are stored lower-cased (ingestion does it);
/// metric names and tags keep their case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    pub metric: String,
    pub source: String,
    /// Point tags, ordered by key (a `BTreeMap`, so the order is part of the type).
    pub tags: BTreeMap<String, String>,
}

impl SeriesKey {
    pub fn new(metric: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            metric: metric.into(),
            source: source.into(),
            tags: BTreeMap::new(),
        }
    }

    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Whether this is a delta counter's series (read with `cs()`, summed per minute).
    pub fn is_delta(&self) -> bool {
        self.metric.starts_with(DELTA_PREFIX)
    }

    /// One unambiguous byte string for the key: each part followed by a 0 byte, which no part can
    /// hold (ingestion refuses NUL). Engines may use it as a map key or store it.
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            self.metric.len()
                + self.source.len()
                + self
                    .tags
                    .iter()
                    .map(|(k, v)| k.len() + v.len() + 2)
                    .sum::<usize>()
                + 2,
        );
        self.write_canonical(&mut out);
        out
    }

    /// [`SeriesKey::canonical`] into a buffer the caller reuses.
    pub fn write_canonical(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.metric.as_bytes());
        out.push(0);
        out.extend_from_slice(self.source.as_bytes());
        out.push(0);
        for (k, v) in &self.tags {
            out.extend_from_slice(k.as_bytes());
            out.push(0);
            out.extend_from_slice(v.as_bytes());
            out.push(0);
        }
    }

    /// The inverse of [`SeriesKey::canonical`]; `None` when the bytes are not one.
    pub fn from_canonical(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        let body = text.strip_suffix('\0')?;
        let mut parts = body.split('\0');
        let metric = parts.next()?.to_owned();
        let source = parts.next()?.to_owned();
        let mut tags = BTreeMap::new();
        while let Some(k) = parts.next() {
            let v = parts.next()?;
            if tags.insert(k.to_owned(), v.to_owned()).is_some() {
                return None;
            }
        }
        Some(Self {
            metric,
            source,
            tags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn delta_counters_are_known_by_their_prefix() {
        assert!(SeriesKey::new("\u{2206}requests", "a").is_delta());
        assert!(!SeriesKey::new("requests", "a").is_delta());
    }

    proptest! {
        #[test]
        fn canonical_bytes_round_trip(
            metric in "[a-z.]{1,12}", source in "[a-z0-9-]{0,12}",
            tags in proptest::collection::btree_map("[a-z]{1,5}", "[ -~]{0,8}", 0..5),
        ) {
            let key = SeriesKey { metric, source, tags };
            prop_assert_eq!(SeriesKey::from_canonical(&key.canonical()), Some(key));
        }
    }
}
