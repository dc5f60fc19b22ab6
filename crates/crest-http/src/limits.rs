//! The request-size limit, answered before any body is read (in the envelope, or in CSP's shape
//! under `/csp/`).

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::{ApiError, error_response};

/// Refuses a request whose declared length exceeds the limit with a 413 in the envelope. Bodies
/// without a declared length are held to the same limit by the body extractors.
pub(crate) async fn content_length_limit(
    State(max): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(len) if len > max as u64 => {
            error_response(request.uri().path(), ApiError::PayloadTooLarge)
        }
        _ => next.run(request).await,
    }
}
