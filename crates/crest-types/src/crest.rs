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

/// A pending invitation (never its link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invite {
    pub email_address: String,
    pub invited_by: String,
    pub created_epoch_millis: i64,
    pub expires_epoch_millis: i64,
}

response_container!(
    /// `{status, response: [Invite]}`.
    ResponseContainerListInvite,
    Vec<Invite>
);

/// A freshly minted invitation link, shown once to the administrator who asked for it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteLink {
    pub email_address: String,
    /// The link to hand to the invited person; its secret is in the fragment, which browsers
    /// never send to servers (so it stays out of access logs).
    pub link: String,
    /// The secret alone, for `POST /api/crest/v1/invites/accept`.
    pub token: String,
    pub expires_epoch_millis: i64,
}

impl std::fmt::Debug for InviteLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteLink")
            .field("email_address", &self.email_address)
            .field("expires_epoch_millis", &self.expires_epoch_millis)
            .finish_non_exhaustive()
    }
}

response_container!(
    /// `{status, response: InviteLink}`.
    ResponseContainerInviteLink,
    InviteLink
);

/// Accepting an invitation: its secret and the first password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptInvite {
    pub token: String,
    pub password: String,
}

impl std::fmt::Debug for AcceptInvite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AcceptInvite(<redacted>)")
    }
}

/// A user changing their own password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange(<redacted>)")
    }
}

/// Signing in to the web UI with an email address and a password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignIn(<redacted>)")
    }
}

/// The signed-in browser session, as the web UI reads it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The signed-in user's email address.
    pub identifier: String,
    /// Sent back in `X-CSRF-Token` with every state-changing request this session makes.
    pub csrf_token: String,
    /// The permissions the session acts with (API names, e.g. `user_management`).
    pub permissions: Vec<String>,
    /// Whether the user is a Super Admin (and may switch Super Admin mode on).
    pub super_admin: bool,
    /// Whether Super Admin mode is on in this session.
    pub super_admin_mode: bool,
    pub created_epoch_millis: i64,
    /// When the session ends unless it is used again (idle expiry) or at the latest (absolute).
    pub expires_epoch_millis: i64,
    pub idle_timeout_millis: i64,
    /// The instance's subscription mode (`original`, `onboarded` or `hybrid`): under `original`
    /// the identity service makes no organization API tokens or OAuth apps.
    pub subscription: String,
    /// Whether API token listings may show secrets (the retrievable-tokens compatibility setting).
    pub tokens_retrievable: bool,
}

impl std::fmt::Debug for SessionInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionInfo")
            .field("identifier", &self.identifier)
            .field("csrf_token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

response_container!(
    /// `{status, response: SessionInfo}`.
    ResponseContainerSessionInfo,
    SessionInfo
);

/// Switching Super Admin mode of the current session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuperAdminMode {
    pub enabled: bool,
}
