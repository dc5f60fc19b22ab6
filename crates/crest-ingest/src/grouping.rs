//! What a body's accepted lines are grouped into besides its batch (which
//! `crest_series::BatchBuilder` groups by series): the distinct sources, and owned keys for
//! distributions.

use std::collections::BTreeMap;

use crest_series::SeriesKey;
use rustc_hash::FxHashSet;

use crate::validate::Tag;

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

    #[test]
    fn sources_keep_first_seen_order() {
        let mut s = SourceList::default();
        for x in ["b", "a", "b"] {
            s.note(x);
        }
        assert_eq!(s.into_vec(), ["b", "a"]);
    }
}
