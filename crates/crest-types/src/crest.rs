//! Crest's own endpoints under `/api/crest/v1/`, which the real API lacks.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::paging::Paged;
use crate::response_container;

/// One security event of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: i64,
    /// When, in epoch milliseconds.
    pub at_ms: i64,
    /// The account that acted.
    pub actor: String,
    /// The operation (`grantAccountPermission`, …) or event (`tokenUsedAfterRevocation`).
    pub action: String,
    /// What it acted on, as `name=value` pairs of ids; never a token's secret.
    pub target: String,
    /// The address the request came from.
    pub source: String,
    /// The HTTP status it ended with.
    pub outcome: u16,
}

crate::paged_schema!(
    /// A page of the audit trail, newest first.
    PagedAuditEvent,
    AuditEvent
);

response_container!(
    /// `{status, response: PagedAuditEvent}`.
    ResponseContainerPagedAuditEvent,
    Paged<AuditEvent>,
    schema = PagedAuditEvent
);
