//! Throttling failed credential exchanges under `/csp/`: failures are counted per (source address,
//! credential fingerprint) and per address, in one-minute windows. A request over either budget
//! is still checked: valid credentials are always served (other clients' failures never lock a
//! good client out), and a failure is answered 429 with `Retry-After` instead of 400/401, telling
//! the client to back off. The secrets are 256-bit, so the budget guards against floods, not
//! guessing.

use std::collections::HashMap;
use std::sync::Mutex;

use crest_domain::clock::EpochMillis;
use sha2::{Digest, Sha256};

/// Failures one (address, credential) pair may have in a window before it is told to back off.
pub(crate) const PER_CREDENTIAL: u32 = 10;
/// Failures one address may have in a window (at least 1,000, as the issue asks).
pub(crate) const PER_ADDRESS: u32 = 1000;
const WINDOW_MS: EpochMillis = 60_000;
/// A bound on memory: past this many tracked keys, windows that ended are dropped.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: EpochMillis,
    failures: u32,
}

impl Window {
    fn current(&mut self, now: EpochMillis) -> &mut Self {
        if now - self.start >= WINDOW_MS {
            *self = Self {
                start: now,
                failures: 0,
            };
        }
        self
    }
}

#[derive(Debug, Default)]
struct Counts {
    by_credential: HashMap<(String, [u8; 8]), Window>,
    by_address: HashMap<String, Window>,
}

/// The counters, shared by every request of this instance.
#[derive(Debug, Default)]
pub(crate) struct FailureLimiter(Mutex<Counts>);

/// A short, non-reversible fingerprint of what identifies the client (a client id, or an API
/// token), so that the limiter never keeps a secret.
pub(crate) fn fingerprint(credential: &str) -> [u8; 8] {
    let digest = Sha256::digest(credential.as_bytes());
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

impl FailureLimiter {
    /// Records a failure; returns the seconds to wait when a budget is now exhausted.
    pub(crate) fn fail(&self, address: &str, credential: [u8; 8], now: EpochMillis) -> Option<u64> {
        let Ok(mut counts) = self.0.lock() else {
            return None;
        };
        if counts.by_credential.len() > MAX_KEYS || counts.by_address.len() > MAX_KEYS {
            counts
                .by_credential
                .retain(|_, w| now - w.start < WINDOW_MS);
            counts.by_address.retain(|_, w| now - w.start < WINDOW_MS);
        }
        let fresh = Window {
            start: now,
            failures: 0,
        };
        let pair = counts
            .by_credential
            .entry((address.to_owned(), credential))
            .or_insert(fresh)
            .current(now);
        pair.failures = pair.failures.saturating_add(1);
        let (pair_failures, pair_start) = (pair.failures, pair.start);
        let addr = counts
            .by_address
            .entry(address.to_owned())
            .or_insert(fresh)
            .current(now);
        addr.failures = addr.failures.saturating_add(1);
        let over = if pair_failures > PER_CREDENTIAL {
            Some(pair_start)
        } else if addr.failures > PER_ADDRESS {
            Some(addr.start)
        } else {
            None
        };
        over.map(|start| {
            let left = (start + WINDOW_MS - now).max(1000);
            u64::try_from(left).map_or(60, |ms| ms.div_ceil(1000))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_failures_never_throttle_and_windows_end() {
        let limiter = FailureLimiter::default();
        let me = fingerprint("client-a");
        for _ in 0..PER_CREDENTIAL {
            assert_eq!(limiter.fail("10.0.0.1", me, 0), None);
        }
        assert_eq!(limiter.fail("10.0.0.1", me, 1_000), Some(59));
        // Another credential from the same address has its own budget.
        assert_eq!(
            limiter.fail("10.0.0.1", fingerprint("client-b"), 1_000),
            None
        );
        // A new window starts afresh.
        assert_eq!(limiter.fail("10.0.0.1", me, WINDOW_MS + 1), None);
    }

    #[test]
    fn an_address_has_a_budget_of_its_own() {
        let limiter = FailureLimiter::default();
        for i in 0..PER_ADDRESS {
            assert_eq!(
                limiter.fail("10.0.0.2", fingerprint(&i.to_string()), 0),
                None
            );
        }
        assert!(
            limiter
                .fail("10.0.0.2", fingerprint("one more"), 0)
                .is_some()
        );
        assert_eq!(limiter.fail("10.0.0.3", fingerprint("elsewhere"), 0), None);
    }
}
