//! `DirectIngestion.report`: `POST /report?f=<format>`, the Wavefront data formats sent straight to
//! the service, as the SDKs and scripts do. Lines are parsed off the async workers, the points are
//! acknowledged once the engine has them durable, reporting sources become Sources,
//! `@SourceTag`/`@SourceDescription` lines change sources through the Source API's rules, and
//! `@Event` lines become (system) events through the Event API's rules.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crest_domain::Chain;
use crest_domain::event::{EventInput, EventOrigin};
use crest_ingest::{EventLine, Format, IngestOptions, Ingested, Limits, SourceTagOp};
use crest_types::envelope::{ResponseStatus, StatusEnvelope, StatusResult};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query_params::QueryParams;
use crate::routes::event::events;
use crate::routes::source::sources;
use crate::state::AppState;

/// The most bytes a body may hold once decompressed (a 16 MB proxy batch, four times over). The
/// compressed body is held to `CREST_MAX_BODY_BYTES` like every other.
pub(crate) const REPORT_MAX_DECOMPRESSED_BYTES: usize = 64 * 1024 * 1024;
/// How many refused lines an answer describes.
const ERRORS_SHOWN: usize = 10;

fn format_of(query: Option<&str>) -> Result<Format, ApiError> {
    let params = QueryParams::parse(query)?;
    Format::from_param(params.one("f")).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// What the answer says about the lines: how many were taken and refused, and the first refusals.
fn summary(ingested: &Ingested, extra: &[String]) -> String {
    let mut text = format!(
        "{} line(s) accepted, {} refused",
        ingested.accepted, ingested.refused
    );
    let shown: Vec<String> = ingested
        .errors
        .iter()
        .map(|e| format!("line {}: {}", e.line, e.message))
        .chain(extra.iter().cloned())
        .take(ERRORS_SHOWN)
        .collect();
    if !shown.is_empty() {
        text.push_str("; ");
        text.push_str(&shown.join("; "));
    }
    text
}

fn answer(status: StatusCode, result: StatusResult, message: String) -> Response {
    let body = StatusEnvelope {
        status: ResponseStatus {
            result,
            message,
            code: status.as_u16(),
        },
    };
    (status, axum::Json(body)).into_response()
}

/// Ingests points, distributions and source tags.
#[utoipa::path(
    post,
    path = "/report",
    operation_id = "report",
    tag = "DirectIngestion",
    summary = "Directly ingest data/data stream with specified format",
    description = "Lines in the Wavefront data format (`f=wavefront`, the default, or its alias `graphite_v2`), distributions (`f=histogram`), source tags (`f=sourceTag`; `@SourceTag` and `@SourceDescription` lines are also taken in a `wavefront` body) or events (`f=event`; `@Event` lines are also taken in a `wavefront` or `histogram` body). The body may be gzip-compressed. Answers 202 once every accepted point is durable, with how many lines were refused and why; 400 when no line was accepted.",
    params(("f" = Option<String>, Query, description = "Format of data to be ingested")),
    request_body(
        content = String,
        description = "Data to be ingested, in the specified format, one item per line. Example in \"wavefront\" format: `test.metric 100 source=test.source`",
        content_type = "application/octet-stream"
    ),
    responses(
        (status = 202, description = "At least one line was taken; the message says how many were refused, and why", body = StatusEnvelope),
        (status = 400, description = "No line was taken (the first errors are named), an unknown format, or one crest does not take yet", body = StatusEnvelope),
        (status = 413, description = "The body is larger than the limit", body = StatusEnvelope),
        (status = 429, description = "Ingestion is behind (every slot stayed taken for the wait): send the body again later", body = StatusEnvelope)
    )
)]
pub(crate) async fn report(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = format_of(query.as_deref())?;
    let by = caller.principal().account.to_string();
    let taken = match take_lines(&state, &by, format, body).await {
        Ok(taken) => taken,
        Err(TakeError::TooLarge(message)) => return Err(ApiError::BadRequest(message)),
        Err(TakeError::Api(e)) => return Err(e),
    };
    if taken.ingested.accepted == 0 {
        return Ok(answer(
            StatusCode::BAD_REQUEST,
            StatusResult::Error,
            taken.nothing_taken(),
        ));
    }
    Ok(answer(
        StatusCode::ACCEPTED,
        StatusResult::Ok,
        taken.summary(),
    ))
}

/// What a body of lines came to: the parser's counts and refusals (its points are written), and
/// the source-tag and event lines the rules refused.
pub(crate) struct Taken {
    pub(crate) ingested: Ingested,
    pub(crate) refused_ops: Vec<String>,
}

impl Taken {
    /// How many lines were taken and refused, and the first refusals.
    pub(crate) fn summary(&self) -> String {
        summary(&self.ingested, &self.refused_ops)
    }

    /// The message when no line was taken.
    pub(crate) fn nothing_taken(&self) -> String {
        if self.ingested.refused == 0 {
            "the body holds no lines".to_owned()
        } else {
            format!("no line was accepted: {}", summary(&self.ingested, &[]))
        }
    }
}

/// Why a body of lines was not taken.
pub(crate) enum TakeError {
    /// Larger than [`REPORT_MAX_DECOMPRESSED_BYTES`] once decompressed (the message says so).
    TooLarge(String),
    Api(ApiError),
}

impl From<ApiError> for TakeError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

/// Takes a body of lines in `format` for the account `by`: decompressed and parsed off the async
/// workers, the points written and durable before this returns, reporting sources registered,
/// source-tag lines applied through the Source API's rules and `@Event` lines created as system
/// events. `/report` and the proxy's `/api/v2/wfproxy/report` both come here.
pub(crate) async fn take_lines(
    state: &AppState,
    by: &str,
    format: Format,
    body: Bytes,
) -> Result<Taken, TakeError> {
    let data = state.data()?.clone();
    // From here to the acknowledgement the body holds one of the gate's slots: when none frees in
    // time, ingestion is behind and the body is pushed back (429).
    let _slot = data
        .gate
        .enter()
        .await
        .map_err(|behind| ApiError::Busy(behind.to_string()))?;
    let now_ms = state.clock.now_millis();
    let options = IngestOptions {
        format,
        now_ms,
        limits: Limits::default(),
        max_errors: ERRORS_SHOWN,
    };
    // Decompressing and parsing are CPU work: off the async workers.
    let mut ingested = tokio::task::spawn_blocking(move || {
        crest_ingest::decompress(&body, REPORT_MAX_DECOMPRESSED_BYTES)
            .map(|lines| crest_ingest::ingest(&lines, &options))
    })
    .await
    .map_err(|e| ApiError::internal_caused_by("the line parser stopped", e))?
    .map_err(|e| match e {
        crest_ingest::BodyError::TooLarge { .. } => TakeError::TooLarge(format!(
            "{e} (at most {REPORT_MAX_DECOMPRESSED_BYTES} bytes once decompressed)"
        )),
        other => TakeError::Api(ApiError::BadRequest(other.to_string())),
    })?;
    let mut refused_ops = Vec::new();
    if ingested.accepted == 0 {
        return Ok(Taken {
            ingested,
            refused_ops,
        });
    }
    let batch = std::mem::take(&mut ingested.batch);
    if !batch.is_empty() {
        data.writer.append(batch).await.map_err(ApiError::from)?;
    }
    let reporting = &ingested.sources;
    // Reporting sources become Sources just after the acknowledgement, off its path.
    let unknown = state.registrar.claim(reporting);
    if !unknown.is_empty() {
        let registrar = state.registrar.clone();
        let by = by.to_owned();
        tokio::spawn(async move { registrar.register(&by, &unknown).await });
    }
    for op in &ingested.source_ops {
        if let Err(e) = apply(state, by, op).await {
            tracing::debug!(error = %Chain(&e), "a source tag line was refused");
            refused_ops.push(format!("{}: {e}", describe(op)));
        }
    }
    let events = events(state);
    for line in std::mem::take(&mut ingested.events) {
        let name = line.name.clone();
        if let Err(e) = events
            .create(by, event_input(line), EventOrigin::System)
            .await
        {
            tracing::debug!(error = %Chain(&e), "an event line was refused");
            refused_ops.push(format!("event '{name}': {e}"));
        }
    }
    Ok(Taken {
        ingested,
        refused_ops,
    })
}

/// An `@Event` line as the Event API's input: an event of the system, since the line says nothing
/// of who made it (the reference leaves the classification open; see docs/events.md).
fn event_input(line: EventLine) -> EventInput {
    EventInput {
        name: Some(line.name),
        start_time: Some(line.start_ms),
        end_time: Some(line.end_ms),
        annotations: Some(line.annotations),
        hosts: Some(line.hosts),
        tags: Some(line.tags),
        dimensions: Some(line.dimensions),
        alert_tags: None,
        metrics_used: None,
    }
}

/// The source a source-tag line names.
fn source_of(op: &SourceTagOp) -> &str {
    match op {
        SourceTagOp::AddTag { source, .. }
        | SourceTagOp::RemoveTag { source, .. }
        | SourceTagOp::SetTags { source, .. }
        | SourceTagOp::SetDescription { source, .. }
        | SourceTagOp::RemoveDescription { source } => source,
    }
}

fn describe(op: &SourceTagOp) -> String {
    match op {
        SourceTagOp::AddTag { source, tag } => format!("adding tag '{tag}' to '{source}'"),
        SourceTagOp::RemoveTag { source, tag } => format!("removing tag '{tag}' from '{source}'"),
        SourceTagOp::SetTags { source, .. } => format!("setting the tags of '{source}'"),
        SourceTagOp::SetDescription { source, .. } => {
            format!("setting the description of '{source}'")
        }
        SourceTagOp::RemoveDescription { source } => {
            format!("removing the description of '{source}'")
        }
    }
}

/// One source-tag line, through the Source API's rules (a source named for the first time is
/// registered first).
async fn apply(
    state: &AppState,
    by: &str,
    op: &SourceTagOp,
) -> Result<(), crest_domain::DomainError> {
    let source = source_of(op);
    let registry = sources(state);
    registry.register_reporting(by, source).await?;
    match op {
        SourceTagOp::AddTag { tag, .. } => registry.add_tag(by, source, tag).await?,
        SourceTagOp::RemoveTag { tag, .. } => registry.remove_tag(by, source, tag).await?,
        SourceTagOp::SetTags { tags, .. } => registry.set_tags(by, source, tags).await?,
        SourceTagOp::SetDescription { description, .. } => {
            registry
                .set_description(by, source, description.clone())
                .await?
        }
        SourceTagOp::RemoveDescription { .. } => registry.remove_description(by, source).await?,
    };
    Ok(())
}
