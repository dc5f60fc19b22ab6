//! The audit trail: security events, never a secret.

use crate::clock::EpochMillis;

/// One event. `target` names what was acted on by ids that are safe to keep (never a token's
/// secret); `outcome` is the HTTP status the action ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at_ms: EpochMillis,
    /// The account that acted (or, for a refused credential, the account it belonged to).
    pub actor: String,
    /// What was done: an operation's name (`grantAccountPermission`, …) or an event of its own
    /// (`tokenUsedAfterRevocation`).
    pub action: String,
    pub target: String,
    /// Where the request came from (the peer address).
    pub source: String,
    pub outcome: u16,
}

/// A stored event with its position in the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub event: AuditEvent,
}
