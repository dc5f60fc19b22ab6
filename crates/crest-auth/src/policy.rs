//! Authorization: one table from operation to the permission it needs, checked in one place.

use crest_domain::account::AccountKind;
use crest_domain::permission::Permission;
use crest_domain::principal::Principal;

/// Every operation the API serves that needs a caller. The HTTP layer names one for each route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET /api/v2/cluster/info`.
    GetClusterInfo,
    /// `GET /api/v2/account`.
    GetAllAccounts,
    /// `GET /api/v2/account/{id}`.
    GetAccount,
    /// `DELETE /api/v2/account/{id}`.
    DeleteAccount,
    /// `POST /api/v2/account/{id}/grant/{permission}`.
    GrantAccountPermission,
    /// `POST /api/v2/account/{id}/revoke/{permission}`.
    RevokeAccountPermission,
    /// `GET /api/v2/account/serviceaccount`.
    GetAllServiceAccounts,
    /// `GET /api/v2/account/serviceaccount/{id}`.
    GetServiceAccount,
    /// `POST /api/v2/account/serviceaccount`.
    CreateServiceAccount,
    /// `PUT /api/v2/account/serviceaccount/{id}`.
    UpdateServiceAccount,
    /// `POST /api/v2/account/serviceaccount/{id}/activate`.
    ActivateAccount,
    /// `POST /api/v2/account/serviceaccount/{id}/deactivate`.
    DeactivateAccount,
    /// `GET /api/v2/apitoken/serviceaccount/{id}`.
    GetTokensServiceAccount,
    /// `POST /api/v2/apitoken/serviceaccount/{id}`.
    GenerateTokenServiceAccount,
    /// `PUT /api/v2/apitoken/serviceaccount/{id}/{token}`.
    UpdateTokenNameServiceAccount,
    /// `DELETE /api/v2/apitoken/serviceaccount/{id}/{token}`.
    DeleteTokenServiceAccount,
    /// `GET /api/v2/account/user`.
    GetAllUserAccounts,
    /// `GET /api/v2/account/user/{id}`.
    GetUserAccount,
    /// `POST /api/v2/account/user`.
    CreateOrUpdateUserAccount,
    /// `GET /api/v2/account/user/admin`.
    GetUsersWithAccountsPermission,
    /// `GET /api/v2/apitoken`: the caller's own tokens.
    GetAllTokens,
    /// `POST /api/v2/apitoken`: a new token for the caller (a user).
    CreateToken,
    /// `PUT /api/v2/apitoken/{id}`: rename one of the caller's tokens.
    UpdateTokenName,
    /// `DELETE /api/v2/apitoken/{id}`: revoke one of the caller's tokens.
    DeleteToken,
    /// `GET /api/v2/apitoken/customertokens`: every token of the organization.
    GetCustomerTokens,
    /// `GET /api/v2/apitoken/customertokens/{id}`.
    GetCustomerToken,
    /// `PUT /api/v2/apitoken/customertokens/revoke`: revoke any token of the organization.
    DeleteCustomerToken,
    /// `GET /api/v2/role`.
    GetAllRoles,
    /// `GET /api/v2/role/{id}`.
    GetRole,
    /// `POST /api/v2/role`.
    CreateRole,
    /// `PUT /api/v2/role/{id}`.
    UpdateRole,
    /// `DELETE /api/v2/role/{id}`.
    DeleteRole,
    /// `POST /api/v2/role/{id}/addAssignees`.
    AddAssignees,
    /// `POST /api/v2/role/{id}/removeAssignees`.
    RemoveAssignees,
    /// `POST /api/v2/role/grant/{permission}`.
    GrantPermissionToRoles,
    /// `POST /api/v2/role/revoke/{permission}`.
    RevokePermissionFromRoles,
    /// `GET /api/v2/usergroup`.
    GetAllUserGroups,
    /// `GET /api/v2/usergroup/{id}`.
    GetUserGroup,
    /// `POST /api/v2/usergroup`.
    CreateUserGroup,
    /// `PUT /api/v2/usergroup/{id}`.
    UpdateUserGroup,
    /// `DELETE /api/v2/usergroup/{id}`.
    DeleteUserGroup,
    /// `POST /api/v2/usergroup/{id}/addUsers`.
    AddUsersToUserGroup,
    /// `POST /api/v2/usergroup/{id}/removeUsers`.
    RemoveUsersFromUserGroup,
    /// `POST /api/v2/usergroup/{id}/addRoles`.
    AddRolesToUserGroup,
    /// `POST /api/v2/usergroup/{id}/removeRoles`.
    RemoveRolesFromUserGroup,
    /// `GET /api/crest/v1/audit`: the audit trail.
    GetAuditEvents,
    /// `GET /api/v2/user (deprecated User API)`.
    GetAllUsers,
    /// `GET /api/v2/user/{id}`.
    GetUser,
    /// `POST /api/v2/user`.
    CreateUser,
    /// `DELETE /api/v2/user/{id}`.
    DeleteUser,
    /// `POST /api/v2/user/{id}/grant (form: group=<permission>)`.
    GrantUserPermission,
    /// `POST /api/v2/user/{id}/revoke (form: group=<permission>)`.
    RevokeUserPermission,
    /// `POST /api/v2/account/deleteAccounts`.
    DeleteMultipleAccounts,
    /// `POST /api/v2/account/validateAccounts`.
    ValidateAccounts,
    /// `POST /api/v2/account/grant/{permission}`.
    GrantPermissionToAccounts,
    /// `POST /api/v2/account/revoke/{permission}`.
    RevokePermissionFromAccounts,
    /// `POST /api/v2/account/{id}/addRoles`.
    AddAccountToRoles,
    /// `POST /api/v2/account/{id}/removeRoles`.
    RemoveAccountFromRoles,
    /// `POST /api/v2/account/{id}/addUserGroups`.
    AddAccountToUserGroups,
    /// `POST /api/v2/account/{id}/removeUserGroups`.
    RemoveAccountFromUserGroups,
    /// `POST /api/v2/search/account`, with its `/facets` and `/{facet}` routes.
    SearchAccountEntities,
    /// `POST /api/v2/search/serviceaccount`, with its `/facets` and `/{facet}` routes.
    SearchServiceAccountEntities,
    /// `POST /api/v2/search/user`, with its `/facets` and `/{facet}` routes.
    SearchUserEntities,
    /// `POST /api/v2/search/usergroup`, with its `/facets` and `/{facet}` routes.
    SearchUserGroupEntities,
    /// `POST /api/v2/search/role`, with its `/facets` and `/{facet}` routes.
    SearchRoleEntities,
    /// `POST /api/v2/search/token`, with its `/facets` and `/{facet}` routes.
    SearchTokenEntities,
    /// `PUT /api/v2/account/user/{id}` (and `credential`: a password).
    UpdateUserAccount,
    /// `POST /api/v2/account/user/invite`.
    InviteUserAccounts,
    /// `GET /api/v2/account/{id}/businessFunctions`.
    GetAccountBusinessFunctions,
    /// `PUT /api/v2/user/{id}`.
    UpdateUser,
    /// `POST /api/v2/user/deleteUsers`.
    DeleteMultipleUsers,
    /// `POST /api/v2/user/grant/{permission}`.
    GrantPermissionToUsers,
    /// `POST /api/v2/user/revoke/{permission}`.
    RevokePermissionFromUsers,
    /// `POST /api/v2/user/invite`.
    InviteUsers,
    /// `POST /api/v2/user/validateUsers`.
    ValidateUsers,
    /// `POST /api/v2/user/{id}/addUserGroups`.
    AddUserToUserGroups,
    /// `POST /api/v2/user/{id}/removeUserGroups`.
    RemoveUserFromUserGroups,
    /// `GET /api/v2/user/{id}/businessFunctions`.
    GetUserBusinessFunctions,
    /// `GET /api/crest/v1/invites`.
    GetInvites,
    /// `POST /api/crest/v1/invites/{id}/link`.
    CreateInviteLink,
    /// `POST /api/crest/v1/password`: the caller's own password.
    ChangeOwnPassword,
    /// `POST /api/logout/{identifier}`: end a user's browser sessions (Super Admins only).
    LogoutUser,
    /// `GET /api/crest/v1/session`: the caller's browser session.
    GetSession,
    /// `DELETE /api/crest/v1/session`: sign out.
    EndSession,
    /// `POST /api/crest/v1/session/sign-out-everywhere`: end every session of the caller.
    EndAllSessions,
    /// `PUT /api/crest/v1/session/super-admin-mode`.
    SetSuperAdminMode,
    /// `GET /api/crest/v1/csp/apps`.
    GetCspApps,
    /// `POST /api/crest/v1/csp/apps`.
    CreateCspApp,
    /// `POST /api/crest/v1/csp/apps/{id}/secret`.
    RegenerateCspAppSecret,
    /// `DELETE /api/crest/v1/csp/apps/{id}`.
    DeleteCspApp,
    /// `GET /api/crest/v1/csp/tokens`: the caller's own.
    GetCspApiTokens,
    /// `POST /api/crest/v1/csp/tokens`: for the caller.
    CreateCspApiToken,
    /// `DELETE /api/crest/v1/csp/tokens/{id}`: one of the caller's.
    RevokeCspApiToken,
    /// `GET|POST /api/daemon/test`: may this token run a proxy?
    DaemonTest,
    /// `GET /api/v2/cloudintegration`.
    GetAllCloudIntegration,
    /// `GET /api/v2/cloudintegration/{id}`.
    GetCloudIntegration,
    /// `POST /api/v2/cloudintegration`.
    CreateCloudIntegration,
    /// `PUT /api/v2/cloudintegration/{id}`.
    UpdateCloudIntegration,
    /// `DELETE /api/v2/cloudintegration/{id}`: to the trash, or for good.
    DeleteCloudIntegration,
    /// `POST /api/v2/cloudintegration/{id}/undelete`.
    UndeleteCloudIntegration,
    /// `POST /api/v2/cloudintegration/{id}/enable`.
    EnableCloudIntegration,
    /// `POST /api/v2/cloudintegration/{id}/disable`.
    DisableCloudIntegration,
    /// `POST /api/v2/cloudintegration/awsExternalId`.
    CreateAwsExternalId,
    /// `GET /api/v2/cloudintegration/awsExternalId/{id}`.
    GetAwsExternalId,
    /// `DELETE /api/v2/cloudintegration/awsExternalId/{id}`.
    DeleteAwsExternalId,
    /// `POST /api/v2/search/cloudintegration`, with its `/facets` and `/{facet}` routes.
    SearchCloudIntegrationEntities,
    /// `POST /api/v2/search/cloudintegration/deleted`, with its `/facets` and `/{facet}` routes.
    SearchCloudIntegrationDeletedEntities,
    /// `GET /api/v2/source` (cursor-paged).
    GetAllSource,
    /// `GET /api/v2/source/{id}`.
    GetSource,
    /// `POST /api/v2/source`.
    CreateSource,
    /// `PUT /api/v2/source/{id}`.
    UpdateSource,
    /// `DELETE /api/v2/source/{id}`.
    DeleteSource,
    /// `POST /api/v2/source/{id}/description`.
    SetDescription,
    /// `DELETE /api/v2/source/{id}/description`.
    RemoveDescription,
    /// `GET /api/v2/source/{id}/tag`.
    GetSourceTags,
    /// `POST /api/v2/source/{id}/tag`: replaces every tag.
    SetSourceTags,
    /// `PUT /api/v2/source/{id}/tag/{tagValue}`.
    AddSourceTag,
    /// `DELETE /api/v2/source/{id}/tag/{tagValue}`.
    RemoveSourceTag,
    /// `POST /api/v2/search/source`, with its `/facets` and `/{facet}` routes.
    SearchTaggedSourceEntities,
}

impl Operation {
    /// Every operation, for tests that walk the table.
    pub const ALL: [Operation; 119] = [
        Self::GetClusterInfo,
        Self::GetAllAccounts,
        Self::GetAccount,
        Self::DeleteAccount,
        Self::GrantAccountPermission,
        Self::RevokeAccountPermission,
        Self::GetAllServiceAccounts,
        Self::GetServiceAccount,
        Self::CreateServiceAccount,
        Self::UpdateServiceAccount,
        Self::ActivateAccount,
        Self::DeactivateAccount,
        Self::GetTokensServiceAccount,
        Self::GenerateTokenServiceAccount,
        Self::UpdateTokenNameServiceAccount,
        Self::DeleteTokenServiceAccount,
        Self::GetAllUserAccounts,
        Self::GetUserAccount,
        Self::CreateOrUpdateUserAccount,
        Self::GetUsersWithAccountsPermission,
        Self::GetAllTokens,
        Self::CreateToken,
        Self::UpdateTokenName,
        Self::DeleteToken,
        Self::GetCustomerTokens,
        Self::GetCustomerToken,
        Self::DeleteCustomerToken,
        Self::GetAllRoles,
        Self::GetRole,
        Self::CreateRole,
        Self::UpdateRole,
        Self::DeleteRole,
        Self::AddAssignees,
        Self::RemoveAssignees,
        Self::GrantPermissionToRoles,
        Self::RevokePermissionFromRoles,
        Self::GetAllUserGroups,
        Self::GetUserGroup,
        Self::CreateUserGroup,
        Self::UpdateUserGroup,
        Self::DeleteUserGroup,
        Self::AddUsersToUserGroup,
        Self::RemoveUsersFromUserGroup,
        Self::AddRolesToUserGroup,
        Self::RemoveRolesFromUserGroup,
        Self::GetAuditEvents,
        Self::GetAllUsers,
        Self::GetUser,
        Self::CreateUser,
        Self::DeleteUser,
        Self::GrantUserPermission,
        Self::RevokeUserPermission,
        Self::DeleteMultipleAccounts,
        Self::ValidateAccounts,
        Self::GrantPermissionToAccounts,
        Self::RevokePermissionFromAccounts,
        Self::AddAccountToRoles,
        Self::RemoveAccountFromRoles,
        Self::AddAccountToUserGroups,
        Self::RemoveAccountFromUserGroups,
        Self::SearchAccountEntities,
        Self::SearchServiceAccountEntities,
        Self::SearchUserEntities,
        Self::SearchUserGroupEntities,
        Self::SearchRoleEntities,
        Self::SearchTokenEntities,
        Self::UpdateUserAccount,
        Self::InviteUserAccounts,
        Self::GetAccountBusinessFunctions,
        Self::UpdateUser,
        Self::DeleteMultipleUsers,
        Self::GrantPermissionToUsers,
        Self::RevokePermissionFromUsers,
        Self::InviteUsers,
        Self::ValidateUsers,
        Self::AddUserToUserGroups,
        Self::RemoveUserFromUserGroups,
        Self::GetUserBusinessFunctions,
        Self::GetInvites,
        Self::CreateInviteLink,
        Self::ChangeOwnPassword,
        Self::LogoutUser,
        Self::GetSession,
        Self::EndSession,
        Self::EndAllSessions,
        Self::SetSuperAdminMode,
        Self::GetCspApps,
        Self::CreateCspApp,
        Self::RegenerateCspAppSecret,
        Self::DeleteCspApp,
        Self::GetCspApiTokens,
        Self::CreateCspApiToken,
        Self::RevokeCspApiToken,
        Self::DaemonTest,
        Self::GetAllCloudIntegration,
        Self::GetCloudIntegration,
        Self::CreateCloudIntegration,
        Self::UpdateCloudIntegration,
        Self::DeleteCloudIntegration,
        Self::UndeleteCloudIntegration,
        Self::EnableCloudIntegration,
        Self::DisableCloudIntegration,
        Self::CreateAwsExternalId,
        Self::GetAwsExternalId,
        Self::DeleteAwsExternalId,
        Self::SearchCloudIntegrationEntities,
        Self::SearchCloudIntegrationDeletedEntities,
        Self::GetAllSource,
        Self::GetSource,
        Self::CreateSource,
        Self::UpdateSource,
        Self::DeleteSource,
        Self::SetDescription,
        Self::RemoveDescription,
        Self::GetSourceTags,
        Self::SetSourceTags,
        Self::AddSourceTag,
        Self::RemoveSourceTag,
        Self::SearchTaggedSourceEntities,
    ];
}

/// What a principal needs for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Any authenticated caller.
    Authenticated,
    /// Reading what the product lets every user browse: user accounts may; service accounts only
    /// when they hold the permission that governs the data (their default is no browsing).
    Browse(Permission),
    /// The caller must hold this permission.
    Permission(Permission),
    /// The caller must be a Super Admin (whose API tokens carry Super Admin mode).
    SuperAdmin,
}

/// The table.
pub const fn requirement(op: Operation) -> Requirement {
    use Operation as Op;
    match op {
        // A caller's own tokens stay manageable without API Tokens (tokens made before that
        // permission existed kept working); making a new one needs it.
        Op::GetClusterInfo
        | Op::GetAllTokens
        | Op::UpdateTokenName
        | Op::DeleteToken
        | Op::ChangeOwnPassword
        // A signed-in person manages their own session (Super Admin mode is checked by account).
        | Op::GetSession
        | Op::EndSession
        | Op::EndAllSessions
        | Op::SetSuperAdminMode
        // Organization API tokens are a user's own, with scopes within the user's roles.
        | Op::GetCspApiTokens
        | Op::CreateCspApiToken
        | Op::RevokeCspApiToken
        // Anyone who can sign in sees integrations and sources, as every user of the product could.
        | Op::GetAllCloudIntegration
        | Op::GetCloudIntegration
        | Op::SearchCloudIntegrationEntities
        | Op::SearchCloudIntegrationDeletedEntities
        | Op::GetAllSource
        | Op::GetSource
        | Op::GetSourceTags
        | Op::SearchTaggedSourceEntities => Requirement::Authenticated,
        Op::CreateToken => Requirement::Permission(Permission::TokenManagement),
        Op::GetAllAccounts
        | Op::GetAccount
        | Op::GetAllServiceAccounts
        | Op::GetServiceAccount
        | Op::GetAllUserAccounts
        | Op::GetUserAccount
        | Op::GetUsersWithAccountsPermission
        | Op::GetAllRoles
        | Op::GetRole
        | Op::GetAllUserGroups
        | Op::GetUserGroup
        | Op::GetAllUsers
        | Op::GetUser
        | Op::ValidateAccounts
        | Op::SearchAccountEntities
        | Op::SearchServiceAccountEntities
        | Op::SearchUserEntities
        | Op::SearchUserGroupEntities
        | Op::SearchRoleEntities
        | Op::GetAccountBusinessFunctions
        | Op::ValidateUsers
        | Op::GetUserBusinessFunctions => Requirement::Browse(Permission::UserManagement),
        // Managing accounts and every service account's tokens is the Accounts permission.
        Op::DeleteAccount
        | Op::GrantAccountPermission
        | Op::RevokeAccountPermission
        | Op::CreateServiceAccount
        | Op::UpdateServiceAccount
        | Op::ActivateAccount
        | Op::DeactivateAccount
        | Op::GetTokensServiceAccount
        | Op::GenerateTokenServiceAccount
        | Op::UpdateTokenNameServiceAccount
        | Op::DeleteTokenServiceAccount
        | Op::CreateOrUpdateUserAccount
        | Op::GetCustomerTokens
        | Op::GetCustomerToken
        | Op::DeleteCustomerToken
        | Op::CreateRole
        | Op::UpdateRole
        | Op::DeleteRole
        | Op::AddAssignees
        | Op::RemoveAssignees
        | Op::GrantPermissionToRoles
        | Op::RevokePermissionFromRoles
        | Op::CreateUserGroup
        | Op::UpdateUserGroup
        | Op::DeleteUserGroup
        | Op::AddUsersToUserGroup
        | Op::RemoveUsersFromUserGroup
        | Op::AddRolesToUserGroup
        | Op::RemoveRolesFromUserGroup
        | Op::GetAuditEvents
        | Op::CreateUser
        | Op::DeleteUser
        | Op::GrantUserPermission
        | Op::RevokeUserPermission
        | Op::DeleteMultipleAccounts
        | Op::GrantPermissionToAccounts
        | Op::RevokePermissionFromAccounts
        | Op::AddAccountToRoles
        | Op::RemoveAccountFromRoles
        | Op::AddAccountToUserGroups
        | Op::RemoveAccountFromUserGroups
        | Op::SearchTokenEntities
        | Op::UpdateUserAccount
        | Op::InviteUserAccounts
        | Op::UpdateUser
        | Op::DeleteMultipleUsers
        | Op::GrantPermissionToUsers
        | Op::RevokePermissionFromUsers
        | Op::InviteUsers
        | Op::AddUserToUserGroups
        | Op::RemoveUserFromUserGroups
        | Op::GetInvites
        | Op::CreateInviteLink
        | Op::GetCspApps
        | Op::CreateCspApp
        | Op::RegenerateCspAppSecret
        | Op::DeleteCspApp => Requirement::Permission(Permission::UserManagement),
        // Cloud integrations are managed with the Proxies permission.
        Op::DaemonTest
        | Op::CreateCloudIntegration
        | Op::UpdateCloudIntegration
        | Op::DeleteCloudIntegration
        | Op::UndeleteCloudIntegration
        | Op::EnableCloudIntegration
        | Op::DisableCloudIntegration
        | Op::CreateAwsExternalId
        | Op::GetAwsExternalId
        | Op::DeleteAwsExternalId => Requirement::Permission(Permission::AgentManagement),
        Op::CreateSource
        | Op::UpdateSource
        | Op::DeleteSource
        | Op::SetDescription
        | Op::RemoveDescription
        | Op::SetSourceTags
        | Op::AddSourceTag
        | Op::RemoveSourceTag => {
            Requirement::Permission(Permission::HostTagManagement)
        }
        Op::LogoutUser => Requirement::SuperAdmin,
    }
}

impl Operation {
    /// The operation's name in the API (`grantAccountPermission`), as the audit trail records it.
    pub fn api_name(self) -> String {
        let debug = format!("{self:?}");
        let mut chars = debug.chars();
        chars
            .next()
            .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
            .unwrap_or_default()
    }

    /// Whether the operation changes anything; those are written to the audit trail.
    pub const fn changes_state(self) -> bool {
        use Operation as Op;
        !matches!(
            self,
            Op::GetClusterInfo
                | Op::GetAllAccounts
                | Op::GetAccount
                | Op::GetAllServiceAccounts
                | Op::GetServiceAccount
                | Op::GetTokensServiceAccount
                | Op::GetAllUserAccounts
                | Op::GetUserAccount
                | Op::GetUsersWithAccountsPermission
                | Op::GetAllTokens
                | Op::GetCustomerTokens
                | Op::GetCustomerToken
                | Op::GetAllRoles
                | Op::GetRole
                | Op::GetAllUserGroups
                | Op::GetUserGroup
                | Op::GetAuditEvents
                | Op::GetAllUsers
                | Op::GetUser
                | Op::ValidateAccounts
                | Op::SearchAccountEntities
                | Op::SearchServiceAccountEntities
                | Op::SearchUserEntities
                | Op::SearchUserGroupEntities
                | Op::SearchRoleEntities
                | Op::SearchTokenEntities
                | Op::GetAccountBusinessFunctions
                | Op::ValidateUsers
                | Op::GetUserBusinessFunctions
                | Op::GetInvites
                | Op::GetCspApps
                | Op::GetCspApiTokens
                | Op::GetSession
                | Op::DaemonTest
                | Op::GetAllCloudIntegration
                | Op::GetCloudIntegration
                | Op::SearchCloudIntegrationEntities
                | Op::SearchCloudIntegrationDeletedEntities
                | Op::GetAllSource
                | Op::GetSource
                | Op::GetSourceTags
                | Op::SearchTaggedSourceEntities
                | Op::GetAwsExternalId
        )
    }

    /// Path parameters that may hold a token's secret (tokens are named by public id or secret),
    /// and so never reach the audit trail.
    pub const fn secret_bearing_params(self) -> &'static [&'static str] {
        match self {
            Operation::UpdateTokenName | Operation::DeleteToken | Operation::GetCustomerToken => {
                &["id", "token"]
            }
            _ => &["token"],
        }
    }
}

/// Proof that a principal may run one operation; handlers receive this, never a bare principal.
#[derive(Debug, Clone)]
pub struct Authorized {
    principal: Principal,
    operation: Operation,
}

impl Authorized {
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn operation(&self) -> Operation {
        self.operation
    }
}

/// The principal lacks what the operation needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{account} lacks the {needed} permission")]
pub struct Denied {
    pub account: String,
    pub needed: &'static str,
}

/// The one check.
pub fn authorize(principal: Principal, operation: Operation) -> Result<Authorized, Denied> {
    let allowed = match requirement(operation) {
        Requirement::Authenticated => true,
        Requirement::Browse(p) => principal.kind == AccountKind::User || principal.has(p),
        Requirement::Permission(p) => principal.has(p),
        Requirement::SuperAdmin => principal.super_admin,
    };
    if allowed {
        Ok(Authorized {
            principal,
            operation,
        })
    } else {
        let needed = match requirement(operation) {
            Requirement::Browse(p) | Requirement::Permission(p) => p.product_name(),
            Requirement::Authenticated => "authenticated",
            Requirement::SuperAdmin => "Super Admin",
        };
        Err(Denied {
            account: principal.account.to_string(),
            needed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_domain::account::AccountId;
    use crest_domain::permission::PermissionSet;
    use proptest::prelude::*;

    const OPS: [Operation; 119] = Operation::ALL;

    fn principal(kind: AccountKind, permissions: PermissionSet) -> Principal {
        Principal {
            account: AccountId::from_trusted("someone@example.com".into()),
            kind,
            permissions,
            super_admin: false,
            super_admin_mode_off: false,
            token: None,
        }
    }

    proptest! {
        /// A small model of the rules: the server's check agrees with it for every principal.
        #[test]
        fn authorize_matches_the_model(bits in proptest::collection::vec(any::<bool>(), 17),
                                       user in any::<bool>(), op in 0usize..OPS.len()) {
            let perms: PermissionSet = Permission::ALL.iter().zip(&bits)
                .filter(|(_, b)| **b).map(|(p, _)| *p).collect();
            let kind = if user { AccountKind::User } else { AccountKind::ServiceAccount };
            let op = OPS[op];
            let accounts = perms.contains(Permission::UserManagement);
            let expected = match op {
                Operation::GetClusterInfo
                | Operation::GetAllTokens
                | Operation::UpdateTokenName
                | Operation::DeleteToken
                | Operation::ChangeOwnPassword
                | Operation::GetSession
                | Operation::EndSession
                | Operation::EndAllSessions
                | Operation::SetSuperAdminMode
                | Operation::GetCspApiTokens
                | Operation::CreateCspApiToken
                | Operation::RevokeCspApiToken
                | Operation::GetAllCloudIntegration
                | Operation::GetCloudIntegration
                | Operation::SearchCloudIntegrationEntities
                | Operation::SearchCloudIntegrationDeletedEntities
                | Operation::GetAllSource
                | Operation::GetSource
                | Operation::GetSourceTags
                | Operation::SearchTaggedSourceEntities => true,
                Operation::CreateToken => perms.contains(Permission::TokenManagement),
                Operation::GetAllAccounts
                | Operation::GetAccount
                | Operation::GetAllServiceAccounts
                | Operation::GetServiceAccount
                | Operation::GetAllUserAccounts
                | Operation::GetUserAccount
                | Operation::GetUsersWithAccountsPermission
                | Operation::GetAllRoles
                | Operation::GetRole
                | Operation::GetAllUserGroups
                | Operation::GetUserGroup
                | Operation::GetAllUsers
                | Operation::GetUser
                | Operation::ValidateAccounts
                | Operation::SearchAccountEntities
                | Operation::SearchServiceAccountEntities
                | Operation::SearchUserEntities
                | Operation::SearchUserGroupEntities
                | Operation::SearchRoleEntities
                | Operation::GetAccountBusinessFunctions
                | Operation::ValidateUsers
                | Operation::GetUserBusinessFunctions => user || accounts,
                Operation::GetAuditEvents => accounts,
                Operation::DaemonTest
                | Operation::CreateCloudIntegration
                | Operation::UpdateCloudIntegration
                | Operation::DeleteCloudIntegration
                | Operation::UndeleteCloudIntegration
                | Operation::EnableCloudIntegration
                | Operation::DisableCloudIntegration
                | Operation::CreateAwsExternalId
                | Operation::GetAwsExternalId
                | Operation::DeleteAwsExternalId => perms.contains(Permission::AgentManagement),
                Operation::CreateSource
                | Operation::UpdateSource
                | Operation::DeleteSource
                | Operation::SetDescription
                | Operation::RemoveDescription
                | Operation::SetSourceTags
                | Operation::AddSourceTag
                | Operation::RemoveSourceTag => perms.contains(Permission::HostTagManagement),
                Operation::LogoutUser => false,
                _ => accounts,
            };
            prop_assert_eq!(authorize(principal(kind, perms), op).is_ok(), expected);
        }
    }

    #[test]
    fn every_permission_satisfies_everything_but_super_admin_operations() {
        for op in OPS {
            let all = principal(AccountKind::ServiceAccount, PermissionSet::all());
            assert_eq!(
                authorize(all, op).is_ok(),
                requirement(op) != Requirement::SuperAdmin,
                "{op:?}"
            );
            let super_admin = Principal {
                super_admin: true,
                super_admin_mode_off: false,
                ..principal(AccountKind::User, PermissionSet::all())
            };
            assert!(authorize(super_admin, op).is_ok(), "{op:?}");
        }
    }
}
