//! Pages of the account list kept for at most [`TOKEN_CACHE_TTL_MS`], so that listing accounts
//! does not cost a store round trip on every request.
//!
//! Entries are tied to the [`TokenCache`](crate::cache::TokenCache)'s generation, which every
//! write through [`NotifyingStore`](crate::NotifyingStore) bumps: a change made through this
//! process shows in every list that starts after the write returns. A change made by another
//! process (another instance on the same PostgreSQL database, or `crest admin`) shows within the
//! TTL, as for verified tokens and the cloud integrations' list.

use crest_domain::clock::EpochMillis;
use crest_domain::store::AccountPage;

#[cfg(doc)]
use crate::cache::TOKEN_CACHE_TTL_MS;
use crate::recent::Recent;

/// The most pages remembered at once; past it the cache starts afresh.
const CAPACITY: usize = 32;
/// Larger pages (internal callers asking for every account) are not kept.
const LARGEST_PAGE: u32 = 1_000;

/// Recently read pages of the account list, by offset and limit.
#[derive(Debug)]
pub(crate) struct AccountPages {
    pages: Recent<(u64, u32), AccountPage>,
}

impl Default for AccountPages {
    fn default() -> Self {
        Self {
            pages: Recent::new(CAPACITY),
        }
    }
}

impl AccountPages {
    /// The page, if it was read recently enough and no write has happened since.
    pub(crate) fn get(
        &self,
        offset: u64,
        limit: u32,
        now: EpochMillis,
        generation: u64,
    ) -> Option<AccountPage> {
        self.pages.get(&(offset, limit), now, generation)
    }

    /// Remembers a page read at `read_at` under `generation` (taken before the store was asked,
    /// so that a page read while a write landed is never served as current).
    pub(crate) fn put(
        &self,
        offset: u64,
        limit: u32,
        page: &AccountPage,
        read_at: EpochMillis,
        generation: u64,
    ) {
        if limit <= LARGEST_PAGE {
            self.pages
                .put((offset, limit), page.clone(), read_at, generation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: u64) -> AccountPage {
        AccountPage {
            items: Vec::new(),
            total,
        }
    }

    #[test]
    fn pages_expire_and_are_kept_per_offset_and_limit() {
        let pages = AccountPages::default();
        pages.put(0, 100, &page(1), 1_000, 7);
        assert_eq!(pages.get(0, 100, 1_999, 7).map(|p| p.total), Some(1));
        assert!(
            pages
                .get(0, 100, 1_000 + crate::cache::TOKEN_CACHE_TTL_MS, 7)
                .is_none()
        );
        assert!(pages.get(0, 10, 1_500, 7).is_none());
        assert!(pages.get(100, 100, 1_500, 7).is_none());
        assert!(
            pages.get(0, 100, 999, 7).is_none(),
            "a clock that went back"
        );
    }

    #[test]
    fn a_write_since_the_read_empties_it() {
        let pages = AccountPages::default();
        pages.put(0, 100, &page(1), 1_000, 7);
        assert!(pages.get(0, 100, 1_001, 8).is_none());
    }

    #[test]
    fn every_account_at_once_is_not_kept() {
        let pages = AccountPages::default();
        pages.put(0, u32::MAX, &page(1), 1_000, 7);
        assert!(pages.get(0, u32::MAX, 1_001, 7).is_none());
    }
}
