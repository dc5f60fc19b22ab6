//! A `/report` body from an untrusted client (plain or gzip): `decompress`, then `ingest` in every
//! format: never a panic, every non-blank line counted once, no more errors kept than asked.
#![no_main]

use crest_ingest::{Format, IngestOptions, decompress, ingest};
use libfuzzer_sys::fuzz_target;

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
        assert!(got.errors.len() <= 4);
        assert!(got.batch.points() <= got.accepted);
        assert!(got.events.len() <= got.accepted);
        assert!(got.accepted + got.refused <= body.split(|&b| b == b'\n').count());
    }
});
