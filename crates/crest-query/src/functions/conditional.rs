//! Conditionals (wql.md §2.10.7) and `between` (§2.10.3).
//!
//! `if(cond, then [, else])`: where the condition is non-zero, the `then` value, else the `else`
//! value (or nothing). The condition and the branches are matched and interpolated. Decision
//! (§2.10.7 [INF]): output instants are the condition's and the chosen branch's real timestamps;
//! when all sides are continuous, so is the output. The result carries the metadata of the
//! condition/`then` pair as an operator's would; the `else` series is the one with the same
//! source and tags (or the only one).
//!
//! `rawif(cond, then [, else])` is the same without interpolation: an instant answers only where
//! the condition and the chosen branch each have a real point there (or are continuous).
//!
//! `between(expr, lower, upper)`: 1 where `lower ≤ value ≤ upper`, else 0, continuous (a discrete
//! input is interpolated at every instant asked). Bounds are numbers (an expression as a bound is
//! not supported yet).

use crest_wql::Call;

use super::args::{arity, expr_at, name, number_at};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::interp::{sample, value_at};
use crate::matching::pairs;
use crate::value::{Points, Series, Value};

pub(crate) fn if_fn(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    conditional(call, ctx, depth, false)
}

pub(crate) fn rawif(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    conditional(call, ctx, depth, true)
}

/// Each side's values at `instants`: interpolated, or (`raw`) only where the side has a real
/// point (a continuous side has a value everywhere).
fn values_at(p: &Points, instants: &[i64], raw: bool, edge: i64) -> Vec<Option<f64>> {
    match (raw, p) {
        (true, Points::Discrete(d)) => instants
            .iter()
            .map(|t| {
                d.binary_search_by_key(t, |(pt, _)| *pt)
                    .ok()
                    .and_then(|i| d.get(i))
                    .map(|(_, v)| *v)
            })
            .collect(),
        _ => sample(p, instants, false, edge),
    }
}

fn conditional(call: &Call, ctx: &Ctx<'_>, depth: usize, raw: bool) -> Result<Value, QueryError> {
    arity(call, 2, 3)?;
    let cond = eval_series(expr_at(call, 0)?, ctx, depth, name(call))?;
    let then = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let otherwise = match call.args.len() {
        3 => Some(eval_series(expr_at(call, 2)?, ctx, depth, name(call))?),
        _ => None,
    };
    let (matched, _) = pairs(&cond, &then, false, None);
    let edge = ctx.chart.edge;
    let mut out = Vec::with_capacity(matched.len());
    for p in matched {
        let (Some(c), Some(t)) = (cond.get(p.left), then.get(p.right)) else {
            continue;
        };
        let meta = if p.left_meta { &c.meta } else { &t.meta };
        let e = otherwise.as_ref().and_then(|all| match all.as_slice() {
            [only] => Some(only.points.clone()),
            many => many
                .iter()
                .find(|s| s.meta.match_key() == meta.match_key())
                .map(|s| s.points.clone()),
        });
        let empty = Points::Discrete(Vec::new());
        let e = e.unwrap_or(empty);
        let (cp, tp) = (c.points.clone(), t.points.clone());
        let points = if cp.is_continuous()
            && tp.is_continuous()
            && (e.is_continuous() || otherwise.is_none())
        {
            Points::generator(move |at| {
                if cp.continuous_at(at)? != 0.0 {
                    tp.continuous_at(at)
                } else {
                    e.continuous_at(at)
                }
            })
        } else {
            let own = |p: &Points| match p {
                Points::Discrete(d) => d.iter().map(|(t, _)| *t).collect::<Vec<i64>>(),
                _ => Vec::new(),
            };
            let (ct, tt, et) = (own(&cp), own(&tp), own(&e));
            let mut instants: Vec<i64> = ct.iter().chain(&tt).chain(&et).copied().collect();
            instants.sort_unstable();
            instants.dedup();
            ctx.tick(instants.len())?;
            let cv = values_at(&cp, &instants, raw, edge);
            let tv = values_at(&tp, &instants, raw, edge);
            let ev = values_at(&e, &instants, raw, edge);
            let mut points = Vec::new();
            for (i, &at) in instants.iter().enumerate() {
                let Some(Some(cond_value)) = cv.get(i) else {
                    continue;
                };
                let (value, branch) = if *cond_value != 0.0 {
                    (tv.get(i).copied().flatten(), &tt)
                } else {
                    (ev.get(i).copied().flatten(), &et)
                };
                if let Some(v) = value
                    && (ct.binary_search(&at).is_ok() || branch.binary_search(&at).is_ok())
                {
                    points.push((at, v));
                }
            }
            Points::discrete(points)
        };
        out.push(Series::new(meta.clone(), points));
    }
    Ok(Value::Series(out))
}

pub(crate) fn between(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 3, 3)?;
    let bound = |i| {
        number_at(call, i).map_err(|_| {
            QueryError::exec("between() with an expression as a bound is not supported yet")
        })
    };
    let (lower, upper) = (bound(1)?, bound(2)?);
    let series = eval_series(expr_at(call, 0)?, ctx, depth, name(call))?;
    let edge = ctx.chart.edge;
    let test = move |v: f64| if lower <= v && v <= upper { 1.0 } else { 0.0 };
    Ok(Value::Series(
        series
            .into_iter()
            .map(|s| {
                let points = match s.points {
                    Points::Discrete(d) => {
                        Points::generator(move |t| value_at(&d, t, false, edge).map(test))
                    }
                    other => other.map(test),
                };
                Series::new(s.meta, points)
            })
            .collect(),
    ))
}
