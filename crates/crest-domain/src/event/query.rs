//! A read of events by start time, as the store runs it: a window of start times, an order, a
//! cursor (the last id of the previous page), and optionally one alert's events.

use crate::clock::EpochMillis;
use crate::event::record::EventRecord;

/// Events whose start lies in `[earliest_start, latest_start]`, in start-time order (then id
/// order), after the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    pub earliest_start: EpochMillis,
    pub latest_start: EpochMillis,
    /// The `(start, id)` (exclusive) the page resumes after, in the query's order.
    pub after: Option<(EpochMillis, String)>,
    pub ascending: bool,
    /// Only the events of this alert.
    pub alert_id: Option<String>,
    /// At least 1.
    pub limit: u32,
}

/// One page of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    pub items: Vec<EventRecord>,
    /// Whether more events may follow (the id to resume after is `cursor`).
    pub more: bool,
    /// The id to resume after when `more`: the last event read, which need not be the last one
    /// returned when a filter left events out.
    pub cursor: Option<String>,
}

/// `renderingMethod` of the related-events read: what ties an event to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderingMethod {
    /// A host in common.
    Host,
    /// A metric in common.
    Metric,
    /// Nearness in time alone.
    Similarity,
}

impl RenderingMethod {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "HOST" => Some(Self::Host),
            "METRIC" => Some(Self::Metric),
            "SIMILARITY" => Some(Self::Similarity),
            _ => None,
        }
    }
}

/// What the related-events read looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Related {
    /// Only events that overlap the event itself (else: within an hour of it).
    pub overlapped: bool,
    pub method: Option<RenderingMethod>,
    pub limit: u32,
}
