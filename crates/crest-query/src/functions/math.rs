//! Point-wise math (wql.md §2.10.8): `abs`, `ceil`, `floor`, `sqrt`, `exp`, `log`, `log2`, `log10`,
//! the trigonometric functions (radians), `toDegrees`, `toRadians`, `clampMin`/`clampMax`, and
//! `round([multiple,] expr)` (half-up: 0.5 → 1, to the nearest multiple when one is given); the
//! matched two-sided `pow(base, exp [, inner])` and `mod(a, b [, inner])` (Java's truncated
//! remainder: the sign of `a`, wql.md §6 silent 9). Discrete stays discrete; non-finite results
//! (`sqrt(-1)`, `pow(-1, 0.5)`, `mod(1, 0)`) are absent.

use crest_wql::Call;

use super::args::{arity, expr_at, name, number_at, two_series_strict};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::operators::pairwise;
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

macro_rules! unary {
    ($fn_name:ident, $f:expr) => {
        pub(crate) fn $fn_name(
            call: &Call,
            ctx: &Ctx<'_>,
            depth: usize,
        ) -> Result<Value, QueryError> {
            arity(call, 1, 1)?;
            point_wise(call, ctx, depth, 0, $f)
        }
    };
}

unary!(exp, f64::exp);
unary!(ln, f64::ln);
unary!(log2, f64::log2);
unary!(log10, f64::log10);
unary!(sin, f64::sin);
unary!(cos, f64::cos);
unary!(tan, f64::tan);
unary!(asin, f64::asin);
unary!(acos, f64::acos);
unary!(atan, f64::atan);
unary!(sinh, f64::sinh);
unary!(cosh, f64::cosh);
unary!(tanh, f64::tanh);
unary!(to_degrees, f64::to_degrees);
unary!(to_radians, f64::to_radians);

/// `clampMax(max, expr)`: values above `max` become `max`.
pub(crate) fn clamp_max(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    let m = number_at(call, 0)?;
    point_wise(call, ctx, depth, 1, move |v| v.min(m))
}

/// `clampMin(min, expr)`: values below `min` become `min`.
pub(crate) fn clamp_min(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    let m = number_at(call, 0)?;
    point_wise(call, ctx, depth, 1, move |v| v.max(m))
}

fn two_sided(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    f: fn(f64, f64) -> Option<f64>,
) -> Result<Value, QueryError> {
    let strict = two_series_strict(call)?;
    let a = eval_series(expr_at(call, 0)?, ctx, depth, name(call))?;
    let b = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    Ok(Value::Series(pairwise(&a, &b, strict, None, ctx, f)?))
}

pub(crate) fn pow(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    two_sided(call, ctx, depth, |a, b| Some(a.powf(b)))
}

pub(crate) fn modulo(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    two_sided(call, ctx, depth, |a, b| (b != 0.0).then(|| a % b))
}

pub(crate) fn atan2(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    two_sided(call, ctx, depth, |y, x| Some(y.atan2(x)))
}

/// `bestEffort(expr)`: a scheduling hint; the value is the expression's.
pub(crate) fn best_effort(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    crate::eval::eval(expr_at(call, 0)?, ctx, depth)
}
