//! A template from an untrusted client: parsing and rendering never panic and stay within the
//! renderer's bounds.
#![no_main]

use crest_notify::{Limits, Notification, Template, context_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(template) = Template::parse(text) {
        let context = context_of(&Notification::test("n".into(), 0), "http://x");
        let limits = Limits { max_output_bytes: 1 << 16, max_steps: 100_000 };
        if let Ok(out) = template.render_with(&context, limits) {
            assert!(out.len() <= 1 << 16);
        }
    }
});
