//! Point filters (wql.md §2.10.3): `highpass(threshold, expr [, inner])` keeps the points above the
//! threshold, `lowpass` those below; a point equal to it is dropped by both. The threshold may be a
//! series, matched like an operator's side (`inner` forces matching even for a single series).

use crest_wql::Call;

use super::args::{expr_at, name, two_series_strict};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::operators::keep_where;
use crate::value::Value;

fn pass(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    keep: fn(f64, f64) -> bool,
) -> Result<Value, QueryError> {
    let strict = two_series_strict(call)?;
    let threshold = eval_series(expr_at(call, 0)?, ctx, depth, name(call))?;
    let values = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    Ok(Value::Series(keep_where(
        values, threshold, strict, ctx, keep,
    )))
}

pub(crate) fn highpass(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    pass(call, ctx, depth, |v, t| v > t)
}

pub(crate) fn lowpass(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    pass(call, ctx, depth, |v, t| v < t)
}
