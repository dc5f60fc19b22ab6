//! The system events that trace changes made through the API (alerts created, updated, deleted,
//! restored, snoozed and unsnoozed; maintenance windows and their own events). They are written
//! after the change they trace; a failure is logged, never the request's failure (the change is
//! done, and the event is its trace, not its truth).

use crest_domain::Chain;
use crest_domain::event::{Change, Events, Subject};
use crest_domain::maintenance::MaintenanceWindowRecord;

use crate::state::AppState;

fn events(state: &AppState) -> Events<'_> {
    Events::new(state.resources.as_ref(), state.clock.as_ref())
}

/// Records `change` of `subject`.
pub(crate) async fn note(state: &AppState, change: Change, subject: Subject<'_>) {
    if let Err(e) = events(state).record_change(change, &subject).await {
        tracing::warn!(kind = change.kind(), id = subject.id, error = %Chain(&e), "cannot record a system event");
    }
}

/// What happened to a maintenance window, for its own event.
pub(crate) enum WindowChange<'a> {
    Created(&'a MaintenanceWindowRecord),
    Updated {
        before: &'a MaintenanceWindowRecord,
        after: &'a MaintenanceWindowRecord,
    },
    Deleted(&'a MaintenanceWindowRecord),
}

/// Records a window's change, and keeps its `maintenanceWindow` event in step.
pub(crate) async fn note_window(state: &AppState, by: &str, change: WindowChange<'_>) {
    let events = events(state);
    let (kind, window, outcome) = match change {
        WindowChange::Created(w) => (
            Change::WindowCreated,
            w,
            events.open_window_event(w).await.map(|_| ()),
        ),
        WindowChange::Updated { before, after } => (
            Change::WindowUpdated,
            after,
            events.move_window_event(before, after).await.map(|_| ()),
        ),
        WindowChange::Deleted(w) => (Change::WindowDeleted, w, events.close_window_event(w).await),
    };
    if let Err(e) = outcome {
        tracing::warn!(window = %window.id, error = %Chain(&e), "cannot keep a maintenance window's event in step");
    }
    let subject = Subject {
        id: &window.id,
        name: &window.spec.title,
        by,
        tags: &[],
        details: None,
    };
    note(state, kind, subject).await;
}
