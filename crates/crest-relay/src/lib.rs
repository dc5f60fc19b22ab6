//! crest's ingest log in front of an engine that acknowledges points before they are durable
//! (VictoriaMetrics, `crest-victoria`): `/report` is answered once a batch is in a durable
//! [`IngestLog`]; shippers move the log's entries into the engine; the log is trimmed only after a
//! durability barrier of the engine. Issue 15, item 2; the facts are in
//! `../shared/reference/victoriametrics.md` §3.
//!
//! * [`log`]: the interface every log implements; [`file_log`]: [`FileLog`], the single
//!   instance's log (JetStream's is beside it for several instances).
//! * [`codec`]: a batch as the log stores it.
//! * [`durable_engine`]: [`DurableEngine`], what the relay needs of the engine (check, visible,
//!   durable, incarnation), implemented for `VictoriaEngine`.
//! * [`relay`]: [`Relay`], the engine as the rest of crest sees it (writes into the log, reads
//!   behind a read barrier), the shipper and the durability barrier.
//! * With the `suite` feature: `suite` (the cases every log passes) and `fake_engine` (an
//!   in-memory engine that crashes), for tests.

pub mod codec;
pub mod durable_engine;
pub mod error;
#[cfg(feature = "suite")]
pub mod fake_engine;
pub mod file_log;
pub mod jetstream;
mod lock;
pub mod log;
pub mod relay;
#[cfg(feature = "suite")]
pub mod suite;

pub use durable_engine::DurableEngine;
pub use error::LogError;
pub use file_log::FileLog;
pub use log::{Entry, IngestLog, Position};
pub use relay::{BarrierGate, BarrierOutcome, Relay, RelayConfig, RelayStats, RelayTasks, Sleeper};
