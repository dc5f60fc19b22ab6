//! Writing the audit trail from the edge: who (the caller), what (the operation), to what (the
//! path's ids, never a token's secret), from where (the peer address), how it ended (the status).

use std::net::SocketAddr;

use axum::RequestExt;
use axum::extract::{ConnectInfo, RawPathParams, Request};
use axum::http::Extensions;
use crest_auth::Operation;
use crest_domain::audit::AuditEvent;

use crate::state::AppState;

/// The peer's address, when the server knows it.
pub(crate) fn source(extensions: &Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default()
}

/// `name=value` for each path parameter that cannot hold a secret.
pub(crate) async fn target(request: &mut Request, operation: Operation) -> String {
    let Ok(params) = request.extract_parts::<RawPathParams>().await else {
        return String::new();
    };
    params
        .iter()
        .filter(|(name, _)| !operation.secret_bearing_params().contains(name))
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Appends an event; a failure is logged, never turned into the request's failure.
pub(crate) async fn record(
    state: &AppState,
    actor: &str,
    action: &str,
    target: &str,
    source: &str,
    outcome: u16,
) {
    let event = AuditEvent {
        at_ms: state.clock.now_millis(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        target: target.to_owned(),
        source: source.to_owned(),
        outcome,
    };
    if let Err(e) = state.store.record_audit(&event).await {
        tracing::warn!(action, "could not write the audit trail: {e}");
    }
}
