//! Bucket series turned into distributions (wql.md §2.10.13): `cumulativeHisto([tw,] [bucketTag,]
//! expr [, group...])` reads Prometheus cumulative buckets (a series per upper bound, tag `le` by
//! default, each counting the values at most its bound), `frequencyHisto([tw,] [bucketTag,] expr
//! [, group...])` GCP frequency buckets (tag `lt` by default, each counting the values below its
//! bound and at least the previous one), and `cumulativePercentile(p, [bucketTag,] expr [,
//! group...])` answers a percentile straight from cumulative buckets.
//!
//! As the docs say ("similar to aggregation functions"), the series form one group unless a
//! group-by is given; the bucket tag never takes part in a group's identity, and the series of one
//! group with the same bound add up (one bucket). A series without the tag, or whose tag is not a
//! number (`+Inf`, `Inf` and exponents are numbers), is left out with a warning. A group's series
//! is labelled as an aggregation's is.
//!
//! Decisions where the docs are silent:
//! - `cumulativeHisto`/`frequencyHisto` make one distribution per window aligned to multiples of
//!   `tw` since the epoch (default `1m`, as `histo()`), dated at its start, from the sum of each
//!   bucket's points in the window (a continuous input is read once per window, at its start, in
//!   at most 100,000 windows). A bucket's count is its cumulative count less the previous
//!   bucket's (counts that fall as the bound rises count as unchanged, as Prometheus does),
//!   rounded to a whole number (the cumulative counts are rounded first, so the counts add up to
//!   the rounded total); a bucket of no count adds nothing. Its "sampling point" (the docs' words) is the middle of its range: the
//!   range of the first bucket starts at 0 when its bound is positive (else the point is the bound
//!   itself), and the last, unbounded (`+Inf`) bucket's point is the highest finite bound.
//! - `cumulativePercentile` is Prometheus' `histogram_quantile`: at each instant where a bucket
//!   reports (the others interpolated, continuous when all are), the rank is `p/100` of the
//!   `+Inf` bucket's count; the answer is interpolated linearly inside the first bucket whose
//!   cumulative count reaches the rank (from 0 in the first bucket when its bound is positive,
//!   else its bound); a rank in the `+Inf` bucket answers the highest finite bound. Without a
//!   `+Inf` bucket, or with no values, there is no point.

use std::collections::BTreeMap;

use crest_series::Centroid;
use crest_wql::{Arg, Call, Expr};

use super::aggregate::{groups_of, percent_arg};
use super::args::{expr_at, grouping, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::interp::{Sampler, union_timestamps};
use crate::value::{HistSeries, Meta, Point, Points, Series, Value};

/// What the bucket series count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Each bucket counts the values up to its bound (Prometheus `le`).
    Cumulative,
    /// Each bucket counts the values of its own range (GCP `lt`).
    Frequency,
}

/// `(upper bound, count)` of each bucket of one instant or window.
type Buckets = Vec<(f64, f64)>;

/// The series of one group: their metrics (for the label) and each one's bound and points.
#[derive(Default)]
struct Group {
    metrics: Vec<String>,
    members: Vec<(f64, Points)>,
}

pub(crate) fn cumulative_histo(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    to_histograms(call, ctx, depth, Kind::Cumulative)
}

pub(crate) fn frequency_histo(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    to_histograms(call, ctx, depth, Kind::Frequency)
}

/// The bucket tag (written, or `default`) at argument `i` and the index of the expression.
fn bucket_tag(call: &Call, i: usize, default: &str) -> (String, usize) {
    match call.args.get(i) {
        Some(Arg::Str(t) | Arg::Word(t)) => (t.clone(), i + 1),
        _ => (default.to_owned(), i),
    }
}

/// The input's series grouped by the call's group-by from argument `at + 1` on, each with its
/// bucket bound.
fn groups(
    call: &Call,
    at: usize,
    tag: &str,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<BTreeMap<Meta, Group>, QueryError> {
    let spec = grouping(call, at + 1)?;
    let series = eval_series(expr_at(call, at)?, ctx, depth, name(call))?;
    let mut groups: BTreeMap<Meta, Group> = BTreeMap::new();
    let mut left_out = 0usize;
    for mut s in series {
        let bound = s
            .meta
            .tags
            .remove(tag)
            .and_then(|b| b.trim().parse::<f64>().ok())
            .filter(|b| !b.is_nan());
        let Some(bound) = bound else {
            left_out += 1;
            continue;
        };
        for key in groups_of(&s.meta, spec.as_ref()) {
            let group = groups.entry(key).or_default();
            if !group.metrics.contains(&s.meta.metric) {
                group.metrics.push(s.meta.metric.clone());
            }
            group.members.push((bound, s.points.clone()));
        }
    }
    if left_out > 0 {
        ctx.warn(format!(
            "{}(): {left_out} series without a numeric {tag} tag were left out",
            name(call)
        ));
    }
    for group in groups.values_mut() {
        group.members.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Ok(groups)
}

/// A group's identity, labelled as an aggregate's when the grouping drops the metric: the one
/// metric of its series, else the function's name.
fn labelled(mut meta: Meta, group: &Group, function: &str) -> Meta {
    if meta.metric.is_empty() {
        meta.metric = match group.metrics.as_slice() {
            [one] => one.clone(),
            _ => function.to_owned(),
        };
    }
    meta
}

fn to_histograms(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
    kind: Kind,
) -> Result<Value, QueryError> {
    let (tw, next) = match call.args.first() {
        Some(a @ Arg::Window(_)) => (ctx.chart.window(a, name(call))?, 1),
        Some(a @ Arg::Expr(Expr::Number(_))) if call.args.len() > 1 => {
            (ctx.chart.window(a, name(call))?, 1)
        }
        _ => (60, 0),
    };
    if tw <= 0 {
        return Err(QueryError::exec(format!(
            "{}(): the window must be at least a second",
            name(call)
        )));
    }
    let default_tag = match kind {
        Kind::Cumulative => "le",
        Kind::Frequency => "lt",
    };
    let (tag, at) = bucket_tag(call, next, default_tag);
    let groups = groups(call, at, &tag, ctx, depth)?;
    let continuous = groups
        .values()
        .any(|g| g.members.iter().any(|(_, points)| points.is_continuous()));
    let starts = if continuous {
        window_starts(ctx.chart.start, ctx.chart.end, tw).ok_or_else(|| {
            QueryError::exec(format!(
                "{}(): a continuous input is read once per window, and the chart holds more than {MAX_WINDOWS} windows of {tw}s",
                name(call)
            ))
        })?
    } else {
        Vec::new()
    };
    let mut out = Vec::with_capacity(groups.len());
    for (meta, group) in groups {
        ctx.check()?;
        let mut windows: BTreeMap<i64, Buckets> = BTreeMap::new();
        for (bound, points) in &group.members {
            match points {
                Points::Discrete(d) => {
                    ctx.tick(d.len())?;
                    add_window_sums(&mut windows, *bound, d, tw);
                }
                continuous => {
                    ctx.tick(starts.len())?;
                    for &start in &starts {
                        if let Some(v) = continuous.continuous_at(start) {
                            windows.entry(start).or_default().push((*bound, v));
                        }
                    }
                }
            }
        }
        let dists = windows
            .into_iter()
            .filter_map(|(start, buckets)| {
                let c = centroids(&merged(buckets), kind);
                (!c.is_empty()).then_some((start, c))
            })
            .collect();
        out.push(HistSeries {
            meta: labelled(meta, &group, name(call)),
            dists,
        });
    }
    Ok(Value::Histograms(out))
}

/// How many windows a continuous input may be read in.
const MAX_WINDOWS: i64 = 100_000;

/// The starts of the `tw` windows from the one holding `start` to the one holding `end - 1`;
/// `None` beyond [`MAX_WINDOWS`].
fn window_starts(start: i64, end: i64, tw: i64) -> Option<Vec<i64>> {
    let first = start.div_euclid(tw).saturating_mul(tw);
    if end.saturating_sub(first) / tw.max(1) >= MAX_WINDOWS {
        return None;
    }
    let mut out = Vec::new();
    let mut t = first;
    while t < end {
        out.push(t);
        t = t.saturating_add(tw);
    }
    Some(out)
}

/// Adds one bucket's points to the windows they fall in, summed per window.
fn add_window_sums(windows: &mut BTreeMap<i64, Buckets>, bound: f64, points: &[Point], tw: i64) {
    let mut current: Option<(i64, f64)> = None;
    for &(t, v) in points {
        let start = t.div_euclid(tw).saturating_mul(tw);
        current = match current {
            Some((s, sum)) if s == start => Some((s, sum + v)),
            Some((s, sum)) => {
                windows.entry(s).or_default().push((bound, sum));
                Some((start, v))
            }
            None => Some((start, v)),
        };
    }
    if let Some((s, sum)) = current {
        windows.entry(s).or_default().push((bound, sum));
    }
}

/// Buckets sorted by bound, those of one bound added together.
fn merged(mut buckets: Buckets) -> Buckets {
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Buckets = Vec::with_capacity(buckets.len());
    for (bound, v) in buckets {
        match out.last_mut() {
            Some(last) if last.0.total_cmp(&bound).is_eq() => last.1 += v,
            _ => out.push((bound, v)),
        }
    }
    out
}

/// The distribution of buckets sorted by bound (one per bound): a centroid per bucket with a
/// count, at the middle of its range.
fn centroids(buckets: &[(f64, f64)], kind: Kind) -> Vec<Centroid> {
    let mut out = Vec::new();
    let mut lower: Option<f64> = None;
    let mut below = 0.0f64;
    for &(bound, value) in buckets {
        let count = match kind {
            Kind::Cumulative => {
                let cumulative = value.round().max(below);
                let count = cumulative - below;
                below = cumulative;
                count
            }
            Kind::Frequency => value.round().max(0.0),
        };
        let mean = match (lower, bound.is_finite()) {
            (Some(lo), true) => lo + (bound - lo) / 2.0,
            (None, true) if bound > 0.0 => bound / 2.0,
            (None, true) => bound,
            (Some(lo), false) if bound > 0.0 => lo,
            _ => f64::NAN,
        };
        if bound.is_finite() {
            lower = Some(bound);
        }
        if count >= 1.0 && mean.is_finite() {
            // a whole number of at least 1; beyond u32 it saturates
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let count = count.min(f64::from(u32::MAX)) as u32;
            out.push(Centroid { mean, count });
        }
    }
    out
}

/// Prometheus' `histogram_quantile` of cumulative buckets sorted by bound (one per bound), `p` in
/// percent.
fn bucket_percentile(p: f64, buckets: &[(f64, f64)]) -> Option<f64> {
    let &(last_bound, _) = buckets.last()?;
    if last_bound != f64::INFINITY {
        return None;
    }
    let mut cumulative = Vec::with_capacity(buckets.len());
    let mut running = 0.0f64;
    for &(_, v) in buckets {
        running = running.max(v);
        cumulative.push(running);
    }
    let total = running;
    if total <= 0.0 {
        return None;
    }
    let rank = p / 100.0 * total;
    let i = cumulative.iter().position(|&c| c >= rank)?;
    let (bound, count_to) = (buckets.get(i)?.0, *cumulative.get(i)?);
    let previous = i
        .checked_sub(1)
        .and_then(|j| Some((buckets.get(j)?.0, *cumulative.get(j)?)));
    if bound == f64::INFINITY {
        return previous.map(|(b, _)| b);
    }
    let (lo, count_below) = match previous {
        Some(prev) => prev,
        None if bound <= 0.0 => return Some(bound),
        None => (0.0, 0.0),
    };
    Some(lo + (bound - lo) * (rank - count_below) / (count_to - count_below))
}

pub(crate) fn cumulative_percentile(
    call: &Call,
    ctx: &Ctx<'_>,
    depth: usize,
) -> Result<Value, QueryError> {
    if call.args.len() < 2 {
        super::args::arity(call, 2, usize::MAX)?;
    }
    let p = percent_arg(call)?;
    let (tag, at) = bucket_tag(call, 1, "le");
    let groups = groups(call, at, &tag, ctx, depth)?;
    let edge = ctx.chart.edge;
    let mut out = Vec::with_capacity(groups.len());
    for (meta, group) in groups {
        ctx.check()?;
        let meta = labelled(meta, &group, name(call));
        let members = group.members;
        if members.iter().all(|(_, points)| points.is_continuous()) {
            let points = Points::generator(move |t| {
                let buckets = members
                    .iter()
                    .filter_map(|(bound, points)| Some((*bound, points.continuous_at(t)?)))
                    .collect();
                bucket_percentile(p, &merged(buckets))
            });
            out.push(Series::new(meta, points));
            continue;
        }
        let instants = union_timestamps(members.iter().map(|(_, points)| points));
        let mut samplers: Vec<(f64, Result<Sampler<'_>, &Points>)> = members
            .iter()
            .map(|(bound, points)| match points {
                Points::Discrete(d) => (*bound, Ok(Sampler::new(d, edge))),
                other => (*bound, Err(other)),
            })
            .collect();
        let mut points = Vec::with_capacity(instants.len());
        for t in instants {
            ctx.tick(samplers.len())?;
            let mut buckets = Vec::with_capacity(samplers.len());
            for (b, s) in &mut samplers {
                let v = match s {
                    Ok(sampler) => sampler.at(t, false),
                    Err(points) => points.continuous_at(t),
                };
                buckets.extend(v.map(|v| (*b, v)));
            }
            if let Some(v) = bucket_percentile(p, &merged(buckets)) {
                points.push((t, v));
            }
        }
        out.push(Series::new(meta, Points::discrete(points)));
    }
    Ok(Value::Series(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INF: f64 = f64::INFINITY;

    fn c(mean: f64, count: u32) -> Centroid {
        Centroid { mean, count }
    }

    /// 2 values up to 1, 4 more up to 2, 4 more up to 4, none above.
    const PROM: [(f64, f64); 4] = [(1.0, 2.0), (2.0, 6.0), (4.0, 10.0), (INF, 10.0)];

    #[test]
    fn percentiles_interpolate_inside_the_bucket_reaching_the_rank() {
        // rank 5 of 10: in (1, 2], 3 of its 4 values past the 2 below: 1 + 1 · 3/4
        assert_eq!(bucket_percentile(50.0, &PROM), Some(1.75));
        // rank 1: in the first bucket, from 0: 0 + 1 · 1/2
        assert_eq!(bucket_percentile(10.0, &PROM), Some(0.5));
        // rank 10: the top of (2, 4]
        assert_eq!(bucket_percentile(100.0, &PROM), Some(4.0));
        // rank 7.2 of 8 lies in +Inf: the highest finite bound
        let open = [(1.0, 2.0), (2.0, 6.0), (INF, 8.0)];
        assert_eq!(bucket_percentile(90.0, &open), Some(2.0));
        // a first bound at or below 0 is the answer in its bucket
        let negative = [(-1.0, 4.0), (1.0, 8.0), (INF, 8.0)];
        assert_eq!(bucket_percentile(25.0, &negative), Some(-1.0));
        // rank 6 of 8: (−1, 1], 2 of its 4 past the 4 below: −1 + 2 · 2/4
        assert_eq!(bucket_percentile(75.0, &negative), Some(0.0));
    }

    #[test]
    fn percentiles_need_a_top_bucket_and_values() {
        assert_eq!(bucket_percentile(50.0, &[(1.0, 2.0), (2.0, 6.0)]), None);
        assert_eq!(bucket_percentile(50.0, &[(1.0, 0.0), (INF, 0.0)]), None);
        assert_eq!(bucket_percentile(50.0, &[(INF, 5.0)]), None);
        assert_eq!(bucket_percentile(50.0, &[]), None);
        // a count that falls as the bound rises counts as unchanged: 5, 5, 10; rank 5 in (0, 1]
        let falling = [(1.0, 5.0), (2.0, 4.0), (INF, 10.0)];
        assert_eq!(bucket_percentile(50.0, &falling), Some(1.0));
    }

    #[test]
    fn cumulative_buckets_become_centroids_at_the_middle_of_their_range() {
        assert_eq!(
            centroids(&PROM, Kind::Cumulative),
            vec![c(0.5, 2), c(1.5, 4), c(3.0, 4)]
        );
        // the +Inf bucket's values sit at the highest finite bound
        assert_eq!(
            centroids(&[(1.0, 2.0), (INF, 5.0)], Kind::Cumulative),
            vec![c(0.5, 2), c(1.0, 3)]
        );
        // rounded cumulative counts 0, 2, 3 (2.5 rounds up): 2 in (1, 2], 1 above
        assert_eq!(
            centroids(&[(1.0, 0.4), (2.0, 1.6), (INF, 2.5)], Kind::Cumulative),
            vec![c(1.5, 2), c(2.0, 1)]
        );
        // the percentile of the distribution follows percentile()'s rule: n = 10, pos 5.5 → 1.5
        let d = centroids(&PROM, Kind::Cumulative);
        assert_eq!(
            super::super::histogram::centroid_percentile(&d, 50.0),
            Some(1.5)
        );
    }

    #[test]
    fn frequency_buckets_count_their_own_range() {
        let gcp = [(1.0, 2.0), (2.0, 4.0), (4.0, 4.0), (INF, 1.0)];
        assert_eq!(
            centroids(&gcp, Kind::Frequency),
            vec![c(0.5, 2), c(1.5, 4), c(3.0, 4), c(4.0, 1)]
        );
        // a bound at or below 0 first: the point is the bound
        assert_eq!(
            centroids(&[(-2.0, 3.0), (2.0, 1.0)], Kind::Frequency),
            vec![c(-2.0, 3), c(0.0, 1)]
        );
    }

    #[test]
    fn window_sums_add_each_bucket_per_window_and_bounds_merge() {
        let mut w = BTreeMap::new();
        add_window_sums(&mut w, 1.0, &[(0, 1.0), (30, 2.0), (60, 4.0)], 60);
        add_window_sums(&mut w, 1.0, &[(59, 10.0)], 60);
        add_window_sums(&mut w, INF, &[(61, 8.0)], 60);
        assert_eq!(w.get(&0).cloned().map(merged), Some(vec![(1.0, 13.0)]));
        assert_eq!(
            w.get(&60).cloned().map(merged),
            Some(vec![(1.0, 4.0), (INF, 8.0)])
        );
        assert_eq!(window_starts(30, 200, 60), Some(vec![0, 60, 120, 180]));
        assert_eq!(window_starts(0, 100_000, 1), None);
    }
}
