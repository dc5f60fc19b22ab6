//! A condition's answer for a check: the query run over the check's longest window at one-minute
//! buckets averaged (A-8: "aligns each result at the beginning of the minute"), each answered
//! series with its per-minute means.
//!
//! The comparison inside a condition is evaluated point by point and the minute's mean taken
//! after it, so `ts(m) > 4` over 9, 9, 9, 3, 9 in one minute is 0.8, true (KAT-21, and KAT-22's
//! pinned reading).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crest_query::{
    EventReader, QueryError, QueryLimits, QueryRequest, SourceTags, Summarization, TimeSeries,
};
use crest_series::SeriesReader;

use crate::check::{Answer, QueryFailure};
use crate::series::SeriesKey;
use crate::window::{MINUTE_MS, Timing, window};

/// What a condition's query reads through.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub reader: &'a dyn SeriesReader,
    pub tags: &'a dyn SourceTags,
    pub events: &'a dyn EventReader,
    pub limits: QueryLimits,
    /// The obsolescence period in seconds (the server's setting).
    pub obsolete_after: i64,
}

impl std::fmt::Debug for Sources<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources")
            .field("limits", &self.limits)
            .field("obsolete_after", &self.obsolete_after)
            .finish_non_exhaustive()
    }
}

/// The engine could not be read: the check is skipped, the alert left as it was (an outage of
/// the store is not the alert's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the series engine could not answer: {0}")]
pub struct Unreadable(pub String);

/// What the check at `now_ms` reads of `query`: the series and their per-minute means over the
/// longer of `timing`'s windows, and how many points the query read. `include_obsolete` is the
/// alert's `includeObsoleteMetrics`.
pub async fn answer(
    sources: Sources<'_>,
    query: &str,
    now_ms: i64,
    timing: Timing,
    include_obsolete: bool,
    cancel: &Arc<AtomicBool>,
) -> Result<(Answer, i64), Unreadable> {
    let (start, end) = window(now_ms, timing.longest_minutes(), timing.realtime);
    let request = QueryRequest {
        query: query.to_owned(),
        start: start.div_euclid(1000),
        end: end.div_euclid(1000),
        granularity: MINUTE_MS / 1000,
        summarization: Summarization::Mean,
        strict: true,
        include_empty: false,
        max_points: None,
        now: now_ms.div_euclid(1000),
        include_obsolete,
        obsolete_after: sources.obsolete_after,
        auto_events: false,
    };
    let run = crest_query::run(
        &request,
        sources.reader,
        sources.tags,
        sources.events,
        &sources.limits,
        cancel,
    )
    .await;
    match run {
        Ok(answer) => Ok((
            Answer::Series(answer.series.into_iter().map(per_minute).collect()),
            i64::try_from(answer.stats.points).unwrap_or(i64::MAX),
        )),
        Err(QueryError::Unavailable(e)) => Err(Unreadable(e.to_string())),
        Err(e) => Ok((
            Answer::Failed(QueryFailure {
                syntax: matches!(e, QueryError::Syntax(_)),
                message: e.to_string(),
            }),
            0,
        )),
    }
}

/// An answered series as the check judges it: its key and `(minute start in ms, mean)`.
fn per_minute(series: TimeSeries) -> (SeriesKey, Vec<(i64, f64)>) {
    let key = SeriesKey {
        host: series.host,
        label: series.label,
        tags: series.tags,
    };
    let minutes = series
        .data
        .into_iter()
        .map(|(t, v)| (t.saturating_mul(1000), v))
        .collect();
    (key, minutes)
}

#[cfg(test)]
mod tests;
