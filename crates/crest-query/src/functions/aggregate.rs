//! Aggregations across series (wql.md §2.10.2): `sum avg min max count variance percentile`, which
//! interpolate each series at every timestamp where some series of the group has a real point, and
//! their `raw` forms, which use real points only; grouping (§2.5); two-argument `min`/`max`.
//!
//! Decisions where the docs are silent (wql.md §6 silent 2):
//! - A group's series keeps exactly its grouping dimensions: the metric when grouped by `metrics`,
//!   the source (`host`) when grouped by `sources`, the named point-tag keys (all of them for
//!   `pointTags`), and for `sourceTags` a point tag `tag` holding the source tag.
//! - Its `label` is its metric: the grouped metric, or else the one metric every series of the
//!   group shares, or else the function's name (`sum`).
//! - A series lacking a group-by tag key joins the group of the series that lack it (whose result
//!   then has no such tag), as PromQL does.
//! - A source carrying two listed source tags counts in both groups.
//! - `variance` is the population variance.

use std::collections::BTreeMap;

use crest_wql::{Call, GroupMode, Grouping};

use super::args::{arity, expr_at, grouping, name, number_at};
use super::histogram;
use crate::error::QueryError;
use crate::eval::{Ctx, eval};
use crate::interp::{Sampler, union_timestamps};
use crate::operators::pairwise;
use crate::summary::{bucketed, count, mean, percentile, variance};
use crate::value::{Meta, Points, Series, Value};

/// What a group's values at one instant become.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Reducer {
    Sum,
    Avg,
    Min,
    Max,
    Count,
    Variance,
    Percentile(f64),
}

impl Reducer {
    pub(crate) fn apply(self, values: &mut [f64]) -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        Some(match self {
            Reducer::Sum => ordered_sum(values),
            Reducer::Avg => mean(values),
            Reducer::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
            Reducer::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Reducer::Count => count(values.len()),
            Reducer::Variance => variance(values)?,
            Reducer::Percentile(p) => percentile(values, p)?,
        })
    }
}

/// The sum in order from `-0.0` (the identity, so that a sum of `-0.0`s stays `-0.0`), as the
/// column-wise sum of members reporting together adds.
fn ordered_sum(values: &[f64]) -> f64 {
    values.iter().fold(-0.0, |a, v| a + v)
}

macro_rules! aggregation {
    ($fn_name:ident, $reducer:expr, $raw:expr) => {
        pub(crate) fn $fn_name(
            call: &Call,
            ctx: &Ctx<'_>,
            depth: usize,
        ) -> Result<Value, QueryError> {
            aggregate(call, ctx, depth, $reducer, $raw)
        }
    };
}

aggregation!(sum, Reducer::Sum, false);
aggregation!(avg, Reducer::Avg, false);
aggregation!(count_fn, Reducer::Count, false);
aggregation!(variance_fn, Reducer::Variance, false);
aggregation!(rawsum, Reducer::Sum, true);
aggregation!(rawavg, Reducer::Avg, true);
aggregation!(rawmin, Reducer::Min, true);
aggregation!(rawmax, Reducer::Max, true);
aggregation!(rawcount, Reducer::Count, true);
aggregation!(rawvariance, Reducer::Variance, true);

/// `min(expr [, group])` across series, or `min(e1, e2)` point-wise.
pub(crate) fn min(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    if two_expressions(call) {
        return point_wise(call, ctx, depth, |x, y| Some(x.min(y)));
    }
    aggregate(call, ctx, depth, Reducer::Min, false)
}

/// `max(expr [, group])` across series, or `max(e1, e2)` point-wise.
pub(crate) fn max(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    if two_expressions(call) {
        return point_wise(call, ctx, depth, |x, y| Some(x.max(y)));
    }
    aggregate(call, ctx, depth, Reducer::Max, false)
}

/// `percentile(p, expr [, group])`.
pub(crate) fn percentile_fn(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let p = percent_arg(call)?;
    over_series_or_histograms(call, 1, ctx, depth, Reducer::Percentile(p), false)
}

/// `rawpercentile(p, expr [, group])`.
pub(crate) fn rawpercentile(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let p = percent_arg(call)?;
    over_series_or_histograms(call, 1, ctx, depth, Reducer::Percentile(p), true)
}

pub(crate) fn percent_arg(call: &Call) -> Result<f64, QueryError> {
    let p = number_at(call, 0)?;
    if p > 0.0 && p <= 100.0 {
        Ok(p)
    } else {
        Err(QueryError::exec(format!(
            "{}(): the percentile must be greater than 0 and at most 100, not {p}",
            name(call)
        )))
    }
}

fn two_expressions(call: &Call) -> bool {
    call.args.len() == 2
        && call.grouping.is_none()
        && call
            .args
            .iter()
            .all(|a| matches!(a, crest_wql::Arg::Expr(_)))
}

fn point_wise(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    f: fn(f64, f64) -> Option<f64>,
) -> Result<Value, QueryError> {
    let what = name(call);
    let a = crate::eval::eval_series(expr_at(call, 0)?, ctx, depth, what)?;
    let b = crate::eval::eval_series(expr_at(call, 1)?, ctx, depth, what)?;
    Ok(Value::Series(pairwise(&a, &b, false, None, ctx, f)?))
}

fn aggregate(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    reducer: Reducer,
    raw: bool,
) -> Result<Value, QueryError> {
    over_series_or_histograms(call, 0, ctx, depth, reducer, raw)
}

/// The aggregation of the expression at argument `at` (grouped by the arguments after it); on
/// histograms, `count min max avg percentile` give each distribution's statistic instead.
fn over_series_or_histograms(
    call: &Call,
    at: usize,
    ctx: &Ctx<'_>,
    depth: usize,
    reducer: Reducer,
    raw: bool,
) -> Result<Value, QueryError> {
    if call.args.len() <= at {
        arity(call, at + 1, usize::MAX)?;
    }
    let spec = grouping(call, at + 1)?;
    let input = expr_at(call, at)?;
    let value = match prealigned_selector(input, &call.name, ctx)? {
        Some(series) => Value::Series(series),
        None => eval(input, ctx, depth)?,
    };
    match value {
        Value::Series(series) => Ok(Value::Series(reduce_groups(
            prealign(series, input, &call.name, ctx)?,
            spec.as_ref(),
            raw,
            &call.name,
            ctx,
            reducer,
        )?)),
        Value::Histograms(_) if raw => Err(QueryError::exec(format!(
            "{}() cannot be applied to histograms",
            name(call)
        ))),
        Value::Histograms(h) if spec.is_none() => histogram::statistic(&h, reducer, &call.name),
        Value::Histograms(_) => Err(QueryError::exec(format!(
            "{}() of histograms takes no grouping (merge them first)",
            name(call)
        ))),
    }
}

/// How many series an aggregation takes as they are; above it, its input is pre-aligned.
pub(crate) const PREALIGN_ABOVE: usize = 100;

/// The argument of an aggregation call that [`prealigned_selector`] takes when it is a plain
/// selector: the input of every aggregation here but the point-wise `min(e1, e2)`/`max(e1, e2)`.
pub(crate) fn prealigned_arg(call: &Call) -> Option<usize> {
    match call.name.to_ascii_lowercase().as_str() {
        "sum" | "avg" | "count" | "variance" | "rawsum" | "rawavg" | "rawmin" | "rawmax"
        | "rawcount" | "rawvariance" => Some(0),
        "min" | "max" if !two_expressions(call) => Some(0),
        "percentile" | "rawpercentile" => Some(1),
        _ => None,
    }
}

/// Pre-alignment (wql.md §2.5, as the service does it): an aggregation over more than
/// [`PREALIGN_ABOVE`] series that report within the chart window takes each discrete series aligned
/// to the chart bucket with the chart's summarization (`align(<bucket>s, mean, …)` by default), and
/// the answer says so in a warning. The service documents that a summarization of `sum` avoids the
/// side effect on `msum(rawsum(…))`, so the chart's summarization, not always `mean`, is the method.
/// An input written as `align(…)`, or already one point per bucket at the buckets' starts, is
/// taken as it is.
fn prealign(
    mut series: Vec<Series>,
    input: &crest_wql::Expr,
    function: &str,
    ctx: &Ctx<'_>,
) -> Result<Vec<Series>, QueryError> {
    let (start, end, width) = (ctx.chart.start, ctx.chart.end, ctx.chart.bucket);
    if width <= 1
        || matches!(input, crest_wql::Expr::Call(c) if c.name.eq_ignore_ascii_case("align"))
    {
        return Ok(series);
    }
    let in_window = |p: &[crate::value::Point]| {
        let first = p.partition_point(|(t, _)| *t < start);
        p.get(first).is_some_and(|(t, _)| *t < end)
    };
    let reporting = series
        .iter()
        .filter(|s| matches!(&s.points, Points::Discrete(p) if in_window(p)))
        .count();
    if reporting <= PREALIGN_ABOVE {
        return Ok(series);
    }
    let aligned = |p: &[crate::value::Point]| p.iter().all(|(t, _)| t.rem_euclid(width) == 0);
    if series
        .iter()
        .all(|s| !matches!(&s.points, Points::Discrete(p) if !aligned(p)))
    {
        return Ok(series);
    }
    let how = ctx.chart.summarization;
    for s in &mut series {
        if let Points::Discrete(p) = &s.points {
            ctx.tick(p.len())?;
            s.points = Points::discrete(bucketed(p, width, how));
        }
    }
    warn_prealigned(input, function, ctx);
    Ok(series)
}

/// Pre-alignment of a plain `ts()` input, straight from what was read (no copy of the raw points),
/// when it applies; `None` leaves the input to [`prealign`].
fn prealigned_selector(
    input: &crest_wql::Expr,
    function: &str,
    ctx: &Ctx<'_>,
) -> Result<Option<Vec<Series>>, QueryError> {
    let crest_wql::Expr::Selector(selector) = input else {
        return Ok(None);
    };
    let chart = &ctx.chart;
    if chart.bucket <= 1 {
        return Ok(None);
    }
    let aligned = crate::select::aligned(
        selector,
        ctx.fetched,
        (chart.start, chart.end),
        chart.bucket,
        chart.summarization,
        PREALIGN_ABOVE,
    )?;
    if let Some(series) = &aligned {
        ctx.tick(series.len())?;
        warn_prealigned(input, function, ctx);
    }
    Ok(aligned)
}

fn warn_prealigned(input: &crest_wql::Expr, function: &str, ctx: &Ctx<'_>) {
    ctx.warn(format!(
        "The expression: {input} has been pre-aligned, making it equivalent to align({}s, {}, {input}) in order to improve the performance of the {function}() aggregation operation. You can wrap the expression with align() to explicitly state the periodicity and desired summarization strategy.",
        ctx.chart.bucket,
        ctx.chart.summarization.name()
    ));
}

/// The dimensions a group keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dim {
    Metrics,
    Sources,
    SourceTags,
    PointTags,
    Tag(String),
}

fn dims(g: &Grouping) -> Vec<Dim> {
    g.keys
        .iter()
        .map(|k| match k.as_str() {
            "metrics" | "metric" => Dim::Metrics,
            "sources" | "source" | "hosts" | "host" => Dim::Sources,
            "sourceTags" | "sourcetags" => Dim::SourceTags,
            "pointTags" | "pointtags" => Dim::PointTags,
            tag => Dim::Tag(tag.to_owned()),
        })
        .collect()
}

/// The groups (as the identity their result gets) a series belongs to.
pub(crate) fn groups_of(meta: &Meta, spec: Option<&Grouping>) -> Vec<Meta> {
    let Some(g) = spec else {
        return vec![Meta::default()];
    };
    let dims = dims(g);
    match g.mode {
        GroupMode::Without => {
            let mut out = Meta {
                metric: if dims.contains(&Dim::Metrics) {
                    String::new()
                } else {
                    meta.metric.clone()
                },
                source: if dims.contains(&Dim::Sources) {
                    None
                } else {
                    meta.source.clone()
                },
                tags: if dims.contains(&Dim::PointTags) {
                    BTreeMap::new()
                } else {
                    meta.tags.clone()
                },
                source_tags: Vec::new(),
            };
            for d in &dims {
                if let Dim::Tag(k) = d {
                    out.tags.remove(k);
                }
            }
            vec![out]
        }
        GroupMode::By => {
            let mut out = Meta::default();
            for d in &dims {
                match d {
                    Dim::Metrics => out.metric.clone_from(&meta.metric),
                    Dim::Sources => out.source.clone_from(&meta.source),
                    Dim::PointTags => out.tags.extend(meta.tags.clone()),
                    Dim::Tag(k) => {
                        if let Some(v) = meta.tags.get(k) {
                            out.tags.insert(k.clone(), v.clone());
                        }
                    }
                    Dim::SourceTags => {}
                }
            }
            if dims.contains(&Dim::SourceTags) {
                meta.source_tags
                    .iter()
                    .map(|t| {
                        let mut m = out.clone();
                        m.tags.insert("tag".to_owned(), t.clone());
                        m
                    })
                    .collect()
            } else {
                vec![out]
            }
        }
    }
}

pub(crate) fn keeps_metric(spec: Option<&Grouping>) -> bool {
    spec.is_some_and(|g| {
        let has = dims(g).contains(&Dim::Metrics);
        match g.mode {
            GroupMode::By => has,
            GroupMode::Without => !has,
        }
    })
}

/// Groups `series` and reduces each group at every instant.
pub(crate) fn reduce_groups(
    series: Vec<Series>,
    spec: Option<&Grouping>,
    raw: bool,
    function: &str,
    ctx: &Ctx<'_>,
    reducer: Reducer,
) -> Result<Vec<Series>, QueryError> {
    let mut groups: BTreeMap<Meta, Vec<Series>> = BTreeMap::new();
    for s in series {
        let mut keys = groups_of(&s.meta, spec);
        let last = keys.pop();
        for g in keys {
            groups.entry(g).or_default().push(s.clone());
        }
        if let Some(g) = last {
            groups.entry(g).or_default().push(s);
        }
    }
    let keep_metric = keeps_metric(spec);
    let mut out = Vec::with_capacity(groups.len());
    for (mut meta, members) in groups {
        ctx.check()?;
        if !keep_metric {
            meta.metric = match members.split_first() {
                Some((first, rest)) if rest.iter().all(|s| s.meta.metric == first.meta.metric) => {
                    first.meta.metric.clone()
                }
                _ => function.to_owned(),
            };
        }
        let points = reduce(&members, raw, ctx, reducer)?;
        out.push(Series::new(meta, points));
    }
    Ok(out)
}

/// One group's values reduced at each instant: continuous when every member is, else at the union
/// of the discrete members' timestamps.
fn reduce(
    members: &[Series],
    raw: bool,
    ctx: &Ctx<'_>,
    reducer: Reducer,
) -> Result<Points, QueryError> {
    if members.iter().all(|s| s.points.is_continuous()) {
        let all: Vec<Points> = members.iter().map(|s| s.points.clone()).collect();
        return Ok(Points::generator(move |t| {
            let mut values: Vec<f64> = all.iter().filter_map(|p| p.continuous_at(t)).collect();
            reducer.apply(&mut values)
        }));
    }
    let instants = union_timestamps(members.iter().map(|s| &s.points));
    // members reporting together (as pre-aligned ones do): their values by position, no sampling
    let columns: Option<Vec<&[crate::value::Point]>> = members
        .iter()
        .map(|s| match &s.points {
            Points::Discrete(p)
                if p.len() == instants.len()
                    && p.iter().zip(&instants).all(|((t, _), u)| t == u) =>
            {
                Some(p.as_slice())
            }
            _ => None,
        })
        .collect();
    if let Some(columns) = columns {
        ctx.tick(members.len().saturating_mul(instants.len()))?;
        if reducer == Reducer::Sum && !columns.is_empty() {
            // member by member, each instant's sum added in the same order as `sum`'s
            let mut sums = vec![-0.0; instants.len()];
            for column in &columns {
                for (s, (_, v)) in sums.iter_mut().zip(column.iter()) {
                    *s += v;
                }
            }
            return Ok(Points::discrete(instants.into_iter().zip(sums).collect()));
        }
        let mut values = Vec::with_capacity(columns.len());
        let mut out = Vec::with_capacity(instants.len());
        for (i, &t) in instants.iter().enumerate() {
            values.clear();
            values.extend(columns.iter().filter_map(|c| c.get(i).map(|(_, v)| *v)));
            if let Some(v) = reducer.apply(&mut values) {
                out.push((t, v));
            }
        }
        return Ok(Points::discrete(out));
    }
    let edge = ctx.chart.edge;
    let mut samplers: Vec<Result<Sampler<'_>, &Points>> = members
        .iter()
        .map(|s| match &s.points {
            Points::Discrete(d) => Ok(Sampler::new(d, edge)),
            other => Err(other),
        })
        .collect();
    let mut values = Vec::with_capacity(members.len());
    let mut out = Vec::with_capacity(instants.len());
    for t in instants {
        ctx.tick(members.len())?;
        values.clear();
        for s in &mut samplers {
            let v = match s {
                Ok(sampler) => sampler.at(t, raw),
                Err(points) => points.continuous_at(t),
            };
            values.extend(v);
        }
        if let Some(v) = reducer.apply(&mut values) {
            out.push((t, v));
        }
    }
    Ok(Points::discrete(out))
}
