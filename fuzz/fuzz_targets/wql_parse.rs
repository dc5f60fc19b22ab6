//! A query from an untrusted client: never a panic, and a query that parses prints to canonical
//! text that parses back to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(tree) = crest_wql::parse(text) {
        let printed = tree.to_string();
        assert_eq!(crest_wql::parse(&printed), Ok(tree), "{text:?} printed as {printed:?}");
    }
});
