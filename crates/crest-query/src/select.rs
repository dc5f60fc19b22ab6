//! The selectors' values: `ts()` as read (one point per second), `cs()` summed per minute with the
//! zero rule of wql.md §2.1, `hs()` as distributions per bin.

use std::collections::BTreeMap;

use crest_series::{DELTA_PREFIX, SeriesData};
use crest_wql::{Selector, SelectorKind};

use crate::error::QueryError;
use crate::fetch::{Fetched, Read};
use crate::plan::selector_key;
use crate::value::{HistSeries, Meta, Point, Points, Series, Value};

/// The selector's value from what was read for it.
pub(crate) fn select(selector: &Selector, fetched: &Fetched) -> Result<Value, QueryError> {
    let read = fetched
        .reads
        .get(&selector_key(selector))
        .ok_or_else(|| QueryError::exec("internal: a selector was not planned"))?;
    Ok(match read {
        Read::Points(all) => Value::Series(
            all.iter()
                .map(|(data, source_tags)| {
                    let points = match selector.kind {
                        SelectorKind::Cs => Points::discrete(per_minute(data)?),
                        _ => Points::Discrete(seconds(data)),
                    };
                    let metric = match selector.kind {
                        SelectorKind::Cs => data
                            .key
                            .metric
                            .strip_prefix(DELTA_PREFIX)
                            .unwrap_or(&data.key.metric)
                            .to_owned(),
                        _ => data.key.metric.clone(),
                    };
                    Ok(Series::new(
                        Meta {
                            metric,
                            source: Some(data.key.source.clone()),
                            tags: data.key.tags.clone(),
                            source_tags: source_tags.clone(),
                        },
                        points,
                    ))
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

/// The finite points, stamped in seconds.
fn seconds(data: &SeriesData) -> Vec<Point> {
    let mut out = Vec::with_capacity(data.samples.len());
    out.extend(
        data.samples
            .iter()
            .filter(|s| s.value.is_finite())
            .map(|s| (s.timestamp.div_euclid(1000), s.value)),
    );
    out
}

/// The most minutes one delta counter's zero-filled series may span (about ten years).
const MAX_MINUTES: i64 = 5_300_000;

/// A delta counter's per-minute sums, stamped at the minute. Minutes with nothing (or a zero sum)
/// are shown as 0 only between minutes with a non-zero sum: "a zero or absent minute doesn't show
/// up in the chart until a non-zero value appears".
fn per_minute(data: &SeriesData) -> Result<Vec<Point>, QueryError> {
    let mut sums: BTreeMap<i64, f64> = BTreeMap::new();
    for s in &data.samples {
        *sums
            .entry(s.timestamp.div_euclid(60_000).saturating_mul(60))
            .or_insert(0.0) += s.value;
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
    use crest_series::{Sample, SeriesKey};

    #[test]
    fn delta_minutes_are_summed_and_zero_filled_between_non_zero_ones() {
        let s = |t: i64, v: f64| Sample {
            timestamp: t * 1000,
            value: v,
        };
        let data = SeriesData {
            key: SeriesKey::new("\u{2206}x", "a"),
            samples: vec![s(0, 0.0), s(65, 2.0), s(100, 3.0), s(250, 4.0), s(300, 0.0)],
        };
        assert_eq!(
            per_minute(&data).unwrap(),
            vec![(60, 5.0), (120, 0.0), (180, 0.0), (240, 4.0)]
        );
    }
}
