//! A source search request body as a client sends it (any bytes, read as the wire JSON): parsing
//! and validation against the source schema and the search limits never panic, a refusal's
//! message stays short, and a valid search becomes a store statement whose size and nesting stay
//! bounded (SQLite refuses expressions nested over 1,000 deep).
#![no_main]

use crest_domain::source::{SourceCondition, SourceField, SourceQuery, TextMatch};
use crest_search::limits::{MAX_CRITERIA, MAX_VALUE_CHARS, MAX_VALUES};
use crest_search::{FREETEXT, Matching, RawCriterion, Schema, Search, TAGPATH, TAGS};
use crest_types::source::SourceSearchRequestContainer;
use libfuzzer_sys::fuzz_target;

const SOURCE: Schema = Schema {
    entity: "source",
    keys: &["id", "sourceName", "description"],
    tags: true,
};

/// As `crest-http`'s `routes/source_search.rs` turns a validated search into store conditions.
fn conditions(search: &Search) -> Vec<SourceCondition> {
    search
        .criteria()
        .iter()
        .map(|c| {
            if c.is_range() {
                return SourceCondition::Constant(c.negated());
            }
            let field = match c.key() {
                TAGS | TAGPATH => SourceField::Tag,
                FREETEXT => SourceField::Any,
                "description" => SourceField::Description,
                _ => SourceField::Name,
            };
            let matching = match (c.key(), c.matching()) {
                (TAGPATH, _) | (_, Matching::TagPath) => TextMatch::TagPath,
                (_, Matching::Contains) => TextMatch::Contains,
                (_, Matching::StartsWith) => TextMatch::StartsWith,
                (_, Matching::Exact) => TextMatch::Exact,
            };
            SourceCondition::Text {
                field,
                matching,
                values: c.values().to_vec(),
                negated: c.negated(),
            }
        })
        .collect()
}

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
    let raw: Vec<RawCriterion> = body
        .query
        .unwrap_or_default()
        .into_iter()
        .map(|q| RawCriterion {
            key: q.key,
            value: q.value,
            values: q.values,
            matching: q.matching_method,
            negated: q.negated,
            start: q.start,
            end: q.end,
        })
        .collect();
    let search = match Search::new(&SOURCE, raw, None) {
        Ok(search) => search,
        Err(e) => {
            // Refusals echo at most a bounded part of the request.
            assert!(e.to_string().len() < 4 * MAX_VALUE_CHARS, "{e}");
            return;
        }
    };
    assert!(search.criteria().len() <= MAX_CRITERIA);
    let values: usize = search.criteria().iter().map(|c| c.values().len()).sum();
    assert!(values <= MAX_VALUES);
    let query = SourceQuery {
        conditions: conditions(&search),
        after: body.cursor.filter(|c| !c.is_empty()),
        limit: 100,
        ascending: body.sort_sources_ascending.unwrap_or(true),
    };
    let (sql, binds) = crest_store::source_search_statement(&query);
    // Each value binds at most two placeholders per field it is compared with (a prefix range),
    // three fields for freetext, plus a tag path's exact value.
    assert!(binds <= 9 * MAX_VALUES + 3, "{binds} binds");
    assert!(depth(&sql) < 64, "nested {} deep", depth(&sql));
});
