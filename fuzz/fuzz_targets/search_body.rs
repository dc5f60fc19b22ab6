//! A source search request body as a client sends it (any bytes, read as the wire JSON): parsing
//! and validation against the source schema and the search limits never panic, a refusal's
//! message stays short, and a valid search becomes a store statement whose size and nesting stay
//! bounded (SQLite refuses expressions nested over 1,000 deep).
#![no_main]

use crest_search::limits::{MAX_CRITERIA, MAX_VALUE_CHARS, MAX_VALUES};
use crest_types::source::SourceSearchRequestContainer;
use libfuzzer_sys::fuzz_target;

fn depth(sql: &str) -> usize {
    let (mut now, mut max) = (0usize, 0usize);
    for c in sql.chars() {
        match c {
            '(' => {
                now += 1;
                max = max.max(now);
            }
            ')' => now = now.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(body) = serde_json::from_slice::<SourceSearchRequestContainer>(bytes) else {
        return;
    };
    // The same planning the handler runs: schema, limits, then the store's conditions.
    let (search, query) = match crest_http::plan_source_search(body) {
        Ok(planned) => planned,
        Err(e) => {
            // Refusals echo at most a bounded part of the request.
            assert!(e.to_string().len() < 4 * MAX_VALUE_CHARS, "{e}");
            return;
        }
    };
    assert!(search.criteria().len() <= MAX_CRITERIA);
    let values: usize = search.criteria().iter().map(|c| c.values().len()).sum();
    assert!(values <= MAX_VALUES);
    let (sql, binds) = crest_store::source_search_statement(&query);
    // Each value binds at most two placeholders per field it is compared with (a prefix range),
    // three fields for freetext, plus a tag path's exact value.
    assert!(binds <= 9 * MAX_VALUES + 3, "{binds} binds");
    assert!(depth(&sql) < 64, "nested {} deep", depth(&sql));
});
