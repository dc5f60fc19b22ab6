//! `GET /healthz`: answers once the server can serve every request; needs no credential.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// The health answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    status: &'static str,
}

/// Liveness and readiness: the listener opens only after migrations and bootstrap; on a first
/// start the identity service's signing key is made in the background, and until it is ready this
/// answers 503.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "Crest",
    summary = "Whether the server is ready to serve requests (no authentication)",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Still starting", body = Health)
    )
)]
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    if state.issuer.keys().is_ready() {
        Json(Health { status: "ok" }).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health { status: "starting" }),
        )
            .into_response()
    }
}
