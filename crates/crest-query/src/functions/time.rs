//! Time as a value (wql.md §2.10.4): `time()`, continuous, the epoch seconds of each instant;
//! `timestamp(expr)`, each real point's timestamp as its value; `integral(expr)`, the running sum
//! of each series' points from the window's start (inclusive bounds: wql.md §6 conflict 9 is
//! pinned to KAT-25's 11 points in 10 minutes), discrete; `hideBefore(tw, expr)` and
//! `hideAfter(tw, expr)`, which drop the points older (newer) than `now − tw`.

use crest_wql::Call;

use super::args::{arity, expr_at, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Meta, Point, Points, Series, Value};

pub(crate) fn time(call: &Call, _: &Ctx<'_>, _: usize) -> Result<Value, QueryError> {
    arity(call, 0, 0)?;
    let mut s = Series::new(
        Meta {
            metric: "time".to_owned(),
            ..Meta::default()
        },
        // epoch seconds are far below 2^52: exact
        #[allow(clippy::cast_precision_loss)]
        Points::generator(|t| Some(t as f64)),
    );
    s.literal = true;
    Ok(Value::Series(vec![s]))
}

fn discrete_only(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    at: usize,
) -> Result<Vec<(Meta, Vec<Point>)>, QueryError> {
    let series = eval_series(expr_at(call, at)?, ctx, depth, name(call))?;
    series
        .into_iter()
        .map(|s| match s.points {
            Points::Discrete(d) => {
                ctx.tick(d.len())?;
                Ok((s.meta, d))
            }
            _ => Err(QueryError::exec(format!(
                "{}() of a continuous series is not supported yet",
                name(call)
            ))),
        })
        .collect()
}

pub(crate) fn timestamp(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    Ok(Value::Series(
        discrete_only(call, ctx, depth, 0)?
            .into_iter()
            .map(|(meta, d)| {
                #[allow(clippy::cast_precision_loss)]
                let points = d.into_iter().map(|(t, _)| (t, t as f64)).collect();
                Series::new(meta, Points::discrete(points))
            })
            .collect(),
    ))
}

pub(crate) fn integral(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 1, 1)?;
    let start = ctx.chart.start;
    Ok(Value::Series(
        discrete_only(call, ctx, depth, 0)?
            .into_iter()
            .map(|(meta, d)| {
                let mut acc = 0.0;
                let points = d
                    .into_iter()
                    .filter(|(t, _)| *t >= start)
                    .map(|(t, v)| {
                        acc += v;
                        (t, acc)
                    })
                    .collect();
                Series::new(meta, Points::discrete(points))
            })
            .collect(),
    ))
}

fn hide(call: &Call, ctx: &Ctx<'_>, depth: usize, before: bool) -> Result<Value, QueryError> {
    arity(call, 2, 2)?;
    let first = call
        .args
        .first()
        .ok_or_else(|| super::args::missing(call, 0))?;
    let cut = ctx
        .chart
        .now
        .saturating_sub(ctx.chart.window(first, name(call))?);
    let series = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    Ok(Value::Series(
        series
            .into_iter()
            .map(|s| {
                let keep = move |t: i64| if before { t >= cut } else { t <= cut };
                let points = match s.points {
                    Points::Discrete(d) => {
                        Points::Discrete(d.into_iter().filter(|(t, _)| keep(*t)).collect())
                    }
                    other => Points::generator(move |t| {
                        if keep(t) {
                            other.continuous_at(t)
                        } else {
                            None
                        }
                    }),
                };
                Series::new(s.meta, points)
            })
            .collect(),
    ))
}

pub(crate) fn hide_before(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    hide(call, ctx, depth, true)
}

pub(crate) fn hide_after(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    hide(call, ctx, depth, false)
}
