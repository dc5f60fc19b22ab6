//! Accounts: users, service accounts, the groups and roles they belong to.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::paging::Paged;
use crate::response_container;
use crate::tokens::UserApiToken;

/// `Account`: a user or service account as the unified account API lists it.
///
/// `groups` holds the account's direct permissions (the API's historical name for them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub identifier: String,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    pub user_groups: Vec<String>,
    pub united_permissions: Vec<String>,
    pub united_roles: Vec<String>,
}

crate::paged_schema!(
    /// `PagedAccount`.
    PagedAccount,
    Account
);

response_container!(
    /// `ResponseContainerPagedAccount`.
    ResponseContainerPagedAccount,
    Paged<Account>,
    schema = PagedAccount
);

response_container!(
    /// `ResponseContainerAccount`.
    ResponseContainerAccount,
    Account
);

/// `UserGroupPropertiesDTO`: what may be changed about a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupPropertiesDTO {
    pub name_editable: bool,
    pub roles_editable: bool,
    pub users_editable: bool,
}

/// `RoleDTO`: a named set of permissions, and where it is assigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleDTO {
    pub id: String,
    pub name: String,
    pub description: String,
    pub customer: String,
    pub permissions: Vec<String>,
    pub created_epoch_millis: i64,
    pub last_updated_ms: i64,
    pub last_updated_account_id: String,
    pub linked_accounts_count: u64,
    pub linked_groups_count: u64,
    pub sample_linked_accounts: Vec<String>,
    #[schema(no_recursion)]
    pub sample_linked_groups: Vec<UserGroup>,
}

/// `RoleCreateDTO`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleCreateDTO {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// `RoleUpdateDTO`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleUpdateDTO {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

response_container!(
    /// `ResponseContainerRoleDTO`.
    ResponseContainerRoleDTO,
    RoleDTO
);

crate::paged_schema!(
    /// `PagedRoleDTO`.
    PagedRoleDTO,
    RoleDTO
);

response_container!(
    /// `ResponseContainerPagedRoleDTO`.
    ResponseContainerPagedRoleDTO,
    Paged<RoleDTO>,
    schema = PagedRoleDTO
);

/// `UserGroupModel`: a group with its roles and members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupModel {
    pub id: String,
    pub name: String,
    pub description: String,
    pub customer: String,
    pub created_epoch_millis: i64,
    pub properties: UserGroupPropertiesDTO,
    pub roles: Vec<RoleDTO>,
    pub role_count: u64,
    pub users: Vec<String>,
    pub user_count: u64,
}

/// `UserGroupWrite`: what a client sends to create or update a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupWrite {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "roleIDs")]
    pub role_ids: Option<Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

response_container!(
    /// `ResponseContainerUserGroupModel`.
    ResponseContainerUserGroupModel,
    UserGroupModel
);

crate::paged_schema!(
    /// `PagedUserGroupModel`.
    PagedUserGroupModel,
    UserGroupModel
);

response_container!(
    /// `ResponseContainerPagedUserGroupModel`.
    ResponseContainerPagedUserGroupModel,
    Paged<UserGroupModel>,
    schema = PagedUserGroupModel
);

/// `UserGroup`: a group as an account's listing embeds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub customer: String,
    pub properties: UserGroupPropertiesDTO,
    pub roles: Vec<RoleDTO>,
}

/// `ServiceAccount`: a service account as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    pub identifier: String,
    pub active: bool,
    pub description: String,
    /// The account's direct permissions.
    pub groups: Vec<String>,
    pub roles: Vec<RoleDTO>,
    pub tokens: Vec<UserApiToken>,
    pub united_permissions: Vec<String>,
    pub united_roles: Vec<String>,
    pub user_groups: Vec<UserGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<i64>,
}

/// `ServiceAccountWrite`: what a client sends to create or update a service account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountWrite {
    pub identifier: String,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    /// Direct permissions.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
    /// Role ids.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// Group ids.
    #[serde(default)]
    pub user_groups: Option<Vec<String>>,
    #[serde(default)]
    pub tokens: Option<Vec<String>>,
}

/// `UserModel`: the bare (unenveloped) answer of the user-centred account operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserModel {
    pub identifier: String,
    pub customer: String,
    /// The account's direct permissions.
    pub groups: Vec<String>,
    pub user_groups: Vec<UserGroup>,
    pub roles: Vec<RoleDTO>,
}

response_container!(
    /// `ResponseContainerServiceAccount`.
    ResponseContainerServiceAccount,
    ServiceAccount
);

response_container!(
    /// `ResponseContainerListServiceAccount`.
    ResponseContainerListServiceAccount,
    Vec<ServiceAccount>
);

/// `UserDTO`: a user as the list of user accounts shows it (the fields of `UserModel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserDTO {
    pub identifier: String,
    pub customer: String,
    pub groups: Vec<String>,
    pub user_groups: Vec<UserGroup>,
    pub roles: Vec<RoleDTO>,
}

impl From<UserModel> for UserDTO {
    fn from(u: UserModel) -> Self {
        Self {
            identifier: u.identifier,
            customer: u.customer,
            groups: u.groups,
            user_groups: u.user_groups,
            roles: u.roles,
        }
    }
}

response_container!(
    /// `ResponseContainerListUserDTO`.
    ResponseContainerListUserDTO,
    Vec<UserDTO>
);

/// `UserToCreate`: a new user account and what it may do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserToCreate {
    pub email_address: String,
    /// Direct permissions.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Group ids.
    #[serde(default)]
    pub user_groups: Vec<String>,
    /// Role ids.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
}

/// `ValidatedUsersDTO`: which of the named accounts exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidatedUsersDTO {
    pub valid_users: Vec<UserDTO>,
    pub invalid_identifiers: Vec<String>,
}

response_container!(
    /// `ResponseContainerValidatedUsersDTO`.
    ResponseContainerValidatedUsersDTO,
    ValidatedUsersDTO
);

crate::paged_schema!(
    /// `PagedServiceAccount`.
    PagedServiceAccount,
    ServiceAccount
);

response_container!(
    /// `ResponseContainerPagedServiceAccount`.
    ResponseContainerPagedServiceAccount,
    Paged<ServiceAccount>,
    schema = PagedServiceAccount
);

/// `CustomerFacingUserObject`: a user as user search returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerFacingUserObject {
    pub id: String,
    pub identifier: String,
    pub customer: String,
    /// Whether this user is the caller.
    #[serde(rename = "self")]
    pub is_self: bool,
    pub escaped_identifier: String,
    pub groups: Vec<String>,
    pub user_groups: Vec<String>,
    pub united_permissions: Vec<String>,
    pub united_roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_successful_login: Option<i64>,
}

crate::paged_schema!(
    /// `PagedCustomerFacingUserObject`.
    PagedCustomerFacingUserObject,
    CustomerFacingUserObject
);

response_container!(
    /// `ResponseContainerPagedCustomerFacingUserObject`.
    ResponseContainerPagedCustomerFacingUserObject,
    Paged<CustomerFacingUserObject>,
    schema = PagedCustomerFacingUserObject
);

/// `UserRequestDTO`: changes to a user; each part given replaces what the user has. `credential`
/// sets the user's password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserRequestDTO {
    #[serde(default)]
    pub identifier: Option<String>,
    /// A new password; never echoed, never logged.
    #[serde(default)]
    pub credential: Option<String>,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub sso_id: Option<String>,
    /// Direct permissions.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
    /// Role ids.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// Group ids.
    #[serde(default)]
    pub user_groups: Option<Vec<String>>,
}

impl std::fmt::Debug for UserRequestDTO {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRequestDTO")
            .field("identifier", &self.identifier)
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "<redacted>"),
            )
            .field("groups", &self.groups)
            .field("roles", &self.roles)
            .field("user_groups", &self.user_groups)
            .finish_non_exhaustive()
    }
}
