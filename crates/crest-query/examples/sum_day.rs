//! The query of issue 14's slowest chart, in process: `sum(ts(bench.gauge.*))` at `g=m` over one
//! day of scripts/bench-ingest's shape (1,000 series × 8,640 points at 10 s, a third of them
//! gauges), loaded into the embedded engine as the server does (time-major batches of 10,000
//! points, a cut whenever the head holds more than 4 M points, maintenance run to the end before
//! the first query), then asked `RUNS` times (default 20) after 3 unmeasured runs.
//!
//! `cargo run --release -p crest-query --example sum_day` prints each run's wall time and the
//! median. For numbers other processes do not disturb, count instructions of the whole process
//! with two values of `RUNS` (`perf stat -e instructions`, or `valgrind --tool=callgrind` where
//! the machine has no counters): their difference over the difference of runs is one query's.
//! `DIR=path` keeps the engine's directory: loaded when empty, only opened when not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap
)]

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use crest_query::{NoEvents, QueryLimits, QueryRequest, SourceTags, Summarization};
use crest_series::{Batch, Pattern, Sample, SeriesKey};
use crest_tsdb::{Options, Tsdb};

const SERIES: usize = 1_000;
const POINTS: usize = 8_640;
const STEP_MS: i64 = 10_000;
/// The last point's time (epoch ms): a whole minute, as the bench's data ends 10 s before now.
const END: i64 = 1_800_000_000_000;

struct NoTags;

#[async_trait::async_trait]
impl SourceTags for NoTags {
    async fn sources_tagged(&self, _: &Pattern) -> Result<Vec<String>, crest_query::QueryError> {
        Ok(Vec::new())
    }
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// scripts/bench-ingest's series: kinds interleaved, 10 metrics per kind, 3 point tags.
fn keys() -> Vec<SeriesKey> {
    (0..SERIES)
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
        .collect()
}

fn load(tsdb: &Tsdb) {
    let engine = tsdb.engine();
    let keys = keys();
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

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("RUNS").map_or(20, |r| r.parse().unwrap());
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var("DIR").map_or_else(|_| temp.path().to_path_buf(), Into::into);
    let fresh = !dir.join("MANIFEST").exists();
    let tsdb = Tsdb::open(Options::new(&dir), Arc::new(|| END)).unwrap();
    let began = Instant::now();
    if fresh {
        load(&tsdb);
    }
    let status = tsdb.engine().status().unwrap();
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
    let start_s = (END - (POINTS as i64 - 1) * STEP_MS) / 1000;
    let request = QueryRequest {
        query: "sum(ts(bench.gauge.*))".into(),
        start: start_s,
        end: END / 1000 + 10,
        granularity: 60,
        summarization: Summarization::Mean,
        strict: true,
        include_empty: false,
        max_points: None,
        now: END / 1000 + 10,
        include_obsolete: false,
        obsolete_after: crest_query::DEFAULT_OBSOLETE_AFTER,
        auto_events: false,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let limits = QueryLimits::default();
    let mut took = Vec::new();
    let mut checksum = 0.0;
    for run in 0..runs + 3 {
        let began = Instant::now();
        let answer = crest_query::run(&request, &tsdb, &NoTags, &NoEvents, &limits, &cancel)
            .await
            .unwrap();
        let ms = began.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(answer.series.len(), 1);
        checksum = answer.series[0].data.iter().map(|(_, v)| v).sum::<f64>();
        if run == 0 {
            println!(
                "{} points answered, {} read, warnings: {}",
                answer.series[0].data.len(),
                answer.stats.points,
                answer.warnings.len()
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
