//! Request logging by route template: never a raw path, a query string or a header value, since
//! ids, tokens (`/api/daemon/test?token=`) and credentials travel there.

use axum::extract::MatchedPath;
use axum::http::Request;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnResponse, MakeSpan, TraceLayer};
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

pub(crate) type RouteTraceLayer =
    TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RouteSpan, (), DefaultOnResponse>;

pub(crate) fn trace_layer() -> RouteTraceLayer {
    TraceLayer::new_for_http()
        .make_span_with(RouteSpan)
        .on_request(())
        .on_response(DefaultOnResponse::new().level(Level::DEBUG))
}
