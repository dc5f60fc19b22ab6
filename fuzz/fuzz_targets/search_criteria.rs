//! Search criteria as clients send them (any JSON list of `SearchQuery`-shaped objects) against
//! the source schema: validation never panics, and a valid search runs over a document.
#![no_main]

use crest_search::{Document, RawCriterion, Schema, Search};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SOURCE: Schema = Schema {
    entity: "source",
    keys: &["id", "sourceName", "description"],
    tags: true,
};

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    let raw = items
        .iter()
        .map(|q| RawCriterion {
            key: text(q, "key"),
            value: text(q, "value"),
            values: q.get("values").and_then(Value::as_array).map(|vs| {
                vs.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            }),
            matching: text(q, "matchingMethod"),
            negated: q.get("negated").and_then(Value::as_bool),
            start: q.get("start").and_then(Value::as_i64),
            end: q.get("end").and_then(Value::as_i64),
        })
        .collect();
    if let Ok(search) = Search::new(&SOURCE, raw, None) {
        let doc = Document::from_json(&serde_json::json!({
            "id": "Web-01", "sourceName": "Web-01", "description": "front end"
        }))
        .with_tags(["env.prod", "tier.web"]);
        let _ = search.matches(&doc);
        for c in search.criteria() {
            let _ = (c.key(), c.values(), c.matching(), c.negated(), c.is_range());
        }
    }
});
