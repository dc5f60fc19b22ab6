//! The query language's events (`crest_query::EventReader`) read from the event store: the events
//! that started up to [`AUTO_CLOSE_MS`] before a chart's window and before its end, with their
//! ends as read now (an event left open 60 days is read as ended then, as everywhere else).
//!
//! An event that started more than 60 days before the window and ended inside it is not read (the
//! store reads by start; such a long closed event is rare); more than [`MAX_SCANNED`] events
//! started in that span make the query a `Timeout` naming the bound.

use std::sync::Arc;

use crest_domain::clock::Clock;
use crest_domain::event::{AUTO_CLOSE_MS, EventQuery, EventRecord, Events, MAX_SCANNED};
use crest_domain::resource_store::ResourceStore;
use crest_query::{EventData, EventReader, QueryError};

/// Reads events for chart queries through the event store.
#[derive(Debug)]
pub struct StoredEvents {
    resources: Arc<dyn ResourceStore>,
    clock: Arc<dyn Clock>,
}

impl StoredEvents {
    pub fn new(resources: Arc<dyn ResourceStore>, clock: Arc<dyn Clock>) -> Self {
        Self { resources, clock }
    }
}

/// What the evaluator reads of a stored event at `now`.
pub(crate) fn event_data(e: &EventRecord, now: i64) -> EventData {
    EventData {
        id: e.id.clone(),
        name: e.name.clone(),
        start_ms: e.start_ms,
        end_ms: e.end_at(now),
        annotations: e.annotations.clone(),
        hosts: e.hosts.clone(),
        tags: e.tags.clone(),
        alert_id: e.alert_id.clone(),
        alert_tags: e.alert_tags.clone(),
    }
}

#[async_trait::async_trait]
impl EventReader for StoredEvents {
    async fn events_between(&self, from_ms: i64, to_ms: i64) -> Result<Vec<EventData>, QueryError> {
        let events = Events::new(self.resources.as_ref(), self.clock.as_ref());
        let now = events.now();
        let query = EventQuery {
            earliest_start: from_ms.saturating_sub(AUTO_CLOSE_MS),
            latest_start: to_ms.saturating_sub(1),
            after: None,
            ascending: true,
            alert_id: None,
            limit: 1,
        };
        let want = u32::try_from(MAX_SCANNED).unwrap_or(u32::MAX);
        let page = events
            .scan(query, want, |e| {
                e.end_at(now).is_none_or(|end| end > from_ms)
            })
            .await
            .map_err(|e| QueryError::Execution(format!("events cannot be read: {e}")))?;
        if page.more {
            return Err(QueryError::Limit(format!(
                "more than {MAX_SCANNED} events started within 60 days before the chart's window"
            )));
        }
        Ok(page.items.iter().map(|e| event_data(e, now)).collect())
    }
}
