//! `any(w, expr)` and `all(w, expr)` (wql.md §2.10.5): at each instant `t`, 1 if any (all) of the
//! series' displayed point buckets in the window is non-zero, else 0. The displayed buckets are the
//! chart's (its granularity, widened by `p`, epoch-aligned), each summarised by the request's
//! summarization as `bucket.rs` summarises the answer; the window holds the buckets whose start is
//! in `(t − w, t]`.
//!
//! Decisions where wql.md is silent: a window holding no bucket gives no value (rather than
//! `any` = 0 and a vacuous `all` = 1); buckets are counted over all the points read, whether or not
//! the request is `strict`; the input must be discrete.

use std::sync::Arc;

use crest_wql::Call;

use super::args::{arity, expr_at, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::request::Summarization;
use crate::summary::summarize;
use crate::value::{Points, Series, Value};

/// One series' displayed buckets: their starts, and how many of the first `i` are non-zero.
struct Buckets {
    starts: Vec<i64>,
    /// `nonzero[i]` = the number of non-zero buckets among the first `i`.
    nonzero: Vec<usize>,
}

impl Buckets {
    /// Buckets of width `g` summarised `how`.
    fn new(points: &[(i64, f64)], g: i64, how: Summarization) -> Self {
        let g = g.max(1);
        let mut starts = Vec::new();
        let mut nonzero = vec![0];
        let mut values = Vec::new();
        let mut i = 0;
        while let Some(&(t, _)) = points.get(i) {
            let b = t.div_euclid(g).saturating_mul(g);
            values.clear();
            while let Some(&(t, v)) = points.get(i) {
                if t.div_euclid(g).saturating_mul(g) != b {
                    break;
                }
                values.push(v);
                i += 1;
            }
            if let Some(v) = summarize(&mut values, how).filter(|v| v.is_finite()) {
                starts.push(b);
                let before = nonzero.last().copied().unwrap_or(0);
                nonzero.push(before + usize::from(v != 0.0));
            }
        }
        Self { starts, nonzero }
    }

    /// How many buckets start in `(t − w, t]`, and how many of those are non-zero.
    fn window(&self, t: i64, w: i64) -> (usize, usize) {
        let lo = self.starts.partition_point(|b| *b <= t.saturating_sub(w));
        let hi = self.starts.partition_point(|b| *b <= t).max(lo);
        let ones =
            self.nonzero.get(hi).copied().unwrap_or(0) - self.nonzero.get(lo).copied().unwrap_or(0);
        (hi - lo, ones)
    }
}

fn test(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    holds: fn(usize, usize) -> bool,
) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    let w = ctx.chart.window(first, name(call))?;
    let series = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let Points::Discrete(p) = s.points else {
            return Err(QueryError::exec(format!(
                "{}() of a continuous series is not supported yet",
                name(call)
            )));
        };
        ctx.tick(p.len())?;
        let buckets = Arc::new(Buckets::new(&p, ctx.chart.bucket, ctx.chart.summarization));
        out.push(Series::new(
            s.meta,
            Points::generator(move |t| {
                let (n, ones) = buckets.window(t, w);
                (n > 0).then(|| if holds(n, ones) { 1.0 } else { 0.0 })
            }),
        ));
    }
    Ok(Value::Series(out))
}

pub(crate) fn any(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    test(call, ctx, depth, |_, ones| ones > 0)
}

pub(crate) fn all(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    test(call, ctx, depth, |n, ones| ones == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_summarise_and_count_non_zero_ones() {
        let p = [(0, 1.0), (30, -1.0), (60, 0.0), (125, 3.0)];
        let mean = Buckets::new(&p, 60, Summarization::Mean);
        assert_eq!(mean.starts, vec![0, 60, 120]);
        assert_eq!(mean.nonzero, vec![0, 0, 0, 1]);
        assert_eq!(mean.window(120, 180), (3, 1));
        assert_eq!(mean.window(60, 60), (1, 0));
        assert_eq!(mean.window(500, 60), (0, 0));
        let max = Buckets::new(&p, 60, Summarization::Max);
        assert_eq!(max.nonzero, vec![0, 1, 1, 2]);
        assert_eq!(max.window(120, 180), (3, 2));
    }
}
