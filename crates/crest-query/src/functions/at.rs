//! `at(atTime, [lookback,] expr)` (wql.md §2.10.4): each series' value at an instant as a constant:
//! the point exactly there, else the last one in `(atTime − lookback, atTime]` (lookback 1 h by
//! default); a series with none is left out. `atTime` is a window before now (`2h`), or `"now"`,
//! `"start"` or `"end"` of the chart.
//!
//! `atEpoch(epochSeconds, expr)` is the same at an epoch second written as a number. Decision
//! (wql.md §2.10.4, silent on its look-back): `at()`'s default of 1 hour.

use crest_wql::{Arg, Call};

use super::args::{arity, expr_at, name, number_at};
use crate::chart::{Chart, Range, describe};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{Points, Series, Value};

const DEFAULT_LOOKBACK: i64 = 3600;

/// The instant and the look-back of a call.
fn instant(call: &Call, chart: &Chart) -> Result<(i64, i64), QueryError> {
    arity(call, 2, 3)?;
    let when = match call.args.first() {
        Some(Arg::Str(s) | Arg::Word(s)) => match s.to_ascii_lowercase().as_str() {
            "now" => chart.now,
            "start" => chart.start,
            "end" => chart.end,
            _ => {
                return Err(QueryError::exec(format!(
                    "at(): expected a time window, \"now\", \"start\" or \"end\", got \"{s}\""
                )));
            }
        },
        Some(other @ (Arg::Window(_) | Arg::Expr(_))) => {
            chart.now.saturating_sub(chart.window(other, name(call))?)
        }
        Some(other) => {
            return Err(QueryError::exec(format!(
                "at(): expected a time window, \"now\", \"start\" or \"end\", got {}",
                describe(other)
            )));
        }
        None => return Err(super::args::missing(call, 0)),
    };
    let lookback = match call.args.len() {
        3 => chart.window(
            call.args
                .get(1)
                .ok_or_else(|| super::args::missing(call, 1))?,
            name(call),
        )?,
        _ => DEFAULT_LOOKBACK,
    };
    Ok((when, lookback))
}

/// The instant of an `atEpoch()` call, with the default look-back.
fn epoch_instant(call: &Call, _: &Chart) -> Result<(i64, i64), QueryError> {
    arity(call, 2, 2)?;
    let seconds = number_at(call, 0)?;
    #[allow(clippy::cast_possible_truncation)]
    let when = seconds as i64;
    #[allow(clippy::cast_precision_loss)]
    let exact = when as f64 == seconds;
    if !exact {
        return Err(QueryError::exec(format!(
            "{}(): the epoch must be a whole number of seconds, not {seconds}",
            name(call)
        )));
    }
    Ok((when, DEFAULT_LOOKBACK))
}

pub(crate) fn range(call: &Call, chart: &Chart, _: Range) -> Result<Range, QueryError> {
    range_around(instant(call, chart)?)
}

pub(crate) fn epoch_range(call: &Call, chart: &Chart, _: Range) -> Result<Range, QueryError> {
    range_around(epoch_instant(call, chart)?)
}

fn range_around((when, lookback): (i64, i64)) -> Result<Range, QueryError> {
    Ok(Range {
        from: when.saturating_sub(lookback),
        to: when.saturating_add(1),
    })
}

pub(crate) fn at(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    value_at(call, ctx, depth, instant(call, &ctx.chart)?)
}

pub(crate) fn at_epoch(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    value_at(call, ctx, depth, epoch_instant(call, &ctx.chart)?)
}

/// Each series' value at `when` (looking back `lookback`), as a constant.
fn value_at(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    (when, lookback): (i64, i64),
) -> Result<Value, QueryError> {
    let series = eval_series(expr_at(call, call.args.len() - 1)?, ctx, depth, name(call))?;
    Ok(Value::Series(
        series
            .into_iter()
            .filter_map(|s| {
                let v = match &s.points {
                    Points::Discrete(d) => d
                        .iter()
                        .rev()
                        .find(|(t, _)| *t <= when && *t > when.saturating_sub(lookback))
                        .map(|(_, v)| *v),
                    c => c.continuous_at(when),
                }?;
                Some(Series::new(s.meta, Points::constant(v)))
            })
            .collect(),
    ))
}
