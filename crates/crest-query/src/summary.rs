//! Summaries of a bag of values: the chart's summarizations and `align()`'s methods, and the
//! percentile position rule of wql.md §2.10.2 (`pos = p·(n+1)/100`, clamped to the extremes).

use crate::request::Summarization;
use crate::value::Point;

/// The summary of `values` (in time order: `first`/`last` read it); `None` for no values.
/// The median of an even count is the mean of the middle two.
pub(crate) fn summarize(values: &mut [f64], how: Summarization) -> Option<f64> {
    let first = *values.first()?;
    let last = *values.last()?;
    Some(match how {
        Summarization::Mean => mean(values),
        Summarization::Median => {
            values.sort_by(f64::total_cmp);
            median_sorted(values)?
        }
        Summarization::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        Summarization::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Summarization::Sum => values.iter().sum(),
        Summarization::Count => count(values.len()),
        Summarization::Last => last,
        Summarization::First => first,
    })
}

/// Points (in time order) in epoch-aligned buckets of `width` seconds: one point per non-empty
/// bucket, stamped at its start, holding the summary of the bucket's values. One pass over runs of
/// points sharing a bucket; no map, no allocation per bucket.
pub(crate) fn bucketed(points: &[Point], width: i64, how: Summarization) -> Vec<Point> {
    bucketed_by(points, |p| p.0, |p| p.1, width, how, false)
}

/// [`bucketed`] over any points, read through `time` (in the unit of `width`) and `value`; with
/// `skip_non_finite`, NaN and infinite values count as absent (a bucket of only those is empty).
pub(crate) fn bucketed_by<P>(
    points: &[P],
    time: impl Fn(&P) -> i64,
    value: impl Fn(&P) -> f64,
    width: i64,
    how: Summarization,
    skip_non_finite: bool,
) -> Vec<Point> {
    let width = width.max(1);
    let bucket = |t: i64| t.div_euclid(width).saturating_mul(width);
    let mut out = Vec::with_capacity(points.len().min(1 << 20));
    let mut scratch: Vec<f64> = Vec::new();
    let mut rest = points;
    while let Some(first) = rest.first() {
        let b = bucket(time(first));
        let run = match b.checked_add(width) {
            Some(next) => rest
                .iter()
                .position(|p| time(p) >= next)
                .unwrap_or(rest.len()),
            None => rest.len(),
        };
        let (this, tail) = rest.split_at(run.max(1));
        rest = tail;
        let kept = |v: &f64| !skip_non_finite || v.is_finite();
        let summary = match (how, this) {
            (_, [only]) if how != Summarization::Count => Some(value(only)).filter(kept),
            (Summarization::Mean, _) => {
                let (sum, n) = this
                    .iter()
                    .map(&value)
                    .filter(kept)
                    .fold((-0.0, 0usize), |(sum, n), v| (sum + v, n + 1));
                (n > 0).then(|| sum / count(n))
            }
            _ => {
                scratch.clear();
                scratch.extend(this.iter().map(&value).filter(kept));
                summarize(&mut scratch, how)
            }
        };
        if let Some(v) = summary {
            out.push((b, v));
        }
    }
    out
}

/// `n` as a value (counts stay far below 2^52).
#[allow(clippy::cast_precision_loss)]
pub(crate) fn count(n: usize) -> f64 {
    n as f64
}

pub(crate) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / count(values.len())
}

/// Population variance (wql.md §6 silent 3: the population form is chosen).
pub(crate) fn variance(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let m = mean(values);
    Some(values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / count(values.len()))
}

fn median_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted.get(n / 2).copied()
    } else {
        let a = sorted.get(n / 2 - 1)?;
        let b = sorted.get(n / 2)?;
        Some((a + b) / 2.0)
    }
}

/// The 1-based position of percentile `p` among `n` values, per the documented rule.
pub(crate) fn percentile_position(p: f64, n: usize) -> f64 {
    p * (count(n) + 1.0) / 100.0
}

/// Percentile `p` of sorted values: the value at `pos`, linearly interpolated between neighbours
/// for a fractional position; the smallest below position 1, the largest beyond `n`.
pub(crate) fn percentile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    let first = *sorted.first()?;
    let last = *sorted.last()?;
    let pos = percentile_position(p, n);
    if pos <= 1.0 {
        return Some(first);
    }
    if pos >= count(n) {
        return Some(last);
    }
    let below = pos.floor();
    let frac = pos - below;
    // 1 < pos < n, so below is in [1, n-1]: a valid 1-based index with a successor.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = below as usize;
    let lo = *sorted.get(i - 1)?;
    let hi = *sorted.get(i)?;
    Some(lo + (hi - lo) * frac)
}

/// Percentile `p` of unsorted values.
pub(crate) fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    percentile_sorted(values, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_epoch_aligned_and_summarised() {
        let points = [
            (-61, 1.0),
            (-1, 2.0),
            (0, 3.0),
            (59, 5.0),
            (60, 7.0),
            (200, 9.0),
        ];
        assert_eq!(
            bucketed(&points, 60, Summarization::Mean),
            vec![(-120, 1.0), (-60, 2.0), (0, 4.0), (60, 7.0), (180, 9.0)]
        );
        assert_eq!(
            bucketed(&points, 60, Summarization::Count),
            vec![(-120, 1.0), (-60, 1.0), (0, 2.0), (60, 1.0), (180, 1.0)]
        );
        assert_eq!(
            bucketed(&points, 120, Summarization::Last),
            vec![(-120, 2.0), (0, 7.0), (120, 9.0)]
        );
        assert_eq!(bucketed(&[], 60, Summarization::Sum), vec![]);
        let odd = [(0, 1.0), (1, f64::NAN), (2, 3.0), (60, f64::INFINITY)];
        for (how, want) in [
            (Summarization::Mean, 2.0),
            (Summarization::Count, 2.0),
            (Summarization::Max, 3.0),
        ] {
            let got = bucketed_by(&odd, |p| p.0, |p| p.1, 60, how, true);
            assert_eq!(got, vec![(0, want)], "{how:?}");
        }
        assert_eq!(
            bucketed(
                &[(i64::MAX - 1, 1.0), (i64::MAX, 2.0)],
                10,
                Summarization::Sum
            ),
            vec![(i64::MAX - 7, 3.0)]
        );
        assert_eq!(
            bucketed(
                &[(i64::MAX - 1, 1.0), (i64::MAX, 2.0)],
                10,
                Summarization::Sum
            ),
            vec![(i64::MAX - 7, 3.0)]
        );
    }

    #[test]
    fn kat_09_positions() {
        let v = [1.0, 2.0, 3.0, 4.0];
        for (p, want) in [
            (50.0, 2.5),
            (75.0, 3.75),
            (40.0, 2.0),
            (10.0, 1.0),
            (100.0, 4.0),
        ] {
            assert_eq!(percentile_sorted(&v, p), Some(want), "p={p}");
        }
        assert_eq!(percentile_sorted(&[], 50.0), None);
        assert_eq!(percentile_sorted(&[7.0], 99.0), Some(7.0));
    }

    #[test]
    fn summaries() {
        let v = [1.0, 2.0, 3.0];
        let s = |how| summarize(&mut v.clone(), how);
        assert_eq!(s(Summarization::Mean), Some(2.0));
        assert_eq!(s(Summarization::Median), Some(2.0));
        assert_eq!(
            summarize(&mut [4.0, 1.0, 3.0, 2.0], Summarization::Median),
            Some(2.5)
        );
        assert_eq!(s(Summarization::Sum), Some(6.0));
        assert_eq!(s(Summarization::Count), Some(3.0));
        assert_eq!(s(Summarization::First), Some(1.0));
        assert_eq!(s(Summarization::Last), Some(3.0));
        assert_eq!(summarize(&mut [], Summarization::Sum), None);
        assert_eq!(variance(&[1.0, 3.0]), Some(1.0));
    }
}
