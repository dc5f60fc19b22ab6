//! crest's embedded time-series engine: a write-ahead log with group commit, an in-memory head,
//! immutable pco-compressed blocks per 2-hour window, roaring postings, compaction and retention.
//!
//! [`Engine`] is synchronous and never reads the clock: every call that needs the time takes
//! `now_ms`. [`Tsdb`] wraps it for the async traits of `crest-series`.
#![deny(clippy::cast_possible_truncation, clippy::cast_sign_loss)]

mod block;
mod codec;
mod compaction;
mod engine;
mod error;
mod head;
mod lock;
mod manifest;
mod options;
mod postings;
mod registry;
mod series_ids;
mod tsdb;
pub mod wal;
mod wal_record;

pub use block::BlockMeta;
pub use compaction::{Compaction, plan};
pub use engine::{CutReport, Engine, MaintainReport};
pub use error::TsdbError;
pub use options::Options;
pub use tsdb::{Clock, Tsdb};
