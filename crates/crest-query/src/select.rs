//! The selectors' values: `ts()` as read (one point per second), `cs()` summed per minute with the
//! zero rule of wql.md §2.1, `hs()` as distributions per bin.

use std::collections::BTreeMap;

use crest_series::{DELTA_PREFIX, Sample, SeriesData, SeriesKey};
use crest_wql::{Selector, SelectorKind};

use crate::error::QueryError;
use crate::fetch::{Fetched, Read};
use crate::parallel;
use crate::plan::selector_key;
use crate::request::Summarization;
use crate::summary::bucketed_by;
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
                        _ => Points::Discrete(seconds(&data.samples)),
                    };
                    Ok(Series::new(
                        meta(&data.key, source_tags, selector.kind),
                        points,
                    ))
                })
                .collect::<Result<_, QueryError>>()?,
        ),
        Read::Bucketed(_) => {
            return Err(QueryError::exec(
                "internal: a selector read summarised is taken as it was read",
            ));
        }
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
fn meta(key: &SeriesKey, source_tags: &[String], kind: SelectorKind) -> Meta {
    let metric = match kind {
        SelectorKind::Cs => key
            .metric
            .strip_prefix(DELTA_PREFIX)
            .unwrap_or(&key.metric)
            .to_owned(),
        _ => key.metric.clone(),
    };
    Meta {
        metric,
        source: Some(key.source.clone()),
        tags: key.tags.clone(),
        source_tags: source_tags.to_vec(),
    }
}

/// The series of a `ts()` selector, each summarised by `how` into epoch-aligned buckets of `width`
/// seconds (its non-finite values left out), when more than `above` of them hold a point in
/// `[start, end)`; `None` (nothing done) otherwise, or for another kind of selector. Straight from
/// what was read (no copy of the raw points), on several threads when it is large, or as the
/// engine summarised it (`fetch.rs` reads it so under the same rule): an aggregation's
/// pre-alignment.
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
    let all = match fetched.reads.get(&selector_key(selector)) {
        Some(Read::Points(all)) => all,
        Some(Read::Bucketed(all)) => {
            return Ok(Some(
                all.iter()
                    .map(|(data, source_tags)| {
                        let buckets = data
                            .buckets
                            .iter()
                            .map(|s| (s.timestamp.div_euclid(1000), s.value))
                            .collect();
                        Series::new(
                            meta(&data.key, source_tags, selector.kind),
                            Points::discrete(buckets),
                        )
                    })
                    .collect(),
            ));
        }
        _ => return Err(QueryError::exec("internal: a selector was not planned")),
    };
    let (start_ms, end_ms) = (start.saturating_mul(1000), end.saturating_mul(1000));
    let reporting = all
        .iter()
        .filter(|(data, _)| {
            let first = data.samples.partition_point(|s| s.timestamp < start_ms);
            data.samples
                .get(first)
                .is_some_and(|s| s.timestamp < end_ms)
        })
        .count();
    let width_ms = width.saturating_mul(1000);
    // already one point per bucket at its start: nothing to align
    let on_buckets = all.iter().all(|(data, _)| {
        data.samples
            .iter()
            .all(|s| s.timestamp.rem_euclid(width_ms) == 0)
    });
    if reporting <= above || on_buckets {
        return Ok(None);
    }
    let points = all.iter().map(|(d, _)| d.samples.len()).sum();
    let reads: Vec<&(SeriesData, Vec<String>)> = all.iter().collect();
    Ok(Some(parallel::map(
        reads,
        parallel::threads_for(points),
        |(data, source_tags)| {
            let mut buckets = bucketed_by(
                &data.samples,
                |s| s.timestamp,
                |s| s.value,
                width_ms,
                how,
                true,
            );
            for (t, _) in &mut buckets {
                *t = t.div_euclid(1000);
            }
            Series::new(
                meta(&data.key, source_tags, selector.kind),
                Points::discrete(buckets),
            )
        },
    )))
}

/// The finite points, stamped in seconds.
fn seconds(samples: &[Sample]) -> Vec<Point> {
    let mut out = Vec::with_capacity(samples.len());
    out.extend(
        samples
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
    use crest_series::{BucketSummary, Bucketed, Bucketing, TimeRange};
    use proptest::prelude::*;

    const HOWS: [(Summarization, BucketSummary); 8] = [
        (Summarization::Mean, BucketSummary::Mean),
        (Summarization::Median, BucketSummary::Median),
        (Summarization::Min, BucketSummary::Min),
        (Summarization::Max, BucketSummary::Max),
        (Summarization::Sum, BucketSummary::Sum),
        (Summarization::Count, BucketSummary::Count),
        (Summarization::Last, BucketSummary::Last),
        (Summarization::First, BucketSummary::First),
    ];

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(-0.0),
            Just(0.0),
            Just(f64::NAN),
            Just(f64::INFINITY),
            (-1000i32..1000).prop_map(|i| f64::from(i) / 8.0),
            any::<u64>().prop_map(f64::from_bits),
        ]
    }

    /// Series as a plain read answers them (one point per second, in time order), over about
    /// an hour; some on whole minutes only.
    fn series() -> impl Strategy<Value = Vec<SeriesData>> {
        let one = (
            prop::collection::btree_map(-600i64..3600, value(), 0..30),
            prop::bool::weighted(0.1),
        );
        prop::collection::vec(one, 95..110).prop_map(|all| {
            all.into_iter()
                .enumerate()
                .filter_map(|(i, (points, on_minutes))| {
                    let mut samples: Vec<Sample> = points
                        .into_iter()
                        .map(|(t, value)| Sample {
                            timestamp: if on_minutes {
                                t.div_euclid(60) * 60_000
                            } else {
                                t * 1000
                            },
                            value,
                        })
                        .collect();
                    samples.dedup_by_key(|s| s.timestamp);
                    (!samples.is_empty()).then(|| SeriesData {
                        key: SeriesKey::new("m", format!("h-{i}")),
                        samples,
                    })
                })
                .collect()
        })
    }

    fn prealigned(read: Read, how: Summarization, width: i64) -> Option<String> {
        let Ok(crest_wql::Expr::Selector(selector)) = crest_wql::parse("ts(m)") else {
            panic!("ts(m) parses to a selector")
        };
        let mut fetched = Fetched::default();
        fetched.reads.insert(selector_key(&selector), read);
        let got = aligned(&selector, &fetched, (0, 3000), width, how, 100).unwrap();
        got.map(|s| format!("{s:?}"))
    }

    proptest! {
        /// The engine's summarised read (through `Bucketing::apply`, the trait's default, which
        /// every engine's read is checked against) pre-aligns exactly as the raw points do, and
        /// under the same rule.
        #[test]
        fn a_summarised_read_prealigns_as_the_raw_points_do(
            data in series(),
            how in 0..HOWS.len(),
            width in prop::sample::select(vec![2i64, 7, 60, 3600]),
        ) {
            let (summarization, summary) = HOWS[how];
            let raw = prealigned(
                Read::Points(data.iter().map(|d| (d.clone(), Vec::new())).collect()),
                summarization,
                width,
            );
            let bucketing = Bucketing {
                width_ms: width * 1000,
                summary,
                window: TimeRange::new(0, 3_000_000),
                summarise_above: 100,
            };
            match bucketing.apply(data) {
                Bucketed::Summarised(all) => {
                    let read = Read::Bucketed(all.into_iter().map(|d| (d, Vec::new())).collect());
                    prop_assert!(raw.is_some(), "summarised where the raw points are not");
                    prop_assert_eq!(prealigned(read, summarization, width), raw);
                }
                Bucketed::Plain(_) => prop_assert!(raw.is_none(), "plain where the raw points pre-align"),
            }
        }
    }

    fn s(t: i64, v: f64) -> Sample {
        Sample {
            timestamp: t * 1000,
            value: v,
        }
    }

    #[test]
    fn delta_minutes_are_summed_and_zero_filled_between_non_zero_ones() {
        let data = SeriesData {
            key: SeriesKey::new("\u{2206}x", "a"),
            samples: vec![s(0, 0.0), s(65, 2.0), s(100, 3.0), s(250, 4.0), s(300, 0.0)],
        };
        assert_eq!(
            per_minute(&data).unwrap(),
            vec![(60, 5.0), (120, 0.0), (180, 0.0), (240, 4.0)]
        );
    }

    #[test]
    fn non_finite_values_are_left_out() {
        assert_eq!(
            seconds(&[s(1, f64::NAN), s(2, 2.0), s(3, f64::INFINITY)]),
            vec![(2, 2.0)]
        );
    }
}
