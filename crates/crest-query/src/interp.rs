//! Interpolation (wql.md §2.3): a discrete series' value at an instant where it may have no point.
//! Real point → its value; between two real points → linear interpolation (the docs do not name
//! the method; linear is inferred, and no maximum gap is imposed: any two neighbours fetched,
//! including points outside the window, may bracket the instant); after the last point → that
//! point's value only when it lies in the live-edge zone (the last 15 % of the window, the window's
//! end taken as `min(end, now)`); before the first point → nothing.

use crate::value::{Point, Points};

/// Where the live-edge zone of a window starts: 15 % of `[start, min(end, now))` before its end.
pub(crate) fn edge_start(start: i64, end: i64, now: i64) -> i64 {
    let stop = end.min(now).max(start);
    stop - stop.saturating_sub(start).saturating_mul(3) / 20
}

/// Reads a discrete series at non-decreasing instants in one pass.
#[derive(Debug)]
pub(crate) struct Sampler<'a> {
    points: &'a [Point],
    next: usize,
    edge: i64,
}

impl<'a> Sampler<'a> {
    pub(crate) fn new(points: &'a [Point], edge: i64) -> Self {
        Self {
            points,
            next: 0,
            edge,
        }
    }

    /// The value at `t` (instants must not decrease between calls). `raw` reads real points only.
    pub(crate) fn at(&mut self, t: i64, raw: bool) -> Option<f64> {
        while self.points.get(self.next).is_some_and(|(pt, _)| *pt < t) {
            self.next += 1;
        }
        value_around(self.points, self.next, t, raw, self.edge)
    }
}

/// The value at `t` of points whose first at-or-after `t` is at `idx`.
fn value_around(points: &[Point], idx: usize, t: i64, raw: bool, edge: i64) -> Option<f64> {
    let after = points.get(idx);
    if let Some((pt, v)) = after
        && *pt == t
    {
        return Some(*v);
    }
    if raw {
        return None;
    }
    let before = idx.checked_sub(1).and_then(|i| points.get(i));
    match (before, after) {
        (Some(&(t0, v0)), Some(&(t1, v1))) => Some(linear(t0, v0, t1, v1, t)),
        (Some(&(t0, v0)), None) if t0 >= edge => Some(v0),
        _ => None,
    }
}

fn linear(t0: i64, v0: f64, t1: i64, v1: f64, t: i64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let frac = (t - t0) as f64 / (t1 - t0) as f64;
    v0 + (v1 - v0) * frac
}

/// The value at `t` by binary search (for generators built on a discrete series).
pub(crate) fn value_at(points: &[Point], t: i64, raw: bool, edge: i64) -> Option<f64> {
    let idx = points.partition_point(|(pt, _)| *pt < t);
    value_around(points, idx, t, raw, edge)
}

/// The sorted, de-duplicated union of the discrete series' timestamps. Each series' points are in
/// time order, so the union is merged in, series by series; a series whose timestamps are the union
/// so far (the common case: series reporting together) costs one comparison of slices.
pub(crate) fn union_timestamps<'a>(all: impl Iterator<Item = &'a Points>) -> Vec<i64> {
    let mut union: Vec<i64> = Vec::new();
    let mut merged: Vec<i64> = Vec::new();
    for p in all {
        let Points::Discrete(points) = p else {
            continue;
        };
        if union.len() == points.len() && union.iter().zip(points).all(|(a, (b, _))| a == b) {
            continue;
        }
        merged.clear();
        merged.reserve(union.len().max(points.len()));
        let (mut i, mut j) = (0, 0);
        while i < union.len() || j < points.len() {
            let t = match (union.get(i), points.get(j)) {
                (Some(&a), Some(&(b, _))) if a == b => {
                    i += 1;
                    j += 1;
                    a
                }
                (Some(&a), Some(&(b, _))) if a < b => {
                    i += 1;
                    a
                }
                (_, Some(&(b, _))) => {
                    j += 1;
                    b
                }
                (Some(&a), None) => {
                    i += 1;
                    a
                }
                (None, None) => break,
            };
            if merged.last() != Some(&t) {
                merged.push(t);
            }
        }
        std::mem::swap(&mut union, &mut merged);
    }
    union
}

/// The values of `points` at each of `instants` (sorted): sampled when discrete, evaluated when
/// continuous.
pub(crate) fn sample(points: &Points, instants: &[i64], raw: bool, edge: i64) -> Vec<Option<f64>> {
    match points {
        Points::Discrete(p) => {
            let mut s = Sampler::new(p, edge);
            instants.iter().map(|&t| s.at(t, raw)).collect()
        }
        other => instants.iter().map(|&t| other.continuous_at(t)).collect(),
    }
}

/// Two series combined point-wise (`f` answers `None` for "no point"): continuous when both are,
/// else at the union of the discrete sides' timestamps, interpolating the side without a point.
pub(crate) fn combine(
    a: &Points,
    b: &Points,
    edge: i64,
    f: impl Fn(f64, f64) -> Option<f64> + Send + Sync + 'static,
) -> Points {
    match (a, b) {
        (Points::Constant(x), Points::Constant(y)) => match f(*x, *y) {
            Some(v) => Points::constant(v),
            None => Points::Discrete(Vec::new()),
        },
        (x, y) if x.is_continuous() && y.is_continuous() => {
            let (x, y) = (x.clone(), y.clone());
            Points::generator(move |t| f(x.continuous_at(t)?, y.continuous_at(t)?))
        }
        _ => {
            let ts = union_timestamps([a, b].into_iter());
            let va = sample(a, &ts, false, edge);
            let vb = sample(b, &ts, false, edge);
            Points::discrete(
                ts.iter()
                    .zip(va.into_iter().zip(vb))
                    .filter_map(|(&t, pair)| match pair {
                        (Some(x), Some(y)) => f(x, y).map(|v| (t, v)),
                        _ => None,
                    })
                    .collect(),
            )
        }
    }
}

/// Several series combined point-wise (`f` takes one value per series, in order, and answers
/// `None` for "no point"): continuous when all are, else at the union of the discrete ones'
/// timestamps, interpolating each series without a point there.
pub(crate) fn combine_all(
    all: &[Points],
    edge: i64,
    f: impl Fn(&[f64]) -> Option<f64> + Send + Sync + 'static,
) -> Points {
    if all.iter().all(Points::is_continuous) {
        let all = all.to_vec();
        return Points::generator(move |t| {
            let values: Option<Vec<f64>> = all.iter().map(|p| p.continuous_at(t)).collect();
            f(&values?)
        });
    }
    let ts = union_timestamps(all.iter());
    let sampled: Vec<Vec<Option<f64>>> = all.iter().map(|p| sample(p, &ts, false, edge)).collect();
    let mut values = Vec::with_capacity(all.len());
    let mut out = Vec::with_capacity(ts.len());
    for (i, &t) in ts.iter().enumerate() {
        values.clear();
        for column in &sampled {
            match column.get(i).copied().flatten() {
                Some(v) => values.push(v),
                None => break,
            }
        }
        if values.len() == all.len()
            && let Some(v) = f(&values)
        {
            out.push((t, v));
        }
    }
    Points::discrete(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_interpolated_edge_and_nothing() {
        let p = [(0, 10.0), (120, 30.0)];
        let mut s = Sampler::new(&p, 1000);
        assert_eq!(s.at(-5, false), None);
        assert_eq!(s.at(0, false), Some(10.0));
        assert_eq!(s.at(60, false), Some(20.0));
        assert_eq!(s.at(60, true), None);
        assert_eq!(s.at(130, false), None);
        let mut live = Sampler::new(&p, 100);
        assert_eq!(live.at(130, false), Some(30.0));
        assert_eq!(value_at(&p, 90, false, 0), Some(25.0));
    }

    #[test]
    fn the_edge_zone_is_the_last_15_percent() {
        assert_eq!(edge_start(0, 1000, 5000), 850);
        assert_eq!(edge_start(0, 1000, 500), 425);
    }

    #[test]
    fn combine_uses_the_union_of_timestamps() {
        let a = Points::discrete(vec![(0, 1.0), (10, 2.0)]);
        let b = Points::discrete(vec![(5, 10.0), (10, 20.0)]);
        let Points::Discrete(got) = combine(&a, &b, i64::MAX, |x, y| Some(x + y)) else {
            panic!()
        };
        assert_eq!(got, vec![(5, 11.5), (10, 22.0)]);
        let c = combine(&a, &Points::constant(3.0), 0, |x, y| Some(x * y));
        assert!(matches!(c, Points::Discrete(ref p) if p == &vec![(0, 3.0), (10, 6.0)]));
    }

    #[test]
    fn combine_all_interpolates_every_side_at_the_union() {
        let a = Points::discrete(vec![(0, 1.0), (10, 2.0)]);
        let b = Points::discrete(vec![(5, 10.0), (10, 20.0)]);
        let c = Points::constant(100.0);
        let sum = |v: &[f64]| Some(v.iter().sum());
        let Points::Discrete(got) = combine_all(&[a.clone(), b, c.clone()], i64::MAX, sum) else {
            panic!()
        };
        // at 0, b has nothing yet; at 5, a is 1.5
        assert_eq!(got, vec![(5, 111.5), (10, 122.0)]);
        let both = combine_all(&[c.clone(), Points::constant(1.0)], 0, sum);
        assert_eq!(both.continuous_at(42), Some(101.0));
        assert!(matches!(
            combine_all(&[a, c], 0, |_| None),
            Points::Discrete(p) if p.is_empty()
        ));
    }

    #[test]
    fn the_union_of_timestamps_is_sorted_and_has_no_repeats() {
        let series = [
            Points::discrete(vec![(5, 0.0), (10, 0.0)]),
            Points::constant(1.0),
            Points::discrete(vec![(5, 0.0), (10, 0.0)]),
            Points::discrete(vec![(1, 0.0), (10, 0.0), (20, 0.0)]),
            Points::discrete(Vec::new()),
            Points::discrete(vec![(2, 0.0), (3, 0.0), (30, 0.0)]),
        ];
        assert_eq!(
            union_timestamps(series.iter()),
            vec![1, 2, 3, 5, 10, 20, 30]
        );
    }
}
