//! Choosing series (wql.md §2.10.3): `limit(n|p% [, offset], expr)`, `sample(n|p%, expr)` (a
//! subset that stays the same while the series do: the series with the smallest FNV-1a hashes of
//! their identity), `topk`/`bottomk(n, [method,
//! [tw,]] expr)` and `top`/`bottom`, which answer a constant 1 for the chosen series and 0 for the
//! others.
//!
//! Decisions (wql.md §6 silent 7): series are in a stable order (by metric, source and tags), so
//! `limit` keeps the first ones after `offset` and ties in a ranking go to the earlier series;
//! `p%` of `n` series is `round(n·p/100)`. Without a method a series ranks by its last point in
//! the window (a continuous one by its value at the last second of the window); with one, by that
//! summary of its points in the last `tw` of the window (default: the whole window). A series with
//! nothing to rank by is never chosen.

use crest_wql::{Arg, Call};

use super::align::method;
use super::args::{expr_at, name, number_at};
use crate::chart::describe;
use crate::error::QueryError;
use crate::eval::{Ctx, eval, eval_series};
use crate::summary::{count, summarize};
use crate::value::{Points, Series, Value};

/// `n` or `p%` of `total`.
fn how_many(call: &Call, total: usize) -> Result<usize, QueryError> {
    match call.args.first() {
        Some(Arg::Percent(p)) if (0.0..=100.0).contains(p) => {
            // at most `total`, a whole number: exact
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = (count(total) * p / 100.0).round() as usize;
            Ok(n.min(total))
        }
        Some(Arg::Expr(_)) => {
            let n = number_at(call, 0)?;
            if n < 0.0 || n.fract() != 0.0 {
                return Err(QueryError::exec(format!(
                    "{}(): the count must be a whole number, not {n}",
                    name(call)
                )));
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok((n.min(1e15) as usize).min(total))
        }
        Some(other) => Err(QueryError::exec(format!(
            "{}(): expected a count or a percentage, got {}",
            name(call),
            describe(other)
        ))),
        None => Err(super::args::missing(call, 0)),
    }
}

fn sorted(mut series: Vec<Series>) -> Vec<Series> {
    series.sort_by(|a, b| a.meta.cmp(&b.meta));
    series
}

pub(crate) fn limit(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    super::args::arity(call, 2, 3)?;
    let offset = match call.args.len() {
        3 => {
            let o = number_at(call, 1)?;
            if o < 0.0 || o.fract() != 0.0 {
                return Err(QueryError::exec(format!(
                    "limit(): the offset must be a whole number, not {o}"
                )));
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let o = o.min(1e15) as usize;
            o
        }
        _ => 0,
    };
    match eval(expr_at(call, call.args.len() - 1)?, ctx, depth)? {
        Value::Series(s) => {
            let n = how_many(call, s.len())?;
            Ok(Value::Series(
                sorted(s).into_iter().skip(offset).take(n).collect(),
            ))
        }
        Value::Histograms(mut h) => {
            let n = how_many(call, h.len())?;
            h.sort_by(|a, b| a.meta.cmp(&b.meta));
            Ok(Value::Histograms(
                h.into_iter().skip(offset).take(n).collect(),
            ))
        }
    }
}

/// Each series with its ranking value, in the stable order.
fn ranked(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Vec<(Series, Option<f64>)>, QueryError> {
    super::args::arity(call, 2, 4)?;
    let n_args = call.args.len();
    let how = match n_args {
        2 => None,
        _ => Some(method(
            call.args
                .get(1)
                .ok_or_else(|| super::args::missing(call, 1))?,
            name(call),
        )?),
    };
    let tw = match n_args {
        4 => ctx.chart.window(
            call.args
                .get(2)
                .ok_or_else(|| super::args::missing(call, 2))?,
            name(call),
        )?,
        _ => ctx.chart.view(),
    };
    let series = sorted(eval_series(
        expr_at(call, n_args - 1)?,
        ctx,
        depth,
        name(call),
    )?);
    let (start, end) = (ctx.chart.start, ctx.chart.end);
    let from = end.saturating_sub(tw).max(start);
    Ok(series
        .into_iter()
        .map(|s| {
            let value = match (&s.points, how) {
                (Points::Discrete(d), None) => d
                    .iter()
                    .rev()
                    .find(|(t, _)| *t >= start && *t < end)
                    .map(|(_, v)| *v),
                (Points::Discrete(d), Some(how)) => {
                    let mut vs: Vec<f64> = d
                        .iter()
                        .filter(|(t, _)| *t >= from && *t < end)
                        .map(|(_, v)| *v)
                        .collect();
                    summarize(&mut vs, how)
                }
                (c, _) => c.continuous_at(end - 1),
            };
            (s, value)
        })
        .collect())
}

/// The indices (into the stable order) of the `n` highest (`high`) or lowest ranked series.
fn choose(ranked: &[(Series, Option<f64>)], n: usize, high: bool) -> Vec<usize> {
    let mut order: Vec<(usize, f64)> = ranked
        .iter()
        .enumerate()
        .filter_map(|(i, (_, v))| v.map(|v| (i, v)))
        .collect();
    order.sort_by(|(ia, a), (ib, b)| {
        let by_value = if high { b.total_cmp(a) } else { a.total_cmp(b) };
        by_value.then(ia.cmp(ib))
    });
    let mut chosen: Vec<usize> = order.into_iter().take(n).map(|(i, _)| i).collect();
    chosen.sort_unstable();
    chosen
}

fn k(call: &Call, ctx: &Ctx<'_>, depth: usize, high: bool) -> Result<Value, QueryError> {
    let r = ranked(call, ctx, depth)?;
    let n = how_many(call, r.len())?;
    let chosen = choose(&r, n, high);
    Ok(Value::Series(
        r.into_iter()
            .enumerate()
            .filter(|(i, _)| chosen.binary_search(i).is_ok())
            .map(|(_, (s, _))| s)
            .collect(),
    ))
}

fn flags(call: &Call, ctx: &Ctx<'_>, depth: usize, high: bool) -> Result<Value, QueryError> {
    let r = ranked(call, ctx, depth)?;
    let n = how_many(call, r.len())?;
    let chosen = choose(&r, n, high);
    Ok(Value::Series(
        r.into_iter()
            .enumerate()
            .map(|(i, (s, _))| {
                let v = if chosen.binary_search(&i).is_ok() {
                    1.0
                } else {
                    0.0
                };
                Series::new(s.meta, Points::Constant(v))
            })
            .collect(),
    ))
}

pub(crate) fn topk(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    k(call, ctx, depth, true)
}

pub(crate) fn bottomk(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    k(call, ctx, depth, false)
}

pub(crate) fn top(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    flags(call, ctx, depth, true)
}

pub(crate) fn bottom(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    flags(call, ctx, depth, false)
}

/// FNV-1a's initial state: `sample()`'s seed.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a from `seed` over the identity's parts, each ended by a 0 byte.
fn identity_hash(meta: &crate::value::Meta, seed: u64) -> u64 {
    let mut h: u64 = seed;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain(std::iter::once(&0u8)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(meta.metric.as_bytes());
    eat(meta.source.as_deref().unwrap_or("").as_bytes());
    for (k, v) in &meta.tags {
        eat(k.as_bytes());
        eat(v.as_bytes());
    }
    h
}

pub(crate) fn sample(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    hashed_subset(call, ctx, depth, FNV_OFFSET)
}

/// `f(n|p%, expr)`: the `n` series with the smallest hashes of their identity from `seed`.
pub(crate) fn hashed_subset(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    seed: u64,
) -> Result<Value, QueryError> {
    super::args::arity(call, 2, 2)?;
    let series = sorted(eval_series(expr_at(call, 1)?, ctx, depth, name(call))?);
    let n = how_many(call, series.len())?;
    let mut order: Vec<(u64, usize)> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (identity_hash(&s.meta, seed), i))
        .collect();
    order.sort_unstable();
    let mut chosen: Vec<usize> = order.into_iter().take(n).map(|(_, i)| i).collect();
    chosen.sort_unstable();
    Ok(Value::Series(
        series
            .into_iter()
            .enumerate()
            .filter(|(i, _)| chosen.binary_search(i).is_ok())
            .map(|(_, s)| s)
            .collect(),
    ))
}
