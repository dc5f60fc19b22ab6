//! The engine's behaviour through its public API: backfill, retention, locking, limits,
//! histograms, blocks and compaction, concurrent appends.

use std::sync::Arc;

use crest_series::{
    Centroid, Distribution, Filter, Granularity, HistogramPoint, Pattern, ReadLimits, Term,
    TimeRange,
};
use crest_tsdb::{Engine, TsdbError};

use crate::support::*;

const HOUR: i64 = 3_600_000;

#[test]
fn backfilled_and_future_points_are_stored_and_readable_across_a_cut_and_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    let old = T0 - 8000 * HOUR;
    let ahead = T0 + 23 * HOUR;
    engine
        .append(
            &batch(vec![(
                key("cpu", "a"),
                vec![s(ahead, 2.0), s(old, 1.0), s(T0, 3.0)],
            )]),
            T0,
        )
        .unwrap();
    let want = vec![(
        key("cpu", "a"),
        vec![
            (old, 1f64.to_bits()),
            (T0, 3f64.to_bits()),
            (ahead, 2f64.to_bits()),
        ],
    )];
    assert_eq!(bits(&everything(&engine, T0)), want);
    let cut = engine.cut(T0).unwrap();
    assert_eq!(
        (cut.blocks, cut.points),
        (3, 3),
        "one block per window touched"
    );
    assert_eq!(bits(&everything(&engine, T0)), want);
    engine.close(T0).unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    assert_eq!(bits(&everything(&engine, T0)), want);
    assert_eq!(
        engine.status().unwrap().head_points,
        0,
        "close left nothing to replay"
    );
}

#[test]
fn retention_hides_old_points_at_once_and_maintain_deletes_their_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(dir.path());
    o.retention_ms = 48 * HOUR;
    let engine = Engine::open(o, T0).unwrap();
    engine
        .append(&batch(vec![(key("m", "a"), vec![s(T0, 1.0)])]), T0)
        .unwrap();
    engine
        .append(
            &batch(vec![(key("m", "a"), vec![s(T0 + 30 * HOUR, 2.0)])]),
            T0,
        )
        .unwrap();
    engine.cut(T0).unwrap();
    assert_eq!(engine.status().unwrap().blocks, 2);
    let later = T0 + 49 * HOUR;
    assert_eq!(
        bits(&everything(&engine, later)),
        vec![(key("m", "a"), vec![(T0 + 30 * HOUR, 2f64.to_bits())])]
    );
    let report = engine.maintain(later).unwrap();
    assert_eq!(report.expired_blocks, 1);
    assert_eq!(engine.status().unwrap().blocks, 1);
    assert_eq!(
        engine
            .series(&Filter::And(vec![]), 10, later)
            .unwrap()
            .len(),
        1
    );
    let much_later = T0 + 100 * HOUR;
    assert!(everything(&engine, much_later).is_empty());
    assert!(
        engine
            .series(&Filter::And(vec![]), 10, much_later)
            .unwrap()
            .is_empty()
    );
    engine.maintain(much_later).unwrap();
    assert_eq!(engine.status().unwrap().blocks, 0);
    drop(engine);
    let mut o = options(dir.path());
    o.retention_ms = 48 * HOUR;
    let engine = Engine::open(o, much_later).unwrap();
    assert!(everything(&engine, much_later).is_empty());
}

#[test]
fn a_batch_with_a_key_that_is_not_canonical_is_refused_whole_and_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    engine
        .append(&batch(vec![(key("old", "a"), vec![s(T0, 1.0)])]), T0)
        .unwrap();
    // A new series, a known one and a key whose metric holds a NUL: nothing of it is kept.
    let mut bad = batch(vec![
        (key("new", "a"), vec![s(T0, 2.0)]),
        (key("old", "a"), vec![s(T0 + 1000, 3.0)]),
    ]);
    bad.push_series(&key("nul\0inside", "a"), [s(T0, 4.0)]);
    assert!(matches!(
        engine.append(&bad, T0),
        Err(TsdbError::InvalidKey)
    ));
    for bytes in [&b"m\0a"[..], b"m\0a\0k\0v\0k\0v\0", b"m\0a\0z\0v\0k\0v\0"] {
        let mut not_canonical = crest_series::Batch::default();
        not_canonical.push_canonical(bytes, [s(T0, 5.0)]);
        assert!(matches!(
            engine.append(&not_canonical, T0),
            Err(TsdbError::InvalidKey)
        ));
    }
    // The series the refused batch introduced got no id: the next new one takes it.
    let report = engine
        .append(&batch(vec![(key("later", "b"), vec![s(T0, 6.0)])]), T0)
        .unwrap();
    assert_eq!((report.points, report.new_series), (1, 1));
    let want = vec![
        (key("later", "b"), vec![(T0, 6f64.to_bits())]),
        (key("old", "a"), vec![(T0, 1f64.to_bits())]),
    ];
    assert_eq!(bits(&everything(&engine, T0)), want);
    drop(engine);
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    assert_eq!(bits(&everything(&engine, T0)), want);
    assert_eq!(engine.status().unwrap().series, 2);
}

#[test]
fn a_second_engine_on_one_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Engine::open(options(dir.path()), T0).unwrap();
    match Engine::open(options(dir.path()), T0) {
        Err(TsdbError::Locked { dir: d }) => assert_eq!(d, dir.path()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn read_limits_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    let series = (0..5)
        .map(|i| {
            (
                key("m", &format!("s{i}")),
                (0..10).map(|j| s(T0 + j * 1000, 1.0)).collect(),
            )
        })
        .collect();
    engine.append(&batch(series), T0).unwrap();
    let all = Filter::And(vec![]);
    let limits = ReadLimits {
        max_series: 4,
        max_points: 1000,
        ..ReadLimits::default()
    };
    assert!(matches!(
        engine.select(&all, TimeRange::all(), limits, T0),
        Err(TsdbError::LimitExceeded {
            what: "series",
            limit: 4
        })
    ));
    engine.cut(T0).unwrap();
    let limits = ReadLimits {
        max_series: 10,
        max_points: 49,
        ..ReadLimits::default()
    };
    assert!(matches!(
        engine.select(&all, TimeRange::all(), limits, T0),
        Err(TsdbError::LimitExceeded {
            what: "points",
            limit: 49
        })
    ));
    let limits = ReadLimits {
        max_series: 5,
        max_points: 50,
        ..ReadLimits::default()
    };
    assert_eq!(
        engine
            .select(&all, TimeRange::all(), limits, T0)
            .unwrap()
            .len(),
        5
    );
}

fn hist(source: &str, g: Granularity, t: i64, means: &[(f64, u32)], merge: bool) -> HistogramPoint {
    HistogramPoint {
        key: key("lat", source),
        granularity: g,
        distribution: Distribution {
            timestamp: g.floor(t),
            centroids: means
                .iter()
                .map(|(mean, count)| Centroid {
                    mean: *mean,
                    count: *count,
                })
                .collect(),
        },
        merge,
    }
}

#[test]
fn histogram_bins_merge_in_arrival_order_and_a_replacement_resets_them_across_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    let m = Granularity::Minute;
    let mut b = batch(vec![(key("lat", "a"), vec![s(T0, 9.0)])]);
    b.histograms = vec![
        hist("a", m, T0, &[(1.0, 1)], true),
        hist("a", m, T0 + 60_000, &[(5.0, 1)], true),
    ];
    engine.append(&b, T0).unwrap();
    engine.cut(T0).unwrap();
    let mut b = batch(vec![]);
    b.histograms = vec![
        hist("a", m, T0, &[(2.0, 3), (1.0, 1)], true),
        hist("a", Granularity::Hour, T0, &[(7.0, 1)], true),
    ];
    engine.append(&b, T0).unwrap();
    engine.cut(T0).unwrap();
    let mut b = batch(vec![]);
    b.histograms = vec![
        hist("a", m, T0 + 60_000, &[(6.0, 2)], false),
        hist("a", m, T0 + 60_000, &[(6.0, 1)], true),
    ];
    engine.append(&b, T0).unwrap();
    let read = |engine: &Engine| {
        engine
            .select_histograms(
                &Filter::metric("lat"),
                m,
                TimeRange::all(),
                ReadLimits::default(),
                T0,
            )
            .unwrap()
    };
    let got = read(&engine);
    assert_eq!(got.len(), 1);
    let d = &got[0].distributions;
    assert_eq!(d.len(), 2);
    assert_eq!(
        d[0].centroids,
        vec![
            Centroid {
                mean: 1.0,
                count: 2
            },
            Centroid {
                mean: 2.0,
                count: 3
            }
        ]
    );
    assert_eq!(
        d[1].centroids,
        vec![Centroid {
            mean: 6.0,
            count: 3
        }]
    );
    // plain and histogram series of one key are separate namespaces
    assert_eq!(everything(&engine, T0).len(), 1);
    let status = engine.status().unwrap();
    assert_eq!((status.series, status.histogram_series), (1, 2));
    engine.maintain(T0).unwrap();
    drop(engine);
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    assert_eq!(read(&engine), got);
}

#[test]
fn same_window_blocks_are_compacted_without_changing_answers() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    for round in 0..3 {
        let series = (0..20)
            .map(|i| {
                (
                    key("cpu", &format!("h{i}")),
                    (0..10)
                        .map(|j| s(T0 + round * 100_000 + j * 10_000, (i * j) as f64 / 10.0))
                        .collect(),
                )
            })
            .collect();
        engine.append(&batch(series), T0).unwrap();
        engine.cut(T0).unwrap();
    }
    let before = bits(&everything(&engine, T0));
    assert_eq!(engine.status().unwrap().blocks, 3);
    let report = engine.maintain(T0).unwrap();
    assert_eq!(report.compactions, 1);
    assert_eq!(engine.status().unwrap().blocks, 1);
    assert_eq!(bits(&everything(&engine, T0)), before);
    drop(engine);
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    assert_eq!(bits(&everything(&engine, T0)), before);
    let files = std::fs::read_dir(dir.path().join("blocks"))
        .unwrap()
        .count();
    assert_eq!(files, 1, "the inputs were deleted");
}

#[test]
fn maintain_cuts_a_head_that_is_too_old_or_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(dir.path());
    o.head_max_points = 100;
    let engine = Engine::open(o, T0).unwrap();
    engine
        .append(&batch(vec![(key("m", "a"), vec![s(T0, 1.0)])]), T0)
        .unwrap();
    assert!(engine.maintain(T0 + 59 * 60_000).unwrap().cut.is_none());
    assert!(engine.maintain(T0 + HOUR).unwrap().cut.is_some());
    engine
        .append(
            &batch(vec![(
                key("m", "a"),
                (0..101).map(|i| s(T0 + i, 1.0)).collect(),
            )]),
            T0 + HOUR,
        )
        .unwrap();
    assert!(engine.maintain(T0 + HOUR).unwrap().cut.is_some());
}

#[test]
fn globs_and_negations_select_what_the_reference_selects() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    let keys = [
        key("cpu.user", "web-1").with_tag("env", "prod"),
        key("cpu.sys", "web-2").with_tag("env", "dev"),
        key("mem.free", "db-1"),
    ];
    engine
        .append(
            &batch(keys.iter().map(|k| (k.clone(), vec![s(T0, 1.0)])).collect()),
            T0,
        )
        .unwrap();
    let f = Filter::And(vec![
        Filter::Term(Term::Metric(Pattern::parse("cpu.*"))),
        Filter::Not(Box::new(Filter::Term(Term::Tag {
            key: "env".into(),
            value: Pattern::parse("d*"),
        }))),
    ]);
    let got: Vec<_> = engine
        .select(&f, TimeRange::all(), ReadLimits::default(), T0)
        .unwrap()
        .into_iter()
        .map(|d| d.key)
        .collect();
    assert_eq!(got, vec![keys[0].clone()]);
    assert_eq!(
        engine.metrics("cpu", 10).unwrap(),
        vec!["cpu.sys".to_owned(), "cpu.user".to_owned()]
    );
    assert_eq!(engine.metrics("", 1).unwrap(), vec!["cpu.sys".to_owned()]);
}

#[test]
fn concurrent_appends_share_syncs_and_all_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(Engine::open(options(dir.path()), T0).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                for i in 0..50 {
                    let b = batch(vec![(
                        key("m", &format!("t{t}")),
                        vec![s(T0 + i * 1000, i as f64)],
                    )]);
                    engine.append(&b, T0).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let data = everything(&engine, T0);
    assert_eq!(data.len(), 4);
    assert!(data.iter().all(|d| d.samples.len() == 50));
    drop(data);
    let engine = Arc::into_inner(engine).unwrap();
    drop(engine);
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    assert_eq!(
        everything(&engine, T0)
            .iter()
            .map(|d| d.samples.len())
            .sum::<usize>(),
        200
    );
}

#[test]
fn the_async_edge_answers_through_the_traits() {
    use crest_series::{SeriesCatalog, SeriesReader, SeriesWriter};
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let tsdb = crest_tsdb::Tsdb::open(options(dir.path()), Arc::new(|| T0)).unwrap();
        let report = tsdb
            .append(batch(vec![(
                key("m", "a"),
                vec![s(T0, 1.0), s(T0 + 1, 2.0)],
            )]))
            .await
            .unwrap();
        assert_eq!((report.points, report.new_series), (2, 1));
        let got = tsdb
            .select(
                &Filter::metric("m"),
                TimeRange::all(),
                ReadLimits::default(),
            )
            .await
            .unwrap();
        assert_eq!(got[0].samples, vec![s(T0, 1.5)]);
        assert_eq!(
            tsdb.series(&Filter::And(vec![]), 10).await.unwrap()[0].last_timestamp,
            T0 + 1
        );
        assert_eq!(tsdb.metrics("", 10).await.unwrap(), vec!["m".to_owned()]);
        assert_eq!(tsdb.status().await.unwrap().points, 2);
        tsdb.maintain().await.unwrap();
        tsdb.close().await.unwrap();
        assert!(
            tsdb.append(batch(vec![(key("m", "a"), vec![s(T0, 1.0)])]))
                .await
                .is_err()
        );
    });
}

#[test]
fn an_append_that_takes_the_head_over_its_limit_starts_a_cut_without_waiting_for_maintenance() {
    use crest_series::{SeriesCatalog, SeriesReader, SeriesWriter};
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path());
    opts.head_max_points = 10;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let tsdb = crest_tsdb::Tsdb::open(opts, Arc::new(|| T0)).unwrap();
        let samples = (0..8)
            .map(|i| s(T0 + i * 1000, i as f64))
            .collect::<Vec<_>>();
        tsdb.append(batch(vec![(key("m", "a"), samples.clone())]))
            .await
            .unwrap();
        assert_eq!(
            tsdb.status().await.unwrap().blocks,
            0,
            "under the limit: no cut"
        );
        tsdb.append(batch(vec![(key("m", "b"), samples)]))
            .await
            .unwrap();
        // The cut runs in the background: wait for it, boundedly.
        let mut status = tsdb.status().await.unwrap();
        for _ in 0..2_000 {
            if status.blocks > 0 && status.head_points == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            status = tsdb.status().await.unwrap();
        }
        assert!(status.blocks > 0, "no block after 10 s: {status:?}");
        assert_eq!(status.head_points, 0, "{status:?}");
        let got = tsdb
            .select(
                &Filter::metric("m"),
                TimeRange::all(),
                ReadLimits::default(),
            )
            .await
            .unwrap();
        assert_eq!(got.iter().map(|d| d.samples.len()).sum::<usize>(), 16);
    });
}

/// Every file of `dir` (relative path → bytes).
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for sub in ["", "wal", "blocks"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                out.insert(
                    std::path::PathBuf::from(sub).join(entry.file_name()),
                    std::fs::read(entry.path()).unwrap(),
                );
            }
        }
    }
    out
}

/// A directory holding `files`.
fn materialise(
    files: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["wal", "blocks"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    for (path, bytes) in files {
        std::fs::write(dir.path().join(path), bytes).unwrap();
    }
    dir
}

#[test]
fn a_crash_at_any_step_of_a_cut_or_a_compaction_neither_loses_nor_duplicates_points() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    let delta = key("\u{2206}req", "a");
    engine
        .append(
            &batch(vec![(delta.clone(), vec![s(T0, 1.0), s(T0, 2.0)])]),
            T0,
        )
        .unwrap();
    engine.cut(T0).unwrap();
    engine
        .append(
            &batch(vec![(
                delta.clone(),
                vec![s(T0, 4.0), s(T0 + 5 * HOUR, 8.0)],
            )]),
            T0,
        )
        .unwrap();
    let want = bits(&everything(&engine, T0));
    assert_eq!(want[0].1[0].1, 7f64.to_bits());
    let before_cut = snapshot(dir.path());
    engine.cut(T0).unwrap();
    let after_cut = snapshot(dir.path());
    let report = engine.maintain(T0).unwrap();
    assert_eq!(report.compactions, 1);
    let after_compaction = snapshot(dir.path());
    drop(engine);
    let is = |p: &std::path::Path, dir: &str| p.parent() == Some(std::path::Path::new(dir));
    let mut states = Vec::new();
    // blocks written, the manifest not yet replaced
    let mut s1 = before_cut.clone();
    s1.extend(
        after_cut
            .iter()
            .filter(|(p, _)| is(p, "blocks") || is(p, "wal"))
            .map(|(p, b)| (p.clone(), b.clone())),
    );
    states.push(("cut before its commit", s1));
    // the manifest replaced, the old WAL segments not yet deleted
    let mut s2 = after_cut.clone();
    s2.extend(
        before_cut
            .iter()
            .filter(|(p, _)| is(p, "wal"))
            .map(|(p, b)| (p.clone(), b.clone())),
    );
    states.push(("cut before deleting its segments", s2));
    // the compaction's output written, the manifest not yet replaced
    let mut s3 = after_cut.clone();
    s3.extend(
        after_compaction
            .iter()
            .filter(|(p, _)| is(p, "blocks"))
            .map(|(p, b)| (p.clone(), b.clone())),
    );
    states.push(("compaction before its commit", s3));
    // the manifest replaced, the inputs not yet deleted
    let mut s4 = after_compaction.clone();
    s4.extend(
        after_cut
            .iter()
            .filter(|(p, _)| is(p, "blocks"))
            .map(|(p, b)| (p.clone(), b.clone())),
    );
    states.push(("compaction before deleting its inputs", s4));
    for (name, files) in states {
        let copy = materialise(&files);
        let engine =
            Engine::open(options(copy.path()), T0).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(bits(&everything(&engine, T0)), want, "{name}");
        engine.close(T0).unwrap();
        let engine = Engine::open(options(copy.path()), T0).unwrap();
        assert_eq!(
            bits(&everything(&engine, T0)),
            want,
            "{name} after close and reopen"
        );
    }
}

#[test]
fn a_complete_day_of_blocks_becomes_one_and_a_late_point_joins_it() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    let day = 24 * HOUR;
    let start = T0.div_euclid(day) * day;
    for window in 0..13 {
        let t = start + window * 2 * HOUR;
        engine
            .append(
                &batch(vec![(
                    key("m", "a"),
                    vec![s(t, window as f64), s(t + 1000, -0.0)],
                )]),
                t,
            )
            .unwrap();
        engine.cut(t).unwrap();
    }
    assert_eq!(engine.status().unwrap().blocks, 13);
    let before = bits(&everything(&engine, start + day));
    engine.maintain(start + day).unwrap();
    let blocks = engine.blocks();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    assert!(
        blocks
            .iter()
            .any(|b| b.range_start == start && b.range_end == start + day && b.points == 24)
    );
    assert_eq!(bits(&everything(&engine, start + day)), before);
    engine
        .append(
            &batch(vec![(key("m", "a"), vec![s(start + 5 * HOUR, 0.5)])]),
            start + day,
        )
        .unwrap();
    engine.cut(start + day).unwrap();
    engine.maintain(start + day).unwrap();
    assert_eq!(engine.blocks().len(), 2);
    let got = bits(&everything(&engine, start + day));
    assert_eq!(got[0].1.len(), before[0].1.len() + 1);
}

#[test]
fn inspect_reads_what_a_running_engine_holds_without_its_lock() {
    let dir = tempfile::tempdir().unwrap();
    let now = 1_800_000_000_000;
    let engine = Engine::open(options(dir.path()), now).unwrap();
    let points: Vec<crest_series::Sample> = (0..10)
        .map(|i| s(now - 60_000 + i * 1000, i as f64))
        .collect();
    engine
        .append(&batch(vec![(key("m", "a"), points.clone())]), now)
        .unwrap();
    engine.cut(now).unwrap();
    engine
        .append(&batch(vec![(key("m", "b"), points)]), now)
        .unwrap();
    // The engine holds the lock; a second owner is refused, a reader is not.
    assert!(matches!(
        Engine::open(options(dir.path()), now),
        Err(TsdbError::Locked { .. })
    ));
    let seen = Engine::inspect(&options(dir.path()), now).unwrap();
    let own = engine.status().unwrap();
    assert_eq!(seen, own);
    assert_eq!((seen.series, seen.points, seen.head_points), (2, 20, 10));
    assert_eq!(seen.blocks, 1);
    // Inspection changed nothing: the engine goes on, and a reopened one answers the same.
    drop(engine);
    let again = Engine::open(options(dir.path()), now).unwrap();
    assert_eq!(again.status().unwrap().points, 20);
    let empty = tempfile::tempdir().unwrap();
    assert!(Engine::inspect(&options(&empty.path().join("none")), now).is_err());
}

#[test]
fn a_large_read_decoded_on_several_threads_answers_every_point_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    // 80 series x 6,000 points over 100 minutes (two block windows), regular and irregular
    // spacing; the first 2,000 cut into blocks, the rest in the head (enough for the heads to be
    // copied on several threads too), partly out of order.
    let points = |i: i64| -> Vec<(i64, f64)> {
        (0..6000)
            .map(|j| {
                let t = T0 + j * 1000 + if i % 2 == 0 { 0 } else { (j % 3) * 7 };
                (t, (i * 10_000 + j) as f64 * 0.5)
            })
            .collect()
    };
    let write = |range: std::ops::Range<usize>, reverse: bool| {
        let series = (0..80)
            .map(|i| {
                let mut p: Vec<_> = points(i)[range.clone()]
                    .iter()
                    .map(|&(t, v)| s(t, v))
                    .collect();
                if reverse {
                    p.reverse();
                }
                (key("m", &format!("s{i:02}")), p)
            })
            .collect();
        engine.append(&batch(series), T0).unwrap();
    };
    write(0..2000, false);
    engine.cut(T0).unwrap();
    write(3000..6000, false);
    write(2000..3000, true);
    let got = everything(&engine, T0);
    assert_eq!(got.len(), 80);
    for (i, data) in (0..80).zip(&got) {
        let want: Vec<(i64, u64)> = points(i)
            .iter()
            .map(|&(t, v)| (t.div_euclid(1000) * 1000, v.to_bits()))
            .collect();
        let have: Vec<(i64, u64)> = data
            .samples
            .iter()
            .map(|x| (x.timestamp, x.value.to_bits()))
            .collect();
        assert_eq!(have, want, "series {i}");
    }
    let all = Filter::And(vec![]);
    let limits = ReadLimits {
        max_series: 80,
        max_points: 80 * 6000 - 1,
        ..ReadLimits::default()
    };
    assert!(matches!(
        engine.select(&all, TimeRange::all(), limits, T0),
        Err(TsdbError::LimitExceeded { what: "points", .. })
    ));
}

#[test]
fn a_small_read_of_the_head_is_answered_from_memory_and_anything_else_is_left_to_select() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    let now = T0 + 2 * HOUR;
    let limits = ReadLimits::default();
    let in_memory = |filter: &Filter, range: TimeRange, max_series: u64, max_points: usize| {
        engine
            .select_in_memory(filter, range, &limits, now, max_series, max_points)
            .map(|r| bits(&r.unwrap()))
    };
    let select = |filter: &Filter, range: TimeRange| {
        bits(&engine.select(filter, range, limits, now).unwrap())
    };
    // an hour of points, cut into a block; then points an hour later, in the head (one
    // out of order, and two in one second, which a read averages)
    engine
        .append(
            &batch(vec![(
                key("m", "a"),
                (0..60).map(|i| s(T0 + i * 60_000, i as f64)).collect(),
            )]),
            T0,
        )
        .unwrap();
    assert!(engine.maintain(T0 + HOUR).unwrap().cut.is_some());
    let later = T0 + HOUR + 30 * 60_000;
    engine
        .append(
            &batch(vec![
                (
                    key("m", "a"),
                    vec![s(later + 2000, 2.0), s(later, 1.0), s(later + 2500, 4.0)],
                ),
                (key("m", "b"), vec![s(later, 7.0)]),
            ]),
            now,
        )
        .unwrap();
    let m = Filter::metric("m");
    let head_only = TimeRange::new(T0 + HOUR + 60_000, now);
    let answer = in_memory(&m, head_only, 8, 100).expect("answered from memory");
    assert_eq!(answer, select(&m, head_only));
    assert_eq!(answer.len(), 2);
    assert_eq!(answer[0].1.len(), 2, "two points of one second are one");
    // a range reaching the block is left to select (it may read a file)
    assert_eq!(in_memory(&m, TimeRange::new(T0, now), 8, 100), None);
    assert_eq!(in_memory(&m, TimeRange::all(), 8, 100), None);
    // so is a read over either bound
    assert_eq!(
        in_memory(&m, head_only, 1, 100),
        None,
        "two candidate series"
    );
    assert_eq!(in_memory(&m, head_only, 8, 3), None, "four points");
    assert!(in_memory(&m, head_only, 2, 4).is_some());
    // a range with nothing in it, or before retention, is empty either way
    let nothing = TimeRange::new(now, now + HOUR);
    assert_eq!(in_memory(&m, nothing, 8, 100), Some(select(&m, nothing)));
    assert_eq!(
        in_memory(&m, TimeRange::new(5, 5), 8, 100),
        Some(Vec::new())
    );
}
