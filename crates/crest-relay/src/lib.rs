//! crest's ingest log in front of an engine that acknowledges points before they are durable
//! (VictoriaMetrics, `crest-victoria`): `/report` is answered once a batch is in a durable
//! [`IngestLog`]; shippers move the log's entries into the engine; the log is trimmed only after a
//! durability barrier of the engine. Issue 15, item 2; the facts are in
//! `../shared/reference/victoriametrics.md` §3.

pub mod codec;
pub mod durable_engine;
pub mod error;
#[cfg(feature = "suite")]
pub mod fake_engine;
pub mod file_log;
pub mod jetstream;
pub mod log;
pub mod relay;
#[cfg(feature = "suite")]
pub mod suite;

pub use durable_engine::DurableEngine;
pub use error::LogError;
pub use file_log::FileLog;
pub use log::{Entry, IngestLog, Position};
pub use relay::{BarrierOutcome, Relay, RelayConfig, RelayStats, RelayTasks, Sleeper};
