//! Shifts in time (wql.md §2.10.4): `lag(tw, expr)` shows each value `tw` later (`out(t) =
//! in(t − tw)`), `lead(tw, expr)` `tw` earlier. Not for histograms (the docs refuse `lag` on them).

use crest_wql::Call;

use super::args::{arity, expr_at, name};
use crate::chart::{Chart, Range};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Points, Series, Value};

fn window(call: &Call, chart: &Chart) -> Result<i64, QueryError> {
    arity(call, 2, 2)?;
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    chart.window(first, name(call))
}

pub(crate) fn lag_range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    Ok(range.shift(-window(call, chart)?))
}

pub(crate) fn lead_range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    Ok(range.shift(window(call, chart)?))
}

fn shifted(call: &Call, ctx: &Ctx<'_>, depth: usize, by: i64) -> Result<Value, QueryError> {
    let series = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let points = match s.points {
            Points::Discrete(p) => {
                ctx.tick(p.len())?;
                Points::Discrete(
                    p.into_iter()
                        .map(|(t, v)| (t.saturating_add(by), v))
                        .collect(),
                )
            }
            Points::Constant(c) => Points::Constant(c),
            Points::Generator(g) => Points::generator(move |t| g(t.saturating_sub(by))),
        };
        out.push(Series::new(s.meta, points));
    }
    Ok(Value::Series(out))
}

pub(crate) fn lag(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let tw = window(call, &ctx.chart)?;
    shifted(call, ctx, depth, tw)
}

pub(crate) fn lead(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let tw = window(call, &ctx.chart)?;
    shifted(call, ctx, depth, -tw)
}
