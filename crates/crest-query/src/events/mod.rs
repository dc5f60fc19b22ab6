//! Events in the query language (wql.md §2.9): what the evaluator reads of an event
//! ([`EventData`]), the interface it reads events through ([`EventReader`], implemented by the
//! HTTP layer over the event store), and what a chart answers ([`AnsweredEvent`]).
//!
//! An event-set expression (`events(...)`, the set operators, `closed()`, the synthetic events)
//! is told apart from a time-series expression by its shape (`set.rs`); the chart answers an
//! event set as its `events`, and `count()` and `ongoing()` turn one into a time series
//! (`series.rs`). Decisions where the reference is silent are written in the module that takes
//! them and in docs/events.md.

pub(crate) mod filter;
pub(crate) mod series;
pub(crate) mod set;
mod window;

use std::collections::BTreeMap;

use crate::error::QueryError;

pub(crate) use set::{Ev, is_event_set};
pub(crate) use window::in_window;

/// One stored event as a query reads it: its end as read now (`None`: still open).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventData {
    pub id: String,
    pub name: String,
    /// Epoch milliseconds.
    pub start_ms: i64,
    /// Epoch milliseconds; `None` while the event is open (ongoing, or pending).
    pub end_ms: Option<i64>,
    pub annotations: BTreeMap<String, String>,
    pub hosts: Vec<String>,
    /// Event tags.
    pub tags: Vec<String>,
    /// The alert that made the event (alert events only).
    pub alert_id: Option<String>,
    pub alert_tags: Vec<String>,
}

/// Reads stored events for a query.
#[async_trait::async_trait]
pub trait EventReader: Send + Sync {
    /// At least every event that starts before `to_ms` and is open or ends after `from_ms`
    /// (epoch milliseconds); the evaluator applies the window rule itself, so more may come back.
    /// Too many to read is [`QueryError::Limit`].
    async fn events_between(&self, from_ms: i64, to_ms: i64) -> Result<Vec<EventData>, QueryError>;
}

/// A reader with no events, for callers that keep none.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

#[async_trait::async_trait]
impl EventReader for NoEvents {
    async fn events_between(&self, _: i64, _: i64) -> Result<Vec<EventData>, QueryError> {
        Ok(Vec::new())
    }
}

/// One event of a chart's answer (the API's `QueryEvent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredEvent {
    /// The stored event's id, or a synthetic event's description.
    pub id: String,
    pub name: String,
    /// Epoch milliseconds.
    pub start_ms: i64,
    /// Epoch milliseconds; `None` for an open event.
    pub end_ms: Option<i64>,
    pub hosts: Vec<String>,
    /// The event's annotations (`severity`, `type`, `details`, ...).
    pub tags: BTreeMap<String, String>,
    /// A synthetic event (`timespan()`, `since()`, `until()`, `after()`): never stored.
    pub ephemeral: bool,
}

impl From<Ev> for AnsweredEvent {
    fn from(e: Ev) -> Self {
        Self {
            id: e.id,
            name: e.name,
            start_ms: e.start_ms,
            end_ms: e.end_ms,
            hosts: e.hosts,
            tags: e.annotations,
            ephemeral: e.ephemeral,
        }
    }
}

/// The error for an event set used where time series are expected.
pub(crate) fn not_a_series(what: &str) -> QueryError {
    QueryError::exec(format!(
        "{what} gives a set of events, not time series: count(...) or ongoing(...) turn events into a time series"
    ))
}

/// `autoEvents`: the stored events the window shows that name a source of one of the answered
/// series (sources compare without regard to case).
pub(crate) fn auto_events(
    series: &[crate::TimeSeries],
    fetched: &crate::fetch::Fetched,
    chart: &crate::chart::Chart,
) -> Vec<Ev> {
    let sources: std::collections::BTreeSet<String> = series
        .iter()
        .filter_map(|s| s.host.as_deref().map(str::to_lowercase))
        .collect();
    let (from, to) = chart.window_ms();
    fetched
        .events
        .iter()
        .filter(|e| {
            in_window(e.start_ms, e.end_ms, from, to)
                && e.hosts.iter().any(|h| sources.contains(&h.to_lowercase()))
        })
        .map(Ev::stored)
        .collect()
}

/// The events a chart answers, by start then id, each once.
pub(crate) fn answered(events: Vec<Ev>) -> Vec<AnsweredEvent> {
    set::ordered(events)
        .into_iter()
        .map(AnsweredEvent::from)
        .collect()
}
