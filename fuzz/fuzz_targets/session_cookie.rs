//! A session cookie's value as a browser (or anyone) sends it: parsing never panics, and whatever
//! parses has one digest and one CSRF token however its case was written, a token that matches
//! only itself.
#![no_main]

use crest_domain::session::SessionSecret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let Some(secret) = SessionSecret::parse(raw) else {
        return;
    };
    let csrf = secret.csrf_token();
    assert!(csrf.matches(csrf.as_str()));
    assert!(!csrf.matches(raw));
    let upper = SessionSecret::parse(&raw.to_ascii_uppercase()).expect("the same secret");
    assert!(upper.digest() == secret.digest());
    assert!(upper.csrf_token().matches(csrf.as_str()));
});
