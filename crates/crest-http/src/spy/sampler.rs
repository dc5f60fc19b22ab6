//! Which items of a stream a spy shows: each one independently with the asked probability, drawn
//! by skipping a geometric number of items, so that the cost follows what is shown, not what
//! arrives.

/// A seeded sampler (xorshift64*). The seed comes from the server's injected randomness.
#[derive(Debug, Clone)]
pub(crate) struct Sampler {
    state: u64,
    rate: f64,
    /// Items still to pass over before the next one shown.
    skip: u64,
}

impl Sampler {
    pub(crate) fn new(seed: u64, rate: f64) -> Self {
        let mut sampler = Self {
            // xorshift's state must not be zero.
            state: seed | 1,
            rate: 0.0,
            skip: 0,
        };
        sampler.set_rate(rate);
        sampler
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniform number in (0, 1].
    fn uniform(&mut self) -> f64 {
        // 53 random bits, shifted off zero.
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    /// How many items to pass over before the next one shown: geometric with the rate.
    fn gap(&mut self) -> u64 {
        if self.rate >= 1.0 {
            return 0;
        }
        if self.rate <= 0.0 {
            return u64::MAX;
        }
        let g = (self.uniform().ln() / (1.0 - self.rate).ln()).floor();
        if g.is_finite() && g < u64::MAX as f64 {
            g as u64
        } else {
            u64::MAX
        }
    }

    /// The positions, among the next `n` items, of those shown (ascending), appended to `out`.
    pub(crate) fn take(&mut self, n: usize, out: &mut Vec<usize>) {
        let mut at: u64 = 0;
        let n = n as u64;
        loop {
            let remaining = n - at;
            if self.skip >= remaining {
                self.skip -= remaining;
                return;
            }
            at += self.skip;
            out.push(at as usize);
            at += 1;
            self.skip = self.gap();
        }
    }

    /// Shows `rate` of the items from now on, drawing on from the same state.
    pub(crate) fn set_rate(&mut self, rate: f64) {
        self.rate = rate.clamp(0.0, 1.0);
        self.skip = self.gap();
    }

    /// The share shown.
    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// `true` with probability `p` (outside the skipping: for a share of a share).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p >= 1.0 || (p > 0.0 && self.uniform() <= p)
    }

    /// Whether the next single item is shown.
    pub(crate) fn hit(&mut self) -> bool {
        let mut one = Vec::new();
        self.take(1, &mut one);
        !one.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_of_one_shows_everything_and_zero_nothing() {
        let mut all = Sampler::new(7, 1.0);
        let mut out = Vec::new();
        all.take(5, &mut out);
        assert_eq!(out, vec![0, 1, 2, 3, 4]);
        let mut none = Sampler::new(7, 0.0);
        let mut out = Vec::new();
        none.take(1_000_000, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn the_share_shown_is_the_rate() {
        let mut s = Sampler::new(42, 0.05);
        let mut out = Vec::new();
        // In uneven slices, as batches come.
        for n in [1, 10, 1000, 3, 98_986] {
            let before = out.len();
            s.take(n, &mut out);
            assert!(out[before..].iter().all(|&i| i < n));
            assert!(out[before..].windows(2).all(|w| w[0] < w[1]));
        }
        // 100,000 items at 5%: 5,000 expected, standard deviation about 69.
        assert!((4_600..=5_400).contains(&out.len()), "{}", out.len());
    }

    #[test]
    fn seeds_decide_the_draws() {
        let draw = |seed| {
            let mut s = Sampler::new(seed, 0.01);
            let mut out = Vec::new();
            s.take(10_000, &mut out);
            out
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
    }
}
