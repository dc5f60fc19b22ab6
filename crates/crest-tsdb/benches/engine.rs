//! The engine's benchmarks: append throughput on a scrape (batches of 10,000 points over 3,000
//! series, fsync included), with one, two and four appending threads, and the replay of a WAL holding
//! 10 million points. Bytes per point: `cargo run --release -p crest-tsdb --example bytes_per_point`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

#[path = "support/scrape.rs"]
mod scrape;

use std::sync::atomic::{AtomicUsize, Ordering};

use crest_tsdb::{Engine, Options};
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

/// One 10,000-point batch per call; the engine keeps growing across calls, as it would.
#[divan::bench(threads = [1, 2, 4], sample_count = 20, sample_size = 5)]
fn append_scrape_batches(bencher: Bencher) {
    let batches = scrape::batches(3_000, 720);
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(Options::new(dir.path()), scrape::START).unwrap();
    let next = AtomicUsize::new(0);
    bencher
        .counter(ItemsCount::new(scrape::BATCH_POINTS))
        .bench(|| {
            let i = next.fetch_add(1, Ordering::Relaxed) % batches.len();
            black_box(engine.append(&batches[i], scrape::START).unwrap());
        });
}

/// Opening an engine whose WAL holds 10 million points (1,000 series of 10,000 points).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn replay_ten_million_points(bencher: Bencher) {
    let dir = tempfile::tempdir().unwrap();
    {
        let engine = Engine::open(Options::new(dir.path()), scrape::START).unwrap();
        for b in scrape::batches(1_000, 10_000) {
            engine.append(&b, scrape::START).unwrap();
        }
    }
    let mut copies = 0u32;
    bencher
        .counter(ItemsCount::new(10_000_000usize))
        .with_inputs(|| {
            // each replay starts a new segment; replay the same WAL every time
            copies += 1;
            let copy = dir.path().with_extension(format!("copy{copies}"));
            std::fs::create_dir_all(copy.join("wal")).unwrap();
            for entry in std::fs::read_dir(dir.path().join("wal")).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), copy.join("wal").join(entry.file_name())).unwrap();
            }
            copy
        })
        .bench_local_values(|copy| {
            let engine = Engine::open(Options::new(&copy), scrape::START).unwrap();
            drop(engine);
            std::fs::remove_dir_all(&copy).unwrap();
        });
}
