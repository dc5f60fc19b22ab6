//! `@Event` lines from an untrusted client: never a panic; an event that parses has a name and
//! an end after its start.
#![no_main]

use crest_ingest::event_line::parse_event;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for line in [text.to_owned(), format!("@Event {text}")] {
        if let Ok(e) = parse_event(&line) {
            assert!(!e.name.trim().is_empty());
            assert!(e.end_ms > e.start_ms || e.start_ms == i64::MAX);
        }
    }
});
