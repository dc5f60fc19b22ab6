//! Events: marks on the timeline (deploys, incidents, alerts firing), their ids, their life cycle
//! computed at read time, and the rules every change goes through ([`Events`]), whoever asks: the
//! Event API, `@Event` lines on `/report`, and (later) alerts and proxies.

mod id;
mod input;
mod lifecycle;
mod query;
mod record;
mod related;
mod service;
mod store;
mod system;

pub use id::{event_id, start_of_id};
pub use input::{
    EventInput, MAX_ANNOTATION_CHARS, MAX_ANNOTATIONS, MAX_EVENT_TAGS, MAX_HOSTS, MAX_NAME_CHARS,
    SECONDS_BELOW, event_tag_valid, to_millis,
};
pub use lifecycle::{AUTO_CLOSE_MS, MAX_ONGOING_USER_EVENTS, RELATED_SPAN_MS, RunningState};
pub use query::{EventPage, EventQuery, Related, RenderingMethod};
pub use record::{EventOrigin, EventRecord};
pub use related::{Relation, relation};
pub use service::{DEFAULT_RANGE_MS, Events, MAX_SCANNED, SYSTEM_CREATOR, TagEdit, cursor_key};
pub use store::EventStore;
pub use system::{Change, Subject, change_input, window_input};
