//! Moving-window counts across series (wql.md §2.10.5): `mseriescount(w, expr [, group])`, the
//! number of series with at least one real point in `(t − w, t]`, and `mvalues(w, expr [,
//! group])`, the number of distinct values among the real points in `(t − w, t]` of all the series
//! (wql.md's [INF] cross-series reading, which the docs' "number of product versions running across
//! your environment" example fits). Both are continuous and group like the aggregations
//! (`aggregate.rs`): without a group-by, all series form one group; a group's series carries its
//! grouping dimensions and the metric its members share, else the function's name.
//!
//! Decisions where wql.md is silent: as `mcount` does (wql.md §2.7), a group answers 0 once its
//! window is empty and stops answering `2w` after its last point; values are distinct as numbers
//! (`0` and `-0` are one value); the input must be discrete.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crest_wql::Call;

use super::aggregate::{groups_of, keeps_metric};
use super::args::{expr_at, grouping, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::summary::count;
use crate::value::{Meta, Point, Points, Series, Value};

/// The points of one member series in `(t − w, t]`.
fn window(points: &[Point], t: i64, w: i64) -> &[Point] {
    let lo = points.partition_point(|(pt, _)| *pt <= t.saturating_sub(w));
    let hi = points.partition_point(|(pt, _)| *pt <= t).max(lo);
    points.get(lo..hi).unwrap_or_default()
}

/// What a group's members count at `t` over a window `w`.
type Stat = fn(&[Vec<Point>], i64, i64) -> f64;

fn series_count(members: &[Vec<Point>], t: i64, w: i64) -> f64 {
    count(
        members
            .iter()
            .filter(|p| !window(p, t, w).is_empty())
            .count(),
    )
}

fn distinct_values(members: &[Vec<Point>], t: i64, w: i64) -> f64 {
    let mut seen = HashSet::new();
    for p in members {
        for (_, v) in window(p, t, w) {
            // finite values only (value.rs); +0.0 turns -0.0 into 0.0
            seen.insert((v + 0.0).to_bits());
        }
    }
    count(seen.len())
}

fn counted(call: &Call, ctx: &Ctx<'_>, depth: usize, stat: Stat) -> Result<Value, QueryError> {
    let Some(first) = call.args.first().filter(|_| call.args.len() >= 2) else {
        return Err(QueryError::exec(format!(
            "{}(): expected a time window, an expression and optional group-by keys",
            name(call)
        )));
    };
    let w = ctx.chart.window(first, name(call))?;
    let spec = grouping(call, 2)?;
    let series = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let mut groups: BTreeMap<Meta, Vec<(String, Vec<Point>)>> = BTreeMap::new();
    for s in series {
        let Points::Discrete(p) = s.points else {
            return Err(QueryError::exec(format!(
                "{}() of a continuous series is not supported yet",
                name(call)
            )));
        };
        ctx.tick(p.len())?;
        for g in groups_of(&s.meta, spec.as_ref()) {
            groups
                .entry(g)
                .or_default()
                .push((s.meta.metric.clone(), p.clone()));
        }
    }
    let keep_metric = keeps_metric(spec.as_ref());
    let mut out = Vec::with_capacity(groups.len());
    for (mut meta, members) in groups {
        ctx.check()?;
        if !keep_metric {
            meta.metric = match members.split_first() {
                Some((first, rest)) if rest.iter().all(|(m, _)| *m == first.0) => first.0.clone(),
                _ => call.name.clone(),
            };
        }
        let members: Arc<Vec<Vec<Point>>> = Arc::new(members.into_iter().map(|(_, p)| p).collect());
        out.push(Series::new(
            meta,
            Points::generator(move |t| {
                let recent = members
                    .iter()
                    .any(|p| !window(p, t, w.saturating_mul(2)).is_empty());
                recent.then(|| stat(&members, t, w))
            }),
        ));
    }
    Ok(Value::Series(out))
}

pub(crate) fn mseriescount(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    counted(call, ctx, depth, series_count)
}

pub(crate) fn mvalues(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    counted(call, ctx, depth, distinct_values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_open_on_the_left() {
        let p = vec![(10, 1.0), (20, 2.0), (30, 2.0)];
        assert_eq!(window(&p, 30, 10), &[(30, 2.0)]);
        assert_eq!(window(&p, 30, 20), &[(20, 2.0), (30, 2.0)]);
        assert!(window(&p, 9, 100).is_empty());
        assert!(window(&p, 50, 10).is_empty());
    }

    #[test]
    fn counts_series_and_distinct_values() {
        let members = vec![
            vec![(10, 1.0), (20, 2.0)],
            vec![(20, 2.0), (25, -0.0), (26, 0.0)],
            vec![(5, 7.0)],
        ];
        assert!((series_count(&members, 20, 15) - 2.0).abs() < 1e-12);
        assert!((series_count(&members, 26, 100) - 3.0).abs() < 1e-12);
        // 1, 2, 0 (and -0)
        assert!((distinct_values(&members, 26, 20) - 3.0).abs() < 1e-12);
        assert!((distinct_values(&members, 26, 100) - 4.0).abs() < 1e-12);
        assert!(distinct_values(&members, 100, 10).abs() < 1e-12);
    }
}
