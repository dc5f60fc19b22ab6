//! Writing the audit trail from the edge: who (the caller), what (the operation), to what (the
//! path's ids, never a token's secret), from where (the peer address), how it ended (the status).
//! A change's event is committed by the change's own transaction; the edge writes what no
//! transaction did (refusals, failures) and corrects what ended otherwise ([`finish`]).

use std::net::SocketAddr;

use axum::RequestExt;
use axum::extract::{ConnectInfo, RawPathParams, Request};
use axum::http::Extensions;
use crest_auth::Operation;
use crest_domain::Chain;
use crest_domain::audit::{AuditEvent, AuditFinish, PendingAudit};

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
        tracing::warn!(action, "could not write the audit trail: {}", Chain(&e));
    }
}

/// Ends a state-changing request's pending event with its `outcome`: writes it if no transaction
/// committed it, corrects the committed row if the request ended otherwise. A failure is logged,
/// never turned into the request's failure.
pub(crate) async fn finish(state: &AppState, pending: &PendingAudit, outcome: u16) {
    let written = match pending.finish(outcome) {
        AuditFinish::Insert(event) => state.store.record_audit(&event).await,
        AuditFinish::Update {
            id,
            target,
            outcome,
        } => state.store.correct_audit(id, &target, outcome).await,
        AuditFinish::Done => Ok(()),
    };
    if let Err(e) = written {
        let action = pending.event().action;
        tracing::warn!(action, "could not write the audit trail: {}", Chain(&e));
    }
}

/// How many ids a target lists before it counts the rest.
const TARGET_IDS: usize = 50;

/// Names what the current request acts on, beyond its path's ids: `name=value`, appended to the
/// pending event's target (a new object's id, known only once made). Never a secret.
pub(crate) fn name(name: &str, value: impl std::fmt::Display) {
    crest_domain::audit::add_target(format!("{name}={value}"));
}

/// Names the ids a body lists: `name=a,b,c`, the first [`TARGET_IDS`] of them and how many more.
pub(crate) fn name_all<T: std::fmt::Display>(name: &str, values: impl IntoIterator<Item = T>) {
    let mut listed = Vec::new();
    let mut more = 0_usize;
    for value in values {
        if listed.len() < TARGET_IDS {
            listed.push(value.to_string());
        } else {
            more += 1;
        }
    }
    let mut joined = listed.join(",");
    if more > 0 {
        joined.push_str(&format!(",…(+{more})"));
    }
    crest_domain::audit::add_target(format!("{name}={joined}"));
}
