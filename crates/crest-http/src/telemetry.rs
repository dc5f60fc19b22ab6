//! Request logging by route template: never a raw path, a query string or a header value, since
//! ids, tokens (`/api/daemon/test?token=`) and credentials travel there. A server error is logged
//! at ERROR, except 503, which asks the client to come back (still starting, or ingestion pushing
//! back) and is logged at DEBUG.

use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Request, StatusCode};
use tower_http::classify::{ServerErrorsAsFailures, ServerErrorsFailureClass, SharedClassifier};
use tower_http::trace::{DefaultOnResponse, MakeSpan, OnFailure, TraceLayer};
use tracing::{Level, Span};

/// Names each request's span after its method and matched route template.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteSpan;

impl<B> MakeSpan<B> for RouteSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("<unmatched>", MatchedPath::as_str);
        tracing::debug_span!("request", method = %request.method(), route)
    }
}

/// Logs a failed request (inside its span, so with its route).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteFailure;

impl OnFailure<ServerErrorsFailureClass> for RouteFailure {
    fn on_failure(&mut self, class: ServerErrorsFailureClass, latency: Duration, _span: &Span) {
        let latency_ms = latency.as_millis();
        match class {
            ServerErrorsFailureClass::StatusCode(StatusCode::SERVICE_UNAVAILABLE) => {
                tracing::debug!(latency_ms, "503: the client is asked to come back later");
            }
            other => tracing::error!(classification = %other, latency_ms, "response failed"),
        }
    }
}

pub(crate) type RouteTraceLayer = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    RouteSpan,
    (),
    DefaultOnResponse,
    tower_http::trace::DefaultOnBodyChunk,
    tower_http::trace::DefaultOnEos,
    RouteFailure,
>;

pub(crate) fn trace_layer() -> RouteTraceLayer {
    TraceLayer::new_for_http()
        .make_span_with(RouteSpan)
        .on_request(())
        .on_response(DefaultOnResponse::new().level(Level::DEBUG))
        .on_failure(RouteFailure)
}

#[cfg(test)]
mod tests {
    use crate::captured_log::Captured;

    use super::*;

    /// What a failure of `status` logs at INFO and above.
    fn logged_at_info(status: StatusCode) -> String {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_ansi(false)
            .with_max_level(Level::INFO)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            RouteFailure.on_failure(
                ServerErrorsFailureClass::StatusCode(status),
                Duration::from_millis(3),
                &Span::none(),
            );
        });
        captured.text()
    }

    #[test]
    fn a_503_is_not_an_error_in_the_log_and_a_500_is() {
        assert_eq!(logged_at_info(StatusCode::SERVICE_UNAVAILABLE), "");
        let log = logged_at_info(StatusCode::INTERNAL_SERVER_ERROR);
        assert!(log.contains("ERROR") && log.contains("500"), "{log}");
        let log = logged_at_info(StatusCode::BAD_GATEWAY);
        assert!(log.contains("ERROR") && log.contains("502"), "{log}");
    }
}
