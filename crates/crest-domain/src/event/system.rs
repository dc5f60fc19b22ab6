//! The system's own events: the trace of a change to an alert, a maintenance window or a dashboard
//! (`alert-created`, `alert-snoozed`, `maintenancewindow-deleted`, `dashboard-deleted`, ...), and the
//! `maintenanceWindow` event that spans a window's time, kept in step with the window.

use std::collections::BTreeMap;

use crate::DomainError;
use crate::clock::EpochMillis;
use crate::event::input::EventInput;
use crate::event::query::EventQuery;
use crate::event::record::{EventOrigin, EventRecord};
use crate::event::service::{Events, SYSTEM_CREATOR};
use crate::maintenance::{MaintenanceWindowRecord, RunningState};

/// A change the system records as an event; its `annotations.type` is [`Change::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    AlertCreated,
    AlertUpdated,
    AlertDeleted,
    AlertUndeleted,
    AlertSnoozed,
    AlertUnsnoozed,
    WindowCreated,
    WindowUpdated,
    WindowDeleted,
    DashboardDeleted,
}

impl Change {
    /// The event type the product's event queries know it by.
    pub const fn kind(self) -> &'static str {
        match self {
            Self::AlertCreated => "alert-created",
            Self::AlertUpdated => "alert-updated",
            Self::AlertDeleted => "alert-deleted",
            Self::AlertUndeleted => "alert-undeleted",
            Self::AlertSnoozed => "alert-snoozed",
            Self::AlertUnsnoozed => "alert-unsnoozed",
            Self::WindowCreated => "maintenancewindow-created",
            Self::WindowUpdated => "maintenancewindow-updated",
            Self::WindowDeleted => "maintenancewindow-deleted",
            Self::DashboardDeleted => "dashboard-deleted",
        }
    }

    /// The start of the event's name.
    const fn title(self) -> &'static str {
        match self {
            Self::AlertCreated => "Alert created",
            Self::AlertUpdated => "Alert updated",
            Self::AlertDeleted => "Alert deleted",
            Self::AlertUndeleted => "Alert restored",
            Self::AlertSnoozed => "Alert snoozed",
            Self::AlertUnsnoozed => "Alert unsnoozed",
            Self::WindowCreated => "Maintenance window created",
            Self::WindowUpdated => "Maintenance window updated",
            Self::WindowDeleted => "Maintenance window deleted",
            Self::DashboardDeleted => "Dashboard deleted",
        }
    }

    /// The annotation that holds the changed object's id.
    const fn id_key(self) -> &'static str {
        match self {
            Self::AlertCreated
            | Self::AlertUpdated
            | Self::AlertDeleted
            | Self::AlertUndeleted
            | Self::AlertSnoozed
            | Self::AlertUnsnoozed => "alertId",
            Self::WindowCreated | Self::WindowUpdated | Self::WindowDeleted => {
                "maintenanceWindowId"
            }
            Self::DashboardDeleted => "dashboardId",
        }
    }
}

/// What changed, and who changed it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The account that made the change.
    pub by: &'a str,
    /// The alert's tags (`alertTags` of the event), none for a window.
    pub tags: &'a [String],
    /// A sentence more, when the change has one (how long a snooze lasts).
    pub details: Option<&'a str>,
}

/// The `maintenanceWindow` event's annotation naming its window.
const WINDOW_KEY: &str = "maintenanceWindowId";
/// The `maintenanceWindow` event's type.
const WINDOW_KIND: &str = "maintenanceWindow";

/// The instantaneous event of `change` at `now`.
pub fn change_input(change: Change, subject: &Subject<'_>, now: EpochMillis) -> EventInput {
    let mut details = format!("by {}", subject.by);
    if let Some(more) = subject.details {
        details = format!("{more}, {details}");
    }
    EventInput {
        name: Some(format!("{}: {}", change.title(), subject.name)),
        start_time: Some(now),
        end_time: Some(now.saturating_add(1)),
        annotations: Some(BTreeMap::from([
            ("type".to_owned(), change.kind().to_owned()),
            ("severity".to_owned(), "info".to_owned()),
            ("details".to_owned(), details),
            (change.id_key().to_owned(), subject.id.to_owned()),
        ])),
        alert_tags: (!subject.tags.is_empty()).then(|| subject.tags.to_vec()),
        ..EventInput::default()
    }
}

/// A window's own event: from its start to its end, named by its `eventName`.
pub fn window_input(window: &MaintenanceWindowRecord) -> EventInput {
    EventInput {
        name: Some(window.event_name()),
        start_time: Some(window.spec.start_time_in_seconds.saturating_mul(1000)),
        end_time: Some(window.spec.end_time_in_seconds.saturating_mul(1000)),
        annotations: Some(BTreeMap::from([
            ("type".to_owned(), WINDOW_KIND.to_owned()),
            ("severity".to_owned(), "info".to_owned()),
            ("details".to_owned(), window.spec.reason.clone()),
            (WINDOW_KEY.to_owned(), window.id.clone()),
        ])),
        hosts: (!window.spec.relevant_host_names.is_empty())
            .then(|| window.spec.relevant_host_names.clone()),
        alert_tags: (!window.spec.relevant_customer_tags.is_empty())
            .then(|| window.spec.relevant_customer_tags.clone()),
        ..EventInput::default()
    }
}

impl Events<'_> {
    /// Records `change` as an instantaneous system event.
    pub async fn record_change(
        &self,
        change: Change,
        subject: &Subject<'_>,
    ) -> Result<EventRecord, DomainError> {
        let input = change_input(change, subject, self.now());
        self.create(SYSTEM_CREATOR, input, EventOrigin::System)
            .await
    }

    /// Opens a new window's event.
    pub async fn open_window_event(
        &self,
        window: &MaintenanceWindowRecord,
    ) -> Result<EventRecord, DomainError> {
        self.create(SYSTEM_CREATOR, window_input(window), EventOrigin::System)
            .await
    }

    /// Keeps a changed window's event in step: the event `before` left is replaced by one that
    /// spans the window as it is now.
    pub async fn move_window_event(
        &self,
        before: &MaintenanceWindowRecord,
        after: &MaintenanceWindowRecord,
    ) -> Result<EventRecord, DomainError> {
        if let Some(old) = self.window_event(before).await? {
            self.remove_system_event(&old).await?;
        }
        self.open_window_event(after).await
    }

    /// A deleted window's event: gone if the window had not started, ended now if it was
    /// running (the maintenance happened, until now), kept as it was if it had ended.
    pub async fn close_window_event(
        &self,
        window: &MaintenanceWindowRecord,
    ) -> Result<(), DomainError> {
        let Some(event) = self.window_event(window).await? else {
            return Ok(());
        };
        match window.running_state(self.now()) {
            RunningState::Pending => self.remove_system_event(&event).await,
            RunningState::Ongoing => self.end_system_event(&event.id).await.map(|_| ()),
            RunningState::Ended => Ok(()),
        }
    }

    /// The event of `window`: the system event of type `maintenanceWindow` that names it,
    /// starting at the window's start.
    pub async fn window_event(
        &self,
        window: &MaintenanceWindowRecord,
    ) -> Result<Option<EventRecord>, DomainError> {
        let start = window.spec.start_time_in_seconds.saturating_mul(1000);
        let query = EventQuery {
            earliest_start: start,
            latest_start: start,
            after: None,
            ascending: true,
            alert_id: None,
            limit: 1,
        };
        let page = self
            .scan(query, 1, |e| {
                e.origin == EventOrigin::System
                    && e.annotations.get("type").is_some_and(|t| t == WINDOW_KIND)
                    && e.annotations.get(WINDOW_KEY) == Some(&window.id)
            })
            .await?;
        Ok(page.items.into_iter().next())
    }
}
