//! `Query.queryApi` (`GET /api/v2/chart/api`): a WQL query over a window, answered as the chart
//! API answers it, through `crest-query` and the engine's read interface.
//!
//! Decisions where the product is silent, kept here and in the README:
//! - `s` and `e` are read as epoch seconds below 10^11 and as milliseconds above (clients send
//!   both); `e` defaults to now.
//! - A query that does not parse or cannot run answers 200 with `errorType` and `errorMessage`
//!   (as the API's model and captured answers show); a request missing `q`, `s` or `g`, or with a
//!   value that cannot be read, answers 400 in the envelope.
//! - `queryType=PROMQL` and `view=HISTOGRAM` answer a 400 that names them: crest runs WQL only,
//!   and the histogram view's shape is undocumented.
//! - `events` is in the answer when the query is a set of events or `autoEvents=true` (then with
//!   the events naming a source of an answered series; docs/events.md), and left out otherwise.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Json;
use axum::extract::{RawQuery, State};
use crest_query::{QueryAnswer, QueryError, QueryRequest, Summarization};
use crest_types::chart::{QueryEvent, QueryResult, QueryStats, Timeseries};
use crest_types::envelope::StatusEnvelope;

use crate::auth::Caller;
use crate::data::TaggedSources;
use crate::error::ApiError;
use crate::event_reader::StoredEvents;
use crate::query_params::QueryParams;
use crate::state::AppState;

/// Epoch values below this are seconds, above it milliseconds (10^11 s is the year 5138, 10^11 ms
/// is 1973).
const SECONDS_BELOW: i64 = 100_000_000_000;

/// `s`/`e` as epoch seconds.
fn epoch_seconds(params: &QueryParams, name: &str) -> Result<Option<i64>, ApiError> {
    Ok(params
        .integer(name, "epoch milliseconds or seconds")?
        .map(|v| {
            if v.abs() < SECONDS_BELOW {
                v
            } else {
                v.div_euclid(1000)
            }
        }))
}

/// `g`: the bucket, in seconds.
fn granularity(g: &str) -> Result<i64, ApiError> {
    match g.trim() {
        "s" | "S" => Ok(1),
        "m" | "M" => Ok(60),
        "h" | "H" => Ok(3_600),
        "d" | "D" => Ok(86_400),
        other => Err(ApiError::BadRequest(format!(
            "g must be one of s, m, h or d, not '{other}'"
        ))),
    }
}

fn summarization(value: Option<&str>) -> Result<Summarization, ApiError> {
    let Some(value) = value else {
        return Ok(Summarization::Mean);
    };
    Ok(match value.trim().to_ascii_uppercase().as_str() {
        "MEAN" | "AVG" | "AVERAGE" => Summarization::Mean,
        "MEDIAN" => Summarization::Median,
        "MIN" => Summarization::Min,
        "MAX" => Summarization::Max,
        "SUM" => Summarization::Sum,
        "COUNT" => Summarization::Count,
        "LAST" => Summarization::Last,
        "FIRST" => Summarization::First,
        _ => {
            return Err(ApiError::BadRequest(format!(
                "summarization must be one of MEAN, MEDIAN, MIN, MAX, SUM, COUNT, LAST or FIRST, not '{value}'"
            )));
        }
    })
}

/// Sets the query's cancel flag when dropped: when the client leaves, axum drops the handler's
/// future, and the evaluation running on a blocking thread stops at its next check.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The answer for a query that did not finish.
fn failed(name: String, query: String, error: &QueryError) -> QueryResult {
    let error_type = match error {
        QueryError::Syntax(_) => "QuerySyntaxError",
        QueryError::Execution(_) => "QueryExecutionError",
        QueryError::Limit(_) | QueryError::Cancelled => "Timeout",
        QueryError::Unavailable(_) => "QueryExecutionError",
    };
    QueryResult {
        name,
        query,
        timeseries: None,
        events: None,
        granularity: None,
        stats: None,
        warnings: None,
        error_type: Some(error_type.to_owned()),
        error_message: Some(error.to_string()),
    }
}

fn answered(
    name: String,
    query: String,
    granularity: i64,
    answer: QueryAnswer,
    started: Instant,
) -> QueryResult {
    let mut metrics = std::collections::BTreeSet::new();
    let mut hosts = std::collections::BTreeSet::new();
    let timeseries: Vec<Timeseries> = answer
        .series
        .into_iter()
        .map(|s| {
            metrics.insert(s.label.clone());
            if let Some(h) = &s.host {
                hosts.insert(h.clone());
            }
            Timeseries {
                label: s.label,
                host: s.host,
                tags: s.tags,
                data: s.data,
            }
        })
        .collect();
    let events = answer.events.map(|events| {
        events
            .into_iter()
            .map(|e| QueryEvent {
                name: e.name,
                start: e.start_ms,
                end: e.end_ms,
                hosts: e.hosts,
                tags: e.tags,
                is_ephemeral: e.ephemeral,
                summarized: None,
            })
            .collect()
    });
    let elapsed = started.elapsed();
    QueryResult {
        name,
        query,
        timeseries: Some(timeseries),
        events,
        granularity: Some(granularity),
        stats: Some(QueryStats {
            keys: answer.stats.series,
            points: answer.stats.points,
            metrics_used: metrics.len() as u64,
            hosts_used: hosts.len() as u64,
            latency: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            cpu_ns: u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
            queries: 1,
        }),
        warnings: (!answer.warnings.is_empty()).then(|| answer.warnings.join("\n")),
        error_type: None,
        error_message: None,
    }
}

/// Runs a WQL query over `[s, e)` and answers its series bucketed by `g`.
#[utoipa::path(
    get,
    path = "/api/v2/chart/api",
    operation_id = "queryApi",
    tag = "Query",
    summary = "Perform a charting query against Wavefront servers that returns the appropriate points in the specified time window and granularity",
    description = "Long time spans and small granularities can take a long time to calculate. A query that does not parse or cannot run answers with errorType and errorMessage set.",
    params(
        ("q" = String, Query, description = "the query expression to execute"),
        ("s" = String, Query, description = "the start time of the query window in epoch milliseconds (or seconds)"),
        ("g" = String, Query, description = "the granularity of the points returned: s, m, h or d"),
        ("n" = Option<String>, Query, description = "name used to identify the query"),
        ("e" = Option<String>, Query, description = "the end time of the query window in epoch milliseconds (or seconds); by default now"),
        ("queryType" = Option<String>, Query, description = "WQL or HYBRID (both run WQL); PROMQL is refused"),
        ("p" = Option<String>, Query, description = "the approximate maximum number of points to return per series"),
        ("i" = Option<bool>, Query, description = "whether series with only points that are outside of the query window will be returned (defaults to true)"),
        ("autoEvents" = Option<bool>, Query, description = "whether events for sources included in the query will be automatically returned by the query"),
        ("summarization" = Option<String>, Query, description = "summarization strategy to use when bucketing points together: MEAN (default), MEDIAN, MIN, MAX, SUM, COUNT, LAST, FIRST"),
        ("listMode" = Option<bool>, Query, description = "retrieve events more optimally displayed for a list"),
        ("strict" = Option<bool>, Query, description = "do not return points outside the query window [s;e), defaults to false"),
        ("view" = Option<String>, Query, description = "METRIC (the default); HISTOGRAM is refused"),
        ("includeObsoleteMetrics" = Option<bool>, Query, description = "include metrics that have not been reporting recently, defaults to false"),
        ("sorted" = Option<bool>, Query, description = "sorts the output so that returned series are in order (crest always sorts by label, source and tags)"),
        ("cached" = Option<bool>, Query, description = "whether the query cache is used (crest has none)")
    ),
    responses(
        (status = 200, description = "The query's series, or its error", body = QueryResult),
        (status = 400, description = "A missing or unreadable parameter", body = StatusEnvelope)
    )
)]
pub(crate) async fn query_api(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<QueryResult>, ApiError> {
    let started = Instant::now();
    let params = QueryParams::parse(raw.as_deref())?;
    let query = params.required("q")?.to_owned();
    let name = params.one("n").unwrap_or(&query).to_owned();
    match params
        .one("queryType")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("WQL" | "HYBRID") => {}
        Some("PROMQL") => {
            return Err(ApiError::BadRequest(
                "queryType PROMQL is not supported: crest runs WQL queries only".into(),
            ));
        }
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "queryType must be WQL, PROMQL or HYBRID, not '{other}'"
            )));
        }
    }
    match params.one("view").map(str::to_ascii_uppercase).as_deref() {
        None | Some("METRIC") => {}
        Some("HISTOGRAM") => {
            return Err(ApiError::BadRequest(
                "view HISTOGRAM is not supported: query distributions with hs() in the METRIC view"
                    .into(),
            ));
        }
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "view must be METRIC or HISTOGRAM, not '{other}'"
            )));
        }
    }
    let now = state.clock.now_millis().div_euclid(1000);
    let start =
        epoch_seconds(&params, "s")?.ok_or_else(|| ApiError::BadRequest("s is required".into()))?;
    let end = epoch_seconds(&params, "e")?.unwrap_or(now);
    if end < start {
        return Err(ApiError::BadRequest("e cannot be before s".into()));
    }
    let granularity = granularity(params.required("g")?)?;
    let max_points = match params.integer("p", "a number of points")? {
        None => None,
        Some(p) if p > 0 => usize::try_from(p).ok(),
        Some(p) => {
            return Err(ApiError::BadRequest(format!(
                "p must be a positive number of points, not {p}"
            )));
        }
    };
    let summarization = summarization(params.one("summarization"))?;
    let strict = params.flag("strict")?.unwrap_or(false);
    let include_empty = params.flag("i")?.unwrap_or(true);
    let include_obsolete = params.flag("includeObsoleteMetrics")?.unwrap_or(false);
    let auto_events = params.flag("autoEvents")?.unwrap_or(false);
    // Accepted and read for their errors; crest has no cache and always sorts.
    for flag in ["listMode", "sorted", "cached", "useRawQK"] {
        params.flag(flag)?;
    }
    let data = state.data()?.clone();
    let request = QueryRequest {
        query: query.clone(),
        start,
        // The window is [s, e): a query for one instant still covers its second.
        end: end.max(start.saturating_add(1)),
        granularity,
        summarization,
        strict,
        include_empty,
        max_points,
        now,
        include_obsolete,
        obsolete_after: i64::try_from(data.query.obsolete_after.as_secs()).unwrap_or(i64::MAX),
        auto_events,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(cancel.clone());
    let tags = TaggedSources::new(state.resources.clone(), state.clock.clone());
    let events = StoredEvents::new(state.resources.clone(), state.clock.clone());
    let limits = data.query.limits;
    let run = crest_query::run(
        &request,
        data.reader.as_ref(),
        &tags,
        &events,
        &limits,
        &cancel,
    );
    let outcome = match tokio::time::timeout(data.query.timeout, run).await {
        Ok(outcome) => outcome,
        Err(_) => {
            cancel.store(true, Ordering::Relaxed);
            Err(QueryError::Limit(format!(
                "the query ran longer than {} ms",
                data.query.timeout.as_millis()
            )))
        }
    };
    Ok(Json(match outcome {
        Ok(answer) => answered(name, query, granularity, answer, started),
        Err(e) => {
            tracing::info!(error = %e, "a chart query did not finish");
            failed(name, query, &e)
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_take_seconds_or_milliseconds() {
        let p = QueryParams::parse(Some("s=1700000040&e=1700000100000")).unwrap();
        assert_eq!(epoch_seconds(&p, "s").unwrap(), Some(1_700_000_040));
        assert_eq!(epoch_seconds(&p, "e").unwrap(), Some(1_700_000_100));
    }

    #[test]
    fn granularities_and_summarizations_are_read_as_clients_send_them() {
        assert_eq!(granularity("m").unwrap(), 60);
        assert_eq!(granularity("d").unwrap(), 86_400);
        assert!(granularity("5m").is_err());
        assert!(matches!(
            summarization(Some("max")).unwrap(),
            Summarization::Max
        ));
        assert!(matches!(summarization(None).unwrap(), Summarization::Mean));
        assert!(summarization(Some("P99")).is_err());
    }
}
