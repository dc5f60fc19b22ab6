//! An event as stored.

use std::collections::BTreeMap;

use crate::clock::EpochMillis;
use crate::event::lifecycle::{AUTO_CLOSE_MS, RunningState};

/// Who made an event: a user (through the Event API), the system (ingested `@Event` lines, audit
/// events), or an alert. Only user events may be updated, deleted or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventOrigin {
    User,
    System,
    Alert,
}

impl EventOrigin {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::System => "system",
            Self::Alert => "alert",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "user" => Some(Self::User),
            "system" => Some(Self::System),
            "alert" => Some(Self::Alert),
            _ => None,
        }
    }

    /// The API's `creatorType`.
    pub const fn creator_types(self) -> &'static [&'static str] {
        match self {
            Self::User => &["USER"],
            Self::System => &["SYSTEM"],
            Self::Alert => &["SYSTEM", "ALERT"],
        }
    }

    pub const fn is_user(self) -> bool {
        matches!(self, Self::User)
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// `startTime:name[:n]`.
    pub id: String,
    pub name: String,
    pub start_ms: EpochMillis,
    /// `None` while the event is open (ongoing, or pending).
    pub end_ms: Option<EpochMillis>,
    pub annotations: BTreeMap<String, String>,
    pub hosts: Vec<String>,
    /// In code-point order, each once.
    pub tags: Vec<String>,
    pub dimensions: BTreeMap<String, Vec<String>>,
    pub origin: EventOrigin,
    /// The alert that made the event (alert events only).
    pub alert_id: Option<String>,
    pub alert_tags: Vec<String>,
    pub metrics_used: Vec<String>,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
    /// Bumped by every change; a change applies only to the version it read.
    pub version: i64,
}

impl EventRecord {
    /// When the event ends as read at `now`: its end, or, for an event left open for
    /// [`AUTO_CLOSE_MS`] since its start, that moment (the product closes such events itself).
    pub fn end_at(&self, now: EpochMillis) -> Option<EpochMillis> {
        self.end_ms.or_else(|| {
            let cap = self.start_ms.saturating_add(AUTO_CLOSE_MS);
            (now >= cap).then_some(cap)
        })
    }

    /// The event's state at `now`.
    pub fn state(&self, now: EpochMillis) -> RunningState {
        RunningState::of(self.start_ms, self.end_at(now), now)
    }

    /// Whether the Event API may delete it.
    pub const fn can_delete(&self) -> bool {
        self.origin.is_user()
    }

    /// Whether the Event API may close it: a user event that has not ended.
    pub fn can_close(&self, now: EpochMillis) -> bool {
        self.origin.is_user() && self.state(now) != RunningState::Ended
    }

    /// Whether the event overlaps `[from, to]` (an open event reaches to `now`).
    pub fn overlaps(&self, from: EpochMillis, to: EpochMillis, now: EpochMillis) -> bool {
        let end = self.end_at(now).unwrap_or(now.max(self.start_ms));
        self.start_ms <= to && end >= from
    }
}
