//! The shipper's encoding on the ingestion benchmark's shape: one part of 13 log entries, each a
//! request of 10,000 lines over 3,000 series (a gauge in tenths, a counter, a near-constant, with
//! a source and three tags), checked, numbered and written as import bodies; and the check
//! before logging of one such request. `cargo bench -p crest-victoria`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "benchmark code"
)]

use crest_series::{Batch, BatchBuilder, Sample};
use crest_victoria::write::{Memory, Remembered, Window, check_refusals, gather_all};
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};

const SERIES: usize = 3_000;
const LINES: usize = 10_000;
const ENTRIES: usize = 13;
const STEP_MS: i64 = 10_000;
const NOW: i64 = 1_796_425_300_000;

fn main() {
    divan::main();
}

/// A series' metric, source and tags.
type Key = (String, String, [(String, String); 3]);

/// The entries: line `n` of the whole run is series `n % SERIES` at step `n / SERIES`.
fn entries() -> Vec<Batch> {
    let keys: Vec<Key> = (0..SERIES)
        .map(|i| {
            let kind = ["gauge", "counter", "const"][i % 3];
            let host = i / 300;
            (
                format!("bench.{kind}.{}", (i / 3) % 100),
                format!("host-{host}"),
                [
                    ("app".to_owned(), format!("app{}", i % 10)),
                    ("dc".to_owned(), format!("dc{}", host % 4)),
                    ("rack".to_owned(), format!("r{}", host % 16)),
                ],
            )
        })
        .collect();
    let start = NOW - 3_600_000;
    (0..ENTRIES)
        .map(|e| {
            let mut builder = BatchBuilder::with_capacity(SERIES);
            for n in e * LINES..(e + 1) * LINES {
                let (series, step) = (n % SERIES, (n / SERIES) as i64);
                let (metric, source, tags) = &keys[series];
                let value = match series % 3 {
                    0 => (step * 7 % 1000) as f64 / 10.0,
                    1 => (1_000 + step * 31) as f64,
                    _ => 42.0,
                };
                let sample = Sample {
                    timestamp: start + step * STEP_MS,
                    value,
                };
                builder.push_parts(metric, source, tags, sample);
            }
            builder.finish()
        })
        .collect()
}

#[divan::bench]
fn gather_and_write_one_part(bencher: Bencher) {
    let entries = entries();
    let part: Vec<&Batch> = entries.iter().collect();
    let memory = Memory::default();
    let window = Window::new(NOW, 100 * 365 * 86_400_000);
    bencher.counter(ItemsCount::new(ENTRIES * LINES)).bench(|| {
        let gathered = gather_all(black_box(&part), Remembered::of(&memory), window, 0).unwrap();
        let mut bytes = 0usize;
        gathered.write(&mut |body| bytes += body.len()).unwrap();
        bytes
    });
}

#[divan::bench]
fn check_one_request_before_logging(bencher: Bencher) {
    let entries = entries();
    let window = Window::new(NOW, 100 * 365 * 86_400_000);
    bencher
        .counter(ItemsCount::new(LINES))
        .bench(|| check_refusals(black_box(&entries[0]), window, 0).unwrap());
}
