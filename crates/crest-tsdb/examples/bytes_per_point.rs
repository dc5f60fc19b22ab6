//! Prints the engine's bytes on disk per point after `close`, and its single-threaded append rate,
//! for the benchmark's scrape shapes: `cargo run --release -p crest-tsdb --example bytes_per_point`.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::cast_precision_loss)]

#[path = "../benches/support/scrape.rs"]
#[allow(
    dead_code,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
mod scrape;

use std::path::Path;
use std::time::Instant;

use crest_tsdb::{Engine, Options};

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                dir_bytes(&e.path())
            } else {
                meta.len()
            }
        })
        .sum()
}

fn main() {
    for (series, points, kind_by_metric) in [
        (3_000usize, 720usize, false),
        (100_000, 72, false),
        (3_000, 720, true),
        (100_000, 72, true),
    ] {
        let batches = scrape::batches_with(series, points, kind_by_metric);
        let total = (series * points) as f64;
        for group_points in [1usize, 65_536] {
            let dir = tempfile::tempdir().unwrap();
            let mut options = Options::new(dir.path());
            options.block_group_points = group_points;
            let engine = Engine::open(options, scrape::START).unwrap();
            let started = Instant::now();
            for b in &batches {
                engine.append(b, scrape::START).unwrap();
            }
            let append = started.elapsed();
            let wal = dir_bytes(&dir.path().join("wal"));
            let started = Instant::now();
            engine.close(scrape::START).unwrap();
            let close = started.elapsed();
            let blocks = dir_bytes(&dir.path().join("blocks"));
            let all = dir_bytes(dir.path());
            println!(
                "{series} series x {points} points, kind by metric {kind_by_metric}, group {group_points}: blocks {:.3} B/pt, whole directory {:.3} B/pt; \
                 WAL before close {:.2} B/pt; append {:.2} M pt/s (1 thread, fsync per batch); close (cut) {:.2} s",
                blocks as f64 / total,
                all as f64 / total,
                wal as f64 / total,
                total / append.as_secs_f64() / 1e6,
                close.as_secs_f64(),
            );
        }
    }
}
