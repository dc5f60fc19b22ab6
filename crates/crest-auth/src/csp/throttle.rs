//! Letting something costly (a reload of keys for an unknown `kid`) happen at most once per
//! interval, so that forged tokens cannot drive it.

use std::sync::atomic::{AtomicI64, Ordering};

use crest_domain::clock::EpochMillis;

/// At most once per interval; the first time always.
#[derive(Debug, Default)]
pub(crate) struct OncePer {
    last: AtomicI64,
}

impl OncePer {
    /// Whether the caller may act at `now`; if so, `now` becomes the last time.
    pub(crate) fn try_at(&self, now: EpochMillis, interval: EpochMillis) -> bool {
        let last = self.last.load(Ordering::Acquire);
        if last != 0 && now - last < interval {
            return false;
        }
        self.last
            .compare_exchange(last, now, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_interval() {
        let t = OncePer::default();
        assert!(t.try_at(1, 1000));
        assert!(!t.try_at(999, 1000));
        assert!(t.try_at(1001, 1000));
    }
}
