//! What the evaluator reads of an alert's document: its conditions and targets by severity, its
//! windows, its check period, its tags.

use crest_domain::alert::{AlertRecord, Severity, conditions_by_severity, targets_by_severity};
use serde_json::{Map, Value};

use crate::window::Timing;

/// `processRateMinutes` when the document has none (reference §11: 5).
pub const DEFAULT_PROCESS_RATE_MINUTES: u32 = 5;
/// How often an INVALID alert is checked ("approximately every 15 minutes").
pub const INVALID_PROCESS_RATE_MINUTES: u32 = 15;

/// An alert as the evaluator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSpec {
    pub name: String,
    /// The query of each severity, lowest first (one for a classic alert).
    pub conditions: Vec<(Severity, String)>,
    /// The target string of each severity that has one.
    pub targets: Vec<(Severity, String)>,
    pub timing: Timing,
    pub process_rate_minutes: u32,
    pub resend_minutes: Option<u32>,
    pub include_obsolete: bool,
    /// `tags.customerTags`.
    pub tags: Vec<String>,
}

/// A positive whole number of minutes at `key`.
fn minutes(doc: &Map<String, Value>, key: &str) -> Option<u32> {
    doc.get(key)
        .and_then(Value::as_i64)
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| *m > 0)
}

impl AlertSpec {
    pub fn of(record: &AlertRecord) -> AlertSpec {
        let doc = &record.document;
        let trigger = minutes(doc, "minutes").unwrap_or(1);
        AlertSpec {
            name: record.name().to_owned(),
            conditions: conditions_by_severity(doc),
            targets: targets_by_severity(doc),
            timing: Timing {
                trigger_minutes: trigger,
                resolve_minutes: minutes(doc, "resolveAfterMinutes").unwrap_or(trigger),
                realtime: doc
                    .get("evaluateRealtimeData")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            },
            process_rate_minutes: minutes(doc, "processRateMinutes")
                .unwrap_or(DEFAULT_PROCESS_RATE_MINUTES),
            resend_minutes: minutes(doc, "notificationResendFrequencyMinutes"),
            include_obsolete: doc
                .get("includeObsoleteMetrics")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            tags: record.customer_tags(),
        }
    }

    /// The severities that have targets (the levels notices go to).
    pub fn levels(&self) -> Vec<Severity> {
        self.targets.iter().map(|(s, _)| *s).collect()
    }

    /// The targets of one level.
    pub fn targets_of(&self, level: Severity) -> Option<&str> {
        self.targets
            .iter()
            .find(|(s, _)| *s == level)
            .map(|(_, t)| t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(doc: Value) -> AlertRecord {
        let Value::Object(document) = doc else {
            panic!("an object")
        };
        AlertRecord {
            id: "1".into(),
            document,
            version: 1,
            created_ms: 0,
            creator: "u".into(),
            updated_ms: 0,
            updater: "u".into(),
            trashed_ms: None,
            acl: Default::default(),
            snoozed: None,
            runtime: Default::default(),
        }
    }

    #[test]
    fn a_classic_alert_has_one_condition_and_defaults() {
        let spec = AlertSpec::of(&record(json!({
            "name": "a", "alertType": "CLASSIC", "condition": "ts(m) > 1",
            "minutes": 5, "severity": "WARN", "target": "a@example.com",
            "tags": {"customerTags": ["t1"]}
        })));
        assert_eq!(spec.conditions, vec![(Severity::Warn, "ts(m) > 1".into())]);
        assert_eq!(spec.targets, vec![(Severity::Warn, "a@example.com".into())]);
        assert_eq!(spec.timing.resolve_minutes, 5);
        assert_eq!(spec.process_rate_minutes, 5);
        assert_eq!(spec.resend_minutes, None);
        assert_eq!(spec.tags, vec!["t1".to_owned()]);
    }

    #[test]
    fn a_threshold_alert_has_a_condition_per_severity() {
        let spec = AlertSpec::of(&record(json!({
            "name": "t", "alertType": "THRESHOLD", "condition": "ts(m)",
            "conditions": {"severe": "ts(m) > 10", "warn": "ts(m) > 5"},
            "targets": {"severe": "target:abc"},
            "minutes": 2, "resolveAfterMinutes": 3, "processRateMinutes": 1,
            "notificationResendFrequencyMinutes": 30
        })));
        assert_eq!(
            spec.conditions,
            vec![
                (Severity::Warn, "ts(m) > 5".into()),
                (Severity::Severe, "ts(m) > 10".into())
            ]
        );
        assert_eq!(spec.levels(), vec![Severity::Severe]);
        assert_eq!(spec.timing.resolve_minutes, 3);
        assert_eq!(spec.process_rate_minutes, 1);
        assert_eq!(spec.resend_minutes, Some(30));
    }
}
