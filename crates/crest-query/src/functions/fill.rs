//! Missing-data functions (wql.md §2.10.6), continuous output: `default([tw,] [delay,] value,
//! expr)` fills each gap after a real point with `value` from `delay` after it up to `tw` after it;
//! `last([tw,] expr)` fills it with the point's value for up to `tw`; `next([tw,] expr)` fills the
//! `tw` before each point with its value; `interpolate(expr)` fills gaps linearly between real
//! points in the first 85 % of the window (real points only after that). No fill before a series'
//! first point (`next`: after its last); real points pass through.
//!
//! Decision: without `tw` the docs fill up to the obsolescence period (the request's
//! `obsolete_after`: the server's `CREST_QUERY_OBSOLETE_AFTER_DAYS`, 28 days by default); the read reaches
//! back [`UNBOUNDED_LOOKBACK`] (one day) before the window, so a gap is filled from a point at most
//! that long before the window's start (inside the window, gaps of any length are filled).

use std::sync::Arc;

use crest_wql::Call;

use super::args::{arity, expr_at, name, number_at};
use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Point, Points, Series, Value};

/// How far before the window a fill without a window reads.
pub(crate) const UNBOUNDED_LOOKBACK: i64 = 86_400;

/// `default`'s (window, delay, value) and the index of its expression.
fn default_args(call: &Call, chart: &Chart) -> Result<(Option<i64>, i64, f64, usize), QueryError> {
    arity(call, 2, 4)?;
    let n = call.args.len();
    let window = |i: usize| {
        call.args
            .get(i)
            .ok_or_else(|| super::args::missing(call, i))
            .and_then(|a| chart.window(a, name(call)))
    };
    let value = number_at(call, n - 2).map_err(|_| {
        QueryError::exec(format!(
            "{}() with a series as the fill value is not supported yet",
            name(call)
        ))
    })?;
    Ok(match n {
        2 => (None, 0, value, 1),
        3 => (Some(window(0)?), 0, value, 2),
        _ => (Some(window(0)?), window(1)?, value, 3),
    })
}

fn last_args(call: &Call, chart: &Chart) -> Result<(Option<i64>, usize), QueryError> {
    arity(call, 1, 2)?;
    match call.args.len() {
        2 => Ok((
            Some(
                chart.window(
                    call.args
                        .first()
                        .ok_or_else(|| super::args::missing(call, 0))?,
                    name(call),
                )?,
            ),
            1,
        )),
        _ => Ok((None, 0)),
    }
}

pub(crate) fn default_range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    let (tw, _, _, _) = default_args(call, chart)?;
    Ok(range.back(tw.unwrap_or(UNBOUNDED_LOOKBACK)))
}

pub(crate) fn last_range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    let (tw, _) = last_args(call, chart)?;
    Ok(range.back(tw.unwrap_or(UNBOUNDED_LOOKBACK)))
}

/// Each discrete series turned continuous by `fill(points, t)`.
fn filled(
    call: &Call,
    at: usize,
    ctx: &Ctx<'_>,
    depth: usize,
    fill: impl Fn(&[Point], i64) -> Option<f64> + Clone + Send + Sync + 'static,
) -> Result<Value, QueryError> {
    let series = eval_series(expr_at(call, at)?, ctx, depth, name(call))?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let Points::Discrete(p) = s.points else {
            out.push(s);
            continue;
        };
        ctx.tick(p.len())?;
        let p: Arc<[Point]> = p.into();
        let f = fill.clone();
        out.push(Series::new(s.meta, Points::generator(move |t| f(&p, t))));
    }
    Ok(Value::Series(out))
}

/// The last point at or before `t`.
fn at_or_before(p: &[Point], t: i64) -> Option<Point> {
    let i = p.partition_point(|(pt, _)| *pt <= t);
    i.checked_sub(1).and_then(|i| p.get(i)).copied()
}

pub(crate) fn default(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (tw, delay, value, at) = default_args(call, &ctx.chart)?;
    let tw = tw.unwrap_or(ctx.chart.obsolete_after);
    filled(call, at, ctx, depth, move |p, t| {
        let (t0, v0) = at_or_before(p, t)?;
        if t0 == t {
            Some(v0)
        } else if t > t0.saturating_add(delay) && t <= t0.saturating_add(tw) {
            Some(value)
        } else {
            None
        }
    })
}

pub(crate) fn last(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (tw, at) = last_args(call, &ctx.chart)?;
    let tw = tw.unwrap_or(ctx.chart.obsolete_after);
    filled(call, at, ctx, depth, move |p, t| {
        let (t0, v0) = at_or_before(p, t)?;
        (t - t0 <= tw).then_some(v0)
    })
}

pub(crate) fn next_range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    let (tw, _) = last_args(call, chart)?;
    Ok(Range {
        from: range.from,
        to: range.to.saturating_add(tw.unwrap_or(UNBOUNDED_LOOKBACK)),
    })
}

pub(crate) fn next(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (tw, at) = last_args(call, &ctx.chart)?;
    let tw = tw.unwrap_or(ctx.chart.obsolete_after);
    filled(call, at, ctx, depth, move |p, t| {
        let i = p.partition_point(|(pt, _)| *pt < t);
        let (t1, v1) = p.get(i)?;
        (t1 - t <= tw).then_some(*v1)
    })
}

pub(crate) fn interpolate(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    let (start, end) = (ctx.chart.start, ctx.chart.end);
    let cutoff = start.saturating_add(end.saturating_sub(start).saturating_mul(17) / 20);
    filled(call, 0, ctx, depth, move |p, t| {
        if t < cutoff {
            crate::interp::value_at(p, t, false, i64::MAX)
        } else {
            crate::interp::value_at(p, t, true, i64::MAX)
        }
    })
}
