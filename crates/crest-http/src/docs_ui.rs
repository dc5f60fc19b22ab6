//! The documentation UI at `/api-docs/ui/`: Swagger UI (vendored by utoipa-swagger-ui) with crest's
//! own start-up script, which makes calls from the page with the signed-in session and its CSRF
//! token.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

const INITIALIZER: &str = include_str!("../assets/docs/swagger-initializer.js");

/// The start-up script, served in place of Swagger UI's own.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/api-docs/ui/swagger-initializer.js",
        get(|| async {
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/javascript; charset=utf-8"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                ],
                INITIALIZER,
            )
                .into_response()
        }),
    )
}
