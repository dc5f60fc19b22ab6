//! The relay's batch codec on untrusted bytes (a damaged log): never a panic; whatever decodes in
//! the plain format encodes back to the same bytes (it has one encoding per batch), and whatever
//! decodes in the compressed format reads back the same through a compression of its own.
#![no_main]

use crest_relay::codec::{COMPRESSED_VERSION, decode, encode, encode_compressed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(batch) = decode(bytes) {
        let plain = encode(&batch);
        if bytes.first() == Some(&COMPRESSED_VERSION) {
            let again = decode(&encode_compressed(&batch)).map(|b| encode(&b));
            assert_eq!(again.ok(), Some(plain));
        } else {
            assert_eq!(plain, bytes);
        }
    }
});
