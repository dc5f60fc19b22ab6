//! The relay's batch codec on untrusted bytes (a damaged log): never a panic, and whatever
//! decodes encodes back to the same bytes (the format has one encoding per batch).
#![no_main]

use crest_relay::codec::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(batch) = decode(bytes) {
        assert_eq!(encode(&batch), bytes);
    }
});
