//! The quirks of VictoriaMetrics 1.79.5 (§§1.8, 2 and 8 of the reference), each against a real
//! one: precision flagged or refused, silent drops refused before sending, names and labels that
//! need escaping, same-millisecond points, reads split where `-search.maxSamplesPerSeries` bites.

use crest_series::suite::T0;
use crest_series::{
    Batch, Filter, Pattern, ReadLimits, Sample, SeriesData, SeriesError, SeriesKey,
    SeriesReader as _, SeriesWriter as _, Term, TimeRange,
};
use crest_victoria::{Precision, VictoriaEngine};

use crate::support::{Vm, now_ms, suite_shift};

fn s(timestamp: i64, value: f64) -> Sample {
    Sample { timestamp, value }
}

fn around() -> TimeRange {
    TimeRange::new(T0 - 86_400_000, T0 + 86_400_000)
}

fn all() -> Filter {
    Filter::And(Vec::new())
}

async fn read(engine: &VictoriaEngine, filter: &Filter) -> Vec<SeriesData> {
    engine
        .select(filter, around(), ReadLimits::default())
        .await
        .unwrap()
}

fn bits(data: &[SeriesData]) -> Vec<(i64, u64)> {
    data.iter()
        .flat_map(|d| d.samples.iter().map(|p| (p.timestamp, p.value.to_bits())))
        .collect()
}

#[tokio::test]
async fn values_within_twelve_digits_read_back_bit_for_bit_one_per_second() {
    let vm = Vm::start().await;
    let engine = vm.engine();
    let key = SeriesKey::new("cpu.user", "web-1").with_tag("dc", "eu");
    let exact = [0.3, 0.0, 1.5e-5, 98_765.432_1, 123_456.789];
    let mut samples: Vec<Sample> = exact
        .iter()
        .zip(0i64..)
        .map(|(v, i)| s(T0 + i * 10_000, *v))
        .collect();
    samples.push(s(T0 - 3_600_000, 7.0));
    samples.push(s(T0 + 100_000, 1.0));
    samples.push(s(T0 + 100_500, 2.0));
    engine
        .append(Batch::from_series([(key.clone(), samples)]))
        .await
        .unwrap();
    let got = read(&engine, &all()).await;
    let mut want = vec![(T0 - 3_600_000, 7f64.to_bits())];
    want.extend(
        exact
            .iter()
            .zip(0i64..)
            .map(|(v, i)| (T0 + i * 10_000, v.to_bits())),
    );
    want.push((T0 + 100_000, 1.5f64.to_bits()));
    assert_eq!(bits(&got), want);
    assert_eq!(got[0].key, key);
    assert_eq!(engine.precision(), Default::default());
}

#[tokio::test]
async fn rounded_values_are_flagged_and_read_back_rounded() {
    let vm = Vm::start().await;
    let engine = vm.engine();
    let pi = SeriesKey::new("pi", "a");
    let mixed = SeriesKey::new("mixed", "a");
    engine
        .append(Batch::from_series([
            (pi.clone(), vec![s(T0, std::f64::consts::PI)]),
            (
                mixed.clone(),
                vec![
                    s(T0, 0.001),
                    s(T0 + 1000, 3.14159),
                    s(T0 + 2000, 42.5),
                    s(T0 + 3000, 1e18),
                ],
            ),
        ]))
        .await
        .unwrap();
    let flagged = engine.precision();
    assert_eq!((flagged.rounded, flagged.mixed_magnitudes), (1, 3));
    // The difference, stated: VictoriaMetrics keeps 12 digits, and one exponent per block (#9448).
    let got = read(&engine, &Filter::metric("pi")).await;
    assert_eq!(got[0].samples[0].value, 3.141592653589);
    let got = read(&engine, &Filter::metric("mixed")).await;
    let values: Vec<f64> = got[0].samples.iter().map(|p| p.value).collect();
    assert_eq!(values, vec![0.0, 3.0, 42.0, 1e18]);
}

#[tokio::test]
async fn rounded_values_can_be_refused_instead() {
    let vm = Vm::start().await;
    let engine = vm.engine_with(Precision::Refuse);
    let err = engine
        .append(Batch::from_series([
            (SeriesKey::new("fine", "a"), vec![s(T0, 1.25)]),
            (SeriesKey::new("pi", "a"), vec![s(T0, std::f64::consts::PI)]),
        ]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("rounded"), "{err}");
    assert!(err.to_string().contains("3.14159265358979"), "{err}");
    assert!(
        read(&engine, &all()).await.is_empty(),
        "nothing of the batch was sent"
    );
    engine
        .append(Batch::from_series([(
            SeriesKey::new("fine", "a"),
            vec![s(T0, 1.25)],
        )]))
        .await
        .unwrap();
    assert_eq!(read(&engine, &all()).await.len(), 1);
}

#[tokio::test]
async fn what_victoria_metrics_would_drop_silently_is_refused_whole() {
    let vm = Vm::start().await;
    let engine = vm.engine();
    let fine = (SeriesKey::new("fine", "a"), vec![s(T0, 1.0)]);
    // The stored time is the crest time minus the shift: this one lands three days after now.
    let future = now_ms() + 3 * 86_400_000 + suite_shift();
    let bad: Vec<(SeriesKey, Vec<Sample>, &str)> = vec![
        (SeriesKey::new("nan", "a"), vec![s(T0, f64::NAN)], "NaN"),
        (
            SeriesKey::new("inf", "a"),
            vec![s(T0, f64::NEG_INFINITY)],
            "inf",
        ),
        (
            SeriesKey::new("future", "a"),
            vec![s(future, 1.0)],
            "outside",
        ),
        (
            SeriesKey::new("seconds", "a"),
            vec![s(1_800_000_000, 1.0)],
            "outside",
        ),
        (
            SeriesKey::new("empty", "a").with_tag("k", ""),
            vec![s(T0, 1.0)],
            "empty value",
        ),
        (
            SeriesKey::new("long", "a").with_tag("k", "v".repeat(17_000)),
            vec![s(T0, 1.0)],
            "bytes",
        ),
    ];
    for (key, samples, says) in bad {
        let batch = Batch::from_series([fine.clone(), (key.clone(), samples)]);
        match engine.append(batch).await {
            Err(SeriesError::Refused { context }) => {
                assert!(context.contains(says), "{key:?}: {context}")
            }
            other => panic!("{key:?}: {other:?}"),
        }
    }
    let mut many = SeriesKey::new("wide", "a");
    for i in 0..29 {
        many = many.with_tag(format!("t{i}"), "v");
    }
    let err = engine
        .append(Batch::from_series([(many, vec![s(T0, 1.0)])]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("30"), "{err}");
    assert!(
        read(&engine, &all()).await.is_empty(),
        "no batch was sent in part"
    );
}

#[tokio::test]
async fn names_and_labels_that_need_escaping_are_selected_exactly() {
    let vm = Vm::start().await;
    let engine = vm.engine();
    let keys = vec![
        SeriesKey::new("cpu.load.avg", "web-01").with_tag("dc-region", "us-east-1"),
        SeriesKey::new("cpu.idle", "web-02").with_tag("env.name", "prod"),
        SeriesKey::new("path/with,comma", "").with_tag("tag with space", "a b"),
        SeriesKey::new("~sensor.temp", "x").with_tag("1st-key", "v\"q\\"),
        SeriesKey::new("\u{2206}requests", "web-01").with_tag("k/slash", "a*b"),
        SeriesKey::new("a+b(c)[d]{e}|f^g$h?", "s.*x").with_tag("t\"q", "`tick`"),
        SeriesKey::new("mem.used-bytes", "db\n1"),
        SeriesKey::new("\u{e9}t\u{e9}", "h")
            .with_tag("\u{43a}\u{43b}\u{44e}\u{447}", "\u{2206}")
            .with_tag("a=b,c", "x{y}")
            .with_tag("_under", "1")
            .with_tag("__double", "2"),
    ];
    let batch = Batch::from_series(
        keys.iter()
            .map(|k| (k.clone(), vec![s(T0, 1.0)]))
            .collect::<Vec<_>>(),
    );
    engine.append(batch).await.unwrap();
    let term = |t: Term| Filter::Term(t);
    let tag = |k: &str, v: &str| {
        term(Term::Tag {
            key: k.into(),
            value: Pattern::parse(v),
        })
    };
    let mut filters: Vec<Filter> = keys.iter().map(|k| Filter::metric(&k.metric)).collect();
    filters.extend(keys.iter().map(|k| Filter::metric_on(&k.metric, &k.source)));
    filters.extend(
        keys.iter()
            .flat_map(|k| k.tags.iter().map(|(t, v)| tag(t, v))),
    );
    filters.extend(
        keys.iter()
            .flat_map(|k| k.tags.keys().map(|t| term(Term::HasTag(t.clone())))),
    );
    filters.extend([
        term(Term::Metric(Pattern::parse("cpu.*"))),
        term(Term::Metric(Pattern::parse("*.load*"))),
        term(Term::Metric(Pattern::parse("*(c)[d]*"))),
        term(Term::Metric(Pattern::parse("\u{2206}*"))),
        term(Term::Source(Pattern::parse("s.*"))),
        term(Term::Source(Pattern::parse("*"))),
        term(Term::Source(Pattern::parse("web-0?"))),
        tag("k/slash", "a*"),
        tag("1st-key", "v\"*"),
        tag("t\"q", "`*`"),
        tag("\u{43a}\u{43b}\u{44e}\u{447}", "*"),
        tag("a=b,c", "x{*}"),
        term(Term::Metric(Pattern::parse("*\u{e9}"))),
        Filter::Not(Box::new(tag("dc-region", "us-*"))),
        Filter::Not(Box::new(term(Term::Source(Pattern::parse("web-*"))))),
        Filter::Not(Box::new(term(Term::HasTag("env.name".into())))),
        term(Term::Metric(Pattern::regex("cpu[.](load|idle).*").unwrap())),
        term(Term::Metric(Pattern::regex(r"cpu\.\w+").unwrap())),
    ]);
    for f in filters {
        let got: Vec<SeriesKey> = read(&engine, &f).await.into_iter().map(|d| d.key).collect();
        let mut want: Vec<SeriesKey> = keys.iter().filter(|k| f.matches(k)).cloned().collect();
        want.sort();
        assert_eq!(got, want, "{f:?}");
    }
}

#[tokio::test]
async fn points_sharing_a_millisecond_are_averaged_or_summed_like_the_embedded_engine() {
    let vm = Vm::start().await;
    let engine = vm.engine();
    let gauge = SeriesKey::new("load", "a");
    let counter = SeriesKey::new("\u{2206}hits", "a");
    let minute = T0 - T0 % 60_000;
    // Twice in one batch, then twice more in later batches.
    engine
        .append(Batch::from_series([
            (gauge.clone(), vec![s(minute, 1.0), s(minute, 2.0)]),
            (counter.clone(), vec![s(minute, 1.0), s(minute, 2.0)]),
        ]))
        .await
        .unwrap();
    for v in [3.0, 6.0] {
        engine
            .append(Batch::from_series([
                (gauge.clone(), vec![s(minute, v)]),
                (counter.clone(), vec![s(minute, v)]),
            ]))
            .await
            .unwrap();
    }
    let got = read(&engine, &all()).await;
    let values: Vec<(String, Vec<f64>)> = got
        .iter()
        .map(|d| {
            (
                d.key.metric.clone(),
                d.samples.iter().map(|p| p.value).collect(),
            )
        })
        .collect();
    assert_eq!(
        values,
        vec![
            ("load".to_owned(), vec![3.0]),
            ("\u{2206}hits".to_owned(), vec![12.0])
        ]
    );
}

#[tokio::test]
async fn a_batch_sent_again_through_a_new_adapter_is_a_harmless_replay() {
    let vm = Vm::start().await;
    let key = SeriesKey::new("\u{2206}hits", "a");
    let batch = Batch::from_series([(key, vec![s(T0, 1.0), s(T0, 2.0), s(T0 + 1, 4.0)])]);
    vm.engine().append(batch.clone()).await.unwrap();
    // A restart (or the log's replay through another instance) numbers the same points the same
    // way: VictoriaMetrics' deduplication collapses them.
    let again = vm.engine();
    again.append(batch).await.unwrap();
    let got = read(&again, &all()).await;
    assert_eq!(got[0].samples, vec![s(T0 - T0 % 1000, 7.0)]);
    // The difference, stated: a new point at a millisecond an earlier instance used is taken for
    // a replay too (the numbering is per instance until crest's log provides it).
    let third = vm.engine();
    third
        .append(Batch::from_series([(
            SeriesKey::new("\u{2206}hits", "a"),
            vec![s(T0, 5.0)],
        )]))
        .await
        .unwrap();
    let got = read(&third, &all()).await;
    assert_ne!(got[0].samples, vec![s(T0 - T0 % 1000, 12.0)]);
}

#[tokio::test]
async fn reads_are_split_where_max_samples_per_series_bites() {
    let vm = Vm::start_with(&["-search.maxSamplesPerSeries=100"]).await;
    let engine = vm.engine();
    let samples: Vec<Sample> = (0..250).map(|i| s(T0 + i * 1000, i as f64)).collect();
    engine
        .append(Batch::from_series([(
            SeriesKey::new("long", "a"),
            samples.clone(),
        )]))
        .await
        .unwrap();
    let got = read(&engine, &all()).await;
    assert_eq!(got[0].samples, samples);
}

#[tokio::test]
async fn the_catalog_counts_histograms_apart() {
    use crest_series::{Centroid, Distribution, Granularity, HistogramPoint, SeriesCatalog as _};
    let vm = Vm::start().await;
    let engine = vm.engine();
    let bin = Granularity::Hour.floor(T0);
    engine
        .append(Batch::from_histograms(vec![HistogramPoint {
            key: SeriesKey::new("lat", "a"),
            granularity: Granularity::Hour,
            distribution: Distribution {
                timestamp: bin,
                centroids: vec![Centroid {
                    mean: 2.5,
                    count: 3,
                }],
            },
            merge: true,
        }]))
        .await
        .unwrap();
    engine
        .append(Batch::from_series([(
            SeriesKey::new("lat", "a"),
            vec![s(T0, 1.0)],
        )]))
        .await
        .unwrap();
    let status = engine.status().await.unwrap();
    assert_eq!(
        (status.series, status.histogram_series, status.points),
        (1, 1, 1)
    );
    assert_eq!(
        engine.metrics("", 10).await.unwrap(),
        vec!["lat".to_owned()]
    );
    let hist = engine
        .select_histograms(&all(), Granularity::Hour, around(), ReadLimits::default())
        .await
        .unwrap();
    assert_eq!(
        hist[0].distributions[0].centroids,
        vec![Centroid {
            mean: 2.5,
            count: 3
        }]
    );
    assert_eq!(read(&engine, &all()).await.len(), 1);
}

#[tokio::test]
async fn deletes_remove_exactly_the_selected_series() {
    use crest_series::{Centroid, Distribution, Granularity, HistogramPoint};
    let vm = Vm::start().await;
    let engine = vm.engine();
    let base = SeriesKey::new("disk.used", "h-1").with_tag("mount", "/");
    let wider = base.clone().with_tag("tier", "db");
    let other = SeriesKey::new("disk.used", "h-2");
    engine
        .append(Batch::from_series([
            (base.clone(), vec![s(T0, 1.0), s(T0, 2.0)]),
            (wider.clone(), vec![s(T0, 3.0)]),
            (other.clone(), vec![s(T0, 4.0)]),
        ]))
        .await
        .unwrap();
    engine
        .append(Batch::from_histograms(vec![HistogramPoint {
            key: base.clone(),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp: Granularity::Minute.floor(T0),
                centroids: vec![Centroid {
                    mean: 1.0,
                    count: 1,
                }],
            },
            merge: true,
        }]))
        .await
        .unwrap();
    // "disk.used on h-1 without tier": the selector cannot say "without tier" for VictoriaMetrics'
    // listing, and the exact selector of `base` would reach `wider` too without `tier=""`.
    let filter = Filter::And(vec![
        Filter::metric_on("disk.used", "h-1"),
        Filter::Not(Box::new(Filter::Term(Term::HasTag("tier".into())))),
    ]);
    assert_eq!(engine.delete(&filter).await.unwrap(), 1);
    let left: Vec<SeriesKey> = read(&engine, &all())
        .await
        .into_iter()
        .map(|d| d.key)
        .collect();
    assert_eq!(left, vec![wider, other]);
    let hist = engine
        .select_histograms(&all(), Granularity::Minute, around(), ReadLimits::default())
        .await
        .unwrap();
    assert!(hist.is_empty(), "{hist:?}");
    assert_eq!(engine.delete(&Filter::Or(vec![])).await.unwrap(), 0);
}

#[tokio::test]
async fn points_written_now_are_read_at_once_without_a_shift() {
    let vm = Vm::start().await;
    let mut config = vm.config();
    config.time_shift_ms = 0;
    let engine = VictoriaEngine::new(config).unwrap();
    let now = now_ms();
    let samples = vec![s(now - 1_500, 1.0), s(now, 2.0)];
    engine
        .append(Batch::from_series([(
            SeriesKey::new("fresh", "a"),
            samples,
        )]))
        .await
        .unwrap();
    let got = engine
        .select(
            &all(),
            TimeRange::new(now - 60_000, now + 60_000),
            ReadLimits::default(),
        )
        .await
        .unwrap();
    let second = |t: i64| t - t.rem_euclid(1000);
    assert_eq!(
        got[0].samples,
        vec![s(second(now - 1_500), 1.0), s(second(now), 2.0)]
    );
}

#[tokio::test]
async fn the_catalog_finds_newest_points_near_and_far() {
    use crest_series::{Centroid, Distribution, Granularity, HistogramPoint, SeriesCatalog as _};
    let vm = Vm::start().await;
    let engine = vm.engine();
    let day = 86_400_000;
    let old = SeriesKey::new("disk", "a-old");
    let new = SeriesKey::new("disk", "b-new").with_tag("mount", "/");
    let wider = SeriesKey::new("disk", "b-new")
        .with_tag("mount", "/")
        .with_tag("tier", "db");
    engine
        .append(Batch::from_series([
            (
                old.clone(),
                vec![s(T0 - 40 * day, 1.0), s(T0 - 45 * day, 1.0)],
            ),
            (
                new.clone(),
                vec![s(T0 - 2 * day, 1.0), s(T0, 1.0), s(T0, 2.0)],
            ),
            (wider.clone(), vec![s(T0 - 3 * day, 1.0)]),
        ]))
        .await
        .unwrap();
    // A histogram of the same key, later than its plain points: not the plain series' newest.
    engine
        .append(Batch::from_histograms(vec![HistogramPoint {
            key: new.clone(),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp: Granularity::Minute.floor(T0 + 3_600_000),
                centroids: vec![Centroid {
                    mean: 1.0,
                    count: 1,
                }],
            },
            merge: true,
        }]))
        .await
        .unwrap();
    let listed: Vec<(SeriesKey, i64)> = engine
        .series(&all(), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.key, i.last_timestamp))
        .collect();
    assert_eq!(
        listed,
        vec![
            (old.clone(), T0 - 40 * day),
            (new.clone(), T0),
            (wider.clone(), T0 - 3 * day)
        ]
    );
    let not_wider = Filter::Not(Box::new(Filter::Term(Term::HasTag("tier".into()))));
    let listed: Vec<SeriesKey> = engine
        .series(&not_wider, 1)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.key)
        .collect();
    assert_eq!(listed, vec![old]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_at_one_millisecond_are_numbered_apart() {
    let vm = Vm::start().await;
    let engine = std::sync::Arc::new(vm.engine());
    let key = SeriesKey::new("\u{2206}hits", "a");
    let tasks: Vec<_> = (1..=8)
        .map(|v| {
            let engine = engine.clone();
            let key = key.clone();
            tokio::spawn(async move {
                engine
                    .append(Batch::from_series([(key, vec![s(T0, f64::from(v))])]))
                    .await
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let got = read(&engine, &all()).await;
    assert_eq!(got[0].samples, vec![s(T0, 36.0)]);
}

#[tokio::test]
async fn limits_count_what_the_filter_selects_not_what_a_wider_selector_brought() {
    let vm = Vm::start().await;
    let engine = vm.engine();
    let noise: Vec<Sample> = (0..50).map(|i| s(T0 + i * 1000, 1.0)).collect();
    engine
        .append(Batch::from_series([
            (SeriesKey::new("noise", "a"), noise),
            (
                SeriesKey::new("cpu1", "a"),
                vec![s(T0, 1.0), s(T0 + 1000, 2.0)],
            ),
        ]))
        .await
        .unwrap();
    // `\d` is not said to VictoriaMetrics (Go and Rust read it differently): every series comes.
    let filter = Filter::Term(Term::Metric(Pattern::regex(r"cpu\d").unwrap()));
    let limits = ReadLimits {
        max_series: 1,
        max_points: 10,
        ..ReadLimits::default()
    };
    let got = engine.select(&filter, around(), limits).await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].key.metric, "cpu1");
    let too_many = engine.select(&all(), around(), limits).await.unwrap_err();
    assert!(
        matches!(too_many, SeriesError::LimitExceeded { .. }),
        "{too_many:?}"
    );
}

#[tokio::test]
async fn connecting_reads_the_servers_flags_and_wants_deduplication() {
    let vm = Vm::start().await;
    let mut config = vm.config();
    config.retention_ms = 31 * 86_400_000;
    let old = now_ms() - 50 * 365 * 86_400_000 + suite_shift();
    let batch = Batch::from_series([(SeriesKey::new("old", "a"), vec![s(old, 1.0)])]);
    let configured = VictoriaEngine::new(config.clone()).unwrap();
    assert!(
        configured.append(batch.clone()).await.is_err(),
        "a month's retention"
    );
    // Connected, the retention is the server's -retentionPeriod=100y: a 50-year-old point is kept.
    let engine = VictoriaEngine::connect(config).await.unwrap();
    engine.append(batch).await.unwrap();
    let got = engine
        .select(
            &all(),
            TimeRange::new(old - 1, old + 1),
            ReadLimits::default(),
        )
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    let without = Vm::start_with(&["-dedup.minScrapeInterval=0s"]).await;
    let err = VictoriaEngine::connect(without.config()).await.unwrap_err();
    assert!(
        err.to_string().contains("dedup.minScrapeInterval=1ms"),
        "{err}"
    );
}

#[tokio::test]
async fn an_append_of_several_parts_numbers_a_millisecond_shared_across_them() {
    let vm = Vm::start().await;
    let engine = vm.engine();
    let key = SeriesKey::new("big", "h");
    // More points than one part of an append holds, then a second point at the last millisecond:
    // the two parts are numbered as one batch, so the second point is kept beside the first.
    let first: Vec<Sample> = (0..140_000i64)
        .map(|i| s(T0 + i, f64::from(u32::try_from(i % 1000).unwrap())))
        .collect();
    let last = first.last().unwrap().timestamp;
    let second = vec![s(last, 5.0)];
    let a = Batch::from_series([(key.clone(), first.clone())]);
    let b = Batch::from_series([(key.clone(), second.clone())]);
    let report = engine.write(&[&a, &b]).await.unwrap();
    assert_eq!(report.points, 140_001);
    let got = read(&engine, &all()).await;
    let mut all_points = first;
    all_points.extend(second);
    let want = crest_series::per_second(all_points, false);
    assert_eq!(got.len(), 1);
    assert_eq!(bits(&got), bits(&[SeriesData { key, samples: want }]));
}
