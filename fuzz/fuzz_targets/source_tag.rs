//! Source tags and source names from untrusted text: never a panic, and a tag that parses reads
//! back as itself.
#![no_main]

use crest_domain::source_tag::{SourceTag, source_name_valid};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(tag) = SourceTag::parse(text) {
        assert_eq!(tag.as_str(), text);
        assert_eq!(SourceTag::parse(tag.as_str()).ok(), Some(tag.clone()));
        let _ = tag.folded();
    }
    let _ = source_name_valid(text);
});
