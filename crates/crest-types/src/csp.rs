//! The identity service's management models (under `/api/crest/v1/csp/`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::response_container;

/// A server-to-server app (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CspApp {
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub access_token_ttl_minutes: u32,
    pub created_epoch_millis: i64,
}

/// What a new app is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CspAppWrite {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// 1 to 300; 30 by default.
    #[serde(default)]
    pub access_token_ttl_minutes: Option<u32>,
}

/// An app's credentials, shown once: when it is made, and when its secret is regenerated.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CspAppCredentials {
    pub client_id: String,
    pub client_secret: String,
    pub org_id: String,
}

impl std::fmt::Debug for CspAppCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CspAppCredentials")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// An organization API token (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CspApiToken {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    pub created_epoch_millis: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_epoch_millis: Option<i64>,
    pub revoked: bool,
}

/// What a new organization API token is: scopes within the caller's roles, a lifetime in minutes
/// (none: it never lapses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CspApiTokenWrite {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub ttl_minutes: Option<u64>,
}

/// A new organization API token with its secret, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CspApiTokenCreated {
    pub token: String,
    pub org_id: String,
    pub details: CspApiToken,
}

impl std::fmt::Debug for CspApiTokenCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CspApiTokenCreated")
            .field("details", &self.details)
            .finish_non_exhaustive()
    }
}

response_container!(
    /// `{status, response: [CspApp]}`.
    ResponseContainerListCspApp,
    Vec<CspApp>
);
response_container!(
    /// `{status, response: CspAppCredentials}`.
    ResponseContainerCspAppCredentials,
    CspAppCredentials
);
response_container!(
    /// `{status, response: [CspApiToken]}`.
    ResponseContainerListCspApiToken,
    Vec<CspApiToken>
);
response_container!(
    /// `{status, response: CspApiTokenCreated}`.
    ResponseContainerCspApiTokenCreated,
    CspApiTokenCreated
);
