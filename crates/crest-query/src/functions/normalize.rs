//! `normalize(expr)` (wql.md §2.10.11): each series rescaled so that its lowest value in the chart
//! window becomes 0 and its highest 1, `(v − min) / (max − min)`.
//!
//! Decisions where the docs are silent (wql.md §6 silent 9): a series with one value throughout
//! (a constant included) becomes 0 at each of its points, since its lowest value is all it has;
//! the window is the range the expression was read for (the chart's, widened by enclosing
//! functions as for any argument). A continuous series other than a constant (a moving function's
//! answer, say) is not supported yet: normalize `align(...)` of it instead.

use crest_wql::Call;

use super::args::{arity, expr_at, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Points, Series, Value};

/// `(v − min) / (max − min)` of each point; 0 for all when `max = min`.
pub(crate) fn rescale(points: &[(i64, f64)]) -> Vec<(i64, f64)> {
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let span = hi - lo;
    points
        .iter()
        .map(|(t, v)| (*t, if span > 0.0 { (v - lo) / span } else { 0.0 }))
        .collect()
}

pub(crate) fn normalize(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    let series = eval_series(expr_at(call, 0)?, ctx, depth, name(call))?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let points = match &s.points {
            Points::Discrete(d) => {
                ctx.tick(d.len())?;
                Points::discrete(rescale(d))
            }
            Points::Constant(_) => Points::constant(0.0),
            Points::Generator(_) => {
                return Err(QueryError::exec(format!(
                    "{}() of a continuous series is not supported yet",
                    name(call)
                )));
            }
        };
        out.push(Series { points, ..s });
    }
    Ok(Value::Series(out))
}
