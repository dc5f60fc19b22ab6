//! Assembles the application: routes, documentation, fallbacks and the layers every request passes.

use std::any::Any;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::X_AUTH_TOKEN;
use crate::error::{ApiError, Shape, error_response};
use crate::limits::content_length_limit;
use crate::routes::api_routes;
use crate::security_headers::{OverTls, security_headers};
use crate::state::AppState;
use crate::telemetry::trace_layer;

/// Where the OpenAPI document is served, as on the real service.
pub const OPENAPI_PATH: &str = "/api/v2/swagger.json";
/// Where the documentation UI is served.
pub const DOCS_UI_PATH: &str = "/api-docs/ui";

/// The whole HTTP application for `state`.
pub fn router(state: AppState) -> Router {
    let max_body = state.settings.max_body_bytes;
    let (routes, openapi) = api_routes().split_for_parts();
    routes
        .merge(crate::docs_ui::routes())
        .merge(SwaggerUi::new(DOCS_UI_PATH).url(OPENAPI_PATH, openapi))
        .merge(crate::ui::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(plain_errors_in_shape))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(crate::nul::refuse_nul_in_uri))
        .layer(axum::middleware::from_fn_with_state(
            max_body,
            content_length_limit,
        ))
        .layer(Extension(state.clone()))
        .layer(axum::middleware::from_fn_with_state(
            OverTls(state.settings.secure_cookies),
            security_headers,
        ))
        .layer(trace_layer())
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            header::COOKIE,
            header::SET_COOKIE,
            X_AUTH_TOKEN,
        ]))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

async fn not_found(uri: Uri) -> Response {
    error_response(uri.path(), ApiError::NotFound("no such resource".into()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    error_response(uri.path(), ApiError::MethodNotAllowed(method.to_string()))
}

/// The most of a plain-text rejection's body read to make its message.
const PLAIN_ERROR_MAX_BYTES: usize = 16 * 1024;

/// Puts the framework's own plain-text rejections in the API's shape. Our extractors map their
/// refusals to [`ApiError`]; a few come from axum itself (its `Path` refusing a segment that is
/// not UTF-8, such as `/api/v2/account/%FF`), as `text/plain`. Under `/api/` such a client error
/// becomes the envelope, under `/csp/` CSP's error shape, with the same status and message.
async fn plain_errors_in_shape(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let shape = Shape::of(path);
    let answers_in_shape = path.starts_with("/api/") || shape == Shape::Csp;
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/plain"));
    if !answers_in_shape || !plain || !response.status().is_client_error() {
        return response;
    }
    let status = response.status();
    let text = axum::body::to_bytes(response.into_body(), PLAIN_ERROR_MAX_BYTES)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("bad request")
            .to_owned()
    } else {
        text
    };
    shape.client_error(status, message)
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    ApiError::internal("a handler panicked").into_response()
}
