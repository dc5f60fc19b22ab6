//! The model test: random appends (plain, delta and histogram series; in order, late, out of
//! order, equal timestamps, NaN and -0.0), cuts, maintenance, clean and unclean reopens and a
//! moving clock, checked after every step against a plain in-memory model.

use std::collections::BTreeMap;

use crest_series::{
    Batch, BucketSummary, Bucketed, Bucketing, Centroid, Distribution, Filter, Granularity,
    HistogramPoint, Pattern, ReadLimits, Sample, SeriesKey, Term, TimeRange, per_second,
};
use crest_tsdb::{Engine, Options};
use proptest::prelude::*;

use crate::support::{T0, copy_dir};

const HOUR: i64 = 3_600_000;
const RETENTION: i64 = 48 * HOUR;

fn plain_keys() -> Vec<SeriesKey> {
    vec![
        SeriesKey::new("cpu", "a").with_tag("env", "prod"),
        SeriesKey::new("cpu", "b").with_tag("env", "dev"),
        SeriesKey::new("cpu.user", "a"),
        SeriesKey::new("mem", "a"),
        SeriesKey::new("\u{2206}req", "a"),
        SeriesKey::new("\u{2206}req", "b").with_tag("env", "prod"),
    ]
}

fn hist_keys() -> Vec<SeriesKey> {
    vec![
        SeriesKey::new("lat", "a"),
        SeriesKey::new("lat", "b").with_tag("env", "prod"),
        SeriesKey::new("cpu", "a").with_tag("env", "prod"),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Append {
        series: Vec<(usize, Vec<(i64, f64)>)>,
        hists: Vec<(usize, Granularity, i64, Vec<(f64, u32)>, bool)>,
    },
    Cut,
    Maintain,
    CloseReopen,
    CrashReopen,
    CopyReopen,
    Advance(i64),
    /// A filter, the range's start (from now) and length, and the moment (from now) the series
    /// must have reported since, if any.
    Read(Filter, i64, i64, Option<i64>),
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(f64::NAN),
        Just(f64::from_bits(0x7ff8_0000_dead_0001)),
        (-100i32..100).prop_map(|i| f64::from(i) / 10.0),
        any::<u64>().prop_map(f64::from_bits),
    ]
}

/// Offsets from now: mostly recent on a coarse grid (equal timestamps), some late, some ahead.
fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => (-40i64..10).prop_map(|i| i * 500),
        2 => (-10i64..4).prop_map(|i| i * HOUR + 1234),
        1 => (-60i64..-40).prop_map(|i| i * HOUR),
        1 => (0i64..23).prop_map(|i| i * HOUR + 999),
    ]
}

fn pattern() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        prop::sample::select(vec![
            "cpu",
            "cpu.user",
            "mem",
            "\u{2206}req",
            "lat",
            "a",
            "b",
            "prod",
            "dev"
        ])
        .prop_map(Pattern::parse),
        prop::sample::select(vec!["cpu*", "*req", "*", "c*u*", "m*", "*.*", "d*", "x*"])
            .prop_map(Pattern::parse),
        prop::sample::select(vec!["cpu(\\..*)?", "(mem|lat)", "[a-c]", "pro?d", ".*e.*"])
            .prop_map(|r| Pattern::regex(r).expect("a valid regex")),
    ]
}

fn filter() -> impl Strategy<Value = Filter> {
    let term = prop_oneof![
        pattern().prop_map(|p| Filter::Term(Term::Metric(p))),
        pattern().prop_map(|p| Filter::Term(Term::Source(p))),
        pattern().prop_map(|value| Filter::Term(Term::Tag {
            key: "env".into(),
            value
        })),
        Just(Filter::Term(Term::HasTag("env".into()))),
    ];
    term.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Filter::And),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Filter::Or),
            inner.prop_map(|f| Filter::Not(Box::new(f))),
        ]
    })
}

fn op() -> impl Strategy<Value = Op> {
    let granularity = prop::sample::select(Granularity::ALL.to_vec());
    let append = (
        prop::collection::vec(
            (
                0..plain_keys().len(),
                prop::collection::vec((offset(), value()), 0..6),
            ),
            0..5,
        ),
        prop::collection::vec(
            (
                0..hist_keys().len(),
                granularity,
                offset(),
                prop::collection::vec(
                    (prop::sample::select(vec![1.0, 2.5, -0.0, 7.0]), 1u32..5),
                    0..3,
                ),
                any::<bool>(),
            ),
            0..3,
        ),
    )
        .prop_map(|(series, hists)| Op::Append { series, hists });
    prop_oneof![
        8 => append,
        2 => Just(Op::Cut),
        2 => Just(Op::Maintain),
        1 => Just(Op::CloseReopen),
        1 => Just(Op::CrashReopen),
        1 => Just(Op::CopyReopen),
        2 => prop::sample::select(vec![60_000, HOUR, 10 * HOUR, 30 * HOUR]).prop_map(Op::Advance),
        3 => (filter(), offset(), 0i64..30, prop::option::of(offset()))
            .prop_map(|(f, start, len, since)| Op::Read(f, start, len * HOUR, since)),
    ]
}

#[derive(Debug, Default)]
struct Model {
    plain: BTreeMap<SeriesKey, Vec<Sample>>,
    hists: BTreeMap<(Granularity, SeriesKey), Vec<(i64, bool, Vec<Centroid>)>>,
}

type Plain = Vec<(SeriesKey, Vec<(i64, u64)>)>;

impl Model {
    /// `since`: only the series whose newest point ever is at or after it.
    fn select(&self, filter: &Filter, range: TimeRange, now: i64, since: Option<i64>) -> Plain {
        let start = range.start.max(now - RETENTION);
        self.plain
            .iter()
            .filter(|(k, v)| filter.matches(k) && reported(v.iter().map(|s| s.timestamp), since))
            .filter_map(|(k, samples)| {
                let mut v: Vec<Sample> = samples
                    .iter()
                    .copied()
                    .filter(|s| start <= s.timestamp && s.timestamp < range.end)
                    .collect();
                if v.is_empty() {
                    return None;
                }
                v.sort_by_key(|s| s.timestamp);
                let out = per_second(v.clone(), k.is_delta());
                Some((
                    k.clone(),
                    out.iter()
                        .map(|s| (s.timestamp, s.value.to_bits()))
                        .collect(),
                ))
            })
            .collect()
    }

    fn series(&self, now: i64) -> Vec<(SeriesKey, i64)> {
        self.plain
            .iter()
            .filter_map(|(k, v)| v.iter().map(|s| s.timestamp).max().map(|m| (k.clone(), m)))
            .filter(|(_, m)| *m >= now - RETENTION)
            .collect()
    }

    fn histograms(
        &self,
        filter: &Filter,
        g: Granularity,
        range: TimeRange,
        now: i64,
        since: Option<i64>,
    ) -> Vec<(SeriesKey, Vec<Distribution>)> {
        let start = range.start.max(now - RETENTION);
        self.hists
            .iter()
            .filter(|((hg, k), v)| {
                *hg == g && filter.matches(k) && reported(v.iter().map(|(t, _, _)| *t), since)
            })
            .filter_map(|((_, k), entries)| {
                let mut bins: BTreeMap<i64, Distribution> = BTreeMap::new();
                for (t, merge, cs) in entries
                    .iter()
                    .filter(|(t, _, _)| start <= *t && *t < range.end)
                {
                    let incoming = Distribution {
                        timestamp: *t,
                        centroids: cs.clone(),
                    };
                    let d = bins.entry(*t).or_insert_with(|| Distribution {
                        timestamp: *t,
                        centroids: Vec::new(),
                    });
                    if *merge {
                        d.merge(&incoming);
                    } else {
                        *d = incoming;
                    }
                }
                (!bins.is_empty()).then(|| (k.clone(), bins.into_values().collect()))
            })
            .collect()
    }
}

fn options(dir: &std::path::Path) -> Options {
    let mut o = Options::new(dir);
    o.retention_ms = RETENTION;
    o.wal_segment_bytes = 2048;
    o.block_group_points = 7;
    o
}

/// Whether a series with points at `timestamps` reported at or after `since`.
fn reported(mut timestamps: impl Iterator<Item = i64>, since: Option<i64>) -> bool {
    since.is_none_or(|since| timestamps.any(|t| t >= since))
}

fn limits(since: Option<i64>) -> ReadLimits {
    ReadLimits {
        reported_since: since,
        ..ReadLimits::default()
    }
}

fn engine_plain(
    e: &Engine,
    filter: &Filter,
    range: TimeRange,
    now: i64,
    since: Option<i64>,
) -> Plain {
    crate::support::bits(&e.select(filter, range, limits(since), now).unwrap())
}

fn engine_hists(
    e: &Engine,
    filter: &Filter,
    g: Granularity,
    range: TimeRange,
    now: i64,
    since: Option<i64>,
) -> Vec<(SeriesKey, Vec<Distribution>)> {
    e.select_histograms(filter, g, range, limits(since), now)
        .unwrap()
        .into_iter()
        .map(|h| (h.key, h.distributions))
        .collect()
}

/// Distributions compared by bits (means may be -0.0).
fn hist_bits(
    h: &[(SeriesKey, Vec<Distribution>)],
) -> Vec<(SeriesKey, Vec<(i64, Vec<(u64, u32)>)>)> {
    h.iter()
        .map(|(k, ds)| {
            (
                k.clone(),
                ds.iter()
                    .map(|d| {
                        (
                            d.timestamp,
                            d.centroids
                                .iter()
                                .map(|c| (c.mean.to_bits(), c.count))
                                .collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

const SUMMARIES: [BucketSummary; 8] = [
    BucketSummary::Mean,
    BucketSummary::Median,
    BucketSummary::Min,
    BucketSummary::Max,
    BucketSummary::Sum,
    BucketSummary::Count,
    BucketSummary::First,
    BucketSummary::Last,
];

/// A summarised read's answer by bits: whether summarised, and each series' buckets (or points),
/// point count, reporting and on-bucket flags.
fn bucketed_bits(
    answer: &Bucketed,
) -> (bool, Vec<(SeriesKey, Vec<(i64, u64)>, usize, bool, bool)>) {
    let bits = |v: &[Sample]| v.iter().map(|s| (s.timestamp, s.value.to_bits())).collect();
    match answer {
        Bucketed::Summarised(all) => (
            true,
            all.iter()
                .map(|d| {
                    (
                        d.key.clone(),
                        bits(&d.buckets),
                        d.points,
                        d.reports,
                        d.on_buckets,
                    )
                })
                .collect(),
        ),
        Bucketed::Plain(all) => (
            false,
            all.iter()
                .map(|d| (d.key.clone(), bits(&d.samples), 0, false, false))
                .collect(),
        ),
    }
}

fn check(engine: &Engine, model: &Model, now: i64, step: usize) -> Result<(), TestCaseError> {
    let all = Filter::And(vec![]);
    prop_assert_eq!(
        engine_plain(engine, &all, TimeRange::all(), now, None),
        model.select(&all, TimeRange::all(), now, None),
        "step {}",
        step
    );
    let series: Vec<(SeriesKey, i64)> = engine
        .series(&all, 1000, now)
        .unwrap()
        .into_iter()
        .map(|i| (i.key, i.last_timestamp))
        .collect();
    prop_assert_eq!(series, model.series(now), "series at step {}", step);
    for g in Granularity::ALL {
        prop_assert_eq!(
            hist_bits(&engine_hists(engine, &all, g, TimeRange::all(), now, None)),
            hist_bits(&model.histograms(&all, g, TimeRange::all(), now, None)),
            "histograms {:?} at step {}",
            g,
            step
        );
    }
    Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut dir = tempfile::tempdir().unwrap();
    let mut now = T0;
    let mut engine = Some(Engine::open(options(dir.path()), now).unwrap());
    let mut model = Model::default();
    let plain = plain_keys();
    let hkeys = hist_keys();
    for (step, op) in ops.into_iter().enumerate() {
        let e = engine.take().unwrap();
        match op {
            Op::Append { series, hists } => {
                let mut batch = Batch::from_series(series.iter().map(|(k, pts)| {
                    (
                        &plain[*k],
                        pts.iter().map(|(o, v)| Sample {
                            timestamp: now + o,
                            value: *v,
                        }),
                    )
                }));
                batch.histograms = hists
                    .iter()
                    .map(|(k, g, o, cs, merge)| HistogramPoint {
                        key: hkeys[*k].clone(),
                        granularity: *g,
                        distribution: Distribution {
                            timestamp: g.floor(now + o),
                            centroids: cs
                                .iter()
                                .map(|(mean, count)| Centroid {
                                    mean: *mean,
                                    count: *count,
                                })
                                .collect(),
                        },
                        merge: *merge,
                    })
                    .collect();
                e.append(&batch, now).unwrap();
                for ss in batch.series().filter(|s| !s.samples.is_empty()) {
                    model
                        .plain
                        .entry(ss.key().unwrap())
                        .or_default()
                        .extend_from_slice(ss.samples);
                }
                for h in &batch.histograms {
                    model
                        .hists
                        .entry((h.granularity, h.key.clone()))
                        .or_default()
                        .push((
                            h.distribution.timestamp,
                            h.merge,
                            h.distribution.centroids.clone(),
                        ));
                }
                engine = Some(e);
            }
            Op::Cut => {
                e.cut(now).unwrap();
                engine = Some(e);
            }
            Op::Maintain => {
                e.maintain(now).unwrap();
                engine = Some(e);
            }
            Op::CloseReopen => {
                e.close(now).unwrap();
                engine = Some(Engine::open(options(dir.path()), now).unwrap());
            }
            Op::CrashReopen => {
                drop(e);
                engine = Some(Engine::open(options(dir.path()), now).unwrap());
            }
            Op::CopyReopen => {
                let copy = tempfile::tempdir().unwrap();
                copy_dir(dir.path(), copy.path());
                let reopened = Engine::open(options(copy.path()), now).unwrap();
                drop(e);
                dir = copy;
                engine = Some(reopened);
            }
            Op::Advance(d) => {
                now += d;
                engine = Some(e);
            }
            Op::Read(filter, start, len, since) => {
                let range = TimeRange::new(now + start, now + start + len);
                let since = since.map(|o| now + o);
                let expected = model.select(&filter, range, now, since);
                prop_assert_eq!(
                    engine_plain(&e, &filter, range, now, since),
                    expected.clone(),
                    "read at step {}",
                    step
                );
                // the read from memory, when it answers, answers the same
                let in_memory = e
                    .select_in_memory(&filter, range, &limits(since), now, u64::MAX, usize::MAX)
                    .map(|r| crate::support::bits(&r.unwrap()));
                if let Some(answer) = in_memory {
                    prop_assert_eq!(answer, expected, "read from memory at step {}", step);
                }
                // the summarised read answers the plain read summarised, whatever the mix of
                // blocks and heads (summaries, widths and thresholds vary with the step)
                let bucketing = Bucketing {
                    width_ms: [60_000, 7_000, HOUR][step % 3],
                    summary: SUMMARIES[step % SUMMARIES.len()],
                    window: TimeRange::new(now + start, now + start + len / 2),
                    summarise_above: step % 3,
                };
                let summarised = e
                    .select_bucketed(&filter, range, limits(since), &bucketing, now)
                    .unwrap();
                let plain = e.select(&filter, range, limits(since), now).unwrap();
                prop_assert_eq!(
                    bucketed_bits(&summarised),
                    bucketed_bits(&bucketing.apply(plain)),
                    "summarised read at step {}",
                    step
                );
                for g in Granularity::ALL {
                    prop_assert_eq!(
                        hist_bits(&engine_hists(&e, &filter, g, range, now, since)),
                        hist_bits(&model.histograms(&filter, g, range, now, since))
                    );
                }
                engine = Some(e);
            }
        }
        check(engine.as_ref().unwrap(), &model, now, step)?;
    }
    Ok(())
}

proptest! {
    // 48 cases unless PROPTEST_CASES asks for more (e.g. a longer soak before a release).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]
    #[test]
    fn the_engine_agrees_with_a_plain_model(ops in prop::collection::vec(op(), 1..30)) {
        run(ops)?;
    }
}
