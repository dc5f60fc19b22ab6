//! The writer's map from a series' canonical key bytes and kind to its id: every key in one
//! buffer, indexed by id, and a hash table of ids hashed by `crest_series::canonical_hash`, so a
//! batch's keys are found by the hash they carry, without copying or allocating.

use crest_series::canonical_hash;
use hashbrown::HashTable;

use crate::registry::Kind;

/// Ids are dense from 0, in the order keys were added; the next id is [`SeriesIds::len`].
#[derive(Debug, Default)]
pub(crate) struct SeriesIds {
    table: HashTable<u32>,
    /// Every id's canonical key bytes, one after the other.
    keys: Vec<u8>,
    /// Where each id's key ends in `keys`, and its kind.
    ends: Vec<(usize, Kind)>,
}

/// The highest id handed out (`u32::MAX` itself is never one, as before this map).
const MAX_ID: u32 = u32::MAX - 2;

impl SeriesIds {
    /// How many ids are assigned: the next id.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The canonical key bytes and kind of `id`.
    pub(crate) fn key(&self, id: u32) -> Option<(&[u8], Kind)> {
        key_of(&self.keys, &self.ends, id)
    }

    /// The id of `canonical` (whose [`canonical_hash`] is `hash`) as a series of `kind`, adding it
    /// with the next id when unknown: answers the id and whether it is new, or `None` when ids
    /// are exhausted.
    pub(crate) fn resolve(
        &mut self,
        canonical: &[u8],
        hash: u64,
        kind: Kind,
    ) -> Option<(u32, bool)> {
        let Self { table, keys, ends } = self;
        let same = |id: &u32| key_of(keys, ends, *id) == Some((canonical, kind));
        if let Some(id) = table.find(hash, same) {
            return Some((*id, false));
        }
        let id = u32::try_from(ends.len()).ok().filter(|id| *id <= MAX_ID)?;
        table.insert_unique(hash, id, |id| {
            key_of(keys, ends, *id).map_or(0, |(bytes, _)| canonical_hash(bytes))
        });
        keys.extend_from_slice(canonical);
        ends.push((keys.len(), kind));
        Some((id, true))
    }

    /// Forgets every id from `len` on (the series of a batch that never reached the WAL).
    pub(crate) fn truncate(&mut self, len: usize) {
        let Self { table, keys, ends } = self;
        let ids = u32::try_from(len).unwrap_or(u32::MAX)..;
        for id in ids.take(ends.len().saturating_sub(len)) {
            if let Some((bytes, _)) = key_of(keys, ends, id)
                && let Ok(entry) = table.find_entry(canonical_hash(bytes), |x| *x == id)
            {
                entry.remove();
            }
        }
        ends.truncate(len);
        let end = len
            .checked_sub(1)
            .and_then(|last| ends.get(last))
            .map_or(0, |e| e.0);
        keys.truncate(end);
    }
}

fn key_of<'k>(keys: &'k [u8], ends: &[(usize, Kind)], id: u32) -> Option<(&'k [u8], Kind)> {
    let at = id as usize;
    let start = at
        .checked_sub(1)
        .and_then(|before| ends.get(before))
        .map_or(0, |e| e.0);
    let (end, kind) = *ends.get(at)?;
    Some((keys.get(start..end)?, kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_series::{Granularity, SeriesKey};

    fn resolve(ids: &mut SeriesIds, key: &SeriesKey, kind: Kind) -> Option<(u32, bool)> {
        let bytes = key.canonical();
        ids.resolve(&bytes, canonical_hash(&bytes), kind)
    }

    #[test]
    fn keys_get_dense_ids_once_per_kind() {
        let mut ids = SeriesIds::default();
        let a = SeriesKey::new("a", "h");
        let b = SeriesKey::new("b", "h").with_tag("k", "v");
        let hour = Kind::Histogram(Granularity::Hour);
        assert_eq!(resolve(&mut ids, &a, Kind::Plain), Some((0, true)));
        assert_eq!(resolve(&mut ids, &b, Kind::Plain), Some((1, true)));
        assert_eq!(resolve(&mut ids, &a, hour), Some((2, true)));
        assert_eq!(resolve(&mut ids, &a, Kind::Plain), Some((0, false)));
        assert_eq!(resolve(&mut ids, &a, hour), Some((2, false)));
        assert_eq!(resolve(&mut ids, &b, Kind::Plain), Some((1, false)));
        assert_eq!(ids.len(), 3);
        assert_eq!(ids.key(1), Some((b.canonical().as_slice(), Kind::Plain)));
        assert_eq!(ids.key(2), Some((a.canonical().as_slice(), hour)));
        assert_eq!(ids.key(3), None);
    }

    #[test]
    fn truncating_forgets_the_newest_ids_only() {
        let mut ids = SeriesIds::default();
        let keys: Vec<SeriesKey> = (0..100)
            .map(|i| SeriesKey::new("m", format!("h{i}")))
            .collect();
        for (i, key) in (0u32..).zip(&keys) {
            assert_eq!(resolve(&mut ids, key, Kind::Plain), Some((i, true)));
        }
        ids.truncate(40);
        assert_eq!(ids.len(), 40);
        for (i, key) in (0u32..).zip(&keys).take(40) {
            assert_eq!(resolve(&mut ids, key, Kind::Plain), Some((i, false)));
        }
        // The forgotten keys come back with the ids they had.
        for (i, key) in (0u32..).zip(&keys).skip(40) {
            assert_eq!(resolve(&mut ids, key, Kind::Plain), Some((i, true)));
        }
        ids.truncate(0);
        assert_eq!(ids.len(), 0);
        assert_eq!(resolve(&mut ids, &keys[7], Kind::Plain), Some((0, true)));
    }
}
