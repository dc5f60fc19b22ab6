//! Moving correlation (wql.md §2.10.5): `mcorr(w, e1, e2 [, inner])`, the correlation of two
//! matched series over the window `(t − w, t]`, a value in [−1, 1], continuous output.
//!
//! The two expressions are series-matched as operators are (wql.md §2.4): a side with a single
//! series is correlated with every series of the other, unless `inner` forces matching; with
//! several series on both sides only the keys present on both are correlated, and no common key
//! gives NO DATA. The result carries the metadata matching gives (the more detailed side's).
//!
//! Decisions where wql.md is silent:
//! - The correlation is Pearson's (wql.md [INF]), over pairs of values: at each timestamp of
//!   either side (the union of the real timestamps, as operators use), both sides' values, the
//!   side without a point there interpolated (wql.md §2.3: operations between expressions are
//!   interpolated). A timestamp where either side has no value is left out; a continuous side
//!   (a constant, a generator) is read at the discrete side's timestamps. Two continuous sides are
//!   refused ("not supported yet"): they have no timestamps to pair at.
//! - The window holds the pairs whose timestamp is in `(t − w, t]`. With fewer than two pairs, or
//!   when either side is constant over the window (its variance is 0: the coefficient is 0/0),
//!   there is no value at `t`. Rounding is clamped into [−1, 1].

use std::sync::Arc;

use crest_wql::Call;

use super::args::{expr_at, name, two_series_strict_after};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::interp::{sample, union_timestamps};
use crate::matching::pairs;
use crate::summary::count;
use crate::value::{Points, Series, Value};

/// `(timestamp, left value, right value)`.
type Pair = (i64, f64, f64);

/// The pairs of values of two series at the union of their timestamps.
fn paired(a: &Points, b: &Points, edge: i64) -> Vec<Pair> {
    let ts = union_timestamps([a, b].into_iter());
    let va = sample(a, &ts, false, edge);
    let vb = sample(b, &ts, false, edge);
    ts.into_iter()
        .zip(va.into_iter().zip(vb))
        .filter_map(|(t, pair)| match pair {
            (Some(x), Some(y)) => Some((t, x, y)),
            _ => None,
        })
        .collect()
}

/// Pearson's coefficient of the pairs, `None` for fewer than two or a constant side.
fn pearson(pairs: &[Pair]) -> Option<f64> {
    if pairs.len() < 2 {
        return None;
    }
    let n = count(pairs.len());
    let mx = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.2).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (_, x, y) in pairs {
        let (dx, dy) = (x - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// `mcorr(w, e1, e2 [, inner])`.
pub(crate) fn mcorr(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let strict = two_series_strict_after(call, 1)?;
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    let w = ctx.chart.window(first, name(call))?;
    let left = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let right = eval_series(expr_at(call, 2)?, ctx, depth, name(call))?;
    let (matched, unmatched) = pairs(&left, &right, strict, None);
    if unmatched > 0 {
        ctx.warn(format!(
            "{unmatched} series were not included in all queries"
        ));
    }
    let mut out: Vec<Series> = Vec::with_capacity(matched.len());
    for p in matched {
        let (Some(l), Some(r)) = (left.get(p.left), right.get(p.right)) else {
            continue;
        };
        if l.points.is_continuous() && r.points.is_continuous() {
            return Err(QueryError::exec(format!(
                "{}() of two continuous series is not supported yet",
                name(call)
            )));
        }
        let values = paired(&l.points, &r.points, ctx.chart.edge);
        ctx.tick(values.len())?;
        let values = Arc::new(values);
        out.push(Series::new(
            if p.left_meta {
                l.meta.clone()
            } else {
                r.meta.clone()
            },
            Points::generator(move |t| {
                let lo = values.partition_point(|(pt, _, _)| *pt <= t.saturating_sub(w));
                let hi = values.partition_point(|(pt, _, _)| *pt <= t);
                pearson(values.get(lo..hi.max(lo))?)
            }),
        ));
    }
    Ok(Value::Series(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs_of(x: &[f64], y: &[f64]) -> Vec<Pair> {
        (0..)
            .zip(x.iter().zip(y))
            .map(|(t, (a, b))| (t, *a, *b))
            .collect()
    }

    #[test]
    fn pearson_of_lines_and_of_nothing() {
        assert_eq!(
            pearson(&pairs_of(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0])),
            Some(1.0)
        );
        assert_eq!(
            pearson(&pairs_of(&[1.0, 2.0, 3.0], &[5.0, 3.0, 1.0])),
            Some(-1.0)
        );
        let r = pearson(&pairs_of(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]));
        assert!(r.is_some_and(|r| (r - 0.8).abs() < 1e-12), "{r:?}");
        assert_eq!(pearson(&pairs_of(&[1.0], &[1.0])), None);
        assert_eq!(pearson(&pairs_of(&[1.0, 2.0], &[3.0, 3.0])), None);
        assert_eq!(pearson(&[]), None);
    }

    #[test]
    fn pairs_interpolate_the_side_without_a_point() {
        let a = Points::discrete(vec![(0, 0.0), (10, 10.0)]);
        let b = Points::discrete(vec![(5, 1.0), (10, 2.0), (20, 3.0)]);
        // at 0 b has nothing yet; at 20 a has nothing (the edge is far away)
        assert_eq!(
            paired(&a, &b, i64::MAX),
            vec![(5, 5.0, 1.0), (10, 10.0, 2.0)]
        );
        assert_eq!(
            paired(&a, &Points::constant(4.0), i64::MAX),
            vec![(0, 0.0, 4.0), (10, 10.0, 4.0)]
        );
    }
}
