//! The API's routes, one module per API group (named after the generated client's `*Api` class).

pub(crate) mod account;
pub(crate) mod account_bulk;
pub(crate) mod api_token;
pub(crate) mod crest;
pub(crate) mod csp;
pub(crate) mod csp_manage;
pub(crate) mod daemon;
pub(crate) mod health;
pub(crate) mod invite;
pub(crate) mod password;
pub(crate) mod role;
pub(crate) mod search;
pub(crate) mod service_account;
pub(crate) mod session;
pub(crate) mod user;
pub(crate) mod user_account;
pub(crate) mod user_group;
pub(crate) mod wavefront;

use crest_auth::Operation;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_doc::ApiDoc;
use crate::auth::guarded;
use crate::state::AppState;

/// Every documented route with the operation that authorizes it: the route table.
pub(crate) fn api_routes() -> OpenApiRouter<AppState> {
    use utoipa::OpenApi as _;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(guarded(
            Operation::GetClusterInfo,
            routes!(wavefront::get_cluster_info),
        ))
        .routes(guarded(
            Operation::GetAllAccounts,
            routes!(account::get_all_accounts),
        ))
        .routes(guarded(
            Operation::GetAccount,
            routes!(account::get_account),
        ))
        .routes(guarded(
            Operation::GetAllUserAccounts,
            routes!(user_account::get_all_user_accounts),
        ))
        .routes(guarded(
            Operation::GetUsersWithAccountsPermission,
            routes!(user_account::get_users_with_accounts_permission),
        ))
        .routes(guarded(
            Operation::GetUserAccount,
            routes!(user_account::get_user_account),
        ))
        .routes(guarded(
            Operation::CreateOrUpdateUserAccount,
            routes!(user_account::create_or_update_user_account),
        ))
        .routes(guarded(
            Operation::DeleteAccount,
            routes!(account::delete_account),
        ))
        .routes(guarded(
            Operation::GrantAccountPermission,
            routes!(account::grant_account_permission),
        ))
        .routes(guarded(
            Operation::RevokeAccountPermission,
            routes!(account::revoke_account_permission),
        ))
        .routes(guarded(
            Operation::GetAllServiceAccounts,
            routes!(service_account::get_all_service_accounts),
        ))
        .routes(guarded(
            Operation::CreateServiceAccount,
            routes!(service_account::create_service_account),
        ))
        .routes(guarded(
            Operation::GetServiceAccount,
            routes!(service_account::get_service_account),
        ))
        .routes(guarded(
            Operation::UpdateServiceAccount,
            routes!(service_account::update_service_account),
        ))
        .routes(guarded(
            Operation::ActivateAccount,
            routes!(service_account::activate_account),
        ))
        .routes(guarded(
            Operation::DeactivateAccount,
            routes!(service_account::deactivate_account),
        ))
        .routes(guarded(
            Operation::GetTokensServiceAccount,
            routes!(api_token::get_tokens_service_account),
        ))
        .routes(guarded(
            Operation::GenerateTokenServiceAccount,
            routes!(api_token::generate_token_service_account),
        ))
        .routes(guarded(
            Operation::UpdateTokenNameServiceAccount,
            routes!(api_token::update_token_name_service_account),
        ))
        .routes(guarded(
            Operation::DeleteTokenServiceAccount,
            routes!(api_token::delete_token_service_account),
        ))
        .routes(guarded(
            Operation::GetAllTokens,
            routes!(api_token::get_all_tokens),
        ))
        .routes(guarded(
            Operation::CreateToken,
            routes!(api_token::create_token),
        ))
        .routes(guarded(
            Operation::UpdateTokenName,
            routes!(api_token::update_token_name),
        ))
        .routes(guarded(
            Operation::DeleteToken,
            routes!(api_token::delete_token),
        ))
        .routes(guarded(
            Operation::GetCustomerTokens,
            routes!(api_token::get_customer_tokens),
        ))
        .routes(guarded(
            Operation::GetCustomerToken,
            routes!(api_token::get_customer_token),
        ))
        .routes(guarded(
            Operation::DeleteCustomerToken,
            routes!(api_token::delete_customer_token),
        ))
        .routes(guarded(
            Operation::GetAllRoles,
            routes!(role::get_all_roles),
        ))
        .routes(guarded(Operation::CreateRole, routes!(role::create_role)))
        .routes(guarded(Operation::GetRole, routes!(role::get_role)))
        .routes(guarded(Operation::UpdateRole, routes!(role::update_role)))
        .routes(guarded(Operation::DeleteRole, routes!(role::delete_role)))
        .routes(guarded(
            Operation::AddAssignees,
            routes!(role::add_assignees),
        ))
        .routes(guarded(
            Operation::RemoveAssignees,
            routes!(role::remove_assignees),
        ))
        .routes(guarded(
            Operation::GrantPermissionToRoles,
            routes!(role::grant_permission_to_roles),
        ))
        .routes(guarded(
            Operation::RevokePermissionFromRoles,
            routes!(role::revoke_permission_from_roles),
        ))
        .routes(guarded(
            Operation::GetAllUserGroups,
            routes!(user_group::get_all_user_groups),
        ))
        .routes(guarded(
            Operation::CreateUserGroup,
            routes!(user_group::create_user_group),
        ))
        .routes(guarded(
            Operation::GetUserGroup,
            routes!(user_group::get_user_group),
        ))
        .routes(guarded(
            Operation::UpdateUserGroup,
            routes!(user_group::update_user_group),
        ))
        .routes(guarded(
            Operation::DeleteUserGroup,
            routes!(user_group::delete_user_group),
        ))
        .routes(guarded(
            Operation::AddUsersToUserGroup,
            routes!(user_group::add_users_to_user_group),
        ))
        .routes(guarded(
            Operation::RemoveUsersFromUserGroup,
            routes!(user_group::remove_users_from_user_group),
        ))
        .routes(guarded(
            Operation::AddRolesToUserGroup,
            routes!(user_group::add_roles_to_user_group),
        ))
        .routes(guarded(
            Operation::RemoveRolesFromUserGroup,
            routes!(user_group::remove_roles_from_user_group),
        ))
        .routes(guarded(
            Operation::GetAuditEvents,
            routes!(crest::get_audit_events),
        ))
        .routes(guarded(
            Operation::GetAllUsers,
            routes!(user::get_all_users),
        ))
        .routes(guarded(Operation::CreateUser, routes!(user::create_user)))
        .routes(guarded(Operation::GetUser, routes!(user::get_user)))
        .routes(guarded(Operation::DeleteUser, routes!(user::delete_user)))
        .routes(guarded(
            Operation::GrantUserPermission,
            routes!(user::grant_user_permission),
        ))
        .routes(guarded(
            Operation::RevokeUserPermission,
            routes!(user::revoke_user_permission),
        ))
        .routes(guarded(
            Operation::DeleteMultipleAccounts,
            routes!(account_bulk::delete_multiple_accounts),
        ))
        .routes(guarded(
            Operation::ValidateAccounts,
            routes!(account_bulk::validate_accounts),
        ))
        .routes(guarded(
            Operation::GrantPermissionToAccounts,
            routes!(account_bulk::grant_permission_to_accounts),
        ))
        .routes(guarded(
            Operation::RevokePermissionFromAccounts,
            routes!(account_bulk::revoke_permission_from_accounts),
        ))
        .routes(guarded(
            Operation::AddAccountToRoles,
            routes!(account_bulk::add_account_to_roles),
        ))
        .routes(guarded(
            Operation::RemoveAccountFromRoles,
            routes!(account_bulk::remove_account_from_roles),
        ))
        .routes(guarded(
            Operation::AddAccountToUserGroups,
            routes!(account_bulk::add_account_to_user_groups),
        ))
        .routes(guarded(
            Operation::RemoveAccountFromUserGroups,
            routes!(account_bulk::remove_account_from_user_groups),
        ))
        .routes(guarded(
            Operation::SearchAccountEntities,
            routes!(search::search_account_entities),
        ))
        .routes(guarded(
            Operation::SearchAccountEntities,
            routes!(search::search_account_for_facets),
        ))
        .routes(guarded(
            Operation::SearchAccountEntities,
            routes!(search::search_account_for_facet),
        ))
        .routes(guarded(
            Operation::SearchServiceAccountEntities,
            routes!(search::search_service_account_entities),
        ))
        .routes(guarded(
            Operation::SearchServiceAccountEntities,
            routes!(search::search_service_account_for_facets),
        ))
        .routes(guarded(
            Operation::SearchServiceAccountEntities,
            routes!(search::search_service_account_for_facet),
        ))
        .routes(guarded(
            Operation::SearchUserEntities,
            routes!(search::search_user_entities),
        ))
        .routes(guarded(
            Operation::SearchUserEntities,
            routes!(search::search_user_for_facets),
        ))
        .routes(guarded(
            Operation::SearchUserEntities,
            routes!(search::search_user_for_facet),
        ))
        .routes(guarded(
            Operation::SearchUserGroupEntities,
            routes!(search::search_user_group_entities),
        ))
        .routes(guarded(
            Operation::SearchUserGroupEntities,
            routes!(search::search_user_group_for_facets),
        ))
        .routes(guarded(
            Operation::SearchUserGroupEntities,
            routes!(search::search_user_group_for_facet),
        ))
        .routes(guarded(
            Operation::SearchRoleEntities,
            routes!(search::search_role_entities),
        ))
        .routes(guarded(
            Operation::SearchRoleEntities,
            routes!(search::search_role_for_facets),
        ))
        .routes(guarded(
            Operation::SearchRoleEntities,
            routes!(search::search_role_for_facet),
        ))
        .routes(guarded(
            Operation::SearchTokenEntities,
            routes!(search::search_token_entities),
        ))
        .routes(guarded(
            Operation::SearchTokenEntities,
            routes!(search::search_token_for_facets),
        ))
        .routes(guarded(
            Operation::SearchTokenEntities,
            routes!(search::search_token_for_facet),
        ))
        .routes(guarded(
            Operation::UpdateUserAccount,
            routes!(user_account::update_user_account),
        ))
        .routes(guarded(
            Operation::InviteUserAccounts,
            routes!(user_account::invite_user_accounts),
        ))
        .routes(guarded(
            Operation::GetAccountBusinessFunctions,
            routes!(account::get_account_business_functions),
        ))
        .routes(guarded(Operation::UpdateUser, routes!(user::update_user)))
        .routes(guarded(
            Operation::DeleteMultipleUsers,
            routes!(user::delete_multiple_users),
        ))
        .routes(guarded(
            Operation::GrantPermissionToUsers,
            routes!(user::grant_permission_to_users),
        ))
        .routes(guarded(
            Operation::RevokePermissionFromUsers,
            routes!(user::revoke_permission_from_users),
        ))
        .routes(guarded(Operation::InviteUsers, routes!(user::invite_users)))
        .routes(guarded(
            Operation::ValidateUsers,
            routes!(user::validate_users),
        ))
        .routes(guarded(
            Operation::AddUserToUserGroups,
            routes!(user::add_user_to_user_groups),
        ))
        .routes(guarded(
            Operation::RemoveUserFromUserGroups,
            routes!(user::remove_user_from_user_groups),
        ))
        .routes(guarded(
            Operation::GetUserBusinessFunctions,
            routes!(user::get_user_business_functions),
        ))
        .routes(guarded(Operation::GetInvites, routes!(invite::get_invites)))
        .routes(guarded(
            Operation::CreateInviteLink,
            routes!(invite::create_invite_link),
        ))
        .routes(guarded(
            Operation::ChangeOwnPassword,
            routes!(password::change_own_password),
        ))
        .routes(guarded(
            Operation::LogoutUser,
            routes!(session::logout_user),
        ))
        .routes(guarded(
            Operation::GetCspApps,
            routes!(csp_manage::get_csp_apps),
        ))
        .routes(guarded(
            Operation::CreateCspApp,
            routes!(csp_manage::create_csp_app),
        ))
        .routes(guarded(
            Operation::RegenerateCspAppSecret,
            routes!(csp_manage::regenerate_csp_app_secret),
        ))
        .routes(guarded(
            Operation::DeleteCspApp,
            routes!(csp_manage::delete_csp_app),
        ))
        .routes(guarded(
            Operation::GetCspApiTokens,
            routes!(csp_manage::get_csp_api_tokens),
        ))
        .routes(guarded(
            Operation::CreateCspApiToken,
            routes!(csp_manage::create_csp_api_token),
        ))
        .routes(guarded(
            Operation::RevokeCspApiToken,
            routes!(csp_manage::revoke_csp_api_token),
        ))
        // The identity service: its own credentials, its own error shape.
        .routes(routes!(csp::exchange_api_token))
        .routes(routes!(csp::exchange_client_credentials))
        .routes(routes!(csp::exchange_token))
        .routes(routes!(csp::token_public_key))
        .routes(routes!(csp::openid_configuration))
        // The invitation's secret is the credential; see the handler.
        .routes(routes!(invite::accept_invite))
        // Authenticates with `?token=` rather than a header; see the handler.
        .routes(routes!(daemon::daemon_test))
}
