//! Sources (the hosts that send data) and their metadata: description and tags.
//!
//! Every change to a source goes through [`Sources`], whoever asks: the REST API today, data
//! ingestion and the proxies' `@SourceTag` lines later.

mod query;
mod record;
mod service;
mod store;

pub use query::{SourceCondition, SourceField, SourcePage, SourceQuery, TextMatch, fold};
pub use record::{HIDDEN_TAG, SourceChange, SourceRecord, TagChange};
pub use service::{MAX_DESCRIPTION_CHARS, MAX_TAGS_PER_SOURCE, SourceInput, Sources};
pub use store::SourceStore;
