//! The summarised read against the plain read summarised, on blocks: evenly spaced series (their
//! timestamps not stored) read over ranges starting and ending on, just before and just after
//! their points, listed ones, series off whole seconds, and a late point that arrived after a cut.

use crest_series::{
    BucketSummary, Bucketed, Bucketing, Filter, ReadLimits, Sample, SeriesKey, TimeRange,
};
use crest_tsdb::{Engine, Options};

use crate::support::*;

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

type Bits = (bool, Vec<(SeriesKey, Vec<(i64, u64)>, usize, bool, bool)>);

fn bucketed_bits(answer: &Bucketed) -> Bits {
    let bits = |v: &[Sample]| v.iter().map(|s| (s.timestamp, s.value.to_bits())).collect();
    match answer {
        Bucketed::Summarised(all) => (
            true,
            all.iter()
                .map(|d| {
                    let b = bits(&d.buckets);
                    (d.key.clone(), b, d.points, d.reports, d.on_buckets)
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

fn value(i: i64) -> f64 {
    match i % 11 {
        0 => f64::NAN,
        1 => -0.0,
        _ => i as f64 / 4.0,
    }
}

#[test]
fn summarised_reads_of_blocks_answer_the_plain_reads_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(dir.path());
    options.block_group_points = 50;
    let engine = Engine::open(options, T0).unwrap();
    let base = T0 - 3 * 3_600_000;
    let series = |step: i64, n: i64, from: i64| -> Vec<Sample> {
        (0..n).map(|i| s(from + i * step, value(i))).collect()
    };
    // listed timestamps: irregular gaps
    let listed: Vec<Sample> = (0..300i64)
        .map(|i| s(base + i * 7_000 + (i % 3) * 1_000, value(i)))
        .collect();
    engine
        .append(
            &batch(vec![
                (key("ten", "a"), series(10_000, 900, base)),
                (key("ten", "b"), series(10_000, 900, base + 3_000)),
                (key("sixty", "a"), series(60_000, 150, base)),
                (key("half", "a"), series(1_500, 700, base)),
                (key("listed", "a"), listed),
                (key("one", "a"), vec![s(base + 42_000, 1.0)]),
            ]),
            T0,
        )
        .unwrap();
    engine.cut(T0).unwrap();
    // after the cut: the head continues some series, and a late point lands among the blocks'
    engine
        .append(
            &batch(vec![
                (key("ten", "a"), series(10_000, 30, base + 9_000_000)),
                (key("ten", "b"), vec![s(base + 50_000, 99.0)]),
            ]),
            T0,
        )
        .unwrap();
    let all = Filter::And(vec![]);
    let mut summarised = 0;
    let edges = [0, 10_000, 20_000, 1_230_000, 7_000, 3_000];
    for (n, summary) in SUMMARIES.into_iter().enumerate() {
        for width_ms in [60_000, 20_000, 3_600_000] {
            for (i, from) in edges.iter().enumerate() {
                for shift in [-1, 0, 1] {
                    let start = base + from + shift;
                    let end = base + 8_990_000 - edges[(i + n) % edges.len()] + shift;
                    let range = TimeRange::new(start, end);
                    let bucketing = Bucketing {
                        width_ms,
                        summary,
                        window: TimeRange::new(start + 600_000, end),
                        summarise_above: (n + i) % 3,
                    };
                    let got = engine
                        .select_bucketed(&all, range, ReadLimits::default(), &bucketing, T0)
                        .unwrap();
                    let plain = engine
                        .select(&all, range, ReadLimits::default(), T0)
                        .unwrap();
                    assert_eq!(
                        bucketed_bits(&got),
                        bucketed_bits(&bucketing.apply(plain)),
                        "{summary:?} over {width_ms} ms, {range:?}"
                    );
                    summarised += usize::from(matches!(got, Bucketed::Summarised(_)));
                }
            }
        }
    }
    assert!(summarised > 0, "no read was answered summarised");
}
