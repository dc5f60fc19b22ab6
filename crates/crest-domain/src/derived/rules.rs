//! The rules a derived metric's definition goes through on every write, and what is read from its
//! query: the metric it writes and the metrics it reads, so that a query that would ingest a
//! metric into itself is refused when that can be seen without running it (DM-2).

use serde_json::{Map, Value};

use crate::DomainError;
use crate::alert::text;
use crate::event::event_tag_valid;
use crest_wql::{Arg, Expr, FilterAtom, FilterExpr, NamePattern};

/// The fields the server sets: dropped from what a client sends, filled in on every answer.
pub const SERVER_FIELDS: &[&str] = &[
    "id",
    "created",
    "updated",
    "createdEpochMillis",
    "updatedEpochMillis",
    "creatorId",
    "updaterId",
    "createUserId",
    "updateUserId",
    "status",
    "lastProcessedMillis",
    "lastQueryTime",
    "pointsScannedAtLastQuery",
    "metricsUsed",
    "hostsUsed",
    "queryFailing",
    "lastFailedTime",
    "lastErrorMessage",
    "inTrash",
    "deleted",
    "tagpaths",
];

/// `processRateMinutes` left unset: every minute, as the product's documentation and real data
/// say (the model's "defaults to 5 minutes" conflicts with both; reference §6.3).
pub const DEFAULT_PROCESS_RATE_MINUTES: i64 = 1;

/// The longest window, in minutes (a week).
const MAX_MINUTES: i64 = 7 * 24 * 60;
/// The longest name, in characters.
const MAX_NAME_CHARS: usize = 1_024;
/// The most tags on one derived metric.
const MAX_TAGS: usize = 256;

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

fn minutes_of(doc: &Map<String, Value>, key: &str) -> Result<Option<i64>, DomainError> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if (1..=MAX_MINUTES).contains(&n) => Ok(Some(n)),
            _ => Err(invalid(format!(
                "'{key}' must be a whole number of minutes from 1 to {MAX_MINUTES}, not {v}"
            ))),
        },
    }
}

/// The window of a stored definition, in minutes (`minutes`, which [`normalize`] requires).
pub fn window_minutes(doc: &Map<String, Value>) -> u32 {
    doc.get("minutes")
        .and_then(Value::as_u64)
        .and_then(|m| u32::try_from(m).ok())
        .unwrap_or(1)
        .max(1)
}

/// The period of a stored definition, in minutes (1 when unset).
pub fn process_rate_minutes(doc: &Map<String, Value>) -> i64 {
    doc.get("processRateMinutes")
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_PROCESS_RATE_MINUTES)
        .max(1)
}

/// A client's definition made ready to store: the server's fields dropped, `name`, `query` and
/// `minutes` required, `processRateMinutes` checked, tags checked, and a query that plainly
/// writes one of the metrics it reads refused.
pub fn normalize(mut doc: Map<String, Value>) -> Result<Map<String, Value>, DomainError> {
    for key in SERVER_FIELDS {
        doc.remove(*key);
    }
    let name = text(&doc, "name")?.map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(invalid("'name' is required"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!(
            "'name' is longer than {MAX_NAME_CHARS} characters"
        )));
    }
    let query = text(&doc, "query")?.map(str::trim).unwrap_or_default();
    if query.is_empty() {
        return Err(invalid("'query' is required"));
    }
    let parsed =
        crest_wql::parse(query).map_err(|e| invalid(format!("'query' does not parse: {e}")))?;
    let (output, inputs) = output_and_inputs(&parsed);
    if let Some(output) = output
        && reads(&inputs, &output)
    {
        return Err(invalid(format!(
            "the query writes metric '{output}', which it also reads: a derived metric cannot \
             ingest a metric into itself (name its output with aliasMetric)"
        )));
    }
    if minutes_of(&doc, "minutes")?.is_none() {
        return Err(invalid("'minutes' is required"));
    }
    minutes_of(&doc, "processRateMinutes")?;
    for key in ["includeObsoleteMetrics", "queryQBEnabled"] {
        match doc.get(key) {
            None | Some(Value::Null | Value::Bool(_)) => {}
            Some(_) => return Err(invalid(format!("'{key}' must be true or false"))),
        }
    }
    for key in ["additionalInformation", "queryQBSerialization"] {
        text(&doc, key)?;
    }
    check_tags(&doc)?;
    Ok(doc)
}

fn check_tags(doc: &Map<String, Value>) -> Result<(), DomainError> {
    let Some(tags) = doc.get("tags").filter(|t| !t.is_null()) else {
        return Ok(());
    };
    let list = match tags.get("customerTags") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(invalid("'tags.customerTags' must be a list of strings")),
    };
    if list.len() > MAX_TAGS {
        return Err(invalid(format!(
            "a derived metric has at most {MAX_TAGS} tags"
        )));
    }
    match list
        .iter()
        .find(|t| !t.as_str().is_some_and(event_tag_valid))
    {
        Some(bad) => Err(invalid(format!(
            "tag {bad} is not made of letters, digits, '-', '_', ':' and '.'"
        ))),
        None => Ok(()),
    }
}

/// The metric a query writes, when it can be told without running it (an `aliasMetric` around
/// the whole query, or a lone `ts()` of one metric), and the metric names its selectors name
/// (`*` wildcards kept; regexes left out).
pub fn output_and_inputs(query: &Expr) -> (Option<String>, Vec<String>) {
    let mut inputs = Vec::new();
    inputs_of(query, &mut inputs);
    let output = match query {
        Expr::Call(call) if call.name.eq_ignore_ascii_case("aliasMetric") => {
            call.args.iter().find_map(|a| match a {
                Arg::Str(name) => Some(name.clone()),
                _ => None,
            })
        }
        Expr::Selector(_) if inputs.len() == 1 => inputs.first().cloned(),
        _ => None,
    };
    (output, inputs)
}

/// The metric names a query's selectors name (none when it does not parse).
pub fn query_inputs(query: &str) -> Vec<String> {
    crest_wql::parse(query)
        .map(|e| output_and_inputs(&e).1)
        .unwrap_or_default()
}

/// Whether one of `inputs` (metric names, `*` matching any run of characters) names `metric`:
/// a query that writes `metric` would then read what it wrote.
pub fn reads(inputs: &[String], metric: &str) -> bool {
    inputs.iter().any(|p| glob(p.as_bytes(), metric.as_bytes()))
}

/// `*` matches any run of bytes; everything else itself.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match (pattern.get(p), text.get(t)) {
            (Some(b'*'), _) => {
                star = Some((p, t));
                p += 1;
            }
            (Some(a), Some(b)) if a == b => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|c| *c == b'*'))
}

fn inputs_of(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Selector(selector) => {
            for item in &selector.items {
                metrics_of(item, out);
            }
        }
        Expr::Call(call) => {
            for arg in &call.args {
                if let Arg::Expr(e) = arg {
                    inputs_of(e, out);
                }
            }
        }
        Expr::Neg(e) => inputs_of(e, out),
        Expr::Binary(b) => {
            inputs_of(&b.lhs, out);
            inputs_of(&b.rhs, out);
        }
        Expr::Method { receiver, arg, .. } => {
            inputs_of(receiver, out);
            inputs_of(arg, out);
        }
        Expr::Alias { expr, .. } => inputs_of(expr, out),
        _ => {}
    }
}

fn metrics_of(filter: &FilterExpr, out: &mut Vec<String>) {
    match filter {
        FilterExpr::Atom(FilterAtom::Metric(NamePattern::Text(name))) if !out.contains(name) => {
            out.push(name.clone());
        }
        FilterExpr::And(list) | FilterExpr::Or(list) => {
            for f in list {
                metrics_of(f, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn name_query_and_minutes_are_required() {
        let ok = json!({"name": "d", "query": "aliasMetric(ts(a.b), \"c.d\")", "minutes": 5});
        assert!(normalize(doc(ok)).is_ok());
        for bad in [
            json!({"query": "ts(a)", "minutes": 5}),
            json!({"name": "d", "minutes": 5}),
            json!({"name": "d", "query": "aliasMetric(ts(a), \"b\")"}),
            json!({"name": "d", "query": "aliasMetric(ts(a), \"b\")", "minutes": 0}),
            json!({"name": "d", "query": "ts(", "minutes": 5}),
            json!({"name": "d", "query": "aliasMetric(ts(a), \"b\")", "minutes": 5, "processRateMinutes": "x"}),
        ] {
            assert!(
                matches!(normalize(doc(bad.clone())), Err(DomainError::Invalid(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_query_that_writes_what_it_reads_is_refused() {
        for bad in [
            "ts(a.b)",
            "aliasMetric(ts(a.b) * 2, \"a.b\")",
            "aliasMetric(ts(x) + ts(a.b), \"a.b\")",
        ] {
            let d = json!({"name": "d", "query": bad, "minutes": 5});
            assert!(normalize(doc(d)).is_err(), "{bad}");
        }
        let wild = json!({"name": "d", "query": "aliasMetric(ts(a.*), \"a.b\")", "minutes": 5});
        assert!(normalize(doc(wild)).is_err());
        let ok = json!({"name": "d", "query": "aliasMetric(ts(a.*), \"b.a\")", "minutes": 5});
        assert!(normalize(doc(ok)).is_ok());
    }

    #[test]
    fn wildcards_match_any_run() {
        let p = |s: &str| vec![s.to_owned()];
        assert!(reads(&p("a.*"), "a.b"));
        assert!(reads(&p("*.b"), "a.b"));
        assert!(reads(&p("a*c"), "abbc"));
        assert!(!reads(&p("a.*"), "b.a"));
        assert!(!reads(&p("a.b"), "a.bc"));
    }
}
