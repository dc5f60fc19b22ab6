//! Summarised reads: each series' points (one per second) summarised into epoch-aligned buckets
//! as they are read, what a chart's pre-alignment takes (wql.md §2.5), and [`Bucketer`], the one
//! summary every engine computes so that all agree to the bit.

use crate::key::SeriesKey;
use crate::point::{Sample, TimeRange};
use crate::traits::SeriesData;

/// How the values of one bucket become its one value (the chart's summarizations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BucketSummary {
    Mean,
    /// The middle value, or the mean of the middle two.
    Median,
    Min,
    Max,
    Sum,
    /// How many values.
    Count,
    First,
    Last,
}

/// What a summarised read ([`crate::SeriesReader::select_bucketed`]) asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucketing {
    /// The buckets' width in ms: bucket `b` is `[b, b + width_ms)`, `b` a multiple of it. At
    /// least 1 (less is taken as 1).
    pub width_ms: i64,
    pub summary: BucketSummary,
    /// A series "reports" when it holds a point in this range.
    pub window: TimeRange,
    /// The series are answered summarised only when more than this many of them report and at
    /// least one point lies off a bucket's start; otherwise the plain read's answer is given.
    pub summarise_above: usize,
}

/// One series summarised: what a plain read of it answers, bucketed.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketedData {
    pub key: SeriesKey,
    /// One sample per bucket holding a finite value, stamped at the bucket's start, in time order:
    /// the summary of the bucket's finite values (NaN and infinities count as absent).
    pub buckets: Vec<Sample>,
    /// How many points (one per second) the plain read answers for the series.
    pub points: usize,
    /// Whether one of them lies in [`Bucketing::window`].
    pub reports: bool,
    /// Whether every one of them lies at a bucket's start.
    pub on_buckets: bool,
}

/// The answer of a summarised read: the series summarised, or (see
/// [`Bucketing::summarise_above`]) as a plain read answers them.
#[derive(Debug, Clone, PartialEq)]
pub enum Bucketed {
    Summarised(Vec<BucketedData>),
    Plain(Vec<SeriesData>),
}

impl Bucketing {
    /// Whether `series` (what [`Bucketer`] made of every series read) are answered summarised.
    pub fn summarises(&self, series: &[BucketedData]) -> bool {
        series.iter().filter(|s| s.reports).count() > self.summarise_above
            && !series.iter().all(|s| s.on_buckets)
    }

    /// A plain read's answer, summarised when the rule says so: what an engine without a
    /// summarised read of its own answers.
    pub fn apply(&self, plain: Vec<SeriesData>) -> Bucketed {
        if plain.len() <= self.summarise_above {
            return Bucketed::Plain(plain);
        }
        let summarised: Vec<BucketedData> = plain
            .iter()
            .map(|s| {
                let mut b = Bucketer::new(self);
                b.push_samples(&s.samples);
                b.finish(s.key.clone())
            })
            .collect();
        if self.summarises(&summarised) {
            Bucketed::Summarised(summarised)
        } else {
            Bucketed::Plain(plain)
        }
    }
}

/// Summarises one series' points, pushed one per second in time order, into buckets. The values
/// of a bucket are combined in time order: a mean is their sum (from -0.0) over their count, a
/// minimum or maximum folds `f64::min`/`f64::max` from the infinity, a median sorts them
/// ([`f64::total_cmp`]).
#[derive(Debug)]
pub struct Bucketer {
    width: i64,
    summary: BucketSummary,
    window: TimeRange,
    out: Vec<Sample>,
    /// The bucket being filled, `[start, end)`; `end` is `None` for the last bucket before
    /// `i64::MAX`.
    current: Option<(i64, Option<i64>)>,
    /// The bucket's finite values so far: their count, and the running summary.
    n: usize,
    acc: f64,
    /// The bucket's finite values, for a median.
    values: Vec<f64>,
    points: usize,
    reports: bool,
    on_buckets: bool,
}

impl Bucketer {
    pub fn new(bucketing: &Bucketing) -> Self {
        Self {
            width: bucketing.width_ms.max(1),
            summary: bucketing.summary,
            window: bucketing.window,
            out: Vec::new(),
            current: None,
            n: 0,
            acc: 0.0,
            values: Vec::new(),
            points: 0,
            reports: false,
            on_buckets: true,
        }
    }

    /// Room for this many buckets more.
    pub fn reserve(&mut self, buckets: usize) {
        self.out.reserve(buckets);
    }

    /// Takes the next point (after every point pushed before, one per second).
    pub fn push(&mut self, timestamp: i64, value: f64) {
        self.push_samples(&[Sample { timestamp, value }]);
    }

    /// Takes the next points (in time order, after every point pushed before, one per second).
    pub fn push_samples(&mut self, samples: &[Sample]) {
        let mut rest = samples;
        while let Some(first) = rest.first() {
            let (start, end) = self.bucket_of(first.timestamp);
            let k = match end {
                Some(end) => rest
                    .iter()
                    .position(|s| s.timestamp >= end)
                    .unwrap_or(rest.len()),
                None => rest.len(),
            };
            let (chunk, tail) = rest.split_at(k.max(1));
            rest = tail;
            self.points = self.points.saturating_add(chunk.len());
            if !self.reports {
                self.reports = chunk.iter().any(|s| self.window.contains(s.timestamp));
            }
            self.on_buckets &= chunk.len() == 1 && first.timestamp == start;
            self.fold(chunk.iter().map(|s| s.value));
        }
    }

    /// Takes the next points: `values` stamped `first`, `first + step`, … (in time order, after
    /// every point pushed before, one per second: `step` > 0 for more than one value).
    pub fn push_regular(&mut self, first: i64, step: i64, values: &[f64]) {
        if step <= 0 {
            for v in values {
                self.push(first, *v);
            }
            return;
        }
        let mut t = first;
        let mut rest = values;
        while !rest.is_empty() {
            let (start, end) = self.bucket_of(t);
            // the points before `end`: t, t + step, … up to end - 1
            let k = end
                .and_then(|end| end.checked_sub(t))
                .map_or(rest.len(), |span| {
                    usize::try_from(span.saturating_sub(1) / step)
                        .map_or(rest.len(), |k| k.saturating_add(1))
                });
            let (chunk, tail) = rest.split_at(k.clamp(1, rest.len()));
            rest = tail;
            self.points = self.points.saturating_add(chunk.len());
            if !self.reports {
                let mut u = t;
                for _ in chunk {
                    if self.window.contains(u) {
                        self.reports = true;
                        break;
                    }
                    u = u.saturating_add(step);
                }
            }
            self.on_buckets &= chunk.len() == 1 && t == start;
            self.fold(chunk.iter().copied());
            let advanced = i64::try_from(chunk.len()).map_or(i64::MAX, |n| step.saturating_mul(n));
            t = t.saturating_add(advanced);
        }
    }

    /// The bucket `timestamp` falls in: the one being filled, or a new one (the one before
    /// closed).
    fn bucket_of(&mut self, timestamp: i64) -> (i64, Option<i64>) {
        match self.current {
            Some((start, end)) if timestamp >= start && end.is_none_or(|e| timestamp < e) => {
                (start, end)
            }
            previous => {
                self.close();
                // mostly the bucket right after the one before: no division
                let start = match previous {
                    Some((_, Some(e)))
                        if timestamp >= e
                            && e.checked_add(self.width)
                                .is_none_or(|next| timestamp < next) =>
                    {
                        e
                    }
                    _ => timestamp.div_euclid(self.width).saturating_mul(self.width),
                };
                let end = start.checked_add(self.width);
                self.current = Some((start, end));
                self.acc = match self.summary {
                    BucketSummary::Mean | BucketSummary::Sum => -0.0,
                    BucketSummary::Min => f64::INFINITY,
                    BucketSummary::Max => f64::NEG_INFINITY,
                    _ => 0.0,
                };
                (start, end)
            }
        }
    }

    /// Adds values (of the bucket being filled, in time order) to its summary; NaN and infinities
    /// are left out.
    #[inline]
    fn fold(&mut self, values: impl Iterator<Item = f64>) {
        let (mut acc, mut n) = (self.acc, self.n);
        let finite = values.filter(|v| v.is_finite());
        match self.summary {
            BucketSummary::Mean | BucketSummary::Sum => {
                for v in finite {
                    acc += v;
                    n = n.wrapping_add(1);
                }
            }
            BucketSummary::Min => {
                for v in finite {
                    acc = acc.min(v);
                    n = n.wrapping_add(1);
                }
            }
            BucketSummary::Max => {
                for v in finite {
                    acc = acc.max(v);
                    n = n.wrapping_add(1);
                }
            }
            BucketSummary::First => {
                for v in finite {
                    if n == 0 {
                        acc = v;
                    }
                    n = n.wrapping_add(1);
                }
            }
            BucketSummary::Last => {
                for v in finite {
                    acc = v;
                    n = n.wrapping_add(1);
                }
            }
            BucketSummary::Count => n = n.wrapping_add(finite.count()),
            BucketSummary::Median => {
                let before = self.values.len();
                self.values.extend(finite);
                n = n.wrapping_add(self.values.len().saturating_sub(before));
            }
        }
        self.acc = acc;
        self.n = n;
    }

    /// Ends the bucket being filled.
    fn close(&mut self) {
        let Some((start, _)) = self.current.take() else {
            return;
        };
        let n = std::mem::take(&mut self.n);
        if n == 0 {
            return;
        }
        let value = match self.summary {
            BucketSummary::Mean => self.acc / count(n),
            BucketSummary::Count => count(n),
            BucketSummary::Median => {
                self.values.sort_by(f64::total_cmp);
                let m = median_sorted(&self.values);
                self.values.clear();
                m
            }
            _ => self.acc,
        };
        self.out.push(Sample {
            timestamp: start,
            value,
        });
    }

    /// The series summarised.
    pub fn finish(mut self, key: SeriesKey) -> BucketedData {
        self.close();
        BucketedData {
            key,
            buckets: self.out,
            points: self.points,
            reports: self.reports,
            on_buckets: self.on_buckets,
        }
    }
}

/// `n` as a value (counts stay far below 2^52).
#[allow(clippy::cast_precision_loss)]
fn count(n: usize) -> f64 {
    n as f64
}

/// The median of sorted values (not empty).
fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    let mid = n / 2;
    match (sorted.get(mid.wrapping_sub(1)), sorted.get(mid)) {
        (Some(a), Some(b)) if n.is_multiple_of(2) => (a + b) / 2.0,
        (_, Some(m)) => *m,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucketing(summary: BucketSummary) -> Bucketing {
        Bucketing {
            width_ms: 60_000,
            summary,
            window: TimeRange::new(0, 120_000),
            summarise_above: 0,
        }
    }

    fn run(summary: BucketSummary, points: &[(i64, f64)]) -> BucketedData {
        let mut b = Bucketer::new(&bucketing(summary));
        for (t, v) in points {
            b.push(*t, *v);
        }
        b.finish(SeriesKey::new("m", "s"))
    }

    fn got(d: &BucketedData) -> Vec<(i64, f64)> {
        d.buckets.iter().map(|s| (s.timestamp, s.value)).collect()
    }

    #[test]
    fn buckets_are_epoch_aligned_and_summarised_by_their_finite_values() {
        let points = [
            (-61_000, 1.0),
            (-1_000, 2.0),
            (0, 3.0),
            (1_000, f64::NAN),
            (59_000, 5.0),
            (60_000, f64::INFINITY),
            (200_000, 9.0),
            (201_000, 4.0),
            (202_000, 8.0),
            (203_000, 1.0),
        ];
        for (how, want) in [
            (BucketSummary::Mean, vec![1.0, 2.0, 4.0, 5.5]),
            (BucketSummary::Median, vec![1.0, 2.0, 4.0, 6.0]),
            (BucketSummary::Min, vec![1.0, 2.0, 3.0, 1.0]),
            (BucketSummary::Max, vec![1.0, 2.0, 5.0, 9.0]),
            (BucketSummary::Sum, vec![1.0, 2.0, 8.0, 22.0]),
            (BucketSummary::Count, vec![1.0, 1.0, 2.0, 4.0]),
            (BucketSummary::First, vec![1.0, 2.0, 3.0, 9.0]),
            (BucketSummary::Last, vec![1.0, 2.0, 5.0, 1.0]),
        ] {
            let d = run(how, &points);
            let times = [-120_000, -60_000, 0, 180_000];
            assert_eq!(
                got(&d),
                times.into_iter().zip(want).collect::<Vec<_>>(),
                "{how:?}"
            );
            assert_eq!(d.points, 10);
            assert!(d.reports && !d.on_buckets);
        }
    }

    #[test]
    fn a_series_knows_whether_it_reports_and_whether_it_lies_on_bucket_starts() {
        let d = run(BucketSummary::Mean, &[(-60_000, 1.0), (120_000, 2.0)]);
        assert!(!d.reports && d.on_buckets);
        assert_eq!(got(&d), vec![(-60_000, 1.0), (120_000, 2.0)]);
        let d = run(
            BucketSummary::Count,
            &[(i64::MAX - 1, 1.0), (i64::MAX, 2.0)],
        );
        assert_eq!(d.buckets.len(), 1);
        assert_eq!(d.buckets[0].value, 2.0);
    }

    #[test]
    fn evenly_spaced_values_are_summarised_as_the_same_points_one_by_one() {
        let values: Vec<f64> = (0..400)
            .map(|i| match i % 7 {
                0 => f64::NAN,
                1 => -0.0,
                _ => f64::from(i) / 3.0,
            })
            .collect();
        for how in [
            BucketSummary::Mean,
            BucketSummary::Median,
            BucketSummary::Min,
            BucketSummary::Max,
            BucketSummary::Sum,
            BucketSummary::Count,
            BucketSummary::First,
            BucketSummary::Last,
        ] {
            for (first, step) in [(-7_000, 10_000), (0, 60_000), (5_000, 1_000), (0, 130_000)] {
                let mut bulk = Bucketer::new(&bucketing(how));
                bulk.push_regular(first, step, &values[..3]);
                bulk.push_regular(first + 3 * step, step, &values[3..]);
                let mut one = Bucketer::new(&bucketing(how));
                for (i, v) in (0i64..).zip(&values) {
                    one.push(first + i * step, *v);
                }
                let (bulk, one) = (
                    bulk.finish(SeriesKey::new("m", "s")),
                    one.finish(SeriesKey::new("m", "s")),
                );
                let bits = |d: &BucketedData| -> Vec<(i64, u64)> {
                    d.buckets
                        .iter()
                        .map(|s| (s.timestamp, s.value.to_bits()))
                        .collect()
                };
                assert_eq!(bits(&bulk), bits(&one), "{how:?} {first} {step}");
                assert_eq!(
                    (bulk.points, bulk.reports, bulk.on_buckets),
                    (one.points, one.reports, one.on_buckets)
                );
            }
        }
    }

    #[test]
    fn a_lone_negative_zero_stays_negative() {
        for how in [BucketSummary::Mean, BucketSummary::Sum, BucketSummary::Min] {
            let d = run(how, &[(0, -0.0)]);
            assert!(d.buckets[0].value.is_sign_negative(), "{how:?}");
        }
    }

    #[test]
    fn few_reporting_series_or_points_on_bucket_starts_are_answered_plain() {
        let data = |t: i64| SeriesData {
            key: SeriesKey::new("m", format!("s{t}")),
            samples: vec![Sample {
                timestamp: t,
                value: 1.0,
            }],
        };
        let mut b = bucketing(BucketSummary::Mean);
        b.summarise_above = 1;
        assert!(matches!(b.apply(vec![data(1_000)]), Bucketed::Plain(_)));
        assert!(matches!(
            b.apply(vec![data(0), data(60_000)]),
            Bucketed::Plain(_)
        ));
        assert!(matches!(
            b.apply(vec![data(0), data(61_000)]),
            Bucketed::Summarised(_)
        ));
        assert!(matches!(
            b.apply(vec![data(1_000), data(200_000)]),
            Bucketed::Plain(_)
        ));
    }
}
