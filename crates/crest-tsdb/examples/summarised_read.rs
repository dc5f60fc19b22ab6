//! The engine's side of issue 14's slowest chart, in process: one day of scripts/bench-ingest's
//! shape (1,000 series × 8,640 points at 10 s, a third of them gauges) loaded as the server loads
//! it (time-major batches of 10,000 points, a cut whenever the head holds more than 4 M points,
//! maintenance run to the end), then the 333 gauges read over the chart's range and summarised
//! into minutes by their mean, `RUNS` times (default 20) after 3 unmeasured runs:
//!
//! - `MODE=plain`: `select` (every point copied into the answer), then each series bucketed
//!   (`Bucketing::apply`): the work of a read and a pre-alignment from raw points;
//! - `MODE=bucketed` (the default): `select_bucketed`, which buckets as it reads.
//!
//! `cargo run --release -p crest-tsdb --example summarised_read` prints each run's wall time. For
//! counts other processes do not disturb, count the whole process's instructions with two values
//! of `RUNS` (`perf stat -e instructions`, or `valgrind --tool=callgrind` where the machine has no
//! counters): the difference over the difference of runs is one read's. `DIR=path` keeps the
//! engine's directory: loaded when empty, only opened (its head replayed) when not.
#![allow(
    clippy::panic,
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use std::time::Instant;

use crest_series::{
    Batch, BucketSummary, Bucketed, Bucketing, Filter, Pattern, ReadLimits, Sample, SeriesKey,
    Term, TimeRange,
};
use crest_tsdb::{Engine, Options};

const SERIES: usize = 1_000;
const POINTS: usize = 8_640;
const STEP_MS: i64 = 10_000;
/// The last point's time (epoch ms), on a whole minute.
const END: i64 = 1_800_000_000_000;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn load(engine: &Engine) {
    let keys: Vec<SeriesKey> = (0..SERIES)
        .map(|i| {
            let kind = ["gauge", "counter", "const"][i % 3];
            let host = i / 30;
            SeriesKey::new(
                format!("bench.{kind}.{}", (i / 3) % 10),
                format!("host-{host}"),
            )
            .with_tag("dc", format!("dc{}", host % 4))
            .with_tag("rack", format!("r{}", host % 16))
            .with_tag("app", format!("app{}", i % 10))
        })
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut state: Vec<i64> = (0..SERIES).map(|_| rng.below(1000) as i64).collect();
    let start = END - (POINTS as i64 - 1) * STEP_MS;
    let mut batch = Batch::default();
    let flush = |batch: &mut Batch| {
        engine.append(&std::mem::take(batch), END).unwrap();
        if engine.head_over_limit() {
            engine.maintain(END).unwrap();
        }
    };
    for step in 0..POINTS {
        let timestamp = start + step as i64 * STEP_MS;
        for (i, key) in keys.iter().enumerate() {
            let value = match i % 3 {
                0 => {
                    state[i] += rng.below(21) as i64 - 10;
                    state[i] as f64 / 10.0
                }
                1 => {
                    state[i] += rng.below(101) as i64;
                    state[i] as f64
                }
                _ => (state[i] + i64::from(rng.below(100) == 0)) as f64,
            };
            batch.push_series(key, [Sample { timestamp, value }]);
            if batch.series_len() == 10_000 {
                flush(&mut batch);
            }
        }
    }
    if !batch.is_empty() {
        flush(&mut batch);
    }
    engine.maintain(END).unwrap();
}

fn main() {
    let runs: usize = std::env::var("RUNS").map_or(20, |r| r.parse().unwrap());
    let plain = std::env::var("MODE").is_ok_and(|m| m == "plain");
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var("DIR").map_or_else(|_| temp.path().to_path_buf(), Into::into);
    let fresh = !dir.join("MANIFEST").exists();
    let engine = Engine::open(Options::new(&dir), END).unwrap();
    let began = Instant::now();
    if fresh {
        load(&engine);
    }
    let status = engine.status().unwrap();
    println!(
        "loaded in {:.1} s: {} points, {} in the head, {} blocks",
        began.elapsed().as_secs_f64(),
        status.points,
        status.head_points,
        status.blocks
    );
    if runs == 0 {
        return;
    }
    // the chart's window and what the query layer reads for it (a margin of an hour each side)
    let start = END - (POINTS as i64 - 1) * STEP_MS;
    let window = TimeRange::new(start, END + 10_000);
    let range = TimeRange::new(start - 3_600_000, END + 10_000 + 3_600_000);
    let filter = Filter::Term(Term::Metric(Pattern::parse("bench.gauge.*")));
    let bucketing = Bucketing {
        width_ms: 60_000,
        summary: BucketSummary::Mean,
        window,
        summarise_above: 100,
    };
    let limits = ReadLimits::default();
    let mut took = Vec::new();
    let mut checksum = 0.0;
    for run in 0..runs + 3 {
        let began = Instant::now();
        let answer = if plain {
            bucketing.apply(engine.select(&filter, range, limits, END).unwrap())
        } else {
            engine
                .select_bucketed(&filter, range, limits, &bucketing, END)
                .unwrap()
        };
        let ms = began.elapsed().as_secs_f64() * 1000.0;
        let Bucketed::Summarised(series) = answer else {
            panic!("the read was not summarised")
        };
        checksum = series
            .iter()
            .flat_map(|s| &s.buckets)
            .map(|b| b.value)
            .sum::<f64>();
        if run == 0 {
            println!(
                "{} series, {} buckets, {} points read",
                series.len(),
                series.iter().map(|s| s.buckets.len()).sum::<usize>(),
                series.iter().map(|s| s.points).sum::<usize>()
            );
        }
        if run >= 3 {
            took.push(ms);
        }
    }
    println!(
        "runs (ms): {}",
        took.iter()
            .map(|t| format!("{t:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    took.sort_by(f64::total_cmp);
    println!(
        "median {:.2} ms, min {:.2} ms; checksum {checksum}",
        took[took.len() / 2],
        took[0]
    );
}
