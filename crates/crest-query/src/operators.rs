//! Binary operators (`+ - * /`, comparisons giving 1 or 0, `and`/`or`), and the two matched
//! operations functions share: a point-wise combination of two sides, and keeping the points of one
//! side that satisfy a relation with the other (`highpass`, `.gt()`, ...).

use crest_wql::{Binary, BinaryOp, Matching};

use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::interp::{sample, value_at};
use crate::matching::pairs;
use crate::value::{Points, Series, Value};

/// `lhs op rhs`. Division by zero gives no point (wql.md §6 silent 4: like any non-finite result).
pub(crate) fn binary(b: &Binary, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let f = op_fn(b.op)?;
    let left = eval_series(&b.lhs, ctx, depth, "an operator")?;
    let right = eval_series(&b.rhs, ctx, depth, "an operator")?;
    Ok(Value::Series(pairwise(
        &left,
        &right,
        b.strict,
        b.matching.as_ref(),
        ctx,
        f,
    )?))
}

/// A point-wise operation on two values (`None`: no point).
pub(crate) type PointOp = fn(f64, f64) -> Option<f64>;

/// What `op` computes from two values.
pub(crate) fn op_fn(op: BinaryOp) -> Result<PointOp, QueryError> {
    Ok(match op {
        BinaryOp::Add => |x, y| Some(x + y),
        BinaryOp::Sub => |x, y| Some(x - y),
        BinaryOp::Mul => |x, y| Some(x * y),
        BinaryOp::Div => |x, y| (y != 0.0).then(|| x / y),
        BinaryOp::Lt => |x, y| Some(truth(x < y)),
        BinaryOp::Le => |x, y| Some(truth(x <= y)),
        BinaryOp::Gt => |x, y| Some(truth(x > y)),
        BinaryOp::Ge => |x, y| Some(truth(x >= y)),
        BinaryOp::Eq => |x, y| Some(truth(x == y)),
        BinaryOp::Ne => |x, y| Some(truth(x != y)),
        BinaryOp::And => |x, y| Some(truth(x != 0.0 && y != 0.0)),
        BinaryOp::Or => |x, y| Some(truth(x != 0.0 || y != 0.0)),
        BinaryOp::Union | BinaryOp::Intersect | BinaryOp::Allen(_) => {
            // the evaluator hands every event-set operation to events/ before it gets here
            return Err(crate::events::not_a_series(
                "an operation between events (union, intersect, an Allen relation)",
            ));
        }
    })
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Matches the sides and combines each pair point-wise with `f` (interpolating, wql.md §2.3).
pub(crate) fn pairwise(
    left: &[Series],
    right: &[Series],
    strict: bool,
    matching: Option<&Matching>,
    ctx: &Ctx<'_>,
    f: fn(f64, f64) -> Option<f64>,
) -> Result<Vec<Series>, QueryError> {
    let (matched, unmatched) = pairs(left, right, strict, matching);
    if unmatched > 0 {
        ctx.warn(format!(
            "{unmatched} series were not included in all queries"
        ));
    }
    let mut out = Vec::with_capacity(matched.len());
    for p in matched {
        let (Some(l), Some(r)) = (left.get(p.left), right.get(p.right)) else {
            continue;
        };
        let points = crate::interp::combine(&l.points, &r.points, ctx.chart.edge, f);
        if let Points::Discrete(d) = &points {
            ctx.tick(d.len())?;
        }
        out.push(Series {
            meta: if p.left_meta {
                l.meta.clone()
            } else {
                r.meta.clone()
            },
            points,
            literal: l.literal && r.literal,
        });
    }
    Ok(out)
}

/// The series of `values`, each keeping only the points where `keep(value, threshold)` holds, the
/// threshold being the matched series of `thresholds` (interpolated at each point) or a number.
/// The result always carries the values' metadata.
pub(crate) fn keep_where(
    values: Vec<Series>,
    thresholds: Vec<Series>,
    strict: bool,
    ctx: &Ctx<'_>,
    keep: fn(f64, f64) -> bool,
) -> Vec<Series> {
    let (matched, _) = pairs(&values, &thresholds, strict, None);
    let edge = ctx.chart.edge;
    matched
        .into_iter()
        .filter_map(|p| {
            let s = values.get(p.left)?;
            let thr = thresholds.get(p.right)?.points.clone();
            let points = match &s.points {
                Points::Discrete(d) => {
                    let ts: Vec<i64> = d.iter().map(|(t, _)| *t).collect();
                    let th = sample(&thr, &ts, false, edge);
                    Points::Discrete(
                        d.iter()
                            .zip(th)
                            .filter(|((_, v), t)| t.is_some_and(|t| keep(*v, t)))
                            .map(|(p, _)| *p)
                            .collect(),
                    )
                }
                continuous => {
                    let v = continuous.clone();
                    Points::generator(move |t| {
                        let x = v.continuous_at(t)?;
                        let th = match &thr {
                            Points::Discrete(d) => value_at(d, t, false, edge)?,
                            c => c.continuous_at(t)?,
                        };
                        keep(x, th).then_some(x)
                    })
                }
            };
            Some(Series {
                meta: s.meta.clone(),
                points,
                literal: false,
            })
        })
        .collect()
}
