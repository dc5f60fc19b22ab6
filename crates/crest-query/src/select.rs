//! The selectors' values: `ts()` as read (one point per second), `cs()` summed per minute with the
//! zero rule of wql.md §2.1, `hs()` as distributions per bin.

use std::collections::BTreeMap;

use crest_series::DELTA_PREFIX;
use crest_wql::{Selector, SelectorKind};

use crate::error::QueryError;
use crate::fetch::{Fetched, Read, ReadSeries};
use crate::parallel;
use crate::plan::selector_key;
use crate::request::Summarization;
use crate::summary::bucketed;
use crate::value::{HistSeries, Meta, Point, Points, Series, Value};

/// The selector's value from what was read for it.
pub(crate) fn select(selector: &Selector, fetched: &Fetched) -> Result<Value, QueryError> {
    let read = fetched
        .reads
        .get(&selector_key(selector))
        .ok_or_else(|| QueryError::exec("internal: a selector was not planned"))?;
    Ok(match read {
        Read::Points(_) => return Err(QueryError::exec("internal: a read was not prepared")),
        Read::Seconds(all) => Value::Series(
            all.iter()
                .map(|read| {
                    let points = match selector.kind {
                        SelectorKind::Cs => Points::discrete(per_minute(&read.points)?),
                        _ => Points::Discrete(finite(&read.points)),
                    };
                    Ok(Series::new(meta(read, selector.kind), points))
                })
                .collect::<Result<_, QueryError>>()?,
        ),
        Read::Histograms(all) => Value::Histograms(
            all.iter()
                .map(|(h, source_tags)| HistSeries {
                    meta: Meta {
                        metric: format!("{}.{}", h.key.metric, h.granularity.suffix()),
                        source: Some(h.key.source.clone()),
                        tags: h.key.tags.clone(),
                        source_tags: source_tags.clone(),
                    },
                    dists: h
                        .distributions
                        .iter()
                        .map(|d| (d.timestamp.div_euclid(1000), d.centroids.clone()))
                        .collect(),
                })
                .collect(),
        ),
    })
}

/// A read series' identity as a selector of `kind` answers it.
fn meta(read: &ReadSeries, kind: SelectorKind) -> Meta {
    let metric = match kind {
        SelectorKind::Cs => read
            .key
            .metric
            .strip_prefix(DELTA_PREFIX)
            .unwrap_or(&read.key.metric)
            .to_owned(),
        _ => read.key.metric.clone(),
    };
    Meta {
        metric,
        source: Some(read.key.source.clone()),
        tags: read.key.tags.clone(),
        source_tags: read.source_tags.clone(),
    }
}

/// The series of a `ts()` selector, each summarised by `how` into epoch-aligned buckets of `width`
/// seconds (its non-finite values left out), when more than `above` of them hold a point in
/// `[start, end)`; `None` (nothing done) otherwise, or for another kind of selector. Straight from
/// what was read, on several threads when it is large: an aggregation's pre-alignment.
pub(crate) fn aligned(
    selector: &Selector,
    fetched: &Fetched,
    (start, end): (i64, i64),
    width: i64,
    how: Summarization,
    above: usize,
) -> Result<Option<Vec<Series>>, QueryError> {
    if selector.kind != SelectorKind::Ts {
        return Ok(None);
    }
    let Some(Read::Seconds(all)) = fetched.reads.get(&selector_key(selector)) else {
        return Err(QueryError::exec("internal: a selector was not planned"));
    };
    let reporting = all
        .iter()
        .filter(|read| {
            let first = read.points.partition_point(|(t, _)| *t < start);
            read.points.get(first).is_some_and(|(t, _)| *t < end)
        })
        .count();
    // already one point per bucket at its start: nothing to align
    let on_buckets = all
        .iter()
        .all(|read| read.points.iter().all(|(t, _)| t.rem_euclid(width) == 0));
    if reporting <= above || on_buckets {
        return Ok(None);
    }
    let points = all.iter().map(|r| r.points.len()).sum();
    let reads: Vec<&ReadSeries> = all.iter().collect();
    Ok(Some(parallel::map(
        reads,
        parallel::threads_for(points),
        |read| {
            let buckets = if read.points.iter().all(|(_, v)| v.is_finite()) {
                bucketed(&read.points, width, how)
            } else {
                bucketed(&finite(&read.points), width, how)
            };
            Series::new(meta(read, selector.kind), Points::discrete(buckets))
        },
    )))
}

/// The finite points (a copy of the memory when all are, as they nearly always are).
fn finite(points: &[Point]) -> Vec<Point> {
    if points.iter().all(|(_, v)| v.is_finite()) {
        points.to_vec()
    } else {
        points
            .iter()
            .copied()
            .filter(|(_, v)| v.is_finite())
            .collect()
    }
}

/// The most minutes one delta counter's zero-filled series may span (about ten years).
const MAX_MINUTES: i64 = 5_300_000;

/// A delta counter's per-minute sums, stamped at the minute. Minutes with nothing (or a zero sum)
/// are shown as 0 only between minutes with a non-zero sum: "a zero or absent minute doesn't show
/// up in the chart until a non-zero value appears".
fn per_minute(points: &[Point]) -> Result<Vec<Point>, QueryError> {
    let mut sums: BTreeMap<i64, f64> = BTreeMap::new();
    for (t, v) in points {
        *sums
            .entry(t.div_euclid(60).saturating_mul(60))
            .or_insert(0.0) += v;
    }
    let nonzero: Vec<i64> = sums
        .iter()
        .filter(|(_, v)| **v != 0.0)
        .map(|(t, _)| *t)
        .collect();
    let (Some(&first), Some(&last)) = (nonzero.first(), nonzero.last()) else {
        return Ok(Vec::new());
    };
    if (last - first) / 60 > MAX_MINUTES {
        return Err(QueryError::Limit(format!(
            "a delta counter spans more than {MAX_MINUTES} minutes"
        )));
    }
    let mut out = Vec::new();
    let mut t = first;
    while t <= last {
        out.push((t, sums.get(&t).copied().unwrap_or(0.0)));
        t = t.saturating_add(60);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_minutes_are_summed_and_zero_filled_between_non_zero_ones() {
        let points = [(0, 0.0), (65, 2.0), (100, 3.0), (250, 4.0), (300, 0.0)];
        assert_eq!(
            per_minute(&points).unwrap(),
            vec![(60, 5.0), (120, 0.0), (180, 0.0), (240, 4.0)]
        );
    }

    #[test]
    fn non_finite_values_are_left_out() {
        assert_eq!(finite(&[(1, 1.0), (2, 2.0)]), vec![(1, 1.0), (2, 2.0)]);
        assert_eq!(
            finite(&[(1, f64::NAN), (2, 2.0), (3, f64::INFINITY)]),
            vec![(2, 2.0)]
        );
    }
}
