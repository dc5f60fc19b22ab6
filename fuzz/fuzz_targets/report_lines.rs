//! A `/report` body from an untrusted client (plain or gzip): `decompress`, then `ingest` in every
//! format: never a panic, every non-blank line counted once, no more errors kept than asked; and
//! the one-pass reading of plain metric lines answers exactly as the general reading.
#![no_main]

use crest_ingest::{Format, IngestOptions, Ingested, decompress, ingest, ingest_general_only};
use libfuzzer_sys::fuzz_target;

/// What a reading gave, every value as its bits (NaN equals NaN).
fn bits(got: &Ingested) -> (Vec<(Vec<u8>, Vec<(i64, u64)>)>, String) {
    let series = got
        .batch
        .series()
        .map(|s| {
            let samples = s
                .samples
                .iter()
                .map(|p| (p.timestamp, p.value.to_bits()))
                .collect();
            (s.canonical.to_vec(), samples)
        })
        .collect();
    let rest = format!(
        "{:?} {:?} {} {} {:?} {:?} {:?}",
        got.source_ops,
        got.events,
        got.accepted,
        got.refused,
        got.errors,
        got.sources,
        got.batch.histograms
    );
    (series, rest)
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(body) = decompress(bytes, 1 << 20) else {
        return;
    };
    for format in [
        Format::Wavefront,
        Format::Histogram,
        Format::SourceTag,
        Format::Event,
    ] {
        let options = IngestOptions {
            max_errors: 4,
            ..IngestOptions::new(format, 1_795_881_600_000)
        };
        let got = ingest(&body, &options);
        if format == Format::Wavefront {
            assert_eq!(bits(&got), bits(&ingest_general_only(&body, &options)));
        }
        assert!(got.errors.len() <= 4);
        assert!(got.batch.points() <= got.accepted);
        assert!(got.events.len() <= got.accepted);
        assert!(got.accepted + got.refused <= body.split(|&b| b == b'\n').count());
    }
});
