//! `histo(tw, expr [, group...])` (wql.md §2.10.13): time series turned into histograms, one
//! distribution per `tw` window holding every point of the window as a value, as an aggregation
//! does across series: all the series together, or one distribution per group.
//!
//! Decisions where the docs are silent: windows are aligned to multiples of `tw` since the epoch
//! (as `align()`'s buckets) and each distribution is dated at its window's start; a distribution
//! holds the points' values exactly (equal values as one centroid with their count), so its
//! percentiles follow `percentile()`'s rule; a group's series is labelled as an aggregation's is.
//! The input must be discrete.

use std::collections::BTreeMap;

use crest_series::Centroid;
use crest_wql::Call;

use super::aggregate::{groups_of, keeps_metric};
use super::args::{expr_at, grouping, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::value::{HistSeries, Meta, Points, Value};

/// A group's values, by window start.
type Windows = BTreeMap<i64, Vec<f64>>;

pub(crate) fn histo(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let tw = ctx.chart.window(
        call.args
            .first()
            .ok_or_else(|| super::args::missing(call, 0))?,
        name(call),
    )?;
    if tw <= 0 {
        return Err(QueryError::exec(format!(
            "{}(): the window must be at least a second",
            name(call)
        )));
    }
    let spec = grouping(call, 2)?;
    let series = eval_series(expr_at(call, 1)?, ctx, depth, name(call))?;
    let mut groups: BTreeMap<Meta, (Windows, Vec<String>)> = BTreeMap::new();
    for s in &series {
        let Points::Discrete(points) = &s.points else {
            return Err(QueryError::exec(format!(
                "{}() of a continuous series is not supported yet",
                name(call)
            )));
        };
        ctx.tick(points.len())?;
        for key in groups_of(&s.meta, spec.as_ref()) {
            let (windows, metrics) = groups.entry(key).or_default();
            metrics.push(s.meta.metric.clone());
            for (t, v) in points {
                let start = t.div_euclid(tw).saturating_mul(tw);
                windows.entry(start).or_default().push(*v);
            }
        }
    }
    let keep_metric = keeps_metric(spec.as_ref());
    let mut out = Vec::with_capacity(groups.len());
    for (mut meta, (windows, metrics)) in groups {
        ctx.check()?;
        if !keep_metric {
            meta.metric = match metrics.split_first() {
                Some((first, rest)) if rest.iter().all(|m| m == first) => first.clone(),
                _ => name(call).to_owned(),
            };
        }
        let dists = windows
            .into_iter()
            .map(|(start, values)| (start, centroids(values)))
            .collect();
        out.push(HistSeries { meta, dists });
    }
    Ok(Value::Histograms(out))
}

/// Values as centroids sorted by mean, equal values counted together.
fn centroids(mut values: Vec<f64>) -> Vec<Centroid> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<Centroid> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some(last) if last.mean == v && last.count < u32::MAX => last.count += 1,
            _ => out.push(Centroid { mean: v, count: 1 }),
        }
    }
    out
}
