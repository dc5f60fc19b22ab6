//! A crash mid-write: every truncation of the last records of the WAL opens and answers exactly the
//! batches whose records are complete; damage before the tail is refused as corruption.

use crest_series::{
    Centroid, Distribution, Filter, Granularity, HistogramPoint, ReadLimits, TimeRange,
};
use crest_tsdb::{Engine, TsdbError};

use crate::support::*;

/// Batch `i`: a point on a shared series, one on a series of its own, and for odd `i` a distribution.
fn nth_batch(i: i64) -> crest_series::Batch {
    let mut b = batch(vec![
        (key("cpu", "web"), vec![s(T0 + i * 10_000, i as f64 + 0.5)]),
        (
            key("\u{2206}req", &format!("host-{i}")).with_tag("env", "prod"),
            vec![
                s(
                    T0 + i * 1000,
                    f64::from_bits(0x7ff8_0000_0000_0000 | i as u64),
                ),
                s(T0 + i * 1000, 1.0),
            ],
        ),
    ]);
    if i % 2 == 1 {
        b.histograms.push(HistogramPoint {
            key: key("lat", "web"),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp: Granularity::Minute.floor(T0 + i * 10_000),
                centroids: vec![Centroid {
                    mean: i as f64,
                    count: 2,
                }],
            },
            merge: i != 5,
        });
    }
    b
}

/// What an engine that holds batches `0..n` answers, from a fresh engine given just those.
fn expected(n: i64) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(options(dir.path()), T0).unwrap();
    for i in 0..n {
        engine.append(&nth_batch(i), T0).unwrap();
    }
    answers(&engine)
}

fn answers(engine: &Engine) -> (String, String) {
    let plain = format!("{:?}", bits(&everything(engine, T0)));
    let hists = engine
        .select_histograms(
            &Filter::And(vec![]),
            Granularity::Minute,
            TimeRange::all(),
            ReadLimits::default(),
            T0,
        )
        .unwrap();
    let series = engine.series(&Filter::And(vec![]), 100, T0).unwrap();
    (plain, format!("{hists:?} {series:?}"))
}

#[test]
fn every_truncation_of_the_last_three_records_keeps_exactly_the_complete_batches() {
    let dir = tempfile::tempdir().unwrap();
    let n = 8;
    {
        let engine = Engine::open(options(dir.path()), T0).unwrap();
        for i in 0..n {
            engine.append(&nth_batch(i), T0).unwrap();
        }
        // dropped without close: a kill -9 after the last acknowledgement
    }
    let segment = segments(dir.path()).pop().unwrap();
    let bytes = std::fs::read(&segment).unwrap();
    let recs = records(&bytes);
    assert_eq!(recs.len(), n as usize, "one record per batch");
    assert_eq!(recs.last().unwrap().1, bytes.len());
    let wants: Vec<(String, String)> = (0..=n + 1).map(expected).collect();
    let from = recs[recs.len() - 3].0;
    for len in from..=bytes.len() {
        let copy = tempfile::tempdir().unwrap();
        copy_dir(dir.path(), copy.path());
        let name = segment.file_name().unwrap();
        let target = copy.path().join("wal").join(name);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .unwrap()
            .set_len(len as u64)
            .unwrap();
        let complete = recs.iter().filter(|(_, end)| *end <= len).count();
        let engine =
            Engine::open(options(copy.path()), T0).unwrap_or_else(|e| panic!("length {len}: {e}"));
        assert_eq!(
            answers(&engine),
            wants[complete],
            "length {len}: {complete} complete batches"
        );
        // the truncation was made durable and new appends land after it
        engine.append(&nth_batch(complete as i64), T0).unwrap();
        drop(engine);
        let engine = Engine::open(options(copy.path()), T0).unwrap();
        assert_eq!(
            answers(&engine),
            wants[complete + 1],
            "length {len} after one more append and a reopen"
        );
    }
}

#[test]
fn a_flipped_byte_before_the_last_segment_is_corruption_naming_file_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut o = options(dir.path());
        o.wal_segment_bytes = 300;
        let engine = Engine::open(o, T0).unwrap();
        for i in 0..12 {
            engine.append(&nth_batch(i), T0).unwrap();
        }
    }
    let segs = segments(dir.path());
    assert!(segs.len() >= 3, "{segs:?}");
    let first = &segs[0];
    let mut bytes = std::fs::read(first).unwrap();
    let recs = records(&bytes);
    let middle = bytes.len() / 2;
    let (record_start, _) = *recs
        .iter()
        .find(|(a, b)| *a <= middle && middle < *b)
        .unwrap();
    bytes[middle] ^= 0x10;
    std::fs::write(first, &bytes).unwrap();
    match Engine::open(options(dir.path()), T0) {
        Err(TsdbError::Corrupt { file, offset, .. }) => {
            assert_eq!(&file, first);
            assert_eq!(offset, record_start as u64);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_truncated_record_in_a_non_final_segment_is_corruption() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut o = options(dir.path());
        o.wal_segment_bytes = 300;
        let engine = Engine::open(o, T0).unwrap();
        for i in 0..12 {
            engine.append(&nth_batch(i), T0).unwrap();
        }
    }
    let segs = segments(dir.path());
    let len = std::fs::metadata(&segs[0]).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&segs[0])
        .unwrap()
        .set_len(len - 3)
        .unwrap();
    assert!(matches!(
        Engine::open(options(dir.path()), T0),
        Err(TsdbError::Corrupt { .. })
    ));
}
