//! The parser's speed on 100,000 metric lines shaped like a fleet's (30 metrics × 1,000 hosts,
//! three tags): (a) tokenise and validate only, (b) the full `ingest` into a grouped batch,
//! (c) `decompress` of the same body gzipped. `cargo bench -p crest-ingest`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "benchmark code"
)]

use std::io::Write;

use crest_ingest::{Format, IngestOptions, check, decompress, ingest};
use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};

const LINES: usize = 100_000;
const NOW: i64 = 1_796_425_300_000;

fn main() {
    divan::main();
}

fn body() -> String {
    let mut out = String::with_capacity(LINES * 100);
    for i in 0..LINES {
        let metric = i % 30;
        let host = (i / 30) % 1000;
        let value = (i % 1000) as f64 / 10.0 + 0.5;
        let ts = 1_796_425_270 - (i / 30_000) as i64;
        let env = ["staging", "prod", "dev"][i % 3];
        out.push_str(&format!(
            "cpu.usage.percent.m{metric} {value} {ts} source=host-{host:05} az=az-{} env={env} service=svc-{}\n",
            host % 3,
            host % 10
        ));
    }
    out
}

fn options() -> IngestOptions {
    IngestOptions::new(Format::Wavefront, NOW)
}

#[divan::bench]
fn tokenise_and_validate(bencher: Bencher) {
    let body = body();
    let options = options();
    assert_eq!(check(body.as_bytes(), &options).accepted, LINES);
    bencher
        .counter(ItemsCount::new(LINES))
        .counter(BytesCount::of_str(&body))
        .bench(|| check(black_box(body.as_bytes()), &options).accepted);
}

#[divan::bench]
fn ingest_into_a_grouped_batch(bencher: Bencher) {
    let body = body();
    let options = options();
    let once = ingest(body.as_bytes(), &options);
    assert_eq!(once.accepted, LINES);
    assert_eq!(once.batch.series_len(), 30_000);
    bencher
        .counter(ItemsCount::new(LINES))
        .counter(BytesCount::of_str(&body))
        .bench(|| {
            ingest(black_box(body.as_bytes()), &options)
                .batch
                .series_len()
        });
}

#[divan::bench]
fn decompress_the_gzipped_body(bencher: Bencher) {
    let body = body();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(body.as_bytes()).unwrap();
    let gz = encoder.finish().unwrap();
    bencher
        .counter(ItemsCount::new(LINES))
        .counter(BytesCount::of_str(&body))
        .bench(|| decompress(black_box(&gz), 64 << 20).unwrap().len());
}
