//! Moving-window functions (wql.md §2.10.5), continuous output: at each instant `t`, a statistic of
//! the series' real points in `(t − w, t]`. `mavg`, `msum`, `mmin`, `mmax`, `mmedian`,
//! `mpercentile`, `mvar` answer only while the window holds a point; `mcount` answers 0 after the
//! last point until `2w` after it, then nothing (wql.md §2.7); `missing(w, expr)` is 1 while the
//! window holds no point (and a constant 1 for an expression with no series at all), else 0.
//!
//! `mdiff(w, expr)` is the last value reported at or before `t` minus the last one reported at or
//! before `t − w` (no interpolation); `mslope(w, expr)` the per-second slope of the least-squares
//! line through the window's points (two at least); `mchanges(w, expr)` the number of points in
//! the window whose value differs from the point before it (wql.md §6 conflict 6: changes of
//! value, the reading the docs' example fits).
//!
//! `integrate(w, expr)` is the moving counterpart of `integral()` ("similar to integral() … while
//! integrate() allows you to specify a time window"): the sum of the real points in `(t − w, t]`.
//! `flapping(w, expr)` counts the counter resets in the window: a reset is "one or more falling
//! data values, followed by rising data values", so it is counted at the rise that ends it.
//!
//! Decisions (wql.md §6 silent 3): `mmedian` of an even count is the mean of the middle two;
//! `mpercentile` uses the `percentile()` position rule; `mvar` is the population variance. The
//! input must be discrete.
//!
//! Decisions where wql.md is silent (§6 silent 9 and 10):
//! - `integrate()`'s unit is `integral()`'s: values are summed, not weighted by seconds (KAT-25
//!   pins `integral()` to a sum of points), so `integrate(w, e)` answers what `msum(w, e)` does;
//!   like the other moving functions it answers only while the window holds a point.
//! - `flapping()`: a step is the change from one point to the next, dated at the later point, and
//!   belongs to the window when that point does (as in `mchanges`: the first point in the window
//!   is compared with the one before it). Equal values neither fall nor rise. A reset is a rising
//!   step whose last preceding non-flat step is a falling one, and both steps must be in the
//!   window: `10, 20, 5, 15` holds one reset, `10, 20, 5` none yet (the climb has not happened),
//!   `5, 3, 2, 8` one (several falls, then a climb). The answer is the number of resets while the
//!   window holds a point (0 when none), nothing while it is empty.

use std::sync::Arc;

use crest_wql::Call;

use super::args::{arity, expr_at, name, number_at};
use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::summary::{count, percentile, variance};
use crate::value::{Point, Points, Series, Value};

fn window(call: &Call, chart: &Chart) -> Result<i64, QueryError> {
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    chart.window(first, name(call))
}

pub(crate) fn range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    Ok(range.back(window(call, chart)?.saturating_mul(2)))
}

/// A series' points with running sums, so sums and counts over a window cost two searches.
pub(super) struct Indexed {
    points: Vec<Point>,
    /// `prefix[i]` = sum of the first `i` values.
    prefix: Vec<f64>,
}

impl Indexed {
    fn new(points: Vec<Point>) -> Self {
        let mut prefix = Vec::with_capacity(points.len() + 1);
        let mut acc = 0.0;
        prefix.push(acc);
        for (_, v) in &points {
            acc += v;
            prefix.push(acc);
        }
        Self { points, prefix }
    }

    /// The index range of the points in `(t − w, t]`.
    fn span(&self, t: i64, w: i64) -> (usize, usize) {
        let lo = self
            .points
            .partition_point(|(pt, _)| *pt <= t.saturating_sub(w));
        let hi = self.points.partition_point(|(pt, _)| *pt <= t);
        (lo, hi.max(lo))
    }

    /// The points of the index range `lo..hi`.
    pub(super) fn points(&self, lo: usize, hi: usize) -> &[Point] {
        self.points.get(lo..hi).unwrap_or_default()
    }

    fn values(&self, lo: usize, hi: usize) -> Vec<f64> {
        self.points
            .get(lo..hi)
            .map(|s| s.iter().map(|(_, v)| *v).collect())
            .unwrap_or_default()
    }

    fn sum(&self, lo: usize, hi: usize) -> Option<f64> {
        Some(self.prefix.get(hi)? - self.prefix.get(lo)?)
    }
}

/// One statistic of the window's points at `t` (`None`: no value there).
type Stat = fn(&Indexed, usize, usize, i64, i64) -> Option<f64>;

fn moving(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    at: usize,
    stat: impl Fn(&Indexed, usize, usize, i64, i64) -> Option<f64> + Clone + Send + Sync + 'static,
) -> Result<Value, QueryError> {
    moving_over(call, ctx, depth, window(call, &ctx.chart)?, at, stat)
}

/// [`moving`] over a window `w` given by the caller (argument `at` is the expression).
pub(super) fn moving_over(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    w: i64,
    at: usize,
    stat: impl Fn(&Indexed, usize, usize, i64, i64) -> Option<f64> + Clone + Send + Sync + 'static,
) -> Result<Value, QueryError> {
    let series = eval_series(expr_at(call, at)?, ctx, depth, name(call))?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let Points::Discrete(p) = s.points else {
            return Err(QueryError::exec(format!(
                "{}() of a continuous series is not supported yet",
                name(call)
            )));
        };
        ctx.tick(p.len())?;
        let idx = Arc::new(Indexed::new(p));
        let f = stat.clone();
        out.push(Series::new(
            s.meta,
            Points::generator(move |t| {
                let (lo, hi) = idx.span(t, w);
                f(&idx, lo, hi, t, w)
            }),
        ));
    }
    Ok(Value::Series(out))
}

fn simple(call: &Call, ctx: &Ctx<'_>, depth: usize, stat: Stat) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    moving(call, ctx, depth, 1, stat)
}

pub(crate) fn mavg(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        (hi > lo).then(|| x.sum(lo, hi).map(|s| s / count(hi - lo)))?
    })
}

pub(crate) fn msum(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        (hi > lo).then(|| x.sum(lo, hi))?
    })
}

pub(crate) fn mmin(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        x.values(lo, hi).into_iter().reduce(f64::min)
    })
}

pub(crate) fn mmax(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        x.values(lo, hi).into_iter().reduce(f64::max)
    })
}

pub(crate) fn mmedian(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        percentile(&mut x.values(lo, hi), 50.0)
    })
}

pub(crate) fn mvar(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        variance(&x.values(lo, hi))
    })
}

/// `mpercentile(w, p, expr)`.
pub(crate) fn mpercentile(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 3, 3)?;
    let p = number_at(call, 1)?;
    if !(p > 0.0 && p <= 100.0) {
        return Err(QueryError::exec(format!(
            "mpercentile(): the percentile must be greater than 0 and at most 100, not {p}"
        )));
    }
    moving(call, ctx, depth, 2, move |x, lo, hi, _, _| {
        percentile(&mut x.values(lo, hi), p)
    })
}

/// `mcount(w, expr)`: the count, 0 once the window is empty, nothing from `2w` after a point.
pub(crate) fn mcount(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, t, w| {
        let (recent, _) = x.span(t, w.saturating_mul(2));
        (hi > recent).then(|| count(hi - lo))
    })
}

/// `missing(w, expr)`.
pub(crate) fn missing(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    let probe = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    if probe.is_empty() {
        return Ok(Value::Series(vec![Series::literal(1.0)]));
    }
    moving(call, ctx, depth, 1, |_, lo, hi, _, _| {
        Some(if hi > lo { 0.0 } else { 1.0 })
    })
}

pub(crate) fn mdiff(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, _, hi, t, w| {
        let now = x.points.get(hi.checked_sub(1)?)?.1;
        let before = x
            .points
            .partition_point(|(pt, _)| *pt <= t.saturating_sub(w));
        let then = x.points.get(before.checked_sub(1)?)?.1;
        Some(now - then)
    })
}

/// The least-squares line through `pts` (two distinct timestamps at least), with times relative
/// to `t`: the mean offset, the mean value and the per-second slope.
pub(super) fn fit(pts: &[Point], t: i64) -> Option<(f64, f64, f64)> {
    if pts.len() < 2 {
        return None;
    }
    let n = count(pts.len());
    // relative to t: small, exact offsets
    #[allow(clippy::cast_precision_loss)]
    let xs: Vec<f64> = pts.iter().map(|(pt, _)| (pt - t) as f64).collect();
    let mx = xs.iter().sum::<f64>() / n;
    let my = pts.iter().map(|(_, v)| v).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (xv, (_, y)) in xs.iter().zip(pts) {
        sxy += (xv - mx) * (y - my);
        sxx += (xv - mx) * (xv - mx);
    }
    (sxx > 0.0).then(|| (mx, my, sxy / sxx))
}

pub(crate) fn mslope(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, t, _| {
        fit(x.points(lo, hi), t).map(|(_, _, slope)| slope)
    })
}

pub(crate) fn mchanges(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        let pts = x.points.get(lo..hi)?;
        if pts.is_empty() {
            return None;
        }
        let before = lo.checked_sub(1).and_then(|i| x.points.get(i));
        let changes = before
            .into_iter()
            .chain(pts)
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| matches!(w, [a, b] if a.1 != b.1))
            .count();
        Some(count(changes))
    })
}

/// `integrate(w, expr)`: the sum of the window's points (see the module doc for the unit).
pub(crate) fn integrate(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, _, _| {
        (hi > lo).then(|| x.sum(lo, hi))?
    })
}

/// For each point, the index of the falling step that the rising step ending at it completes, if
/// it ends a reset: the point rises and the last non-flat step before it fell.
fn resets(points: &[Point]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(points.len());
    let mut last_fall: Option<usize> = None;
    let mut falling = false;
    let mut prev: Option<f64> = None;
    for (i, (_, v)) in points.iter().enumerate() {
        let mut reset = None;
        if let Some(p) = prev {
            if *v < p {
                falling = true;
                last_fall = Some(i);
            } else if *v > p {
                if falling {
                    reset = last_fall;
                }
                falling = false;
            }
        }
        out.push(reset);
        prev = Some(*v);
    }
    out
}

/// `flapping(w, expr)`: the number of counter resets in the window (see the module doc).
pub(crate) fn flapping(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    let w = window(call, &ctx.chart)?;
    let series = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let Points::Discrete(p) = s.points else {
            return Err(QueryError::exec(format!(
                "{}() of a continuous series is not supported yet",
                name(call)
            )));
        };
        ctx.tick(p.len())?;
        let ends = resets(&p);
        // `done[i]`: resets ending before point `i`
        let mut done = Vec::with_capacity(ends.len() + 1);
        let mut acc = 0usize;
        done.push(acc);
        for e in &ends {
            acc += usize::from(e.is_some());
            done.push(acc);
        }
        let idx = Indexed::new(p);
        let data = Arc::new((idx, ends, done));
        out.push(Series::new(
            s.meta,
            Points::generator(move |t| {
                let (idx, ends, done) = &*data;
                let (lo, hi) = idx.span(t, w);
                if hi <= lo {
                    return None;
                }
                let mut n = done.get(hi)? - done.get(lo)?;
                // Only the first reset in the window can have begun before it: a later one's
                // fall follows the rise that ended the first.
                let first = ends.get(lo..hi)?.iter().flatten().next();
                if first.is_some_and(|fall| *fall < lo) {
                    n -= 1;
                }
                Some(count(n))
            }),
        ));
    }
    Ok(Value::Series(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(values: &[f64]) -> Vec<Point> {
        (0..).zip(values.iter().copied()).collect()
    }

    #[test]
    fn a_reset_is_a_fall_then_a_climb() {
        assert_eq!(
            resets(&pts(&[10.0, 20.0, 5.0, 15.0])),
            vec![None, None, None, Some(2)]
        );
        assert_eq!(resets(&pts(&[10.0, 20.0, 5.0])), vec![None; 3]);
        // several falls, a flat stretch, then the climb: one reset, begun at the last fall
        assert_eq!(
            resets(&pts(&[5.0, 3.0, 2.0, 2.0, 8.0, 9.0])),
            vec![None, None, None, None, Some(2), None]
        );
        // a rise after a flat stretch that followed a rise is no reset
        assert_eq!(resets(&pts(&[1.0, 2.0, 2.0, 3.0])), vec![None; 4]);
    }
}
