//! Derived metrics: the user's definition (kept as JSON so unmodelled fields survive), its rules
//! ([`normalize`], the self-ingestion check), its versions, trash and tags ([`DerivedMetrics`]),
//! and what the runner last recorded, kept apart from the versions ([`DerivedRuntime`]).

mod record;
mod rules;
mod service;
mod store;

pub use record::{DerivedRecord, DerivedRuntime, DerivedState};
pub use rules::{
    DEFAULT_PROCESS_RATE_MINUTES, SERVER_FIELDS, normalize, output_and_inputs,
    process_rate_minutes, query_inputs, reads, window_minutes,
};
pub use service::{DerivedMetrics, DerivedView};
pub use store::DerivedMetricStore;
