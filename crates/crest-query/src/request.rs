//! What a chart query asks (`QueryRequest`, `QueryLimits`) and what it answers (`QueryAnswer`).

use std::collections::BTreeMap;

/// How the points of one chart bucket become its one value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Summarization {
    #[default]
    Mean,
    Median,
    Min,
    Max,
    Sum,
    Count,
    Last,
    First,
}

impl Summarization {
    /// The chart API's spelling (`MEAN`, `median`, ...), any case.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.to_ascii_lowercase().as_str() {
            "mean" | "avg" | "average" => Summarization::Mean,
            "median" => Summarization::Median,
            "min" => Summarization::Min,
            "max" => Summarization::Max,
            "sum" => Summarization::Sum,
            "count" => Summarization::Count,
            "last" => Summarization::Last,
            "first" => Summarization::First,
            _ => return None,
        })
    }

    /// The name `align()` takes for it (`mean`, `median`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Summarization::Mean => "mean",
            Summarization::Median => "median",
            Summarization::Min => "min",
            Summarization::Max => "max",
            Summarization::Sum => "sum",
            Summarization::Count => "count",
            Summarization::Last => "last",
            Summarization::First => "first",
        }
    }
}

/// One chart query (`GET /api/v2/chart/api`), times in epoch seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRequest {
    /// The WQL text.
    pub query: String,
    /// Inclusive.
    pub start: i64,
    /// Exclusive.
    pub end: i64,
    /// The chart bucket in seconds: 1, 60, 3600 or 86400 (`g` = s/m/h/d).
    pub granularity: i64,
    pub summarization: Summarization,
    /// Drop points outside `[start, end)`.
    pub strict: bool,
    /// `i`: keep series whose points all lie outside the window (answered with no points).
    pub include_empty: bool,
    /// `p`: an approximate cap on points per series (buckets are widened to respect it).
    pub max_points: Option<usize>,
    /// The clock (the live-edge rule and `at()`/`exists()` read it).
    pub now: i64,
    /// `includeObsoleteMetrics`: read series that stopped reporting more than `obsolete_after`
    /// before `now` too (hidden otherwise, even over a window where they have points).
    pub include_obsolete: bool,
    /// The obsolescence period in seconds: a series whose newest point ever is older than
    /// `now - obsolete_after` is obsolete; also how far `default()`, `last()` and `next()` fill
    /// without a window. The server's setting ([`DEFAULT_OBSOLETE_AFTER`] unless configured).
    pub obsolete_after: i64,
    /// `autoEvents`: answer the events of the answered series' sources too.
    pub auto_events: bool,
}

/// The obsolescence period when none is configured: 28 days (seconds). The docs say both "2
/// weeks" (metrics_managing.md, missing_data_troubleshooting.md) and "4 weeks"/"28 days"
/// (ts_default.md, ts_last.md, ts_orelse.md, query_language_performance.md, the CLI's "include
/// metrics unreported for > 4 weeks"); the majority, and the functions' fill length, win.
pub const DEFAULT_OBSOLETE_AFTER: i64 = 28 * 86_400;

impl QueryRequest {
    /// The moment (epoch seconds) a series must have reported since to be read: `None` when
    /// obsolete series are included.
    pub fn reported_since(&self) -> Option<i64> {
        (!self.include_obsolete).then(|| self.now.saturating_sub(self.obsolete_after))
    }
}

/// How much one query may scan, over all its reads together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    pub max_series: usize,
    pub max_points: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_series: 100_000,
            max_points: 50_000_000,
        }
    }
}

/// The answer: series sorted by label, host and tags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryAnswer {
    pub series: Vec<TimeSeries>,
    /// The events the chart shows, by start: the query's own when it is a set of events, and with
    /// `autoEvents` those of the answered series' sources. `None` when neither applies.
    pub events: Option<Vec<crate::events::AnsweredEvent>>,
    pub warnings: Vec<String>,
    pub stats: QueryStats,
}

/// One answered series: `label` is its metric (or an aggregate's, see the crate docs), `host` its
/// source when it has one, `data` its `(epoch seconds, value)` points in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    pub label: String,
    pub host: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub data: Vec<(i64, f64)>,
}

/// What the query scanned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryStats {
    /// Series read from the engine (histogram series included).
    pub series: u64,
    /// Points read (a distribution counts as one).
    pub points: u64,
    /// Points answered, after bucketing.
    pub answered_points: u64,
}
