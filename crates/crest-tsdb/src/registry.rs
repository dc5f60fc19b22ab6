//! The series registry: series id ↔ key, each series' kind (plain or histogram of a granularity)
//! and the timestamp of its newest point.

use crest_series::{Granularity, SeriesKey};
use roaring::RoaringBitmap;

/// Plain series and histogram series are separate namespaces: one key may be both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Plain,
    Histogram(Granularity),
}

impl Kind {
    pub(crate) fn code(self) -> u8 {
        match self {
            Kind::Plain => 0,
            Kind::Histogram(g) => g.code().saturating_add(1),
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        match code.checked_sub(1) {
            None => Some(Kind::Plain),
            Some(g) => Granularity::from_code(g).map(Kind::Histogram),
        }
    }
}

/// One registered series.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: SeriesKey,
    pub kind: Kind,
    /// The newest point's timestamp, `i64::MIN` before any.
    pub last_timestamp: i64,
}

/// Every series the engine ever saw, by dense id.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    entries: Vec<Entry>,
    plain: RoaringBitmap,
    hist: [RoaringBitmap; 3],
}

impl Registry {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn get(&self, id: u32) -> Option<&Entry> {
        self.entries.get(id as usize)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &Entry)> {
        (0u32..).zip(self.entries.iter())
    }

    /// Adds series `id`, which must be the next id; answers whether it was new. Re-adding a known
    /// id with the same key and kind is a no-op; anything else is refused.
    pub(crate) fn define(
        &mut self,
        id: u32,
        key: SeriesKey,
        kind: Kind,
    ) -> Result<bool, &'static str> {
        if let Some(known) = self.entries.get(id as usize) {
            return if known.key == key && known.kind == kind {
                Ok(false)
            } else {
                Err("a series id is defined twice with different keys")
            };
        }
        if id as usize != self.entries.len() {
            return Err("series ids are not dense");
        }
        match kind {
            Kind::Plain => self.plain.insert(id),
            Kind::Histogram(g) => self
                .hist
                .get_mut(usize::from(g.code()))
                .is_some_and(|b| b.insert(id)),
        };
        self.entries.push(Entry {
            key,
            kind,
            last_timestamp: i64::MIN,
        });
        Ok(true)
    }

    pub(crate) fn saw(&mut self, id: u32, timestamp: i64) {
        if let Some(e) = self.entries.get_mut(id as usize) {
            e.last_timestamp = e.last_timestamp.max(timestamp);
        }
    }

    /// The ids of one kind.
    pub(crate) fn of_kind(&self, kind: Kind) -> &RoaringBitmap {
        match kind {
            Kind::Plain => &self.plain,
            Kind::Histogram(g) => self.hist.get(usize::from(g.code())).unwrap_or(&self.plain),
        }
    }

    pub(crate) fn histogram_series(&self) -> u64 {
        self.hist.iter().map(RoaringBitmap::len).sum()
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    use super::*;

    #[test]
    fn kinds_round_trip_and_ids_stay_dense() {
        for k in [
            Kind::Plain,
            Kind::Histogram(Granularity::Minute),
            Kind::Histogram(Granularity::Day),
        ] {
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
        let mut r = Registry::default();
        assert_eq!(r.define(0, SeriesKey::new("a", "b"), Kind::Plain), Ok(true));
        assert_eq!(
            r.define(0, SeriesKey::new("a", "b"), Kind::Plain),
            Ok(false)
        );
        assert!(r.define(0, SeriesKey::new("x", "b"), Kind::Plain).is_err());
        assert!(r.define(5, SeriesKey::new("x", "b"), Kind::Plain).is_err());
    }
}
