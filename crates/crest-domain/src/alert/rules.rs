//! The rules a user's alert document goes through on every write, and what is derived
//! from it (`severityList`, the target entries).

use serde_json::{Map, Value};

use crate::DomainError;
use crate::alert::model::{AlertType, Severity, TargetEntry, parse_targets};
use crate::customer_tags::check_tags;

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
    "customerId",
    "status",
    "severityList",
    "snoozed",
    "event",
    "noDataEvent",
    "lastEventTime",
    "lastProcessedMillis",
    "lastNotificationMillis",
    "lastQueryTime",
    "lastFailedTime",
    "lastErrorMessage",
    "queryFailing",
    "querySyntaxError",
    "failingHostLabelPairs",
    "prefiringHostLabelPairs",
    "inMaintenanceHostLabelPairs",
    "activeMaintenanceWindows",
    "notificants",
    "targetEndpoints",
    "targetInfo",
    "metricsUsed",
    "hostsUsed",
    "pointsScannedAtLastQuery",
    "numPointsInFailureFrame",
    "alertsLastDay",
    "alertsLastWeek",
    "alertsLastMonth",
    "sortAttr",
    "inTrash",
    "deleted",
    "hidden",
    "orphan",
    "systemOwned",
    "systemAlertVersion",
    "modifyAclAccess",
    "tagpaths",
    "application",
    "service",
    "failingHostLabelPairLinks",
    "acl",
];

/// The longest name, in characters.
const MAX_NAME_CHARS: usize = 1_024;

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

/// Whether `query` is a WQL query crest can read; the parser's message when not.
pub fn query_parses(query: &str) -> Result<(), String> {
    crest_wql::parse(query)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The string at `key` of a document (`None` when absent or null); a 400 naming the key when it
/// is not a string. Derived metrics' rules read their documents with it too.
pub(crate) fn text<'a>(
    doc: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, DomainError> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(invalid(format!("'{key}' must be a string"))),
    }
}

fn whole(doc: &Map<String, Value>, key: &str) -> Result<Option<i64>, DomainError> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| invalid(format!("'{key}' must be a whole number"))),
    }
}

fn at_least_one(doc: &Map<String, Value>, key: &str, required: bool) -> Result<(), DomainError> {
    match whole(doc, key)? {
        None if required => Err(invalid(format!("'{key}' is required"))),
        Some(n) if n < 1 => Err(invalid(format!("'{key}' must be at least 1, not {n}"))),
        _ => Ok(()),
    }
}

fn query_type_is_wql(doc: &Map<String, Value>, key: &str) -> Result<bool, DomainError> {
    match text(doc, key)? {
        None => Ok(true),
        Some(t) => match t.to_ascii_uppercase().as_str() {
            "WQL" => Ok(true),
            "PROMQL" | "HYBRID" => Ok(false),
            _ => Err(invalid(format!(
                "'{key}' must be WQL, PROMQL or HYBRID, not '{t}'"
            ))),
        },
    }
}

fn check_query(what: &str, query: &str, wql: bool) -> Result<(), DomainError> {
    if query.trim().is_empty() {
        return Err(invalid(format!("{what} may not be empty")));
    }
    if wql {
        query_parses(query).map_err(|e| invalid(format!("{what} does not parse: {e}")))?;
    }
    Ok(())
}

/// A map keyed by lower-case severity (`conditions`, `targets`), its keys lower-cased.
fn by_severity(
    doc: &Map<String, Value>,
    key: &str,
) -> Result<Vec<(Severity, String)>, DomainError> {
    let map = match doc.get(key) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(invalid(format!("'{key}' must be an object"))),
    };
    let mut out = Vec::new();
    for (k, v) in map {
        let severity = Severity::parse(k).ok_or_else(|| {
            invalid(format!(
                "'{key}' has the key '{k}'; keys are info, smoke, warn and severe"
            ))
        })?;
        let value = v
            .as_str()
            .ok_or_else(|| invalid(format!("'{key}.{k}' must be a string")))?;
        out.push((severity, value.to_owned()));
    }
    out.sort_by_key(|(s, _)| *s);
    Ok(out)
}

fn severity_map(entries: &[(Severity, String)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(s, v)| (s.key().to_owned(), Value::String(v.clone())))
            .collect(),
    )
}

/// Checks an alert document a client sent and returns it as stored: server-set fields dropped,
/// `alertType` spelled out, threshold keys lower-cased, and a threshold alert's `condition`
/// filled (its `displayExpression`, else its highest severity's condition) when missing.
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
    at_least_one(&doc, "minutes", true)?;
    at_least_one(&doc, "resolveAfterMinutes", false)?;
    at_least_one(&doc, "processRateMinutes", false)?;
    whole(&doc, "notificationResendFrequencyMinutes")?;
    let alert_type = match text(&doc, "alertType")? {
        None => AlertType::Classic,
        Some(t) => AlertType::parse(t).ok_or_else(|| {
            invalid(format!(
                "'alertType' must be CLASSIC or THRESHOLD, not '{t}'"
            ))
        })?,
    };
    doc.insert(
        "alertType".into(),
        Value::String(alert_type.as_str().into()),
    );
    let condition_wql = query_type_is_wql(&doc, "conditionQueryType")?;
    query_type_is_wql(&doc, "displayExpressionQueryType")?;
    check_tags(&doc, "an alert")?;
    match alert_type {
        AlertType::Classic => {
            let condition = text(&doc, "condition")?.unwrap_or_default();
            check_query("'condition'", condition, condition_wql)?;
            let severity = text(&doc, "severity")?
                .ok_or_else(|| invalid("'severity' is required for a CLASSIC alert"))?;
            let severity = Severity::parse(severity).ok_or_else(|| {
                invalid(format!(
                    "'severity' must be INFO, SMOKE, WARN or SEVERE, not '{severity}'"
                ))
            })?;
            doc.insert("severity".into(), Value::String(severity.as_str().into()));
            if let Some(target) = text(&doc, "target")? {
                parse_targets(target)?;
            }
        }
        AlertType::Threshold => {
            let conditions = by_severity(&doc, "conditions")?;
            if conditions.is_empty() {
                return Err(invalid(
                    "a THRESHOLD alert needs 'conditions': a query for at least one severity",
                ));
            }
            for (severity, query) in &conditions {
                check_query(
                    &format!("'conditions.{}'", severity.key()),
                    query,
                    condition_wql,
                )?;
            }
            let targets = by_severity(&doc, "targets")?;
            for (_, target) in &targets {
                parse_targets(target)?;
            }
            let condition = text(&doc, "condition")?
                .filter(|c| !c.trim().is_empty())
                .or(text(&doc, "displayExpression")?.filter(|c| !c.trim().is_empty()))
                .map(str::to_owned)
                .or_else(|| conditions.last().map(|(_, q)| q.clone()))
                .unwrap_or_default();
            doc.insert("condition".into(), Value::String(condition));
            doc.insert("conditions".into(), severity_map(&conditions));
            if !targets.is_empty() {
                doc.insert("targets".into(), severity_map(&targets));
            }
            doc.remove("severity");
        }
    }
    Ok(doc)
}

/// `severityList`: a CLASSIC alert's severity, or the severities a THRESHOLD alert has conditions
/// for, lowest first.
pub fn severity_list(doc: &Map<String, Value>) -> Vec<Severity> {
    if let Ok(conditions) = by_severity(doc, "conditions")
        && doc.get("alertType").and_then(Value::as_str) == Some("THRESHOLD")
    {
        return conditions.into_iter().map(|(s, _)| s).collect();
    }
    doc.get("severity")
        .and_then(Value::as_str)
        .and_then(Severity::parse)
        .into_iter()
        .collect()
}

/// What the evaluator checks, severity by severity, lowest first: a CLASSIC alert's `condition`
/// at its `severity`, or a THRESHOLD alert's `conditions`.
pub fn conditions_by_severity(doc: &Map<String, Value>) -> Vec<(Severity, String)> {
    if doc.get("alertType").and_then(Value::as_str) == Some("THRESHOLD") {
        return by_severity(doc, "conditions").unwrap_or_default();
    }
    let condition = doc.get("condition").and_then(Value::as_str);
    severity_list(doc)
        .into_iter()
        .zip(condition)
        .map(|(s, c)| (s, c.to_owned()))
        .collect()
}

/// Whom each severity notifies, lowest first: a CLASSIC alert's `target` at its `severity`, or a
/// THRESHOLD alert's `targets`.
pub fn targets_by_severity(doc: &Map<String, Value>) -> Vec<(Severity, String)> {
    if doc.get("alertType").and_then(Value::as_str) == Some("THRESHOLD") {
        return by_severity(doc, "targets").unwrap_or_default();
    }
    let target = doc.get("target").and_then(Value::as_str);
    severity_list(doc)
        .into_iter()
        .zip(target)
        .map(|(s, t)| (s, t.to_owned()))
        .collect()
}

/// Every entry of `target` and of `targets`' values, each once, in the order written.
pub fn target_entries(doc: &Map<String, Value>) -> Vec<TargetEntry> {
    let mut texts: Vec<String> = doc
        .get("target")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .into_iter()
        .collect();
    if let Ok(targets) = by_severity(doc, "targets") {
        texts.extend(targets.into_iter().map(|(_, t)| t));
    }
    let mut out: Vec<TargetEntry> = Vec::new();
    for text in texts {
        for entry in parse_targets(&text).unwrap_or_default() {
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn classic() -> Value {
        json!({"name": "c", "condition": "ts(m) > 1", "minutes": 5, "severity": "warn"})
    }

    #[test]
    fn a_classic_alert_needs_condition_severity_and_minutes() {
        let ok = normalize(doc(classic())).unwrap_or_default();
        assert_eq!(ok.get("alertType"), Some(&json!("CLASSIC")));
        assert_eq!(ok.get("severity"), Some(&json!("WARN")));
        for (key, bad) in [
            ("minutes", json!(0)),
            ("severity", json!("CRITICAL")),
            ("condition", json!("ts(")),
            ("condition", json!("")),
            ("name", json!(" ")),
            ("alertType", json!("OTHER")),
            ("target", json!("nobody")),
        ] {
            let mut d = doc(classic());
            d.insert(key.into(), bad.clone());
            assert!(normalize(d).is_err(), "{key} = {bad}");
        }
        let mut d = doc(classic());
        d.remove("severity");
        assert!(normalize(d).is_err());
    }

    #[test]
    fn server_fields_are_dropped_and_unknown_fields_kept() {
        let mut d = doc(classic());
        d.insert("id".into(), json!("1"));
        d.insert("status".into(), json!(["FIRING"]));
        d.insert("somethingNew".into(), json!({"a": 1}));
        let ok = normalize(d).unwrap_or_default();
        assert!(ok.get("id").is_none() && ok.get("status").is_none());
        assert_eq!(ok.get("somethingNew"), Some(&json!({"a": 1})));
    }

    #[test]
    fn a_threshold_alert_gets_a_condition_and_lower_case_keys() {
        let d = doc(json!({"name": "t", "alertType": "THRESHOLD", "minutes": 5,
            "conditions": {"WARN": "ts(m) > 5", "severe": "ts(m) > 10"},
            "targets": {"severe": "a@example.com"}}));
        let ok = normalize(d).unwrap_or_default();
        assert_eq!(ok.get("condition"), Some(&json!("ts(m) > 10")));
        assert_eq!(
            ok.get("conditions"),
            Some(&json!({"warn": "ts(m) > 5", "severe": "ts(m) > 10"}))
        );
        assert_eq!(severity_list(&ok), vec![Severity::Warn, Severity::Severe]);
        let none = doc(json!({"name": "t", "alertType": "THRESHOLD", "minutes": 5}));
        assert!(normalize(none).is_err());
    }

    #[test]
    fn target_entries_gather_target_and_targets() {
        let d = doc(
            json!({"target": "a@example.com,target:N1", "targets": {"warn": "target:N1,pd:k"}}),
        );
        let texts: Vec<String> = target_entries(&d).iter().map(TargetEntry::text).collect();
        assert_eq!(texts, vec!["a@example.com", "target:N1", "pd:k"]);
    }
}
