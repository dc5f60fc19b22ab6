//! Crest's own endpoints under `/api/crest/v1/`.

use axum::Json;
use axum::extract::State;
use crest_types::crest::ResponseContainerPagedAuditEvent;
use crest_types::envelope::StatusEnvelope;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Paging;
use crate::present;
use crate::state::AppState;

/// The audit trail, newest first: who did what to what, when, from where, and how it ended.
/// Needs the Accounts permission.
#[utoipa::path(
    get,
    path = "/api/crest/v1/audit",
    operation_id = "getAuditEvents",
    tag = "Crest",
    summary = "Read the audit trail of security events (newest first)",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of events", body = ResponseContainerPagedAuditEvent),
        (status = 403, description = "The caller lacks Accounts", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_audit_events(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedAuditEvent>, ApiError> {
    let (records, total) = state.store.audit_events(page.offset, page.limit).await?;
    let items = records.into_iter().map(present::audit_event).collect();
    Ok(Json(ResponseContainerPagedAuditEvent::ok(
        page.page(items, total),
    )))
}
