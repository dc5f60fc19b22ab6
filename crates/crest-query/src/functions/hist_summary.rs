//! `summary([list,] hs)` and `alignedSummary([list,] hs)` (wql.md §2.10.13): several statistics of
//! each distribution at once, one time series per item of the list. An item is a percentile
//! (0 to 100, decimals allowed) or `max` (100), `median` (50), `min` (0) or `avg` (the mean of the
//! distribution's values); without a list, `max, 99.9, 99, 95, 90, 75, avg, median, 25, min`.
//! `alignedSummary` summarises, per histogram series, all its distributions in the range it was
//! read for merged into one, as a constant (`last(summary(align(1vw, hs)))`).
//!
//! Decision where the docs are silent (they show the result only as a picture): each output series
//! keeps its histogram series' identity and adds the point tag `percentile` holding the item as
//! written (`99.9`, `max`, `avg`), so the series of one summary differ by that tag.

use crest_series::Centroid;
use crest_wql::{Arg, Call, Expr};

use super::aggregate::Reducer;
use super::args::{expr_at, name};
use super::histogram::statistic;
use crate::chart::describe;
use crate::error::QueryError;
use crate::eval::{Ctx, eval};
use crate::value::{HistSeries, Points, Series, Value};

/// The point tag naming each output series' item.
const TAG: &str = "percentile";

/// The items of a call, each as written and what it computes.
type Items = Vec<(String, Reducer)>;

/// The default list.
const DEFAULT: &[&str] = &[
    "max", "99.9", "99", "95", "90", "75", "avg", "median", "25", "min",
];

/// One item of the list: as written, and what it computes.
fn item(call: &Call, written: &str) -> Result<(String, Reducer), QueryError> {
    let reducer = match written {
        "max" => Reducer::Max,
        "min" => Reducer::Min,
        "median" => Reducer::Percentile(50.0),
        "avg" => Reducer::Avg,
        number => match number.parse::<f64>() {
            Ok(p) if (0.0..=100.0).contains(&p) => Reducer::Percentile(p),
            _ => {
                return Err(QueryError::exec(format!(
                    "{}(): a summary item is a percentile from 0 to 100, max, median, min or avg, not {written}",
                    name(call)
                )));
            }
        },
    };
    Ok((written.to_owned(), reducer))
}

/// The call's list (every argument but the last) and its histograms (the last).
fn parts(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<(Items, Vec<HistSeries>), QueryError> {
    let Some((_, list)) = call.args.split_last() else {
        return Err(super::args::missing(call, 0));
    };
    let mut items = Vec::with_capacity(list.len().max(DEFAULT.len()));
    for arg in list {
        let written = match arg {
            Arg::Word(w) | Arg::Str(w) => w.to_ascii_lowercase(),
            Arg::Expr(Expr::Number(n)) => n.to_string(),
            other => {
                return Err(QueryError::exec(format!(
                    "{}(): a summary item is a number, max, median, min or avg, not {}",
                    name(call),
                    describe(other)
                )));
            }
        };
        items.push(item(call, &written)?);
    }
    if items.is_empty() {
        for d in DEFAULT {
            items.push(item(call, d)?);
        }
    }
    let expr = expr_at(call, call.args.len().saturating_sub(1))?;
    match eval(expr, ctx, depth)? {
        Value::Histograms(h) => Ok((items, h)),
        Value::Series(_) => Err(QueryError::exec(format!(
            "{}() takes histograms (hs())",
            name(call)
        ))),
    }
}

/// Each histogram series once per item, with the item in its `percentile` tag.
fn per_item(call: &Call, items: Items, hists: &[HistSeries]) -> Result<Vec<Series>, QueryError> {
    let mut out = Vec::with_capacity(items.len().saturating_mul(hists.len()));
    for (written, reducer) in items {
        let Value::Series(series) = statistic(hists, reducer, name(call))? else {
            continue;
        };
        out.extend(series.into_iter().map(|mut s| {
            s.meta.tags.insert(TAG.to_owned(), written.clone());
            s
        }));
    }
    Ok(out)
}

pub(crate) fn summary(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (items, hists) = parts(call, ctx, depth)?;
    Ok(Value::Series(per_item(call, items, &hists)?))
}

pub(crate) fn aligned_summary(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    let (items, hists) = parts(call, ctx, depth)?;
    // every distribution of a series merged into one, dated at the range's start
    let merged: Vec<HistSeries> = hists
        .into_iter()
        .filter_map(|h| {
            let mut all: Vec<Centroid> = h.dists.into_iter().flat_map(|(_, c)| c).collect();
            if all.is_empty() {
                return None;
            }
            all.sort_by(|a, b| a.mean.total_cmp(&b.mean));
            Some(HistSeries {
                meta: h.meta,
                dists: vec![(ctx.chart.start, all)],
            })
        })
        .collect();
    let series = per_item(call, items, &merged)?;
    Ok(Value::Series(
        series
            .into_iter()
            .map(|s| {
                let value = match &s.points {
                    Points::Discrete(d) => d.first().map(|(_, v)| *v),
                    _ => None,
                };
                Series::new(
                    s.meta,
                    value.map_or(Points::Discrete(Vec::new()), Points::constant),
                )
            })
            .collect(),
    ))
}
