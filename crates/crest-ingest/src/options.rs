//! What one ingestion takes besides the body: the format, the time, the limits.

use crate::format::Format;

/// The service's validation limits (the defaults are the product's documented service defaults)
/// and crest's per-line and per-time rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest metric name (WF-408), in Java characters (UTF-16 units).
    pub metric_name: usize,
    /// Longest histogram name (WF-409).
    pub histogram_name: usize,
    /// Longest source (WF-407).
    pub source: usize,
    /// Most point tags on one point (WF-410).
    pub tags_per_point: usize,
    /// Longest tag key (WF-412).
    pub tag_key: usize,
    /// Longest tag value (WF-413). Key + value must also stay below 255 (WF-411, fixed).
    pub tag_value: usize,
    /// Most centroids on one histogram line.
    pub centroids: usize,
    /// Longest line in bytes (the proxy's `pushListenerMaxReceivedLength`).
    pub line_bytes: usize,
    /// How far back a point may be (the proxy's `dataBackfillCutoffHours`, 8,760 h), in ms.
    pub past_millis: i64,
    /// How far ahead a point may be (`dataPrefillCutoffHours`, 24 h), in ms.
    pub future_millis: i64,
    /// How old a delta counter point may be before it is dropped (15 minutes), in ms.
    pub delta_max_age_millis: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            metric_name: 256,
            histogram_name: 256,
            source: 128,
            tags_per_point: 20,
            tag_key: 64,
            tag_value: 255,
            centroids: 100,
            line_bytes: 32 * 1024,
            past_millis: 8_760 * 3_600_000,
            future_millis: 24 * 3_600_000,
            delta_max_age_millis: 15 * 60_000,
        }
    }
}

/// Everything [`crate::ingest`] needs besides the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOptions {
    pub format: Format,
    /// The arrival time in epoch milliseconds: the timestamp of lines without one, and the
    /// reference of the time-range checks.
    pub now_ms: i64,
    pub limits: Limits,
    /// How many refusals to describe in [`crate::Ingested::errors`] (the rest are only counted).
    pub max_errors: usize,
}

impl IngestOptions {
    /// The given format at `now_ms` with the default limits, keeping 10 errors.
    pub fn new(format: Format, now_ms: i64) -> Self {
        Self {
            format,
            now_ms,
            limits: Limits::default(),
            max_errors: 10,
        }
    }
}
