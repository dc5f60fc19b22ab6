//! A `/report` body from an untrusted client (plain or gzip): `decompress`, then `ingest` in every
//! format: never a panic, every non-blank line counted once, no more errors kept than asked; and
//! the one-pass reading of plain metric lines answers exactly as the general reading.
#![no_main]

use crest_ingest::{Format, IngestOptions, bitwise, decompress, ingest, ingest_general_only};
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
        if format == Format::Wavefront {
            assert_eq!(
                bitwise(got.clone()),
                bitwise(ingest_general_only(&body, &options))
            );
        }
        assert!(got.errors.len() <= 4);
        assert!(got.batch.points() <= got.accepted);
        assert!(got.events.len() <= got.accepted);
        assert!(got.accepted + got.refused <= body.split(|&b| b == b'\n').count());
    }
});
