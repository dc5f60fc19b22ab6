//! `align(tw, [method,] expr)` (wql.md §2.10.9): each series in epoch-aligned buckets of `tw`, one
//! value per non-empty bucket stamped at its start; the method defaults to `mean` (wql.md §6
//! conflict 4). On histograms, the distributions of each bucket are merged.
//!
//! `downsample(tw, expr)` (legacy, still sent by Grafana) keeps the first real point of each
//! epoch-aligned `tw` bucket, at its own timestamp (wql.md §2.10.9 [INF]).

use std::collections::BTreeMap;

use crest_series::Distribution;
use crest_wql::{Arg, Call};

use super::args::{arity, expr_at, name};
use crate::chart::{Chart, Range, describe};
use crate::error::QueryError;
use crate::eval::{Ctx, eval};
use crate::request::Summarization;
use crate::summary::bucketed;
use crate::value::{HistSeries, Points, Series, Value};

/// The most buckets a continuous series is materialised at.
const MAX_BUCKETS: i64 = 10_000_000;

fn window(call: &Call, chart: &Chart) -> Result<i64, QueryError> {
    arity(call, 2, 3)?;
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    chart.window(first, name(call))
}

pub(crate) fn range(call: &Call, chart: &Chart, range: Range) -> Result<Range, QueryError> {
    Ok(range.aligned(window(call, chart)?))
}

/// A summarization method named in a query (`align`'s, and later `topk`'s).
pub(crate) fn method(arg: &Arg, function: &str) -> Result<Summarization, QueryError> {
    match arg {
        Arg::Word(w) | Arg::Str(w) => Summarization::parse(w),
        _ => None,
    }
    .ok_or_else(|| {
        QueryError::exec(format!(
            "{function}(): expected mean, median, min, max, first, last, sum or count, got {}",
            describe(arg)
        ))
    })
}

pub(crate) fn align(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let tw = window(call, &ctx.chart)?;
    let how = match call.args.len() {
        3 => method(
            call.args
                .get(1)
                .ok_or_else(|| super::args::missing(call, 1))?,
            name(call),
        )?,
        _ => Summarization::Mean,
    };
    let bucket = |t: i64| t.div_euclid(tw).saturating_mul(tw);
    match eval(expr_at(call, call.args.len() - 1)?, ctx, depth)? {
        Value::Series(series) => {
            let mut out = Vec::with_capacity(series.len());
            for s in series {
                let points = match &s.points {
                    Points::Discrete(p) => {
                        ctx.tick(p.len())?;
                        Points::discrete(bucketed(p, tw, how))
                    }
                    Points::Constant(c) => Points::Constant(*c),
                    continuous => {
                        let from = bucket(ctx.chart.start);
                        let n = (ctx.chart.end - from) / tw + 1;
                        if n > MAX_BUCKETS {
                            return Err(QueryError::Limit(format!(
                                "align() would make more than {MAX_BUCKETS} buckets"
                            )));
                        }
                        ctx.tick(usize::try_from(n).unwrap_or(usize::MAX))?;
                        Points::discrete(
                            (0..n)
                                .filter_map(|i| {
                                    let t = from + i * tw;
                                    continuous.continuous_at(t).map(|v| (t, v))
                                })
                                .collect(),
                        )
                    }
                };
                out.push(Series::new(s.meta, points));
            }
            Ok(Value::Series(out))
        }
        Value::Histograms(hists) => Ok(Value::Histograms(
            hists
                .into_iter()
                .map(|h| {
                    let mut bins: BTreeMap<i64, Distribution> = BTreeMap::new();
                    for (t, c) in &h.dists {
                        let b = bucket(*t);
                        let add = Distribution {
                            timestamp: b,
                            centroids: c.clone(),
                        };
                        bins.entry(b)
                            .and_modify(|d| d.merge(&add))
                            .or_insert_with(|| {
                                let mut fresh = Distribution {
                                    timestamp: b,
                                    centroids: Vec::new(),
                                };
                                fresh.merge(&add);
                                fresh
                            });
                    }
                    HistSeries {
                        meta: h.meta,
                        dists: bins.into_iter().map(|(t, d)| (t, d.centroids)).collect(),
                    }
                })
                .collect(),
        )),
    }
}

pub(crate) fn downsample_range(
    call: &Call,
    chart: &Chart,
    range: Range,
) -> Result<Range, QueryError> {
    arity(call, 2, 2)?;
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    Ok(range.aligned(chart.window(first, name(call))?))
}

pub(crate) fn downsample(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    let tw = ctx.chart.window(first, name(call))?;
    let series = crate::eval::eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let mut out = Vec::with_capacity(series.len());
    for s in series {
        let Points::Discrete(p) = s.points else {
            return Err(QueryError::exec(
                "downsample() of a continuous series is not supported yet",
            ));
        };
        ctx.tick(p.len())?;
        let mut kept: Vec<(i64, f64)> = Vec::new();
        let mut last_bucket = None;
        for (t, v) in p {
            let b = t.div_euclid(tw);
            if last_bucket != Some(b) {
                kept.push((t, v));
                last_bucket = Some(b);
            }
        }
        out.push(Series::new(s.meta, Points::Discrete(kept)));
    }
    Ok(Value::Series(out))
}
