//! The alerts' side of an alert target's delete ([`TargetLinks`]): which alerts name the target
//! (`target:<id>` or `webhook:<id>`, in `target` or in a threshold alert's `targets`), and taking
//! it out of them, each change a new version of the alert.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::DomainError;
use crate::alert::model::{TargetEntry, parse_targets};
use crate::alert::record::AlertRecord;
use crate::alert::rules::target_entries;
use crate::alert::store::AlertStore;
use crate::clock::Clock;
use crate::notificant::TargetLinks;

/// [`TargetLinks`] over the alert store.
#[derive(Debug, Clone)]
pub struct AlertLinks {
    store: Arc<dyn AlertStore>,
    clock: Arc<dyn Clock>,
}

impl AlertLinks {
    pub fn new(store: Arc<dyn AlertStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

fn names(record: &AlertRecord, target: &str) -> bool {
    target_entries(&record.document)
        .iter()
        .any(|e| e.notificant_id() == Some(target))
}

/// A target string without the entries naming `target`.
fn without(text: &str, target: &str) -> String {
    parse_targets(text)
        .unwrap_or_default()
        .iter()
        .filter(|e| e.notificant_id() != Some(target))
        .map(TargetEntry::text)
        .collect::<Vec<_>>()
        .join(",")
}

/// The document with `target` taken out of `target` and every value of `targets`.
fn unlinked(mut doc: Map<String, Value>, target: &str) -> Map<String, Value> {
    if let Some(Value::String(text)) = doc.get_mut("target") {
        *text = without(text, target);
    }
    if let Some(Value::Object(map)) = doc.get_mut("targets") {
        for value in map.values_mut() {
            if let Value::String(text) = value {
                *text = without(text, target);
            }
        }
    }
    doc
}

#[async_trait]
impl TargetLinks for AlertLinks {
    async fn alerts_using(&self, notificant_id: &str) -> Result<Vec<String>, DomainError> {
        Ok(self
            .store
            .alerts()
            .await?
            .into_iter()
            .filter(|r| names(r, notificant_id))
            .map(|r| r.id)
            .collect())
    }

    async fn unlink(&self, notificant_id: &str, by: &str) -> Result<u64, DomainError> {
        let mut changed = 0;
        for record in self.store.alerts().await? {
            if !names(&record, notificant_id) {
                continue;
            }
            let doc = unlinked(record.document, notificant_id);
            let change = format!("removed the deleted target {notificant_id}");
            let saved = self
                .store
                .save_alert(&record.id, &doc, self.clock.now_millis(), by, &change)
                .await?;
            changed += u64::from(saved.is_some());
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_target_leaves_target_and_targets_and_nothing_else_does() {
        let doc = json!({
            "target": "a@example.com,target:abc,pd:0123456789abcdef,webhook:abc,target:keep",
            "targets": {"warn": "target:abc", "severe": "target:keep,target:abc"}
        });
        let Value::Object(doc) = doc else {
            panic!("an object")
        };
        let out = unlinked(doc, "abc");
        assert_eq!(
            out["target"],
            "a@example.com,pd:0123456789abcdef,target:keep"
        );
        assert_eq!(out["targets"]["warn"], "");
        assert_eq!(out["targets"]["severe"], "target:keep");
    }
}
