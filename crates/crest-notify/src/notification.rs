//! [`Notification`]: what the alert evaluator hands over to be rendered and delivered, with the
//! triggers, severities and series categories it speaks of.

use std::collections::BTreeMap;

/// Why a notification is sent (`Notificant.triggers`; the template's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    AlertOpened,
    AlertUpdated,
    AlertResolved,
    AlertMaintenance,
    AlertSnoozed,
    AlertInvalid,
    AlertNoLongerInvalid,
    AlertTesting,
    AlertRetriggered,
    AlertNoData,
    AlertNoDataResolved,
    AlertNoDataMaintenance,
    AlertSeverityUpdate,
    AlertNotificationPreview,
}

impl Trigger {
    pub const ALL: [Trigger; 14] = [
        Self::AlertOpened,
        Self::AlertUpdated,
        Self::AlertResolved,
        Self::AlertMaintenance,
        Self::AlertSnoozed,
        Self::AlertInvalid,
        Self::AlertNoLongerInvalid,
        Self::AlertTesting,
        Self::AlertRetriggered,
        Self::AlertNoData,
        Self::AlertNoDataResolved,
        Self::AlertNoDataMaintenance,
        Self::AlertSeverityUpdate,
        Self::AlertNotificationPreview,
    ];

    /// The API's name (`ALERT_OPENED`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AlertOpened => "ALERT_OPENED",
            Self::AlertUpdated => "ALERT_UPDATED",
            Self::AlertResolved => "ALERT_RESOLVED",
            Self::AlertMaintenance => "ALERT_MAINTENANCE",
            Self::AlertSnoozed => "ALERT_SNOOZED",
            Self::AlertInvalid => "ALERT_INVALID",
            Self::AlertNoLongerInvalid => "ALERT_NO_LONGER_INVALID",
            Self::AlertTesting => "ALERT_TESTING",
            Self::AlertRetriggered => "ALERT_RETRIGGERED",
            Self::AlertNoData => "ALERT_NO_DATA",
            Self::AlertNoDataResolved => "ALERT_NO_DATA_RESOLVED",
            Self::AlertNoDataMaintenance => "ALERT_NO_DATA_MAINTENANCE",
            Self::AlertSeverityUpdate => "ALERT_SEVERITY_UPDATE",
            Self::AlertNotificationPreview => "ALERT_NOTIFICATION_PREVIEW",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == text)
    }

    /// The template's `heading`, as the product words it.
    pub const fn heading(self) -> &'static str {
        match self {
            Self::AlertOpened => "OPENED",
            Self::AlertUpdated => "UPDATED",
            Self::AlertResolved => "RECOVERED",
            Self::AlertMaintenance => "SUSPENDED DUE TO MAINTENANCE",
            Self::AlertSnoozed => "SNOOZED",
            Self::AlertInvalid => "INVALID ALERT",
            Self::AlertNoLongerInvalid => "ALERT NO LONGER INVALID",
            Self::AlertTesting => "TESTING",
            Self::AlertRetriggered => "ALERT RE-TRIGGERED",
            Self::AlertNoData => "ALERT NO DATA",
            Self::AlertNoDataResolved => "ALERT NO DATA RESOLVED",
            Self::AlertNoDataMaintenance => "ALERT NO DATA MAINTENANCE",
            Self::AlertSeverityUpdate => "SEVERITY UPDATED",
            Self::AlertNotificationPreview => "PREVIEW",
        }
    }
}

/// An alert's severity, lowest first (so `Ord` ranks them).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    Info,
    Smoke,
    Warn,
    Severe,
}

impl Severity {
    pub const ALL: [Self; 4] = [Self::Info, Self::Smoke, Self::Warn, Self::Severe];

    /// Either case: `severity` is upper-case, the keys of `conditions` lower-case.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "INFO",
            Self::Smoke => "SMOKE",
            Self::Warn => "WARN",
            Self::Severe => "SEVERE",
        }
    }

    /// The key of `conditions` and `targets`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Smoke => "smoke",
            Self::Warn => "warn",
            Self::Severe => "severe",
        }
    }
}

/// The categories a series of a notification falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Failing,
    InMaintenance,
    NewlyFailing,
    Recovered,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Self::Failing,
        Self::InMaintenance,
        Self::NewlyFailing,
        Self::Recovered,
    ];

    /// The prefix of the template's iterators (`failing` of `failingHosts`).
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::Failing => "failing",
            Self::InMaintenance => "inMaintenance",
            Self::NewlyFailing => "newlyFailing",
            Self::Recovered => "recovered",
        }
    }
}

/// The statistics of a series' display values over the alert's window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SeriesStats {
    pub first: Option<f64>,
    pub last: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
}

/// One series of a notification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Its source (may be empty for an aggregate).
    pub host: String,
    /// Its metric, or the aggregation's label.
    pub label: String,
    pub tags: BTreeMap<String, String>,
    /// How many points the condition returned.
    pub observed: u64,
    /// How many of them met the condition.
    pub firing: u64,
    pub stats: SeriesStats,
    /// The tags of its source.
    pub source_tags: Vec<String>,
}

/// A filter of the alert's query, as the template's `filterByKVs` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFilter {
    pub key: String,
    /// `=`, `!=` or `?=`.
    pub predicate: String,
    pub value: String,
}

/// One notification of one alert, everything a template may read.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Unique per notification (a UUID).
    pub notification_id: String,
    pub alert_id: String,
    pub name: String,
    pub condition: String,
    pub severity: Severity,
    pub trigger: Trigger,
    pub additional_information: String,
    pub error_message: String,
    pub alert_tags: Vec<String>,
    pub image_links: Vec<String>,
    pub runbook_links: Vec<String>,
    pub triage_dashboard_links: Vec<String>,
    pub tracing_page_links: Vec<String>,
    pub alert_route: String,
    pub created_ms: Option<i64>,
    pub started_ms: Option<i64>,
    pub since_ms: Option<i64>,
    pub ended_ms: Option<i64>,
    pub snoozed_until_ms: Option<i64>,
    pub series: BTreeMap<Category, Vec<Series>>,
    pub filter_by_kvs: Vec<KeyFilter>,
    pub group_by_keys: Vec<String>,
    pub contributing_kvs: Vec<(String, Vec<String>)>,
}

impl Notification {
    /// The synthetic notification `POST /api/v2/notificant/test/{id}` delivers: reason
    /// `ALERT_TESTING`, one failing series.
    pub fn test(notification_id: String, now_ms: i64) -> Self {
        let failing = Series {
            host: "crest-test-source".to_owned(),
            label: "crest.test.metric".to_owned(),
            tags: BTreeMap::from([("env".to_owned(), "test".to_owned())]),
            observed: 5,
            firing: 5,
            stats: SeriesStats {
                first: Some(1.0),
                last: Some(2.0),
                min: Some(1.0),
                max: Some(2.0),
                mean: Some(1.5),
            },
            source_tags: Vec::new(),
        };
        Self {
            notification_id,
            alert_id: "0000000000000".to_owned(),
            name: "Test notification from Crest".to_owned(),
            condition: "ts(crest.test.metric) > 0".to_owned(),
            severity: Severity::Info,
            trigger: Trigger::AlertTesting,
            additional_information: "A test of this alert target; no alert fired.".to_owned(),
            error_message: String::new(),
            alert_tags: vec!["test".to_owned()],
            image_links: Vec::new(),
            runbook_links: Vec::new(),
            triage_dashboard_links: Vec::new(),
            tracing_page_links: Vec::new(),
            alert_route: String::new(),
            created_ms: Some(now_ms),
            started_ms: Some(now_ms),
            since_ms: Some(now_ms),
            ended_ms: None,
            snoozed_until_ms: None,
            series: BTreeMap::from([
                (Category::Failing, vec![failing.clone()]),
                (Category::NewlyFailing, vec![failing]),
            ]),
            filter_by_kvs: Vec::new(),
            group_by_keys: Vec::new(),
            contributing_kvs: Vec::new(),
        }
    }
}
