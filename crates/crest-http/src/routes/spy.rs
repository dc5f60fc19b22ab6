//! `IngestionSpy`: `GET /api/spy/{points,deltas,histograms,spans,ids}`, sampled live streams of
//! what crest acknowledges, in the text form wftop reads. A stream opens with a header (what it
//! shows, `# backends: 1` when asked, a divider), then runs until the client leaves or the server
//! stops. See docs/ingestion-spy.md.

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::query_params::QueryParams;
use crate::spy::{IdType, SpyKind, SpyRequest, Watch, WatchError};
use crate::state::AppState;

/// The longest prefix a filter may hold.
const MAX_PREFIX_CHARS: usize = 1024;
/// The most tag keys one stream may require.
const MAX_TAG_KEYS: usize = 32;

fn prefix(params: &QueryParams, names: &[&str]) -> Result<String, ApiError> {
    let value = names.iter().find_map(|n| params.one(n)).unwrap_or_default();
    check_prefix(names.first().copied().unwrap_or("prefix"), value)
}

fn check_prefix(name: &str, value: &str) -> Result<String, ApiError> {
    if value.chars().count() > MAX_PREFIX_CHARS {
        return Err(ApiError::BadRequest(format!(
            "{name} may hold at most {MAX_PREFIX_CHARS} characters"
        )));
    }
    Ok(value.to_owned())
}

/// Tag keys, repeated (`pointTagKey=env&pointTagKey=dc`) or comma-separated, as wftop sends them.
fn tag_keys(params: &QueryParams, name: &str) -> Result<Vec<String>, ApiError> {
    let keys: Vec<String> = params
        .all(name)
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.len() > MAX_TAG_KEYS {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_TAG_KEYS} {name} values may be given"
        )));
    }
    Ok(keys)
}

/// The request's common part: the kind, the share, the scaling-factor header. `usage`,
/// `usageThresholdDays` and `wavefrontSource` are read and ignored (docs/ingestion-spy.md).
fn request(kind: SpyKind, params: &QueryParams) -> Result<SpyRequest, ApiError> {
    let mut request = SpyRequest::new(kind)
        .with_sampling(params.one("sampling"))
        .map_err(ApiError::BadRequest)?;
    request.include_scaling_factor = params.flag("includeScalingFactor")?.unwrap_or(false);
    params.flag("usage")?;
    params.integer("usageThresholdDays", "days")?;
    Ok(request)
}

/// A request of the streams filtered by name, source and tag keys: `name` is the name's parameter,
/// `tag_key` the tag keys'; the source is `host` (or `source`).
fn filtered(
    kind: SpyKind,
    params: &QueryParams,
    name: &str,
    tag_key: &str,
) -> Result<SpyRequest, ApiError> {
    let mut r = request(kind, params)?;
    r.name_prefix = prefix(params, &[name])?;
    r.host_prefix = prefix(params, &["host", "source"])?;
    r.tag_keys = tag_keys(params, tag_key)?;
    Ok(r)
}

/// Opens the stream and answers it as `text/plain`, chunk by chunk.
fn stream(state: &AppState, request: SpyRequest) -> Result<Response, ApiError> {
    let data = state.data()?;
    let mut seed = [0u8; 8];
    state
        .random
        .fill(&mut seed)
        .map_err(|e| ApiError::internal_caused_by("no randomness for the spy's sample", e))?;
    let mut watch = data
        .spy
        .watch(request, u64::from_le_bytes(seed))
        .map_err(|e| match e {
            WatchError::TooMany => ApiError::Busy(e.to_string()),
            WatchError::Closed => ApiError::internal_caused_by("the spy is closed", e),
        })?;
    let first = Bytes::from(std::mem::take(&mut watch.header));
    let body = futures_util::stream::unfold(
        (Some(first), watch),
        |(first, mut watch): (Option<Bytes>, Watch)| async move {
            let chunk = match first {
                Some(header) => header,
                None => watch.next().await?,
            };
            Some((Ok::<_, std::convert::Infallible>(chunk), (None, watch)))
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// Points of the series that are not delta counters.
#[utoipa::path(
    get,
    path = "/api/spy/points",
    operation_id = "spyOnPoints",
    tag = "IngestionSpy",
    summary = "Gets a sampling of new metric data points that are added to existing time series.",
    description = "A stream of text lines, `\"<metric>\" source=\"<source>\" <epoch ms> <value> \"<tag>\"=\"<value>\" …`, after a header of `#` lines. Needs Direct Data Ingestion.",
    params(
        ("metric" = Option<String>, Query, description = "List a point only if its metric name starts with this case-sensitive prefix"),
        ("host" = Option<String>, Query, description = "List a point only if its source name starts with this case-sensitive prefix (also `source`)"),
        ("pointTagKey" = Option<Vec<String>>, Query, description = "List a point only if it has this point tag key; repeat it for several"),
        ("sampling" = Option<f64>, Query, description = "The share shown, 0 to 1 (0.01 being 1%); at most 0.05; 0.01 when absent"),
        ("includeScalingFactor" = Option<bool>, Query, description = "Whether the header says how many ingesters there are (`# backends: 1`)")
    ),
    responses(
        (status = 200, description = "The stream", content_type = "text/plain", body = String),
        (status = 400, description = "A parameter is invalid", body = crest_types::envelope::StatusEnvelope),
        (status = 429, description = "Too many spy streams are open", body = crest_types::envelope::StatusEnvelope)
    )
)]
pub(crate) async fn spy_on_points(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    stream(
        &state,
        filtered(SpyKind::Points, &params, "metric", "pointTagKey")?,
    )
}

/// Points of delta counters, as acknowledged (crest keeps every delta point; see the docs).
#[utoipa::path(
    get,
    path = "/api/spy/deltas",
    operation_id = "spyOnDeltaCounters",
    tag = "IngestionSpy",
    summary = "Gets new delta counters that are added to existing time series.",
    description = "Lines as `/api/spy/points` writes them, of delta counters (`∆` names). Needs Direct Data Ingestion.",
    params(
        ("counter" = Option<String>, Query, description = "List a delta counter only if its name (with or without its ∆) starts with this case-sensitive prefix"),
        ("host" = Option<String>, Query, description = "List a delta counter only if its source name starts with this case-sensitive prefix"),
        ("counterTagKey" = Option<Vec<String>>, Query, description = "List a delta counter only if it has this tag key; repeat it for several"),
        ("sampling" = Option<f64>, Query, description = "The share shown, 0 to 1; at most 0.05; 0.01 when absent")
    ),
    responses(
        (status = 200, description = "The stream", content_type = "text/plain", body = String),
        (status = 400, description = "A parameter is invalid", body = crest_types::envelope::StatusEnvelope),
        (status = 429, description = "Too many spy streams are open", body = crest_types::envelope::StatusEnvelope)
    )
)]
pub(crate) async fn spy_on_delta_counters(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    stream(
        &state,
        filtered(SpyKind::Deltas, &params, "counter", "counterTagKey")?,
    )
}

/// Distributions, in the histogram line format.
#[utoipa::path(
    get,
    path = "/api/spy/histograms",
    operation_id = "spyOnHistograms",
    tag = "IngestionSpy",
    summary = "Gets new histograms that are added to existing time series.",
    description = "A stream of histogram lines, `!M <epoch s> #<count> <mean> … \"<name>\" source=\"<source>\" <tags>`, after a header of `#` lines. Needs Direct Data Ingestion.",
    params(
        ("histogram" = Option<String>, Query, description = "List a histogram only if its name starts with this case-sensitive prefix"),
        ("host" = Option<String>, Query, description = "List a histogram only if its source name starts with this case-sensitive prefix"),
        ("histogramTagKey" = Option<Vec<String>>, Query, description = "List a histogram only if it has this tag key; repeat it for several"),
        ("sampling" = Option<f64>, Query, description = "The share shown, 0 to 1; at most 0.05; 0.01 when absent")
    ),
    responses(
        (status = 200, description = "The stream", content_type = "text/plain", body = String),
        (status = 400, description = "A parameter is invalid", body = crest_types::envelope::StatusEnvelope),
        (status = 429, description = "Too many spy streams are open", body = crest_types::envelope::StatusEnvelope)
    )
)]
pub(crate) async fn spy_on_histograms(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    stream(
        &state,
        filtered(SpyKind::Histograms, &params, "histogram", "histogramTagKey")?,
    )
}

/// Spans: crest takes none yet, so the stream holds only its header.
#[utoipa::path(
    get,
    path = "/api/spy/spans",
    operation_id = "spyOnSpans",
    tag = "IngestionSpy",
    summary = "Gets new spans with existing source names and span tags.",
    description = "crest takes no spans yet: the stream opens with its header, which says so, and shows nothing more. Needs Direct Data Ingestion.",
    params(
        ("name" = Option<String>, Query, description = "List a span only if its operation name starts with this case-sensitive prefix"),
        ("host" = Option<String>, Query, description = "List a span only if its source name starts with this case-sensitive prefix"),
        ("spanTagKey" = Option<Vec<String>>, Query, description = "List a span only if it has this span tag key; repeat it for several"),
        ("sampling" = Option<f64>, Query, description = "The share shown, 0 to 1; at most 0.05; 0.01 when absent")
    ),
    responses(
        (status = 200, description = "The stream", content_type = "text/plain", body = String),
        (status = 400, description = "A parameter is invalid", body = crest_types::envelope::StatusEnvelope),
        (status = 429, description = "Too many spy streams are open", body = crest_types::envelope::StatusEnvelope)
    )
)]
pub(crate) async fn spy_on_spans(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    stream(
        &state,
        filtered(SpyKind::Spans, &params, "name", "spanTagKey")?,
    )
}

/// Names (metrics, sources, point tags as `key=value`) the engine did not hold before.
#[utoipa::path(
    get,
    path = "/api/spy/ids",
    operation_id = "spyOnIdCreations",
    tag = "IngestionSpy",
    summary = "Gets newly allocated IDs that correspond to new metric names, source names, point tags, or span tags.",
    description = "A stream of lines `<TYPE> \"<name>\"` (METRIC, HOST or STRING, a point tag as `key=value`), one for each name the engine did not hold before, after a header of `#` lines. Needs Direct Data Ingestion.",
    params(
        ("type" = Option<String>, Query, description = "METRIC, SPAN, HOST or STRING: only names of this type"),
        ("name" = Option<String>, Query, description = "Case-sensitive prefix of the names shown (the body may carry it instead)"),
        ("sampling" = Option<f64>, Query, description = "The share shown, 0 to 1; at most 0.05; 0.01 when absent")
    ),
    request_body(content = Option<String>, description = "Case-sensitive prefix of the names shown", content_type = "text/plain"),
    responses(
        (status = 200, description = "The stream", content_type = "text/plain", body = String),
        (status = 400, description = "A parameter is invalid", body = crest_types::envelope::StatusEnvelope),
        (status = 429, description = "Too many spy streams are open", body = crest_types::envelope::StatusEnvelope)
    )
)]
pub(crate) async fn spy_on_id_creations(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let mut r = request(SpyKind::Ids, &params)?;
    r.id_type = params
        .one("type")
        .map(|t| {
            IdType::parse(t).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "type must be METRIC, SPAN, HOST or STRING, not '{t}'"
                ))
            })
        })
        .transpose()?;
    r.name_prefix = match params.one("name") {
        Some(name) => check_prefix("name", name)?,
        None => {
            let text = std::str::from_utf8(&body)
                .map_err(|_| ApiError::BadRequest("the body must be UTF-8 text".to_owned()))?;
            check_prefix("the body", text.trim())?
        }
    };
    stream(&state, r)
}
