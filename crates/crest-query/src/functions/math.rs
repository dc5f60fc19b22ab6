//! Point-wise math (wql.md §2.10.8): `abs`, `ceil`, `floor`, `sqrt`, and `round([multiple,] expr)`
//! (half-up: 0.5 → 1, to the nearest multiple when one is given). Discrete stays discrete;
//! non-finite results (`sqrt(-1)`) are absent.

use crest_wql::Call;

use super::args::{arity, expr_at, name, number_at};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Series, Value};

fn point_wise(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    at: usize,
    f: impl Fn(f64) -> f64 + Clone + Send + Sync + 'static,
) -> Result<Value, QueryError> {
    let series = eval_series(expr_at(call, at)?, ctx, depth, name(call))?;
    Ok(Value::Series(
        series
            .into_iter()
            .map(|s| Series {
                points: s.points.map(f.clone()),
                ..s
            })
            .collect(),
    ))
}

pub(crate) fn abs(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    point_wise(call, ctx, depth, 0, f64::abs)
}

pub(crate) fn ceil(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    point_wise(call, ctx, depth, 0, f64::ceil)
}

pub(crate) fn floor(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    point_wise(call, ctx, depth, 0, f64::floor)
}

pub(crate) fn sqrt(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    point_wise(call, ctx, depth, 0, f64::sqrt)
}

pub(crate) fn round(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 2)?;
    if call.args.len() == 1 {
        return point_wise(call, ctx, depth, 0, |v| (v + 0.5).floor());
    }
    let m = number_at(call, 0)?;
    if m <= 0.0 {
        return Err(QueryError::exec(format!(
            "round(): the multiple must be positive, not {m}"
        )));
    }
    point_wise(call, ctx, depth, 1, move |v| (v / m + 0.5).floor() * m)
}
