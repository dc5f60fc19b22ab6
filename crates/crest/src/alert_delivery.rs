//! Where the evaluator's notifications go: each entry of an alert's target string becomes a
//! notificant handed to the dispatcher of alert targets. A stored target (`target:<id>`, legacy
//! `webhook:<id>`) is told of the triggers it lists; a simple target (an email address, `pd:<key>`)
//! is a built-in target with the product's default template, told "whenever the alert is firing,
//! updated, resolved, snoozed, or in a maintenance window" (reference N-2). A stored target's
//! routes tell their own recipients of the series their filters match.

use std::collections::BTreeMap;
use std::sync::Arc;

use crest_alert::{Notifier, Outgoing, SeriesKey};
use crest_domain::Chain;
use crest_domain::alert::{SourceLabelPair, TargetEntry, parse_targets};
use crest_domain::notificant::{Dispatcher, Method, NotificantRecord, NotificantStore};
use crest_notify::{Category, Notification, Series, Trigger};
use serde_json::Value;

/// The creator named on the built-in targets of simple entries.
const BUILT_IN: &str = "System";

/// Hands notifications to the dispatcher of alert targets.
#[derive(Debug)]
pub struct Delivered {
    pub targets: Arc<dyn NotificantStore>,
    pub dispatcher: Arc<dyn Dispatcher>,
}

/// The triggers a simple target hears.
fn simple_hears(trigger: Trigger) -> bool {
    matches!(
        trigger,
        Trigger::AlertOpened
            | Trigger::AlertUpdated
            | Trigger::AlertResolved
            | Trigger::AlertRetriggered
            | Trigger::AlertSnoozed
            | Trigger::AlertMaintenance
    )
}

/// Whether a stored target hears a notice: it lists the trigger, or the notice changed the
/// alert's severity and it lists `ALERT_SEVERITY_UPDATE`.
fn stored_hears(record: &NotificantRecord, o: &Outgoing) -> bool {
    record.triggers.contains(&o.trigger)
        || (o.severity_changed && record.triggers.contains(&Trigger::AlertSeverityUpdate))
}

/// The deliveries a stored target's routes add: each route whose filter matches some of the
/// notification's series tells its own recipient of those series, by its own method (with the
/// target's template when the method is the target's, else that method's default template).
fn routes_of(
    record: &NotificantRecord,
    notification: &Notification,
) -> Vec<(NotificantRecord, Notification)> {
    record
        .routes
        .iter()
        .filter_map(|route| {
            let told = crest_notify::routed(notification, &route.key, &route.value)?;
            let to = if route.method == record.method {
                NotificantRecord {
                    recipient: route.target.clone(),
                    routes: Vec::new(),
                    ..record.clone()
                }
            } else {
                built_in(route.method, &route.target)
            };
            Some((to, told))
        })
        .collect()
}

/// The built-in target of a simple entry.
fn built_in(method: Method, recipient: &str) -> NotificantRecord {
    let (template, html) = match method {
        Method::Email => (crest_notify::DEFAULT_HTML_EMAIL, true),
        Method::PagerDuty => (crest_notify::DEFAULT_PAGERDUTY, false),
        Method::Webhook => (crest_notify::DEFAULT_WEBHOOK, false),
    };
    NotificantRecord {
        id: String::new(),
        title: recipient.to_owned(),
        description: "a simple target of an alert".to_owned(),
        method,
        recipient: recipient.to_owned(),
        template: template.to_owned(),
        triggers: Trigger::ALL.to_vec(),
        content_type: String::new(),
        custom_http_headers: BTreeMap::new(),
        email_subject: None,
        is_html_content: html,
        routes: Vec::new(),
        created_ms: 0,
        creator: BUILT_IN.to_owned(),
        updated_ms: 0,
        updater: BUILT_IN.to_owned(),
    }
}

fn series_of_pair(p: &SourceLabelPair) -> Series {
    Series {
        host: p.host.clone(),
        label: p.label.clone(),
        tags: p.tags.clone(),
        observed: u64::try_from(p.observed).unwrap_or_default(),
        firing: u64::try_from(p.firing).unwrap_or_default(),
        ..Series::default()
    }
}

fn series_of_key(k: &SeriesKey) -> Series {
    Series {
        host: k.host.clone().unwrap_or_default(),
        label: k.label.clone(),
        tags: k.tags.clone(),
        ..Series::default()
    }
}

fn strings(doc: &serde_json::Map<String, Value>, key: &str) -> Vec<String> {
    doc.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The notification a template reads, for one notice.
pub fn notification_of(o: &Outgoing, notification_id: String) -> Notification {
    let doc = &o.document;
    let series = BTreeMap::from([
        (
            Category::Failing,
            o.failing.iter().map(series_of_pair).collect(),
        ),
        (
            Category::NewlyFailing,
            o.newly_failing.iter().map(series_of_key).collect(),
        ),
        (
            Category::Recovered,
            o.recovered.iter().map(series_of_key).collect(),
        ),
        (
            Category::InMaintenance,
            o.in_maintenance.iter().map(series_of_key).collect(),
        ),
    ]);
    Notification {
        notification_id,
        alert_id: o.alert_id.clone(),
        name: o.name.clone(),
        condition: o.condition.clone(),
        severity: o.severity,
        trigger: o.trigger,
        additional_information: doc
            .get("additionalInformation")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        error_message: o.error_message.clone(),
        alert_tags: o.tags.clone(),
        image_links: Vec::new(),
        runbook_links: strings(doc, "runbookLinks"),
        triage_dashboard_links: Vec::new(),
        tracing_page_links: Vec::new(),
        alert_route: String::new(),
        created_ms: Some(o.created_ms),
        started_ms: o.since_ms,
        since_ms: o.since_ms,
        ended_ms: o.ended_ms,
        snoozed_until_ms: o.snoozed_until_ms,
        series,
        filter_by_kvs: Vec::new(),
        group_by_keys: Vec::new(),
        contributing_kvs: Vec::new(),
    }
}

#[async_trait::async_trait]
impl Notifier for Delivered {
    async fn notify(&self, targets: &str, outgoing: Outgoing) {
        let entries = match parse_targets(targets) {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(alert = %outgoing.alert_id, error = %Chain(&e), "an alert's targets do not read; nobody told");
                return;
            }
        };
        let notification = notification_of(&outgoing, uuid::Uuid::new_v4().to_string());
        for entry in entries {
            let record = match &entry {
                TargetEntry::Notificant(id) | TargetEntry::Webhook(id) => {
                    match self.targets.notificant(id).await {
                        Ok(Some(r)) if stored_hears(&r, &outgoing) => r,
                        Ok(_) => continue,
                        Err(e) => {
                            tracing::warn!(alert = %outgoing.alert_id, target = %id, error = %Chain(&e), "an alert target could not be read; not told");
                            continue;
                        }
                    }
                }
                TargetEntry::Email(address) if simple_hears(outgoing.trigger) => {
                    built_in(Method::Email, address)
                }
                TargetEntry::PagerDuty(key) if simple_hears(outgoing.trigger) => {
                    built_in(Method::PagerDuty, key)
                }
                TargetEntry::Email(_) | TargetEntry::PagerDuty(_) => continue,
            };
            let mut deliveries = routes_of(&record, &notification);
            deliveries.insert(0, (record, notification.clone()));
            for (to, told) in deliveries {
                if let Err(e) = self.dispatcher.dispatch(to, told) {
                    tracing::warn!(alert = %outgoing.alert_id, target = %entry.text(), error = %Chain(&e), "a notification could not be queued");
                }
            }
        }
    }
}
