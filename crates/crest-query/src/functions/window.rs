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
//! Decisions (wql.md §6 silent 3): `mmedian` of an even count is the mean of the middle two;
//! `mpercentile` uses the `percentile()` position rule; `mvar` is the population variance. The
//! input must be discrete.

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
struct Indexed {
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
    let w = window(call, &ctx.chart)?;
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

pub(crate) fn mslope(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    simple(call, ctx, depth, |x, lo, hi, t, _| {
        let pts = x.points.get(lo..hi)?;
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
        (sxx > 0.0).then(|| sxy / sxx)
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
