//! The one suite every engine passes: the same cases run against the embedded engine, the
//! in-memory model and (later) VictoriaMetrics, as the store suite runs against SQLite and
//! PostgreSQL. Each case gets a fresh, empty engine from the caller and answers `Err` with what
//! differed; the caller's test asserts `Ok`.
//!
//! Compiled with the `suite` feature only, for the engines' tests.

use std::collections::BTreeMap;

use crate::{
    Batch, BucketSummary, Bucketed, Bucketing, Centroid, Distribution, Filter, Granularity,
    HistogramPoint, Pattern, ReadLimits, Sample, SeriesCatalog, SeriesError, SeriesKey,
    SeriesReader, SeriesWriter, Term, TimeRange,
};

/// What the suite needs of an engine.
pub trait Engine: SeriesWriter + SeriesReader + SeriesCatalog {}
impl<T: SeriesWriter + SeriesReader + SeriesCatalog> Engine for T {}

/// A moment every case writes near: 2027-01-15, far from any retention edge.
pub const T0: i64 = 1_800_000_000_000;

type Outcome = Result<(), String>;

fn check<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

fn failed(what: &str) -> impl Fn(SeriesError) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn s(timestamp: i64, value: f64) -> Sample {
    Sample { timestamp, value }
}

fn series(key: SeriesKey, samples: Vec<Sample>) -> (SeriesKey, Vec<Sample>) {
    (key, samples)
}

fn all() -> Filter {
    Filter::And(Vec::new())
}

fn everything() -> TimeRange {
    TimeRange::new(T0 - 86_400_000, T0 + 86_400_000)
}

/// Every case, by name.
pub fn cases() -> Vec<&'static str> {
    vec![
        "points_are_read_back_bit_for_bit_one_per_second",
        "filters_select_exactly_what_matches_says",
        "delta_counters_are_summed_and_ranges_are_half_open",
        "distributions_merge_per_bin_unless_told_to_replace",
        "the_catalog_lists_series_and_metrics",
        "reads_beyond_their_limits_are_refused",
        "series_that_stopped_reporting_are_left_out_when_asked",
        "summarised_reads_answer_plain_reads_summarised",
    ]
}

/// Runs the case `name` against `engine` (fresh and empty).
pub async fn run(name: &str, engine: &dyn Engine) -> Outcome {
    match name {
        "points_are_read_back_bit_for_bit_one_per_second" => points_read_back(engine).await,
        "filters_select_exactly_what_matches_says" => filters(engine).await,
        "delta_counters_are_summed_and_ranges_are_half_open" => deltas(engine).await,
        "distributions_merge_per_bin_unless_told_to_replace" => distributions(engine).await,
        "the_catalog_lists_series_and_metrics" => catalog(engine).await,
        "reads_beyond_their_limits_are_refused" => limits(engine).await,
        "series_that_stopped_reporting_are_left_out_when_asked" => reported_since(engine).await,
        "summarised_reads_answer_plain_reads_summarised" => summarised(engine).await,
        other => Err(format!("no case named {other}")),
    }
}

async fn points_read_back(engine: &dyn Engine) -> Outcome {
    let key = SeriesKey::new("cpu.user", "web-1").with_tag("dc", "eu");
    let odd = [
        0.1 + 0.2,
        -0.0,
        f64::MIN_POSITIVE,
        1e300,
        123_456.789_012_345,
    ];
    let mut samples: Vec<Sample> = odd
        .iter()
        .zip(0i64..)
        .map(|(v, i)| s(T0 + i * 10_000, *v))
        .collect();
    // Late and out of order, and two points within one second.
    samples.push(s(T0 - 3_600_000, 7.0));
    samples.push(s(T0 + 100_000, 1.0));
    samples.push(s(T0 + 100_500, 2.0));
    let report = engine
        .append(Batch::from_series(vec![series(key.clone(), samples)]))
        .await
        .map_err(failed("append"))?;
    check("points acknowledged", report.points, 8)?;
    check("new series", report.new_series, 1)?;
    let got = engine
        .select(&all(), everything(), ReadLimits::default())
        .await
        .map_err(failed("select"))?;
    let mut want: Vec<(i64, u64)> = vec![(T0 - 3_600_000, 7f64.to_bits())];
    want.extend(
        odd.iter()
            .zip(0i64..)
            .map(|(v, i)| (T0 + i * 10_000, v.to_bits())),
    );
    want.push((T0 + 100_000, 1.5f64.to_bits()));
    check("series", got.len(), 1)?;
    let bits: Vec<(i64, u64)> = got
        .iter()
        .flat_map(|d| d.samples.iter().map(|p| (p.timestamp, p.value.to_bits())))
        .collect();
    check("points, bit for bit", bits, want)?;
    check("key", got.first().map(|d| d.key.clone()), Some(key))
}

async fn filters(engine: &dyn Engine) -> Outcome {
    let keys = [
        SeriesKey::new("cpu.user", "web-1").with_tag("env", "prod"),
        SeriesKey::new("cpu.user", "web-2").with_tag("env", "dev"),
        SeriesKey::new("cpu.system", "web-1"),
        SeriesKey::new("mem.free", "db-1")
            .with_tag("env", "prod")
            .with_tag("tier", "db"),
    ];
    let batch = Batch::from_series(
        keys.iter()
            .map(|k| series(k.clone(), vec![s(T0, 1.0)]))
            .collect::<Vec<_>>(),
    );
    engine.append(batch).await.map_err(failed("append"))?;
    let tag = |k: &str, v: &str| {
        Filter::Term(Term::Tag {
            key: k.into(),
            value: Pattern::parse(v),
        })
    };
    let filters = [
        Filter::Term(Term::Metric(Pattern::parse("cpu.*"))),
        Filter::Term(Term::Metric(Pattern::parse("*.free"))),
        Filter::Term(Term::Source(Pattern::parse("web-1"))),
        tag("env", "prod"),
        tag("env", "*"),
        Filter::Term(Term::HasTag("tier".into())),
        Filter::Not(Box::new(tag("env", "prod"))),
        Filter::And(vec![
            Filter::metric("cpu.user"),
            Filter::Not(Box::new(tag("env", "dev"))),
        ]),
        Filter::Or(vec![
            Filter::metric("mem.free"),
            Filter::metric_on("cpu.system", "web-1"),
        ]),
        Filter::Or(Vec::new()),
        all(),
    ];
    for f in filters {
        let got: Vec<SeriesKey> = engine
            .select(&f, everything(), ReadLimits::default())
            .await
            .map_err(failed("select"))?
            .into_iter()
            .map(|d| d.key)
            .collect();
        let mut want: Vec<SeriesKey> = keys.iter().filter(|k| f.matches(k)).cloned().collect();
        want.sort();
        check(&format!("{f:?}"), got, want)?;
    }
    Ok(())
}

async fn deltas(engine: &dyn Engine) -> Outcome {
    let counter = SeriesKey::new("\u{2206}requests", "web-1");
    let gauge = SeriesKey::new("load", "web-1");
    let minute = T0 - T0 % 60_000;
    for value in [1.0, 2.5, 4.0] {
        let batch = Batch::from_series(vec![
            series(counter.clone(), vec![s(minute, value)]),
            series(gauge.clone(), vec![s(minute, value)]),
        ]);
        engine.append(batch).await.map_err(failed("append"))?;
    }
    let got = engine
        .select(
            &all(),
            TimeRange::new(minute, minute + 1),
            ReadLimits::default(),
        )
        .await
        .map_err(failed("select"))?;
    let values: BTreeMap<String, Vec<f64>> = got
        .into_iter()
        .map(|d| (d.key.metric, d.samples.iter().map(|p| p.value).collect()))
        .collect();
    check(
        "counter summed",
        values.get("\u{2206}requests"),
        Some(&vec![7.5]),
    )?;
    check("gauge averaged", values.get("load"), Some(&vec![2.5]))?;
    let after = engine
        .select(
            &all(),
            TimeRange::new(minute + 1, minute + 60_000),
            ReadLimits::default(),
        )
        .await
        .map_err(failed("select"))?;
    check(
        "the range's end is excluded, its start included",
        after.len(),
        0,
    )
}

fn dist(timestamp: i64, centroids: &[(f64, u32)]) -> Distribution {
    Distribution {
        timestamp,
        centroids: centroids
            .iter()
            .map(|(mean, count)| Centroid {
                mean: *mean,
                count: *count,
            })
            .collect(),
    }
}

async fn distributions(engine: &dyn Engine) -> Outcome {
    let key = SeriesKey::new("request.latency", "app-1");
    let bin = Granularity::Minute.floor(T0);
    let point = |d: Distribution, merge: bool| HistogramPoint {
        key: key.clone(),
        granularity: Granularity::Minute,
        distribution: d,
        merge,
    };
    let batches = [
        vec![point(dist(bin, &[(30.0, 20), (5.1, 10)]), true)],
        vec![point(dist(bin, &[(30.0, 1)]), true)],
        vec![
            point(dist(bin + 60_000, &[(1.0, 1)]), true),
            point(dist(bin + 60_000, &[(2.0, 2)]), false),
        ],
    ];
    for histograms in batches {
        engine
            .append(Batch::from_histograms(histograms))
            .await
            .map_err(failed("append"))?;
    }
    let got = engine
        .select_histograms(
            &all(),
            Granularity::Minute,
            everything(),
            ReadLimits::default(),
        )
        .await
        .map_err(failed("select_histograms"))?;
    let want = vec![
        dist(bin, &[(5.1, 10), (30.0, 21)]),
        dist(bin + 60_000, &[(2.0, 2)]),
    ];
    check("histogram series", got.len(), 1)?;
    check(
        "distributions",
        got.first().map(|h| h.distributions.clone()),
        Some(want),
    )?;
    let hours = engine
        .select_histograms(
            &all(),
            Granularity::Hour,
            everything(),
            ReadLimits::default(),
        )
        .await
        .map_err(failed("select_histograms"))?;
    check("no hourly distributions", hours.len(), 0)
}

async fn catalog(engine: &dyn Engine) -> Outcome {
    let a = SeriesKey::new("disk.used", "b-host").with_tag("mount", "/");
    let b = SeriesKey::new("disk.used", "a-host");
    let c = SeriesKey::new("disk.free", "a-host");
    let batch = Batch::from_series(vec![
        series(a.clone(), vec![s(T0, 1.0), s(T0 + 5_000, 1.0)]),
        series(b.clone(), vec![s(T0 - 5_000, 1.0)]),
        series(c, vec![s(T0, 1.0)]),
    ]);
    engine.append(batch).await.map_err(failed("append"))?;
    let listed: Vec<(SeriesKey, i64)> = engine
        .series(&Filter::metric("disk.used"), 10)
        .await
        .map_err(failed("series"))?
        .into_iter()
        .map(|i| (i.key, i.last_timestamp))
        .collect();
    check(
        "series with their newest point",
        listed,
        vec![(b, T0 - 5_000), (a, T0 + 5_000)],
    )?;
    let limited = engine.series(&all(), 1).await.map_err(failed("series"))?;
    check("at most the limit", limited.len(), 1)?;
    let metrics = engine
        .metrics("disk.", 10)
        .await
        .map_err(failed("metrics"))?;
    check(
        "metrics",
        metrics,
        vec!["disk.free".to_owned(), "disk.used".to_owned()],
    )?;
    let status = engine.status().await.map_err(failed("status"))?;
    check("status: series", status.series, 3)?;
    check("status: points", status.points, 4)?;
    check("status: oldest", status.oldest, Some(T0 - 5_000))?;
    check("status: newest", status.newest, Some(T0 + 5_000))
}

async fn limits(engine: &dyn Engine) -> Outcome {
    let batch = Batch::from_series(
        (0..3)
            .map(|i| {
                series(
                    SeriesKey::new("many", format!("h-{i}")),
                    (0..10).map(|t| s(T0 + t * 1000, 1.0)).collect(),
                )
            })
            .collect::<Vec<_>>(),
    );
    engine.append(batch).await.map_err(failed("append"))?;
    let too_many = engine
        .select(
            &all(),
            everything(),
            ReadLimits {
                max_series: 2,
                max_points: 1_000,
                ..ReadLimits::default()
            },
        )
        .await;
    if !matches!(
        too_many,
        Err(SeriesError::LimitExceeded {
            what: "series",
            limit: 2
        })
    ) {
        return Err(format!("more series than the limit: {too_many:?}"));
    }
    let too_much = engine
        .select(
            &all(),
            everything(),
            ReadLimits {
                max_series: 10,
                max_points: 15,
                ..ReadLimits::default()
            },
        )
        .await;
    if !matches!(
        too_much,
        Err(SeriesError::LimitExceeded {
            what: "points",
            limit: 15
        })
    ) {
        return Err(format!("more points than the limit: {too_much:?}"));
    }
    let enough = engine
        .select(
            &all(),
            everything(),
            ReadLimits {
                max_series: 3,
                max_points: 30,
                ..ReadLimits::default()
            },
        )
        .await
        .map_err(failed("select"))?;
    check("within the limits", enough.len(), 3)
}

const DAY: i64 = 86_400_000;

/// `stopped` reported 40 days ago only, `going` then and now (plain and histogram series alike):
/// over a window 40 days ago, both have points, but only `going` reported since 30 days ago.
async fn reported_since(engine: &dyn Engine) -> Outcome {
    let then = Granularity::Minute.floor(T0 - 40 * DAY);
    let now = Granularity::Minute.floor(T0);
    let stopped = SeriesKey::new("uptime", "old-host");
    let going = SeriesKey::new("uptime", "new-host");
    let hist = |key: &SeriesKey, timestamp: i64| HistogramPoint {
        key: key.clone(),
        granularity: Granularity::Minute,
        distribution: dist(timestamp, &[(1.0, 1)]),
        merge: true,
    };
    let mut batch = Batch::from_series(vec![
        series(stopped.clone(), vec![s(then, 1.0)]),
        series(going.clone(), vec![s(then, 2.0), s(now, 3.0)]),
    ]);
    batch.histograms = vec![hist(&stopped, then), hist(&going, then), hist(&going, now)];
    engine.append(batch).await.map_err(failed("append"))?;
    let window = TimeRange::new(then - 3_600_000, then + 3_600_000);
    let read = |since: Option<i64>| {
        let limits = ReadLimits {
            reported_since: since,
            ..ReadLimits::default()
        };
        async move {
            let plain: Vec<SeriesKey> = engine
                .select(&all(), window, limits)
                .await
                .map_err(failed("select"))?
                .into_iter()
                .map(|d| d.key)
                .collect();
            let hists: Vec<SeriesKey> = engine
                .select_histograms(&all(), Granularity::Minute, window, limits)
                .await
                .map_err(failed("select_histograms"))?
                .into_iter()
                .map(|d| d.key)
                .collect();
            Ok::<_, String>((plain, hists))
        }
    };
    let both = vec![going.clone(), stopped.clone()];
    check(
        "without reported_since",
        read(None).await?,
        (both.clone(), both.clone()),
    )?;
    check(
        "reported since 40 days ago, at their points",
        read(Some(then)).await?,
        (both.clone(), both),
    )?;
    let lately = vec![going.clone()];
    check(
        "reported since 30 days ago",
        read(Some(T0 - 30 * DAY)).await?,
        (lately.clone(), lately.clone()),
    )?;
    check(
        "reported since the newest point (included)",
        read(Some(now)).await?,
        (lately.clone(), lately),
    )?;
    check(
        "reported since after every point",
        read(Some(now + 1)).await?,
        (Vec::new(), Vec::new()),
    )
}

/// A small deterministic generator (xorshift): the random data of [`summarised`].
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> Option<T> {
        let i = usize::try_from(self.below(from.len() as u64)).ok()?;
        from.get(i).copied()
    }
}

/// A summarised read, by bits (values may be -0.0 or NaN), to compare two answers exactly.
/// One summarised series by bits: key, buckets, points, whether it reports, whether on buckets.
type SummarisedBits = (SeriesKey, Vec<(i64, u64)>, usize, bool, bool);

#[derive(Debug, PartialEq)]
enum Bits {
    Summarised(Vec<SummarisedBits>),
    Plain(Vec<(SeriesKey, Vec<(i64, u64)>)>),
}

fn bits(answer: &Bucketed) -> Bits {
    let samples = |v: &[Sample]| -> Vec<(i64, u64)> {
        v.iter().map(|s| (s.timestamp, s.value.to_bits())).collect()
    };
    match answer {
        Bucketed::Summarised(all) => Bits::Summarised(
            all.iter()
                .map(|d| {
                    let b = samples(&d.buckets);
                    (d.key.clone(), b, d.points, d.reports, d.on_buckets)
                })
                .collect(),
        ),
        Bucketed::Plain(all) => Bits::Plain(
            all.iter()
                .map(|d| (d.key.clone(), samples(&d.samples)))
                .collect(),
        ),
    }
}

/// Random series (late and out-of-order points, several in one second, off whole seconds, -0.0,
/// a delta counter, points on bucket starts) appended in several batches: every
/// summarised read answers exactly what the plain read answers, summarised by
/// [`Bucketing::apply`] (what the trait's default does), for every summary, several widths and
/// windows and thresholds; it refuses the same reads beyond the limits.
async fn summarised(engine: &dyn Engine) -> Outcome {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let keys: Vec<SeriesKey> = (0..12)
        .map(|i| match i {
            0 => SeriesKey::new("\u{2206}bkt.req", "h-0"),
            _ => SeriesKey::new("bkt.cpu", format!("h-{i}")).with_tag("dc", format!("{}", i % 3)),
        })
        .collect();
    // finite values an engine keeps as they are (one that refuses NaN and infinities, or
    // rounds, passes too; the embedded engine's tests add those)
    let values = [1.5, -0.0, 0.0, -2.25, 7.0, 0.125, 1e6, -3.0];
    for _ in 0..6 {
        let mut batch = Batch::default();
        for (i, key) in keys.iter().enumerate() {
            let n = rng.below(40);
            let samples: Vec<Sample> = (0..n)
                .map(|_| {
                    // within two hours of T0: on a 10 s grid, a 500 ms grid, or anywhere
                    let offset = match rng.below(3) {
                        0 => (i64::try_from(rng.below(720)).unwrap_or(0) - 360) * 10_000,
                        1 => (i64::try_from(rng.below(14_400)).unwrap_or(0) - 7_200) * 500,
                        _ => i64::try_from(rng.below(7_200_000)).unwrap_or(0) - 3_600_000,
                    };
                    let value = match rng.below(4) {
                        0 => rng.pick(&values).unwrap_or(0.0),
                        _ => f64::from(u32::try_from(rng.below(1000)).unwrap_or(0)) / 8.0,
                    };
                    s(T0 + offset, value)
                })
                .collect();
            // series 1 and 2 report on whole minutes only
            let samples = match i {
                1 | 2 => samples
                    .into_iter()
                    .map(|p| s(p.timestamp.div_euclid(60_000) * 60_000, p.value))
                    .collect(),
                _ => samples,
            };
            batch.push_series(key, samples);
        }
        engine.append(batch).await.map_err(failed("append"))?;
    }
    let summaries = [
        BucketSummary::Mean,
        BucketSummary::Median,
        BucketSummary::Min,
        BucketSummary::Max,
        BucketSummary::Sum,
        BucketSummary::Count,
        BucketSummary::First,
        BucketSummary::Last,
    ];
    let on_minutes = Filter::Or(vec![
        Filter::Term(Term::Source(Pattern::parse("h-1"))),
        Filter::Term(Term::Source(Pattern::parse("h-2"))),
    ]);
    let filters = [
        all(),
        Filter::Term(Term::Metric(Pattern::parse("bkt.*"))),
        on_minutes,
    ];
    let ranges = [
        everything(),
        TimeRange::new(T0 - 1_800_000, T0 + 1_234_567),
        TimeRange::new(T0 + 5_000_000, T0 + 6_000_000),
    ];
    let mut summarised_answers = 0;
    for (n, summary) in summaries.into_iter().enumerate() {
        for width_ms in [60_000, 7_000, 3_600_000] {
            for (f, filter) in filters.iter().enumerate() {
                for range in ranges {
                    let above = [0, 5, 11, 1].get((n + f) % 4).copied().unwrap_or(0);
                    let bucketing = Bucketing {
                        width_ms,
                        summary,
                        window: TimeRange::new(T0 - 600_000, T0 + 600_000),
                        summarise_above: above,
                    };
                    let limits = ReadLimits::default();
                    let got = engine
                        .select_bucketed(filter, range, limits, bucketing)
                        .await
                        .map_err(failed("select_bucketed"))?;
                    let plain = engine
                        .select(filter, range, limits)
                        .await
                        .map_err(failed("select"))?;
                    let want = bucketing.apply(plain);
                    check(
                        &format!(
                            "{summary:?} over {width_ms} ms, filter {f}, above {above}, {range:?}"
                        ),
                        bits(&got),
                        bits(&want),
                    )?;
                    if matches!(got, Bucketed::Summarised(_)) {
                        summarised_answers += 1;
                    }
                }
            }
        }
    }
    if summarised_answers == 0 {
        return Err("no read was answered summarised".into());
    }
    let bucketing = Bucketing {
        width_ms: 60_000,
        summary: BucketSummary::Mean,
        window: everything(),
        summarise_above: 0,
    };
    for (limits, what) in [
        (
            ReadLimits {
                max_series: 3,
                ..ReadLimits::default()
            },
            "series",
        ),
        (
            ReadLimits {
                max_points: 20,
                ..ReadLimits::default()
            },
            "points",
        ),
    ] {
        let got = engine
            .select_bucketed(&all(), everything(), limits, bucketing)
            .await;
        if !matches!(got, Err(SeriesError::LimitExceeded { what: w, .. }) if w == what) {
            return Err(format!("a summarised read over the {what} limit: {got:?}"));
        }
    }
    Ok(())
}
