//! Rates of change between adjacent points of each series (wql.md §2.10.4): `rate`, `deriv`,
//! `ratediff`. Their output stays discrete, at the later point of each pair.
//!
//! Decisions: `rate` reports 0 between equal values and nothing on a decrease (wql.md §6 conflict
//! 3, the example's reading); with a window, an inferred 0 that long before the first point and
//! before the first point after a decrease gives `v / window` there. `ratediff` compares each point
//! with the previous one only when that one lies in the window (or, with a look-back window, no
//! earlier than that long before the window's start); otherwise with 0.

use crest_wql::Call;

use super::args::{arity, expr_at, name};
use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Point, Points, Series, Value};

/// The optional leading window of `f([tw,] expr)`, in seconds.
fn leading_window(call: &Call, chart: &Chart) -> Result<Option<i64>, QueryError> {
    arity(call, 1, 2)?;
    match call.args.len() {
        2 => call
            .args
            .first()
            .map(|a| chart.window(a, name(call)))
            .transpose(),
        _ => Ok(None),
    }
}

/// The read range of `f([tw,] expr)`: `tw` more history.
pub(crate) fn range_back(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    Ok(range.back(leading_window(call, chart)?.unwrap_or(0)))
}

fn per_series(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    f: impl Fn(&[Point]) -> Vec<Point>,
) -> Result<Value, QueryError> {
    let series = eval_series(
        expr_at(call, call.args.len().saturating_sub(1))?,
        ctx,
        depth,
        name(call),
    )?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let Points::Discrete(p) = &s.points else {
            return Err(QueryError::exec(format!(
                "{}() of a continuous series is not supported yet",
                name(call)
            )));
        };
        ctx.tick(p.len())?;
        out.push(Series::new(s.meta, Points::discrete(f(p))));
    }
    Ok(Value::Series(out))
}

#[allow(clippy::cast_precision_loss)]
fn seconds(dt: i64) -> f64 {
    dt as f64
}

pub(crate) fn rate(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let tw = leading_window(call, &ctx.chart)?;
    per_series(call, ctx, depth, |p| {
        let mut out = Vec::with_capacity(p.len());
        let mut prev: Option<Point> = None;
        for &(t, v) in p {
            match prev {
                Some((t0, v0)) if v >= v0 => out.push((t, (v - v0) / seconds(t - t0))),
                _ => {
                    if let Some(w) = tw {
                        out.push((t, v / seconds(w)));
                    }
                }
            }
            prev = Some((t, v));
        }
        out
    })
}

pub(crate) fn deriv(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    per_series(call, ctx, depth, |p| {
        p.windows(2)
            .filter_map(|w| match w {
                [(t0, v0), (t, v)] => Some((*t, (v - v0) / seconds(t - t0))),
                _ => None,
            })
            .collect()
    })
}

pub(crate) fn ratediff(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let since = ctx
        .chart
        .start
        .saturating_sub(leading_window(call, &ctx.chart)?.unwrap_or(0));
    per_series(call, ctx, depth, |p| {
        let mut out = Vec::with_capacity(p.len());
        let mut prev: Option<Point> = None;
        for &(t, v) in p {
            let before = prev
                .filter(|(t0, _)| *t0 >= since)
                .map_or(0.0, |(_, v0)| v0);
            out.push((t, if v >= before { v - before } else { v }));
            prev = Some((t, v));
        }
        out
    })
}
