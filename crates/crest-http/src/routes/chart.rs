//! The reads that need no query language: `Query.queryRaw` (the points one series reported) and
//! `Metric.getMetricDetails` (the series of a metric, by source). Both read the engine through
//! `crest-series`' interfaces, so they answer alike on every engine.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use crest_series::{Filter, Pattern, ReadLimits, SeriesKey, Term, TimeRange};
use crest_types::chart::{MetricDetails, MetricDetailsResponse, Point, RawTimeseries};
use crest_types::envelope::StatusEnvelope;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query_params::QueryParams;
use crate::state::AppState;

/// How far back a raw query may start, as the API documents: a day.
pub(crate) const RAW_QUERY_MAX_AGE_MS: i64 = 24 * 3_600_000;
/// The window of a raw query without `startTime`: the hour before `endTime`.
const RAW_QUERY_DEFAULT_WINDOW_MS: i64 = 3_600_000;
/// The most series a raw query answers (one metric on one source, told apart by point tags).
pub(crate) const RAW_QUERY_MAX_SERIES: usize = 10_000;
/// The most points a raw query answers.
pub(crate) const RAW_QUERY_MAX_POINTS: usize = 5_000_000;
/// The default and largest page of metric details.
pub(crate) const METRIC_DETAILS_MAX_LIMIT: usize = 1_000;
/// The most series of one metric whose details are paged through.
pub(crate) const METRIC_DETAILS_MAX_SERIES: usize = 1_000_000;

/// Refuses a wildcard where the API names one thing.
fn literal<'a>(name: &str, value: &'a str) -> Result<&'a str, ApiError> {
    if value.contains('*') {
        return Err(ApiError::BadRequest(format!(
            "{name} cannot contain wildcards ('{value}')"
        )));
    }
    Ok(value)
}

/// The points of one metric on one source, one per second (points reported within a second are
/// averaged), one series per set of point tags.
#[utoipa::path(
    get,
    path = "/api/v2/chart/raw",
    operation_id = "queryRaw",
    tag = "Query",
    summary = "Perform a raw data query against Wavefront servers that returns second granularity points grouped by tags",
    description = "An API to check if ingested points are as expected. Points ingested within a single second are averaged when returned.",
    params(
        ("metric" = String, Query, description = "metric to query ingested points for (cannot contain wildcards)"),
        ("source" = Option<String>, Query, description = "source to query ingested points for (cannot contain wildcards); host or source is equivalent, only one should be used"),
        ("host" = Option<String>, Query, description = "host to query ingested points for (cannot contain wildcards)"),
        ("startTime" = Option<i64>, Query, description = "start time in epoch milliseconds (cannot be more than a day in the past); by default an hour before endTime"),
        ("endTime" = Option<i64>, Query, description = "end time in epoch milliseconds; by default now")
    ),
    responses(
        (status = 200, description = "The series, each with its points", body = Vec<RawTimeseries>),
        (status = 400, description = "A missing metric or source, a wildcard, or a window out of bounds", body = StatusEnvelope)
    )
)]
pub(crate) async fn query_raw(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<RawTimeseries>>, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let metric = literal("metric", params.required("metric")?)?;
    let source = match (params.one("source"), params.one("host")) {
        (Some(s), Some(h)) if !s.eq_ignore_ascii_case(h) => {
            return Err(ApiError::BadRequest(
                "source and host name the same thing; give one".into(),
            ));
        }
        (Some(s), _) | (None, Some(s)) => literal("source", s)?.to_lowercase(),
        (None, None) => return Err(ApiError::BadRequest("source (or host) is required".into())),
    };
    let now = state.clock.now_millis();
    let end = params
        .integer("endTime", "epoch milliseconds")?
        .unwrap_or(now);
    let start = params
        .integer("startTime", "epoch milliseconds")?
        .unwrap_or_else(|| end.saturating_sub(RAW_QUERY_DEFAULT_WINDOW_MS));
    if start < now.saturating_sub(RAW_QUERY_MAX_AGE_MS) {
        return Err(ApiError::BadRequest(
            "startTime cannot be more than a day in the past".into(),
        ));
    }
    if end < start {
        return Err(ApiError::BadRequest(
            "endTime cannot be before startTime".into(),
        ));
    }
    let data = state.data()?;
    let series = data
        .reader
        .select(
            &Filter::metric_on(metric, &source),
            // endTime is inclusive, as the product's reads are.
            TimeRange::new(start, end.saturating_add(1)),
            ReadLimits {
                max_series: RAW_QUERY_MAX_SERIES,
                max_points: RAW_QUERY_MAX_POINTS,
                ..ReadLimits::default()
            },
        )
        .await?;
    Ok(Json(
        series
            .into_iter()
            .map(|s| RawTimeseries {
                points: s
                    .samples
                    .iter()
                    .map(|p| Point {
                        timestamp: p.timestamp,
                        value: p.value,
                    })
                    .collect(),
                tags: Some(s.key.tags),
            })
            .collect(),
    ))
}

/// A series' source and tags as canonical bytes: within one metric they order series as the
/// catalog lists them, so a page's cursor is the last one's.
fn source_and_tags(key: &SeriesKey) -> Vec<u8> {
    let mut tail = SeriesKey {
        metric: String::new(),
        source: key.source.clone(),
        tags: key.tags.clone(),
    }
    .canonical();
    tail.remove(0);
    tail
}

/// The continuation token of a page that ends with `key`: its source and tags, hex-encoded.
fn token_after(key: &SeriesKey) -> String {
    hex_encode(&source_and_tags(key))
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// The series of a metric: each reporting source with its point tags and the time of its newest
/// point, in order of source; `h` keeps only sources matching one of its globs.
#[utoipa::path(
    get,
    path = "/api/v2/chart/metric/detail",
    operation_id = "getMetricDetails",
    tag = "Metric",
    summary = "Get more details on a metric, including reporting sources and approximate last time reported",
    params(
        ("m" = String, Query, description = "Metric name"),
        ("l" = Option<i32>, Query, description = "limit (at most 1000, the default)"),
        ("c" = Option<String>, Query, description = "cursor value to continue if the number of results exceeds the limit"),
        ("h" = Option<Vec<String>>, Query, description = "glob pattern for sources to include in the query result")
    ),
    responses(
        (status = 200, description = "A page of the metric's series", body = MetricDetailsResponse),
        (status = 400, description = "A missing metric, a bad limit or cursor", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_metric_details(
    State(state): State<AppState>,
    _caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<MetricDetailsResponse>, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let metric = params.required("m")?;
    let limit = match params.one("l") {
        None => METRIC_DETAILS_MAX_LIMIT,
        Some(l) => match l.trim().parse::<i64>() {
            Ok(n) if n > 0 => usize::try_from(n)
                .unwrap_or(METRIC_DETAILS_MAX_LIMIT)
                .min(METRIC_DETAILS_MAX_LIMIT),
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "l must be a positive number, not '{l}'"
                )));
            }
        },
    };
    let after = params
        .one("c")
        .map(|c| {
            hex_decode(c).ok_or_else(|| {
                ApiError::BadRequest(format!("c is not a cursor this server gave: '{c}'"))
            })
        })
        .transpose()?;
    let globs: Vec<Filter> = params
        .all("h")
        .map(|v| Filter::Term(Term::Source(Pattern::parse(&v.to_lowercase()))))
        .collect();
    let mut filter = vec![Filter::metric(metric)];
    if !globs.is_empty() {
        filter.push(Filter::Or(globs));
    }
    let data = state.data()?;
    let series = data
        .catalog
        .series(&Filter::And(filter), METRIC_DETAILS_MAX_SERIES)
        .await?;
    let mut page = series.into_iter().filter(|s| match &after {
        None => true,
        Some(after) => source_and_tags(&s.key).as_slice() > after.as_slice(),
    });
    let hosts: Vec<_> = page.by_ref().take(limit).collect();
    let more = page.next().is_some();
    let continuation_token = if more {
        hosts.last().map(|s| token_after(&s.key))
    } else {
        None
    };
    Ok(Json(MetricDetailsResponse {
        continuation_token,
        hosts: hosts
            .into_iter()
            .map(|s| MetricDetails {
                host: s.key.source,
                last_update: s.last_timestamp,
                tags: BTreeMap::from_iter(s.key.tags),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let key = SeriesKey::new("m", "host-1").with_tag("az", "z1");
        let token = token_after(&key);
        let mut tail = key.canonical();
        tail.drain(..2);
        assert_eq!(hex_decode(&token), Some(tail));
        assert_eq!(hex_decode("zz"), None);
        assert_eq!(hex_decode("abc"), None);
    }
}
