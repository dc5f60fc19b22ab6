//! A client's Java regex, translated and compiled: never a panic, whatever the text.
#![no_main]

use crest_domain::cloud_integration::java_regex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = java_regex::compile(text);
});
