//! An alert target as stored: its method, recipient, template, triggers and routes.

use std::collections::BTreeMap;

use crest_notify::Trigger;

use crate::clock::EpochMillis;

/// How a target is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Webhook,
    Email,
    PagerDuty,
}

impl Method {
    /// The API's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "WEBHOOK",
            Self::Email => "EMAIL",
            Self::PagerDuty => "PAGERDUTY",
        }
    }

    /// The API's name, in any case.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Webhook, Self::Email, Self::PagerDuty]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// A route: series whose `key` matches `value` go to `target` by `method`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub target: String,
    /// `source`, `metric` or a point tag's name.
    pub key: String,
    pub value: String,
}

impl Route {
    /// `AlertRoute.filter`: `"key value"`.
    pub fn filter(&self) -> String {
        format!("{} {}", self.key, self.value)
    }
}

/// One alert target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificantRecord {
    /// 16 letters and digits.
    pub id: String,
    pub title: String,
    pub description: String,
    pub method: Method,
    /// EMAIL: addresses separated by commas; PAGERDUTY: a routing key; WEBHOOK: a URL.
    pub recipient: String,
    /// The Mustache template of the body (the PagerDuty summary).
    pub template: String,
    /// In the order given, each once.
    pub triggers: Vec<Trigger>,
    /// One of the API's content types, or empty.
    pub content_type: String,
    pub custom_http_headers: BTreeMap<String, String>,
    /// A Mustache template; `None` composes the subject.
    pub email_subject: Option<String>,
    pub is_html_content: bool,
    pub routes: Vec<Route>,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
}

impl NotificantRecord {
    /// Whether this target is notified for `trigger`.
    pub fn fires_on(&self, trigger: Trigger) -> bool {
        self.triggers.contains(&trigger)
    }
}
