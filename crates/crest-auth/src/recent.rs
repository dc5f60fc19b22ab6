//! [`Recent`]: values read from the store, kept for at most [`TOKEN_CACHE_TTL_MS`] and only while
//! no write has happened since they were read. The verified tokens and the account list's pages
//! are both kept this way, under the same generation.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;

use crest_domain::clock::EpochMillis;

use crate::cache::TOKEN_CACHE_TTL_MS;

#[derive(Debug)]
struct Entry<V> {
    value: V,
    read_at: EpochMillis,
    generation: u64,
}

/// Recently read values by key, each with the time and the write generation it was read under.
#[derive(Debug)]
pub(crate) struct Recent<K, V> {
    entries: RwLock<HashMap<K, Entry<V>>>,
    /// The most values remembered at once; past it the map starts afresh.
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            capacity,
        }
    }

    /// The value, if it was read recently enough and no write has happened since.
    pub(crate) fn get(&self, key: &K, now: EpochMillis, generation: u64) -> Option<V> {
        let entries = self.entries.read().ok()?;
        let entry = entries.get(key)?;
        let fresh = entry.generation == generation
            && now >= entry.read_at
            && now - entry.read_at < TOKEN_CACHE_TTL_MS;
        fresh.then(|| entry.value.clone())
    }

    /// Remembers a value read at `read_at` under `generation` (taken before the store was asked,
    /// so that a value read while a write landed is never served as current).
    pub(crate) fn put(&self, key: K, value: V, read_at: EpochMillis, generation: u64) {
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity {
                entries.clear();
            }
            entries.insert(
                key,
                Entry {
                    value,
                    read_at,
                    generation,
                },
            );
        }
    }

    /// Forgets everything.
    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}
