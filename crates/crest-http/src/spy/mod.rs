//! The ingestion spy (`/api/spy/*`): a sampled, live view of what the engine acknowledges, for
//! operators and wftop. Watching costs nothing while no one watches.

mod hub;
mod line;
mod request;
mod sampler;
mod writer;

pub use hub::{MAX_WATCHERS, SpyHub, Watch, WatchError};
pub use request::{DEFAULT_SAMPLING, IdType, MAX_SAMPLING, SpyKind, SpyRequest};
pub use writer::SpyingWriter;
