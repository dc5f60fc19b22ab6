//! The proxy protocol (`/api/v2/wfproxy/…`), what wavefront-proxy 13.x and 14.x send: the check-in
//! and its `AgentConfiguration` (bare JSON, no envelope), the proxy's bookkeeping (`config/
//! processed`, `saveConfig`, `savePreprocessorRules`, `error`), and its data (`report?format=`,
//! `event`), taken through the same parsers, engine and Event rules as `/report` and the Event
//! API. Every body may be gzip-compressed (the proxy compresses by default). A batch crest cannot
//! take now is pushed back with 429, one too large with 413 (the proxy splits it).
//!
//! See docs/proxies.md for what each field does and the decisions made where the reference is
//! silent.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use crest_domain::Chain;
use crest_domain::event::EventOrigin;
use crest_domain::proxy::CheckIn;
use crest_ingest::{Format, Limits};
use crest_types::envelope::{ResponseStatus, StatusEnvelope, StatusResult};
use crest_types::event::Event;
use crest_types::proxy::{AgentConfiguration, ValidationConfiguration};
use serde_json::Value;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{gunzipped, gunzipped_at_most, json_body};
use crate::query_params::QueryParams;
use crate::routes::event::{MAX_EVENTS_PER_BODY, events, input};
use crate::routes::proxy::proxies;
use crate::routes::report::{REPORT_MAX_DECOMPRESSED_BYTES, TakeError, take_lines};
use crate::state::AppState;

/// The header that names the proxy.
const PROXY_ID: &str = "x-wf-proxy-id";
/// The most characters of an error report written to the log.
const ERROR_DETAILS_LOGGED: usize = 2_000;
/// Formats the proxy may send that crest does not store: taken and discarded (the check-in tells
/// the proxy these features are disabled, so a proxy that heeds it sends none).
const DISCARDED_FORMATS: [&str; 6] = [
    "trace",
    "spanLogs",
    "log",
    "logs_json_arr",
    "logs_json_lines",
    "logs_json_cloudwatch",
];

fn proxy_id(headers: &HeaderMap) -> Option<&str> {
    headers.get(PROXY_ID).and_then(|v| v.to_str().ok())
}

/// The data routes answer "cannot take it now" with the protocol's push-back.
fn push_back(e: ApiError) -> ApiError {
    match e {
        e @ (ApiError::DataUnavailable(_) | ApiError::Unavailable(_)) => {
            ApiError::PushBack(Box::new(e))
        }
        other => other,
    }
}

fn ok(message: String) -> Response {
    let body = StatusEnvelope {
        status: ResponseStatus {
            result: StatusResult::Ok,
            message,
            code: 200,
        },
    };
    (StatusCode::OK, Json(body)).into_response()
}

/// The limits crest checks lines against (`crest_ingest::Limits`), as the proxy's validation
/// configuration, so that the proxy refuses what crest would refuse before sending it.
fn validation() -> ValidationConfiguration {
    let limits = Limits::default();
    let n = |v: usize| Some(u32::try_from(v).unwrap_or(u32::MAX));
    ValidationConfiguration {
        metric_length_limit: n(limits.metric_name),
        histogram_length_limit: n(limits.histogram_name),
        host_length_limit: n(limits.source),
        annotations_count_limit: n(limits.tags_per_point),
        annotations_key_length_limit: n(limits.tag_key),
        annotations_value_length_limit: n(limits.tag_value),
    }
}

/// The message a proxy logs when told to shut down.
const SHUT_OFF_MESSAGE: &str =
    "Shutting down: an operator asked this proxy to shut down (crest, PUT /api/v2/proxy/{id}).";

/// A proxy checks in (at start, then about every minute): crest records what it reports and
/// answers its configuration.
#[utoipa::path(
    post,
    path = "/api/v2/wfproxy/checkin",
    operation_id = "proxyCheckin",
    tag = "ProxyProtocol",
    summary = "A proxy checks in and reads its configuration",
    description = "The body (the proxy's metrics, JSON, possibly gzip) must be JSON and is not kept. The answer is a bare `AgentConfiguration`: `currentTime` always; `shutOffAgents` while an operator's shutdown is set; `truncateQueue` until the proxy confirms the configuration that carried it; crest's validation limits; traces, span logs and logs disabled (crest does not keep them).",
    params(
        ("X-WF-PROXY-ID" = String, Header, description = "The proxy's UUID"),
        ("hostname" = Option<String>, Query, description = "The proxy's host name"),
        ("proxyname" = Option<String>, Query, description = "The proxy's name (defaults to the host name)"),
        ("version" = Option<String>, Query, description = "The proxy's version"),
        ("currentMillis" = Option<i64>, Query, description = "The proxy's clock, in epoch milliseconds"),
        ("ephemeral" = Option<bool>, Query, description = "Whether the proxy is ephemeral (default true)")
    ),
    request_body(content = Object, description = "The proxy's metrics, as JSON", content_type = "application/json"),
    responses(
        (status = 200, description = "The proxy's configuration", body = AgentConfiguration),
        (status = 400, description = "No or an invalid X-WF-PROXY-ID, or a body that is not JSON", body = StatusEnvelope),
        (status = 401, description = "No or an invalid token: the proxy aborts its start", body = StatusEnvelope),
        (status = 403, description = "The token lacks the Proxies permission: the proxy aborts its start", body = StatusEnvelope)
    )
)]
pub(crate) async fn proxy_checkin(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Json<AgentConfiguration>, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    json_body::<Value>(&body)?;
    let check_in = CheckIn {
        id: proxy_id(&headers).map(str::to_owned),
        hostname: params.one("hostname").map(str::to_owned),
        proxyname: params.one("proxyname").map(str::to_owned),
        version: params.one("version").map(str::to_owned),
        current_millis: params.integer("currentMillis", "a time in epoch milliseconds")?,
        ephemeral: params.flag("ephemeral")?,
    };
    let by = caller.principal().account.to_string();
    let view = proxies(&state).check_in(&by, check_in).await?;
    let r = &view.record;
    tracing::debug!(proxy = %r.id, version = %r.version, "proxy checked in");
    Ok(Json(AgentConfiguration {
        current_time: state.clock.now_millis(),
        allow_any_host_keys: Some(true),
        shut_off_agents: r.shutdown.then_some(true),
        shut_off_message: r.shutdown.then(|| SHUT_OFF_MESSAGE.to_owned()),
        truncate_queue: (r.truncate && !r.shutdown).then_some(true),
        collector_sets_points_per_batch: Some(false),
        points_per_batch: None,
        collector_sets_rate_limit: Some(false),
        histogram_disabled: Some(false),
        trace_disabled: Some(true),
        span_logs_disabled: Some(true),
        logs_disabled: Some(true),
        validation_configuration: Some(validation()),
    }))
}

/// The proxy applied the configuration of its last check-in: a truncate it carried is done.
#[utoipa::path(
    post,
    path = "/api/v2/wfproxy/config/processed",
    operation_id = "proxyConfigProcessed",
    tag = "ProxyProtocol",
    summary = "A proxy confirms it applied its configuration",
    params(("X-WF-PROXY-ID" = String, Header, description = "The proxy's UUID")),
    responses(
        (status = 204, description = "Noted"),
        (status = 400, description = "No or an invalid X-WF-PROXY-ID", body = StatusEnvelope)
    )
)]
pub(crate) async fn proxy_config_processed(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    proxies(&state).config_processed(proxy_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a save found its proxy: 404 (which the proxy takes as "not kept here") when the proxy
/// never checked in.
fn saved(found: bool, id: Option<&str>) -> Result<StatusCode, ApiError> {
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!(
            "proxy '{}' has not checked in",
            id.unwrap_or_default()
        )))
    }
}

/// The proxy reports its effective configuration (read back by `GET /api/v2/proxy/{id}/config`).
#[utoipa::path(
    post,
    path = "/api/v2/wfproxy/saveConfig",
    operation_id = "proxySaveConfig",
    tag = "ProxyProtocol",
    summary = "A proxy reports its configuration",
    params(("X-WF-PROXY-ID" = String, Header, description = "The proxy's UUID")),
    request_body(content = Object, description = "The proxy's configuration, a JSON object", content_type = "application/json"),
    responses(
        (status = 204, description = "Kept"),
        (status = 400, description = "Not a JSON object, or larger than 1 MiB", body = StatusEnvelope),
        (status = 404, description = "The proxy has not checked in", body = StatusEnvelope)
    )
)]
pub(crate) async fn proxy_save_config(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let id = proxy_id(&headers);
    let config = json_body::<Value>(&body)?;
    saved(proxies(&state).save_config(id, &config).await?, id)
}

/// The proxy reports its preprocessor rules (read back by
/// `GET /api/v2/proxy/{id}/preprocessorRules`).
#[utoipa::path(
    post,
    path = "/api/v2/wfproxy/savePreprocessorRules",
    operation_id = "proxySavePreprocessorRules",
    tag = "ProxyProtocol",
    summary = "A proxy reports its preprocessor rules",
    params(("X-WF-PROXY-ID" = String, Header, description = "The proxy's UUID")),
    request_body(content = Object, description = "`{\"proxyRules\": \"<yaml>\", \"proxyRulesFilePath\"?: …, \"proxyRulesId\"?: …}`", content_type = "application/json"),
    responses(
        (status = 204, description = "Kept"),
        (status = 400, description = "Not a JSON object, or larger than 1 MiB", body = StatusEnvelope),
        (status = 404, description = "The proxy has not checked in", body = StatusEnvelope)
    )
)]
pub(crate) async fn proxy_save_preprocessor_rules(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let id = proxy_id(&headers);
    let rules = json_body::<Value>(&body)?;
    saved(proxies(&state).save_rules(id, &rules).await?, id)
}

/// A UUID (with or without hyphens), the shape of API tokens.
fn token_shaped(word: &str) -> bool {
    let hex: String = word.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// What of an error report reaches the log: at most [`ERROR_DETAILS_LOGGED`] characters, control
/// characters as spaces, and anything shaped like a token (a UUID, as API tokens are) masked.
fn loggable(details: &str) -> String {
    let clipped: String = details
        .chars()
        .take(ERROR_DETAILS_LOGGED)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    clipped
        .split(' ')
        .map(|word| {
            let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
            if token_shaped(bare) {
                word.replace(bare, "<masked>")
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The proxy reports an error (form field `details`); it is logged, bounded and masked.
#[utoipa::path(
    post,
    path = "/api/v2/wfproxy/error",
    operation_id = "proxyError",
    tag = "ProxyProtocol",
    summary = "A proxy reports an error",
    params(("X-WF-PROXY-ID" = Option<String>, Header, description = "The proxy's UUID")),
    request_body(content = String, description = "`details=<text>`", content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Logged"),
        (status = 400, description = "A body that is not a form", body = StatusEnvelope)
    )
)]
pub(crate) async fn proxy_error(
    _caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let bytes = gunzipped(&body)?;
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a form: {e}")))?;
    let details = form
        .iter()
        .find(|(k, _)| k == "details")
        .map(|(_, v)| loggable(v))
        .unwrap_or_default();
    let proxy = proxy_id(&headers).map(loggable).unwrap_or_default();
    tracing::warn!(%proxy, %details, "a proxy reported an error");
    Ok(StatusCode::NO_CONTENT)
}

/// A batch of lines in `format` (`wavefront`, its alias `graphite_v2`, `histogram`, `sourceTag`,
/// `event`), taken exactly as `/report` takes them; traces, span logs and logs are taken and
/// discarded. Answers 200 with how many lines were taken and refused (a refused line is dropped:
/// sending it again cannot change the answer).
#[utoipa::path(
    post,
    path = "/api/v2/wfproxy/report",
    operation_id = "proxyReport",
    tag = "ProxyProtocol",
    summary = "A proxy sends a batch of lines",
    params(
        ("X-WF-PROXY-ID" = Option<String>, Header, description = "The proxy's UUID"),
        ("format" = Option<String>, Query, description = "wavefront (default), graphite_v2, histogram, sourceTag, event; trace, spanLogs and the log formats are discarded")
    ),
    request_body(content = String, description = "Lines in the format, one per line, possibly gzip", content_type = "text/plain"),
    responses(
        (status = 200, description = "Taken; the message says how many lines were refused, and why", body = StatusEnvelope),
        (status = 400, description = "An unknown format, or a body that is not gzip or text", body = StatusEnvelope),
        (status = 401, description = "No or an invalid token", body = StatusEnvelope),
        (status = 403, description = "The token lacks Direct Data Ingestion and Proxies", body = StatusEnvelope),
        (status = 413, description = "The batch is too large: split it", body = StatusEnvelope),
        (status = 429, description = "crest cannot take data now: back off and send it again", body = StatusEnvelope)
    )
)]
pub(crate) async fn proxy_report(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = QueryParams::parse(query.as_deref())?;
    let name = params.one("format");
    if let Some(discarded) = name.filter(|f| DISCARDED_FORMATS.contains(f)) {
        let lines = gunzipped_at_most(&body, REPORT_MAX_DECOMPRESSED_BYTES)?
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .count();
        tracing::debug!(
            format = discarded,
            lines,
            "discarded a proxy's batch crest does not keep"
        );
        return Ok(ok(format!(
            "{lines} line(s) of format {discarded} discarded: crest does not keep this kind of data"
        )));
    }
    let format = Format::from_param(name)
        .map_err(|e| ApiError::BadRequest(e.to_string().replacen("f=", "format=", 1)))?;
    let by = caller.principal().account.to_string();
    let taken = match take_lines(&state, &by, format, body).await {
        Ok(taken) => taken,
        Err(TakeError::TooLarge(message)) => {
            tracing::debug!(%message, "a proxy's batch is too large");
            return Err(ApiError::PayloadTooLarge);
        }
        Err(TakeError::Api(e)) => return Err(push_back(e)),
    };
    if taken.ingested.refused > 0 || !taken.refused_ops.is_empty() {
        tracing::debug!(summary = %taken.summary(), "a proxy's batch held refused lines");
    }
    Ok(ok(taken.summary()))
}

/// A batch of events (a JSON array, as the proxy sends them), created as system events through
/// the Event API's rules. An event the rules refuse is dropped and named in the answer.
#[utoipa::path(
    post,
    path = "/api/v2/wfproxy/event",
    operation_id = "proxyEvents",
    tag = "ProxyProtocol",
    summary = "A proxy sends a batch of events",
    params(("X-WF-PROXY-ID" = Option<String>, Header, description = "The proxy's UUID")),
    request_body(content = Vec<Event>, description = "The events, possibly gzip", content_type = "application/json"),
    responses(
        (status = 200, description = "Taken; the message says how many events were refused, and why", body = StatusEnvelope),
        (status = 400, description = "The body is not a JSON array of events", body = StatusEnvelope),
        (status = 413, description = "More than 1,000 events, or too large: split the batch", body = StatusEnvelope),
        (status = 429, description = "crest cannot take events now: back off and send them again", body = StatusEnvelope)
    )
)]
pub(crate) async fn proxy_events(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let batch: Vec<Event> = match json_body::<Value>(&body)? {
        Value::Null => Vec::new(),
        Value::Array(items) if items.len() > MAX_EVENTS_PER_BODY => {
            return Err(ApiError::PayloadTooLarge);
        }
        value => serde_json::from_value(value).map_err(|e| {
            ApiError::BadRequest(format!("the body is not a JSON array of events: {e}"))
        })?,
    };
    let by = caller.principal().account.to_string();
    let events = events(&state);
    let mut refused = Vec::new();
    let total = batch.len();
    for event in batch {
        let name = event.name.clone().unwrap_or_default();
        match events.create(&by, input(event), EventOrigin::System).await {
            Ok(_) => {}
            Err(crest_domain::DomainError::Store(e)) => {
                return Err(push_back(ApiError::from(crest_domain::DomainError::Store(
                    e,
                ))));
            }
            Err(e) => {
                tracing::debug!(error = %Chain(&e), "a proxy's event was refused");
                refused.push(format!("event '{name}': {e}"));
            }
        }
    }
    let mut message = format!(
        "{} event(s) accepted, {} refused",
        total.saturating_sub(refused.len()),
        refused.len()
    );
    if !refused.is_empty() {
        message.push_str("; ");
        message.push_str(
            &refused
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("; "),
        );
    }
    Ok(ok(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_details_are_bounded_and_tokens_masked() {
        let token = "0b0f7c4e-1111-4000-8000-00000000000a";
        let logged = loggable(&format!("bad token {token}\nretry ({token})"));
        assert!(!logged.contains(token), "{logged}");
        assert!(logged.contains("<masked>"));
        assert!(!logged.contains('\n'));
        assert_eq!(loggable(&"x".repeat(5_000)).len(), ERROR_DETAILS_LOGGED);
    }

    #[test]
    fn the_validation_limits_are_the_ones_crest_enforces() {
        let v = validation();
        let limits = Limits::default();
        assert_eq!(v.metric_length_limit, Some(limits.metric_name as u32));
        assert_eq!(v.host_length_limit, Some(limits.source as u32));
        assert_eq!(
            v.annotations_count_limit,
            Some(limits.tags_per_point as u32)
        );
    }
}
