//! A short-lived memory of verified tokens, so that an authenticated read costs little more than
//! an unauthenticated one.
//!
//! An entry lives at most [`TOKEN_CACHE_TTL_MS`]: a change made by another process (another
//! instance on the same PostgreSQL database, or `crest admin`) is seen within that time. Changes
//! made through this process call [`TokenCache::invalidate_all`], so they take effect for every
//! request that starts after they return.

use std::sync::atomic::{AtomicU64, Ordering};

use crest_domain::clock::EpochMillis;
use crest_domain::principal::Principal;
use crest_domain::token::TokenDigest;

use crate::recent::Recent;

/// How long a verified token is trusted without asking the store again.
pub const TOKEN_CACHE_TTL_MS: i64 = 1_000;
/// The most tokens remembered at once; past it the cache starts afresh.
pub const TOKEN_CACHE_CAPACITY: usize = 100_000;

/// Verified tokens by digest.
#[derive(Debug)]
pub struct TokenCache {
    entries: Recent<[u8; 32], Principal>,
    generation: AtomicU64,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self {
            entries: Recent::new(TOKEN_CACHE_CAPACITY),
            generation: AtomicU64::new(0),
        }
    }
}

impl TokenCache {
    /// The principal a token resolved to, if it was verified recently enough.
    pub fn get(&self, digest: &TokenDigest, now: EpochMillis) -> Option<Principal> {
        self.entries.get(
            digest.as_bytes(),
            now,
            self.generation.load(Ordering::Acquire),
        )
    }

    /// Remembers a verification that began at `verified_at` under `generation` (read before the
    /// store was asked, so that a change racing with the lookup is never cached as current).
    pub fn put(
        &self,
        digest: &TokenDigest,
        principal: Principal,
        verified_at: EpochMillis,
        generation: u64,
    ) {
        self.entries
            .put(*digest.as_bytes(), principal, verified_at, generation);
    }

    /// The current generation; pass it back to [`TokenCache::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets everything: called after any change to accounts, permissions or tokens.
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_domain::account::{AccountId, AccountKind};
    use crest_domain::permission::PermissionSet;

    fn someone() -> Principal {
        Principal {
            account: AccountId::from_trusted("a@example.com".into()),
            kind: AccountKind::User,
            permissions: PermissionSet::EMPTY,
            super_admin: false,
            super_admin_mode_off: false,
            token: None,
        }
    }

    #[test]
    fn entries_expire_and_invalidate() {
        let cache = TokenCache::default();
        let d = TokenDigest::from_bytes([7; 32]);
        cache.put(&d, someone(), 1_000, cache.generation());
        assert!(cache.get(&d, 1_500).is_some());
        assert!(
            cache.get(&d, 1_000 + TOKEN_CACHE_TTL_MS).is_none(),
            "expired"
        );
        cache.put(&d, someone(), 2_000, cache.generation());
        cache.invalidate_all();
        assert!(cache.get(&d, 2_001).is_none(), "invalidated");
    }

    #[test]
    fn a_verification_that_raced_a_change_is_not_trusted() {
        let cache = TokenCache::default();
        let d = TokenDigest::from_bytes([9; 32]);
        let before = cache.generation();
        cache.invalidate_all(); // a change lands while the store is being asked
        cache.put(&d, someone(), 1_000, before);
        assert!(cache.get(&d, 1_001).is_none());
    }
}
