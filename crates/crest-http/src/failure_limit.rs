//! Throttling failed credential checks: failures are counted per (source address, credential
//! fingerprint) and per address, in fixed windows.
//!
//! Two budgets use it. The exchanges under `/csp/` ([`Budget::EXCHANGE`]) still check a request
//! over budget: valid credentials are always served (other clients' failures never lock a good
//! client out), and a failure is answered 429 with `Retry-After` instead of 400/401. Their secrets
//! are 256-bit, so the budget guards against floods, not guessing. Passwords can be guessed, so
//! sign-in ([`Budget::SIGN_IN`]) asks [`FailureLimiter::blocked`] first and, over budget, refuses
//! without checking the password at all.

use std::collections::HashMap;
use std::sync::Mutex;

use crest_domain::clock::EpochMillis;
use sha2::{Digest, Sha256};

/// How many failures fit in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    /// Failures one (address, credential) pair may have in a window.
    pub(crate) per_credential: u32,
    /// Failures one address may have in a window.
    pub(crate) per_address: u32,
    pub(crate) window_ms: EpochMillis,
}

impl Budget {
    /// The credential exchanges: 10 failures a minute per client, 1,000 per address.
    pub(crate) const EXCHANGE: Self = Self {
        per_credential: 10,
        per_address: 1000,
        window_ms: 60_000,
    };
    /// Sign-in with a password: 5 failures per account and address in 15 minutes, 100 per
    /// address.
    pub(crate) const SIGN_IN: Self = Self {
        per_credential: 5,
        per_address: 100,
        window_ms: 15 * 60_000,
    };
}
/// A bound on memory: past this many tracked keys, windows that ended are dropped.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: EpochMillis,
    failures: u32,
}

impl Window {
    fn current(&mut self, now: EpochMillis, window_ms: EpochMillis) -> &mut Self {
        if now - self.start >= window_ms {
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

/// The counters of one budget, shared by every request of this instance.
#[derive(Debug)]
pub(crate) struct FailureLimiter {
    budget: Budget,
    counts: Mutex<Counts>,
}

/// A short, non-reversible fingerprint of what identifies the client (a client id, or an API
/// token), so that the limiter never keeps a secret.
pub(crate) fn fingerprint(credential: &str) -> [u8; 8] {
    let digest = Sha256::digest(credential.as_bytes());
    let mut out = [0u8; 8];
    for (o, d) in out.iter_mut().zip(digest) {
        *o = d;
    }
    out
}

impl FailureLimiter {
    pub(crate) fn new(budget: Budget) -> Self {
        Self {
            budget,
            counts: Mutex::new(Counts::default()),
        }
    }

    /// The seconds to wait when the pair or the address has used up its budget already.
    pub(crate) fn blocked(
        &self,
        address: &str,
        credential: [u8; 8],
        now: EpochMillis,
    ) -> Option<u64> {
        let Budget {
            per_credential,
            per_address,
            window_ms,
        } = self.budget;
        let counts = self.counts.lock().ok()?;
        let spent = |w: Option<&Window>, budget: u32| {
            w.filter(|w| now - w.start < window_ms && w.failures >= budget)
                .map(|w| w.start)
        };
        spent(
            counts.by_credential.get(&(address.to_owned(), credential)),
            per_credential,
        )
        .or_else(|| spent(counts.by_address.get(address), per_address))
        .map(|start| self.retry_after(start, now))
    }

    fn retry_after(&self, start: EpochMillis, now: EpochMillis) -> u64 {
        let left = (start + self.budget.window_ms - now).max(1000);
        u64::try_from(left).map_or(60, |ms| ms.div_ceil(1000))
    }

    /// Records a failure; returns the seconds to wait when a budget is now exhausted.
    pub(crate) fn fail(&self, address: &str, credential: [u8; 8], now: EpochMillis) -> Option<u64> {
        let window_ms = self.budget.window_ms;
        let Ok(mut counts) = self.counts.lock() else {
            return None;
        };
        if counts.by_credential.len() > MAX_KEYS || counts.by_address.len() > MAX_KEYS {
            counts
                .by_credential
                .retain(|_, w| now - w.start < window_ms);
            counts.by_address.retain(|_, w| now - w.start < window_ms);
        }
        let fresh = Window {
            start: now,
            failures: 0,
        };
        let pair = counts
            .by_credential
            .entry((address.to_owned(), credential))
            .or_insert(fresh)
            .current(now, window_ms);
        pair.failures = pair.failures.saturating_add(1);
        let (pair_failures, pair_start) = (pair.failures, pair.start);
        let addr = counts
            .by_address
            .entry(address.to_owned())
            .or_insert(fresh)
            .current(now, window_ms);
        addr.failures = addr.failures.saturating_add(1);
        let over = if pair_failures > self.budget.per_credential {
            Some(pair_start)
        } else if addr.failures > self.budget.per_address {
            Some(addr.start)
        } else {
            None
        };
        drop(counts);
        over.map(|start| self.retry_after(start, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_failures_never_throttle_and_windows_end() {
        let limiter = FailureLimiter::new(Budget::EXCHANGE);
        let me = fingerprint("client-a");
        for _ in 0..Budget::EXCHANGE.per_credential {
            assert_eq!(limiter.fail("10.0.0.1", me, 0), None);
        }
        assert_eq!(limiter.fail("10.0.0.1", me, 1_000), Some(59));
        // Another credential from the same address has its own budget.
        assert_eq!(
            limiter.fail("10.0.0.1", fingerprint("client-b"), 1_000),
            None
        );
        // A new window starts afresh.
        assert_eq!(
            limiter.fail("10.0.0.1", me, Budget::EXCHANGE.window_ms + 1),
            None
        );
    }

    #[test]
    fn an_address_has_a_budget_of_its_own() {
        let limiter = FailureLimiter::new(Budget::EXCHANGE);
        for i in 0..Budget::EXCHANGE.per_address {
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

    #[test]
    fn sign_in_is_blocked_once_the_budget_is_spent_until_the_window_ends() {
        let limiter = FailureLimiter::new(Budget::SIGN_IN);
        let kim = fingerprint("kim@example.com");
        for _ in 0..Budget::SIGN_IN.per_credential {
            assert_eq!(limiter.blocked("10.0.0.4", kim, 0), None);
            limiter.fail("10.0.0.4", kim, 0);
        }
        assert_eq!(limiter.blocked("10.0.0.4", kim, 60_000), Some(14 * 60));
        assert_eq!(
            limiter.blocked("10.0.0.4", fingerprint("lee@example.com"), 0),
            None
        );
        assert_eq!(limiter.blocked("10.0.0.5", kim, 0), None);
        assert_eq!(
            limiter.blocked("10.0.0.4", kim, Budget::SIGN_IN.window_ms),
            None
        );
    }
}
