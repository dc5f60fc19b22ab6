//! Points, time ranges, and the one-second rule every engine's reads follow.

/// One reported value at a time in epoch milliseconds. Values are kept bit for bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub timestamp: i64,
    pub value: f64,
}

/// A half-open range of epoch milliseconds, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub start: i64,
    pub end: i64,
}

impl TimeRange {
    pub fn new(start: i64, end: i64) -> Self {
        Self { start, end }
    }

    /// Every representable time.
    pub fn all() -> Self {
        Self {
            start: i64::MIN,
            end: i64::MAX,
        }
    }

    pub fn contains(&self, timestamp: i64) -> bool {
        self.start <= timestamp && timestamp < self.end
    }

    /// Whether `[min, max]` (both inclusive, as blocks record them) meets this range.
    pub fn overlaps(&self, min: i64, max: i64) -> bool {
        min < self.end && max >= self.start
    }
}

/// The rule of the service's reads: one point per second. Takes samples sorted by timestamp and
/// returns one sample per whole second, stamped at the second: the mean of that second's values, or
/// their sum for a delta counter (whose points are binned to the minute and added). The values of
/// one second are added in ascending order, so the answer does not depend on the order they arrived
/// in. Every engine's [`crate::SeriesReader::select`] answers through this, so all agree to the bit.
/// Samples already one per whole second are returned as they are, without a copy.
pub fn per_second(samples: Vec<Sample>, delta: bool) -> Vec<Sample> {
    if is_one_per_second(&samples) {
        return samples;
    }
    let mut out: Vec<Sample> = Vec::with_capacity(samples.len());
    let mut values: Vec<f64> = Vec::new();
    let mut rest = samples.as_slice();
    while let Some(first) = rest.first() {
        let second = first.timestamp.div_euclid(1000).saturating_mul(1000);
        let run = rest
            .iter()
            .position(|s| s.timestamp.div_euclid(1000).saturating_mul(1000) != second)
            .unwrap_or(rest.len());
        let (this, next) = rest.split_at(run);
        rest = next;
        let value = match this {
            [only] => only.value,
            _ => {
                values.clear();
                values.extend(this.iter().map(|s| s.value));
                values.sort_by(f64::total_cmp);
                finish(values.iter().sum(), values.len(), delta)
            }
        };
        out.push(Sample {
            timestamp: second,
            value,
        });
    }
    out
}

/// Every sample on a whole second, each in a later second than the one before: what
/// [`per_second`] answers, and returns unchanged.
pub fn is_one_per_second(samples: &[Sample]) -> bool {
    let mut previous: Option<i64> = None;
    samples.iter().all(|s| {
        let ok = s.timestamp.rem_euclid(1000) == 0 && previous.is_none_or(|p| p < s.timestamp);
        previous = Some(s.timestamp);
        ok
    })
}

fn finish(sum: f64, count: usize, delta: bool) -> f64 {
    // A second holds at most as many points as were ever sent, far below 2^52.
    #[allow(clippy::cast_precision_loss)]
    let count = count as f64;
    if delta { sum } else { sum / count }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(timestamp: i64, value: f64) -> Sample {
        Sample { timestamp, value }
    }

    #[test]
    fn points_within_one_second_are_averaged_and_stamped_at_the_second() {
        let got = per_second(vec![s(1000, 10.0), s(1500, 20.0), s(2000, 5.0)], false);
        assert_eq!(got, vec![s(1000, 15.0), s(2000, 5.0)]);
    }

    #[test]
    fn a_single_point_keeps_its_value_bit_for_bit() {
        let v = 0.1 + 0.2;
        assert_eq!(
            per_second(vec![s(3000, v)], false)[0].value.to_bits(),
            v.to_bits()
        );
    }

    #[test]
    fn delta_counters_are_summed() {
        assert_eq!(
            per_second(vec![s(60_000, 1.0), s(60_000, 2.5)], true),
            vec![s(60_000, 3.5)]
        );
    }

    #[test]
    fn the_order_of_arrival_does_not_change_the_answer() {
        let a = per_second(vec![s(0, 0.1), s(0, 1e16), s(0, -1e16)], false);
        let b = per_second(vec![s(0, -1e16), s(0, 0.1), s(0, 1e16)], false);
        assert_eq!(a[0].value.to_bits(), b[0].value.to_bits());
    }

    #[test]
    fn negative_times_round_down() {
        assert_eq!(per_second(vec![s(-1, 1.0)], false), vec![s(-1000, 1.0)]);
    }

    #[test]
    fn ranges_are_half_open() {
        let r = TimeRange::new(10, 20);
        assert!(r.contains(10) && !r.contains(20));
        assert!(
            r.overlaps(19, 30) && !r.overlaps(20, 30) && r.overlaps(0, 10) && !r.overlaps(0, 9)
        );
    }
}
