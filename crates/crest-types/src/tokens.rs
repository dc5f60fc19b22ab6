//! API tokens as the API shows them: public ids in listings, the secret once.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::response_container;

/// Which kind of account holds a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountType {
    UserAccount,
    ServiceAccount,
    InactiveServiceAccount,
    CspUserAccount,
    CspAuthorizedUserAccount,
    CspServiceAccount,
    CspAuthorizedServiceAccount,
}

/// `UserApiToken`. `tokenID` is the token's public id, except in the one answer that created it,
/// where it is the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserApiToken {
    #[serde(rename = "tokenID")]
    pub token_id: String,
    #[serde(rename = "tokenName")]
    pub token_name: String,
    pub account: String,
    #[serde(rename = "accountType")]
    pub account_type: AccountType,
    #[serde(rename = "dateGenerated")]
    pub date_generated: i64,
    #[serde(rename = "lastUsed", default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<i64>,
}

/// What a client sends to name a token (`UserApiToken` with every field optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub struct UserApiTokenWrite {
    #[serde(rename = "tokenID", default)]
    pub token_id: Option<String>,
    #[serde(rename = "tokenName", default)]
    pub token_name: Option<String>,
}

response_container!(
    /// `ResponseContainerUserApiToken`.
    ResponseContainerUserApiToken,
    UserApiToken
);

response_container!(
    /// `ResponseContainerListUserApiToken`.
    ResponseContainerListUserApiToken,
    Vec<UserApiToken>
);

/// `ApiTokenModel`: a token as the organization-wide view lists it (public id only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenModel {
    pub id: String,
    pub name: String,
    pub account: String,
    pub account_type: AccountType,
    pub customer: String,
    pub created_epoch_millis: i64,
    pub date_generated: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<i64>,
}

response_container!(
    /// `ResponseContainerApiTokenModel`.
    ResponseContainerApiTokenModel,
    ApiTokenModel
);

response_container!(
    /// `ResponseContainerListApiTokenModel`.
    ResponseContainerListApiTokenModel,
    Vec<ApiTokenModel>
);

crate::paged_schema!(
    /// `PagedApiTokenModel`.
    PagedApiTokenModel,
    ApiTokenModel
);

response_container!(
    /// `ResponseContainerPagedApiTokenModel`.
    ResponseContainerPagedApiTokenModel,
    crate::paging::Paged<ApiTokenModel>,
    schema = PagedApiTokenModel
);
