//! [`Events`]: every operation on events, with its rules, in one place.

use crate::DomainError;
use crate::clock::{Clock, EpochMillis};
use crate::event::RunningState;
use crate::event::id::{event_id, start_of_id};
use crate::event::input::{EventInput, Prepared, prepare, tag_set};
use crate::event::lifecycle::{AUTO_CLOSE_MS, MAX_ONGOING_USER_EVENTS, RELATED_SPAN_MS};
use crate::event::query::{EventPage, EventQuery, Related, RenderingMethod};
use crate::event::record::{EventOrigin, EventRecord};
use crate::event::store::EventStore;

/// The window a time-range read covers when the caller names no bound: from two hours ago
/// (`earliest`) to now (`latest`), as `EventTimeRange` documents.
pub const DEFAULT_RANGE_MS: EpochMillis = 2 * 60 * 60 * 1000;
/// How many events the store hands over at a time while a filtered read looks for matches.
const SCAN_CHUNK: u32 = 500;
/// The most events one filtered read looks at; past them the page ends with `moreItems` and a
/// cursor, so the next page goes on from there (this bounds the work of one request).
pub const MAX_SCANNED: usize = 10_000;
/// How many ids with one start and name are tried before a create gives up.
const MAX_SAME_ID: u32 = 10_000;
/// How often a change is retried when another change to the same event lands in between.
const MAX_ATTEMPTS: u32 = 16;
/// The creator of events the system makes (alert events), as real data names it.
pub const SYSTEM_CREATOR: &str = "System Event";

/// A change to an event's tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagEdit {
    /// The tags become exactly these.
    Set(Vec<String>),
    Add(String),
    /// Removing a tag the event lacks changes nothing.
    Remove(String),
}

/// The operations on events, for one store and clock.
#[derive(Debug, Clone, Copy)]
pub struct Events<'a> {
    store: &'a dyn EventStore,
    clock: &'a dyn Clock,
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("event '{id}' not found"))
}

fn user_only(event: &EventRecord, action: &str) -> Result<(), DomainError> {
    if event.origin.is_user() {
        Ok(())
    } else {
        Err(DomainError::Invalid(format!(
            "event '{}' is a system event ({}); only user events can be {action}",
            event.id,
            event.origin.creator_types().join(", ")
        )))
    }
}

/// The `(start, id)` a cursor (an event id) resumes after.
pub fn cursor_key(cursor: Option<String>) -> Result<Option<(EpochMillis, String)>, DomainError> {
    match cursor.filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(id) => match start_of_id(&id) {
            Some(start) => Ok(Some((start, id))),
            None => Err(DomainError::Invalid(format!(
                "cursor '{id}' is not an event id (startTime:name)"
            ))),
        },
    }
}

impl<'a> Events<'a> {
    pub fn new(store: &'a dyn EventStore, clock: &'a dyn Clock) -> Self {
        Self { store, clock }
    }

    pub fn now(&self) -> EpochMillis {
        self.clock.now_millis()
    }

    pub async fn get(&self, id: &str) -> Result<EventRecord, DomainError> {
        self.store.event(id).await?.ok_or_else(|| not_found(id))
    }

    /// Checks every input first: one invalid input refuses them all, and nothing is stored.
    pub fn check_all(&self, inputs: &[EventInput]) -> Result<(), DomainError> {
        let now = self.now();
        for (i, input) in inputs.iter().enumerate() {
            prepare(input.clone(), now).map_err(|e| match e {
                DomainError::Invalid(m) if inputs.len() > 1 => {
                    DomainError::Invalid(format!("event {}: {m}", i + 1))
                }
                other => other,
            })?;
        }
        Ok(())
    }

    /// Creates an event, with the id the product would give it. An open user event beyond
    /// [`MAX_ONGOING_USER_EVENTS`] is refused.
    pub async fn create(
        &self,
        by: &str,
        input: EventInput,
        origin: EventOrigin,
    ) -> Result<EventRecord, DomainError> {
        self.create_made_by(by, input, origin, None).await
    }

    /// Creates an event of alert `alert_id` (its firing, no-data and detail events), made by the
    /// system: it cannot be updated, closed or deleted through the Event API.
    pub async fn create_alert_event(
        &self,
        alert_id: &str,
        input: EventInput,
    ) -> Result<EventRecord, DomainError> {
        self.create_made_by(
            SYSTEM_CREATOR,
            input,
            EventOrigin::Alert,
            Some(alert_id.to_owned()),
        )
        .await
    }

    /// Ends a system event that is open now (an alert's firing event when the alert resolves or
    /// its data returns; a window's event when the window is deleted while it runs). An event
    /// already ended stays as it is; a user event is refused.
    pub async fn end_system_event(&self, id: &str) -> Result<EventRecord, DomainError> {
        self.change(SYSTEM_CREATOR, id, |event, now| {
            if event.origin.is_user() {
                return Err(DomainError::Invalid(format!(
                    "event '{}' is a user event, not the system's",
                    event.id
                )));
            }
            if event.end_ms.is_none_or(|end| end > now) {
                event.end_ms = Some(now.max(event.start_ms.saturating_add(1)));
            }
            Ok(())
        })
        .await
    }

    /// Removes a system event (a window's event, when the window changes or goes before it
    /// started). A user event is refused: those go through [`Events::delete`].
    pub(crate) async fn remove_system_event(&self, event: &EventRecord) -> Result<(), DomainError> {
        if event.origin.is_user() {
            return Err(DomainError::Invalid(format!(
                "event '{}' is a user event, not the system's",
                event.id
            )));
        }
        self.store.delete_event(&event.id).await?;
        Ok(())
    }

    async fn create_made_by(
        &self,
        by: &str,
        input: EventInput,
        origin: EventOrigin,
        alert_id: Option<String>,
    ) -> Result<EventRecord, DomainError> {
        let now = self.now();
        let p = prepare(input, now)?;
        if origin.is_user() && p.end_ms.is_none_or(|e| e > now) && p.start_ms <= now {
            let open = self
                .store
                .count_open_user_events(now.saturating_sub(AUTO_CLOSE_MS))
                .await?;
            if open >= MAX_ONGOING_USER_EVENTS {
                return Err(DomainError::Invalid(format!(
                    "there are {open} ongoing events, the most there may be: close some first"
                )));
            }
        }
        let mut record = record_of(p, origin, by, now);
        record.alert_id = alert_id;
        for n in 0..MAX_SAME_ID {
            record.id = event_id(record.start_ms, &record.name, n);
            if self.store.create_event(&record).await? {
                return Ok(record);
            }
        }
        Err(DomainError::Conflict(format!(
            "too many events named '{}' start at {}",
            record.name, record.start_ms
        )))
    }

    /// Replaces a user event's fields (its id stays). A start left out keeps the event's start.
    pub async fn update(
        &self,
        by: &str,
        id: &str,
        input: EventInput,
    ) -> Result<EventRecord, DomainError> {
        self.change(by, id, |event, now| {
            user_only(event, "updated")?;
            let mut input = input.clone();
            if input.start_time.is_none_or(|s| s == 0) {
                input.start_time = Some(event.start_ms);
            }
            let p = prepare(input, now)?;
            event.name = p.name;
            event.start_ms = p.start_ms;
            event.end_ms = p.end_ms;
            event.annotations = p.annotations;
            event.hosts = p.hosts;
            event.tags = p.tags;
            event.dimensions = p.dimensions;
            event.alert_tags = p.alert_tags;
            event.metrics_used = p.metrics_used;
            Ok(())
        })
        .await
    }

    /// Deletes a user event; answers it as it was.
    pub async fn delete(&self, id: &str) -> Result<EventRecord, DomainError> {
        let event = self.get(id).await?;
        user_only(&event, "deleted")?;
        if self.store.delete_event(id).await? {
            Ok(event)
        } else {
            Err(not_found(id))
        }
    }

    /// Ends an ongoing user event now. An ended event stays as it is; a pending one cannot be
    /// closed before it starts.
    pub async fn close(&self, by: &str, id: &str) -> Result<EventRecord, DomainError> {
        let event = self.get(id).await?;
        user_only(&event, "closed")?;
        match event.state(self.now()) {
            RunningState::Ended => return Ok(event),
            RunningState::Pending => {
                return Err(DomainError::Invalid(format!(
                    "event '{id}' has not started yet, so it cannot be closed"
                )));
            }
            RunningState::Ongoing => {}
        }
        self.change(by, id, |event, now| {
            user_only(event, "closed")?;
            if event.state(now) == RunningState::Ongoing {
                event.end_ms = Some(now.max(event.start_ms.saturating_add(1)));
            }
            Ok(())
        })
        .await
    }

    /// Changes an event's tags.
    pub async fn edit_tags(
        &self,
        by: &str,
        id: &str,
        edit: TagEdit,
    ) -> Result<EventRecord, DomainError> {
        let edit = match edit {
            TagEdit::Set(tags) => TagEdit::Set(tag_set(tags)?),
            TagEdit::Add(tag) => {
                tag_set(vec![tag.clone()])?;
                TagEdit::Add(tag)
            }
            remove @ TagEdit::Remove(_) => remove,
        };
        self.change(by, id, |event, _| {
            match &edit {
                TagEdit::Set(tags) => event.tags = tags.clone(),
                TagEdit::Add(tag) => {
                    let mut tags = event.tags.clone();
                    tags.push(tag.clone());
                    event.tags = tag_set(tags)?;
                }
                TagEdit::Remove(tag) => event.tags.retain(|t| t != tag),
            }
            Ok(())
        })
        .await
    }

    /// Applies `edit` to the event as it is now, and stores the outcome unless another change
    /// landed in between (then it starts again from that change).
    async fn change(
        &self,
        by: &str,
        id: &str,
        edit: impl Fn(&mut EventRecord, EpochMillis) -> Result<(), DomainError> + Send + Sync,
    ) -> Result<EventRecord, DomainError> {
        for _ in 0..MAX_ATTEMPTS {
            let current = self.get(id).await?;
            let now = self.now();
            let mut next = current.clone();
            edit(&mut next, now)?;
            next.updated_ms = now;
            next.updater = by.to_owned();
            if self.store.replace_event(&next, current.version).await? {
                next.version = current.version.saturating_add(1);
                return Ok(next);
            }
        }
        Err(DomainError::Conflict(format!(
            "event '{id}' is being changed by others; try again"
        )))
    }

    /// The events that `keep` accepts among those the query reads, at most `want` of them; past
    /// [`MAX_SCANNED`] events read, the page ends with a cursor to go on from.
    pub async fn scan(
        &self,
        mut query: EventQuery,
        want: u32,
        mut keep: impl FnMut(&EventRecord) -> bool + Send,
    ) -> Result<EventPage, DomainError> {
        let want = want.max(1) as usize;
        let mut items: Vec<EventRecord> = Vec::new();
        let mut scanned = 0usize;
        let mut last: Option<(EpochMillis, String)> = None;
        loop {
            query.limit = SCAN_CHUNK;
            let chunk = self.store.events(&query).await?;
            let exhausted = chunk.len() < SCAN_CHUNK as usize;
            for event in chunk {
                if scanned >= MAX_SCANNED {
                    return Ok(EventPage {
                        items,
                        more: true,
                        cursor: last.map(|(_, id)| id),
                    });
                }
                if keep(&event) {
                    if items.len() == want {
                        return Ok(EventPage {
                            items,
                            more: true,
                            cursor: last.map(|(_, id)| id),
                        });
                    }
                    last = Some((event.start_ms, event.id.clone()));
                    items.push(event);
                } else {
                    last = Some((event.start_ms, event.id.clone()));
                }
                scanned += 1;
            }
            if exhausted {
                return Ok(EventPage {
                    items,
                    more: false,
                    cursor: None,
                });
            }
            query.after.clone_from(&last);
        }
    }

    /// The query for a time range as the API takes it: either bound left out is two hours ago or
    /// now; seconds are read as milliseconds.
    pub fn range(
        &self,
        earliest: Option<i64>,
        latest: Option<i64>,
        cursor: Option<String>,
        ascending: bool,
    ) -> Result<EventQuery, DomainError> {
        let now = self.now();
        let earliest = earliest.map_or(now.saturating_sub(DEFAULT_RANGE_MS), super::to_millis);
        let latest = latest.map_or(now, super::to_millis);
        if latest < earliest {
            return Err(DomainError::Invalid(format!(
                "latestStartTimeEpochMillis ({latest}) is before earliestStartTimeEpochMillis ({earliest})"
            )));
        }
        Ok(EventQuery {
            earliest_start: earliest,
            latest_start: latest,
            after: cursor_key(cursor)?,
            ascending,
            alert_id: None,
            limit: SCAN_CHUNK,
        })
    }

    /// The events near an event in time (within [`RELATED_SPAN_MS`] of it), or only those that
    /// overlap it, tied to it as `method` says; the event itself is not among them.
    pub async fn related(&self, id: &str, related: Related) -> Result<EventPage, DomainError> {
        let event = self.get(id).await?;
        let now = self.now();
        let own_end = event.end_at(now).unwrap_or(now.max(event.start_ms));
        let query = EventQuery {
            earliest_start: event.start_ms.saturating_sub(RELATED_SPAN_MS),
            latest_start: own_end.saturating_add(RELATED_SPAN_MS),
            after: None,
            ascending: false,
            alert_id: None,
            limit: SCAN_CHUNK,
        };
        let mut page = self
            .scan(query, related.limit, |other| {
                other.id != event.id
                    && (!related.overlapped || other.overlaps(event.start_ms, own_end, now))
                    && match related.method {
                        Some(RenderingMethod::Host) => {
                            other.hosts.iter().any(|h| event.hosts.contains(h))
                        }
                        Some(RenderingMethod::Metric) => other
                            .metrics_used
                            .iter()
                            .any(|m| event.metrics_used.contains(m)),
                        Some(RenderingMethod::Similarity) | None => true,
                    }
            })
            .await?;
        // The read is bounded by the span, not a cursor the API could pass back.
        page.cursor = None;
        Ok(page)
    }

    /// The firing events of one alert with their start in the range.
    pub async fn alert_firings(
        &self,
        alert_id: &str,
        mut query: EventQuery,
        limit: u32,
    ) -> Result<EventPage, DomainError> {
        query.alert_id = Some(alert_id.to_owned());
        self.scan(query, limit, |e| {
            e.origin == EventOrigin::Alert
                && e.annotations.get("type").is_some_and(|t| t == "alert")
        })
        .await
    }

    /// Removes the events that ended before `cutoff` (the retention period's start).
    pub async fn purge(&self, cutoff: EpochMillis) -> Result<u64, DomainError> {
        Ok(self.store.purge_events(cutoff).await?)
    }
}

fn record_of(p: Prepared, origin: EventOrigin, by: &str, now: EpochMillis) -> EventRecord {
    EventRecord {
        id: String::new(),
        name: p.name,
        start_ms: p.start_ms,
        end_ms: p.end_ms,
        annotations: p.annotations,
        hosts: p.hosts,
        tags: p.tags,
        dimensions: p.dimensions,
        origin,
        alert_id: None,
        alert_tags: p.alert_tags,
        metrics_used: p.metrics_used,
        created_ms: now,
        creator: by.to_owned(),
        updated_ms: now,
        updater: by.to_owned(),
        version: 1,
    }
}
