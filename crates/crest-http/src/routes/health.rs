//! `GET /healthz`: answers once the server can serve every request; needs no credential.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The health answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    status: &'static str,
}

/// Liveness and readiness: the listener opens only after migrations and bootstrap, so any answer
/// at all means ready.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "Crest",
    summary = "Whether the server is ready to serve requests (no authentication)",
    responses((status = 200, description = "Ready", body = Health))
)]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}
